/**
 * lib/keys/base32.ts: RFC 4648 base32, lower case, unpadded, and canonical:
 * every byte string has exactly one text, and no other text decodes.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBase32, encodeBase32 } from '../../lib/keys/base32.js';
import { utf8 } from '../../lib/bytes.js';

// RFC 4648 §10 test vectors, in lower case with the padding removed.
const RFC4648_VECTORS: [string, string][] = [
  ['', ''],
  ['f', 'my'],
  ['fo', 'mzxq'],
  ['foo', 'mzxw6'],
  ['foob', 'mzxw6yq'],
  ['fooba', 'mzxw6ytb'],
  ['foobar', 'mzxw6ytboi'],
];

describe('base32 (lib/keys/base32.ts)', () => {
  it('encodes and decodes the RFC 4648 §10 vectors', () => {
    for (const [plain, encoded] of RFC4648_VECTORS) {
      expect(encodeBase32(utf8(plain))).to.equal(encoded);
      expect(decodeBase32(encoded)).to.deep.equal(utf8(plain));
    }
  });

  it('refuses upper case, padding, and characters outside the alphabet', () => {
    for (const text of ['MY', 'mY', 'my======', 'm1', 'm0', 'm8', 'm9', 'my ', 'mé']) expect(decodeBase32(text), text).to.equal(undefined);
  });

  it('refuses lengths that leave five or more spare bits', () => {
    for (const text of ['m', 'mzx', 'mzxw6y']) expect(decodeBase32(text), text).to.equal(undefined);
  });

  it('refuses non-zero spare bits, so each byte string has one text', () => {
    // "f" is "my"; "mz" carries the same byte with a spare bit set.
    expect(decodeBase32('mz')).to.equal(undefined);
    expect(decodeBase32('mzxr')).to.equal(undefined);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(decodeBase32(encodeBase32(bytes))).to.deep.equal(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a text only when re-encoding gives back that very text', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 20 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (candidate) => {
        const decoded = decodeBase32(candidate);
        if (decoded !== undefined) expect(encodeBase32(decoded)).to.equal(candidate);
      }),
      { numRuns: 500 },
    );
  });
});
