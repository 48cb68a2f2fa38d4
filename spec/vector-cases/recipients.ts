/**
 * Files whose header is well formed but whose recipient lookup or header MAC
 * fails: low-order or non-canonical ephemeral shares, no entry for the key,
 * a tampered entry, and altered headers or MACs (spec/format.md §5, §6,
 * rules 8–10 of §7.4).
 */
import { concatBytes } from '../../lib/bytes.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { encodeHeader } from '../../lib/format/header.js';
import { PREFIX_LENGTH } from '../../lib/format/prefix.js';
import { wrapForX25519 } from '../../lib/recipients/x25519.js';
import { type FixedFile, type VectorCase, encryptFixed, fixedBytes, entryOf, fixedKey, flipByte, headerOf, splitFile, withHeader } from './fixtures.js';

const alice = fixedKey('alice');
const bob = fixedKey('bob');

const FIELD_PRIME = 2n ** 255n - 19n;

/** `value` as 32 little-endian bytes, the X25519 u-coordinate encoding (RFC 7748 §5). */
function littleEndian(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The canonical u-coordinates of the points of order 1, 2, 4 and 8 and of p − 1 (RFC 7748 §6.1 lists why they matter). */
const LOW_ORDER_POINTS: [name: string, what: string, u: bigint][] = [
  ['zero', 'u = 0', 0n],
  ['one', 'u = 1', 1n],
  ['order-8-a', 'u = 3256062509…3504, a point of order 8', 325606250916557431795983626356110631294008115727848805560023387167927233504n],
  ['order-8-b', 'u = 3938235723…5823, a point of order 8', 39382357235489614581723060781553021112529911719440698176882885853963445705823n],
  ['p-minus-one', 'u = p − 1', FIELD_PRIME - 1n],
];

function withEphemeral(base: FixedFile, ephemeral: Uint8Array): Uint8Array {
  const header = headerOf(base.file);
  return withHeader(base, encodeHeader({ ...header, x25519: { ephemeral, entries: header.x25519!.entries } }));
}

function ephemeralCases(base: FixedFile): VectorCase[] {
  const ephemeral = headerOf(base.file).x25519!.ephemeral;
  const cases: VectorCase[] = LOW_ORDER_POINTS.map(([name, what, u]) => ({
    name: `low-order-ephemeral-${name}`,
    description: `the ephemeral share is the low-order point ${what}: the X25519 output is all zero`,
    expect: 'ERR_HEADER_LOW_ORDER',
    key: alice,
    file: withEphemeral(base, littleEndian(u)),
  }));
  const highBit = ephemeral.slice();
  highBit[31]! |= 0x80;
  cases.push(
    {
      name: 'ephemeral-non-canonical-p',
      description: 'the ephemeral share is p = 2^255 − 19 itself, a non-canonical encoding of u = 0',
      expect: 'ERR_HEADER_LOW_ORDER', key: alice, file: withEphemeral(base, littleEndian(FIELD_PRIME)),
    },
    {
      name: 'ephemeral-non-canonical-high-bit',
      description: 'the real ephemeral share with its top bit set: RFC 7748 would mask the bit and agree, but cardseal refuses u ≥ p',
      expect: 'ERR_HEADER_LOW_ORDER', key: alice, file: withEphemeral(base, highBit),
    },
  );
  return cases;
}

function lookupCases(base: FixedFile, pair: FixedFile): VectorCase[] {
  const header = headerOf(base.file);
  const [entry] = header.x25519!.entries;
  const pairHeader = headerOf(pair.file);
  const [first, second] = pairHeader.x25519!.entries;
  const swapWraps = (a: Uint8Array, b: Uint8Array): Uint8Array => concatBytes(a.subarray(0, 16), b.subarray(16));
  // The same ephemeral secret, the same recipients, another file key: an honest-looking wrap of the wrong key.
  const otherFileKey = fixedBytes('file/other-file-key', 32);
  const misdirected = wrapForX25519(nodeBackend, otherFileKey, nodeBackend.createX25519(pair.randomness.ephemeralSecret), [alice.publicKey.x25519, bob.publicKey.x25519]);
  return [
    { name: 'no-match-wrong-key', description: 'a file for alice opened with the key of bob', expect: 'ERR_NO_MATCH', key: bob, file: base.file },
    {
      name: 'no-match-only-unknown-stanza', description: 'the only stanza is of unknown type 2: no entry can be for the key', expect: 'ERR_NO_MATCH', key: alice,
      file: withHeader(base, encodeHeader({ ...header, x25519: undefined, otherStanzas: [[2, entry!]] })),
    },
    {
      name: 'no-match-tampered-tag', description: 'the first byte of the only tag flipped: the lookup finds no entry', expect: 'ERR_NO_MATCH', key: alice,
      file: withHeader(base, encodeHeader({ ...header, x25519: { ephemeral: header.x25519!.ephemeral, entries: [flipByte(entry!, 0)] } })),
    },
    {
      name: 'no-match-tampered-wrapped-key', description: 'one byte of the wrapped file key flipped: the tag matches, the wrap does not open', expect: 'ERR_NO_MATCH', key: alice,
      file: withHeader(base, encodeHeader({ ...header, x25519: { ephemeral: header.x25519!.ephemeral, entries: [flipByte(entry!, 40)] } })),
    },
    {
      name: 'no-match-wrapped-keys-swapped', description: 'two entries with their wrapped file keys exchanged: each tag leads to the other recipient\'s wrap', expect: 'ERR_NO_MATCH', key: alice,
      file: withHeader(pair, encodeHeader({ ...pairHeader, x25519: { ephemeral: pairHeader.x25519!.ephemeral, entries: [swapWraps(first!, second!), swapWraps(second!, first!)] } })),
    },
    {
      name: 'mac-entry-wraps-other-file-key',
      description: 'the entries wrap another file key than the one the MAC was made with: the wrap opens, the MAC does not verify (key commitment)',
      expect: 'ERR_HEADER_MAC', key: alice,
      file: withHeader(pair, encodeHeader({ ...pairHeader, x25519: misdirected })),
    },
  ];
}

function macCases(base: FixedFile, pair: FixedFile): VectorCase[] {
  const parts = splitFile(base.file);
  const header = headerOf(base.file);
  const macOffset = PREFIX_LENGTH + parts.header.length;
  // Keep the old MAC while the header changes: what an attacker without the file key can do.
  const keepMac = (fixed: FixedFile, headerBytes: Uint8Array): Uint8Array => {
    const rebuilt = withHeader(fixed, headerBytes);
    const old = splitFile(fixed.file);
    const fresh = splitFile(rebuilt);
    return concatBytes(fresh.prefix, fresh.header, old.mac, fresh.payload);
  };
  const pairHeader = headerOf(pair.file);
  return [
    { name: 'mac-flipped-first-byte', description: 'the first byte of the header MAC flipped', expect: 'ERR_HEADER_MAC', key: alice, file: flipByte(base.file, macOffset) },
    { name: 'mac-flipped-last-byte', description: 'the last byte of the header MAC flipped', expect: 'ERR_HEADER_MAC', key: alice, file: flipByte(base.file, macOffset + 31) },
    {
      name: 'mac-extension-added', description: 'an extension field added to the header, with the old MAC', expect: 'ERR_HEADER_MAC', key: alice,
      file: keepMac(base, encodeHeader({ ...header, extensions: new Map([[-1, 0]]) })),
    },
    {
      name: 'mac-chunk-size-changed', description: 'the chunk exponent changed from 12 to 13, with the old MAC', expect: 'ERR_HEADER_MAC', key: alice,
      file: keepMac(base, encodeHeader({ ...header, chunkExponent: 13 })),
    },
    {
      name: 'mac-payload-nonce-changed', description: 'one bit of the payload nonce flipped, with the old MAC', expect: 'ERR_HEADER_MAC', key: alice,
      file: keepMac(base, encodeHeader({ ...header, payloadNonce: flipByte(header.payloadNonce, 0) })),
    },
    {
      name: 'mac-entry-removed', description: 'one of two entries removed, with the old MAC, opened by the remaining recipient', expect: 'ERR_HEADER_MAC', key: alice,
      file: keepMac(pair, encodeHeader({ ...pairHeader, x25519: { ephemeral: pairHeader.x25519!.ephemeral, entries: [entryOf(alice, pairHeader.x25519!.ephemeral, pairHeader.x25519!.entries)] } })),
    },
  ];
}

/** Every vector rejected by the recipient lookup or the header MAC. */
export async function recipientCases(): Promise<VectorCase[]> {
  const base = await encryptFixed({ name: 'recipients-base', recipients: [alice], plaintextLength: 100 });
  const pair = await encryptFixed({ name: 'recipients-pair', recipients: [alice, bob], plaintextLength: 100 });
  return [...ephemeralCases(base), ...lookupCases(base, pair), ...macCases(base, pair)];
}
