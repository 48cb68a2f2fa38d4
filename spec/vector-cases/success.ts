/**
 * Files every decoder must open: the lengths around chunk boundaries, several
 * chunk sizes, many recipients, folded duplicates, ignored extensions and
 * unknown stanza types, and caps met exactly (spec/format.md §3.3, §5, §7, §8).
 */
import type { CborValue } from '../../lib/format/cbor.js';
import { PAYLOAD_NONCE_LENGTH, encodeHeader } from '../../lib/format/header.js';
import { C, type VectorCase, encryptFixed, fixedKey, headerOf, nested, splitFile, withHeader } from './fixtures.js';

const alice = fixedKey('alice');
const bob = fixedKey('bob');

interface LengthCase {
  name: string;
  description: string;
  length: number;
  chunkSize?: number;
}

const LENGTHS: LengthCase[] = [
  { name: 'success-empty', description: 'empty plaintext: one empty final chunk', length: 0 },
  { name: 'success-one-byte', description: 'one byte: one final chunk of 1 byte', length: 1 },
  { name: 'success-chunk-minus-one', description: 'C − 1 bytes (C = 4096): one short final chunk', length: C - 1 },
  { name: 'success-one-full-chunk', description: 'exactly C bytes: one full final chunk, no empty chunk after it', length: C },
  { name: 'success-chunk-plus-one', description: 'C + 1 bytes: a full chunk, then a final chunk of 1 byte', length: C + 1 },
  { name: 'success-two-full-chunks', description: '2C bytes: two full chunks, the second flagged final', length: 2 * C },
  { name: 'success-three-chunks-plus-seven', description: '3C + 7 bytes: three full chunks and a final chunk of 7 bytes', length: 3 * C + 7 },
  { name: 'success-chunk-8k', description: 'chunk size 8 KiB (k = 13), 2C + 100 bytes: three chunks', length: 2 * 8192 + 100, chunkSize: 8192 },
  { name: 'success-chunk-64k', description: 'chunk size 64 KiB (k = 16), C + 1 bytes: two chunks', length: 65536 + 1, chunkSize: 65536 },
  { name: 'success-chunk-16m', description: 'chunk size 16 MiB (k = 24, the largest), 100 bytes: a decoder must not allocate a whole chunk up front', length: 100, chunkSize: 2 ** 24 },
];

async function lengthCases(): Promise<VectorCase[]> {
  const cases: VectorCase[] = [];
  for (const c of LENGTHS) {
    const fixed = await encryptFixed({ name: c.name, recipients: [alice], plaintextLength: c.length, chunkSize: c.chunkSize });
    cases.push({ name: c.name, description: c.description, expect: 'success', key: alice, file: fixed.file, plaintext: fixed.plaintext });
  }
  return cases;
}

async function recipientCases(): Promise<VectorCase[]> {
  const many = Array.from({ length: 100 }, (_, i) => fixedKey(`recipient-${String(i).padStart(3, '0')}`));
  const hundred = await encryptFixed({ name: 'success-100-recipients', recipients: many, plaintextLength: 1000 });
  const folded = await encryptFixed({ name: 'success-duplicates-folded', recipients: [alice, bob, alice, bob, alice], plaintextLength: 64 });
  if (headerOf(folded.file).x25519!.entries.length !== 2) throw new Error('duplicate recipients did not fold into two entries');
  const headerLength = splitFile(hundred.file).header.length;
  return [
    { name: 'success-100-recipients-last-key', description: '100 recipients, opened with the key of the last one given to the encoder', expect: 'success', key: many[99]!, file: hundred.file, plaintext: hundred.plaintext },
    { name: 'success-100-recipients-first-key', description: '100 recipients, opened with the key of the first one given to the encoder', expect: 'success', key: many[0]!, file: hundred.file, plaintext: hundred.plaintext },
    {
      name: 'success-recipients-at-limit',
      description: '100 recipients with max_recipients = 100: the cap is inclusive',
      expect: 'success', key: many[50]!, file: hundred.file, plaintext: hundred.plaintext, limits: { max_recipients: 100 },
    },
    {
      name: 'success-header-size-at-limit',
      description: `a header of ${headerLength} bytes with max_header_bytes = ${headerLength}: the cap is inclusive`,
      expect: 'success', key: many[7]!, file: hundred.file, plaintext: hundred.plaintext, limits: { max_header_bytes: headerLength },
    },
    { name: 'success-duplicates-folded', description: 'recipients alice, bob, alice, bob, alice fold into two entries (§5.1)', expect: 'success', key: alice, file: folded.file, plaintext: folded.plaintext },
  ];
}

async function extensionCases(): Promise<VectorCase[]> {
  const fixed = await encryptFixed({ name: 'success-extensions', recipients: [alice, bob], plaintextLength: 200 });
  const header = headerOf(fixed.file);
  const withExtensions = encodeHeader({
    ...header,
    extensions: new Map<number, CborValue>([
      [-1, 'a non-critical note'],
      [-2, new Map<CborValue, CborValue>([[1, new Uint8Array(3)], ['k', true], [-7, false]])],
      [-1000, 4294967296],
    ]),
  });
  const withStanzas = encodeHeader({
    ...header,
    otherStanzas: [[2, new Uint8Array(PAYLOAD_NONCE_LENGTH), 'opaque'], [65535, []]],
  });
  const deepest = encodeHeader({ ...header, extensions: new Map([[-1, nested(7)]]) });
  // Integers with 8-byte arguments (spec/format.md §3.2 rules 2 and 4) must read like small ones.
  const farStanza = encodeHeader({ ...header, otherStanzas: [[2 ** 40, 'opaque']] });
  const farKey = (key: number): Uint8Array => encodeHeader({ ...header, extensions: new Map([[key, 0]]) });
  return [
    { name: 'success-extension-fields-ignored', description: 'negative header keys -1, -2 and -1000 (non-critical extensions) are ignored, and covered by the MAC', expect: 'success', key: bob, file: withHeader(fixed, withExtensions), plaintext: fixed.plaintext },
    { name: 'success-unknown-stanzas-ignored', description: 'stanzas of unknown types 2 and 65535 after the X25519 stanza are skipped (§5.4)', expect: 'success', key: alice, file: withHeader(fixed, withStanzas), plaintext: fixed.plaintext },
    { name: 'success-unknown-stanza-type-2-40', description: 'a stanza of unknown type 2^40 (0x1b 0000010000000000) after the X25519 stanza is skipped (§5.4)', expect: 'success', key: alice, file: withHeader(fixed, farStanza), plaintext: fixed.plaintext },
    { name: 'success-extension-key-minus-2-53', description: 'extension key −2^53 (0x3b 001fffffffffffff), the smallest integer allowed (§3.2 rule 4), is ignored', expect: 'success', key: alice, file: withHeader(fixed, farKey(-(2 ** 53))), plaintext: fixed.plaintext },
    { name: 'success-extension-key-minus-1-minus-2-40', description: 'extension key −1 − 2^40 (0x3b 0000010000000000) is ignored', expect: 'success', key: bob, file: withHeader(fixed, farKey(-1 - 2 ** 40)), plaintext: fixed.plaintext },
    { name: 'success-cbor-depth-at-limit', description: 'an extension of 7 nested arrays: with the header map, depth 8, the largest allowed', expect: 'success', key: alice, file: withHeader(fixed, deepest), plaintext: fixed.plaintext },
  ];
}

/** Every vector a decoder must open. */
export async function successCases(): Promise<VectorCase[]> {
  return [...(await lengthCases()), ...(await recipientCases()), ...(await extensionCases())];
}
