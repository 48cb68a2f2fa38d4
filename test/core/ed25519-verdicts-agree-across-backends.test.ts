import { expect } from 'chai';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { SMALL_ORDER_ENCODINGS, isAcceptablePublicKey } from '../../lib/crypto/ed25519-rules.js';
import { nobleBackend } from '../../lib/crypto/noble.js';
import { nodeBackend } from '../../lib/crypto/node.js';

const backends = [nodeBackend, nobleBackend];
const message = new TextEncoder().encode('cardseal');
const ORDER = ed25519.Point.Fn.ORDER;
// An order-8 point of the curve (its y has a well-known encoding; the test checks the order).
const TORSION = ed25519.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');

function littleEndianToNumber(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function numberToLittleEndian(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

describe('Ed25519 verdicts agree across backends', () => {
  it('the torsion point used below really has order 8', () => {
    expect(TORSION.multiply(4n).is0()).to.equal(false);
    expect(TORSION.multiply(8n).is0()).to.equal(true);
  });

  it('the listed small-order encodings are exactly those of the eight points of order dividing 8', () => {
    const torsion = Array.from({ length: 8 }, (_, i) => Buffer.from(TORSION.multiply(BigInt(i + 1)).toBytes()).toString('hex'));
    expect([...new Set(torsion)].sort()).to.deep.equal([...SMALL_ORDER_ENCODINGS].sort());
  });

  /** The rule as noble states it: strict decoding, then not of small order. */
  function nobleAccepts(bytes: Uint8Array): boolean | undefined {
    try {
      return !ed25519.Point.fromBytes(bytes, false).isSmallOrder();
    } catch {
      return undefined;
    }
  }

  it('the key check gives noble’s verdict on every encoding of a curve point, and refuses y ≥ p', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt({ min: 1n, max: ORDER - 1n }), fc.integer({ min: 0, max: 7 }), (random, scalar, torsion) => {
        // A random point, with a random small-order part, encoded canonically.
        const point = ed25519.Point.BASE.multiply(scalar).add(TORSION.multiply(BigInt(torsion + 1)));
        expect(isAcceptablePublicKey(point.toBytes())).to.equal(nobleAccepts(point.toBytes()));
        // Random bytes: where noble decodes them, the verdicts agree; where it refuses them for y ≥ p, so does the check.
        const verdict = nobleAccepts(random);
        const y = littleEndianToNumber(random) & ((1n << 255n) - 1n);
        if (verdict !== undefined) expect(isAcceptablePublicKey(random)).to.equal(verdict);
        else if (y >= 2n ** 255n - 19n) expect(isAcceptablePublicKey(random)).to.equal(false);
      }),
      { numRuns: 300 },
    );
    for (const hex of SMALL_ORDER_ENCODINGS) expect(isAcceptablePublicKey(Buffer.from(hex, 'hex')), hex).to.equal(false);
  });

  it('an honest signature verifies on both, and a flipped bit fails on both', () => {
    const seed = new Uint8Array(32).fill(7);
    const publicKey = nodeBackend.ed25519PublicKey(seed);
    const signature = nodeBackend.ed25519Sign(seed, message);
    expect(nobleBackend.ed25519Sign(seed, message)).to.deep.equal(signature);
    for (const backend of backends) expect(backend.ed25519Verify(publicKey, message, signature), backend.name).to.equal(true);
    signature[10]! ^= 1;
    for (const backend of backends) expect(backend.ed25519Verify(publicKey, message, signature), backend.name).to.equal(false);
  });

  it('a small-order public key "signs" nothing on either backend', () => {
    // A = identity, R = identity, S = 0 satisfies the equation for every message.
    const identity = ed25519.Point.ZERO.toBytes();
    const signature = new Uint8Array(64);
    signature.set(identity, 0);
    for (const publicKey of [identity, TORSION.toBytes()]) {
      for (const backend of backends) expect(backend.ed25519Verify(publicKey, message, signature), backend.name).to.equal(false);
    }
  });

  it('a non-canonical public key encoding (y = p + 1) is refused on both', () => {
    const nonCanonical = new Uint8Array(32).fill(0xff);
    nonCanonical[0] = 0xee;
    nonCanonical[31] = 0x7f;
    const signature = new Uint8Array(64);
    signature.set(ed25519.Point.ZERO.toBytes(), 0);
    for (const backend of backends) expect(backend.ed25519Verify(nonCanonical, message, signature), backend.name).to.equal(false);
  });

  it('a signature whose R has a small-order part gets the same (cofactored) verdict on both', () => {
    const seed = new Uint8Array(32).fill(9);
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
    const r = 123456789n;
    const R = ed25519.Point.BASE.multiply(r).add(TORSION).toBytes();
    const k = littleEndianToNumber(sha512(new Uint8Array([...R, ...pointBytes, ...message]))) % ORDER;
    const S = (r + k * scalar) % ORDER;
    const signature = new Uint8Array([...R, ...numberToLittleEndian(S)]);
    const verdicts = backends.map((backend) => backend.ed25519Verify(pointBytes, message, signature));
    expect(verdicts).to.deep.equal([true, true]);
  });
});
