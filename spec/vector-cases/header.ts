/**
 * Files a decoder must reject before it looks for its entry: bad prefix,
 * truncation, non-canonical CBOR, schema errors, unknown suite and limits
 * (spec/format.md §3, §8, rules 1–7 of §7.4).
 *
 * Every crafted header carries a MAC computed with the file key, so a decoder
 * that skipped the targeted check would open the file: only that check rejects it.
 */
import { concatBytes, utf8 } from '../../lib/bytes.js';
import { type CborValue, decodeChecked, encodeCanonical } from '../../lib/format/cbor.js';
import { type Header, encodeHeader } from '../../lib/format/header.js';
import { DEFAULT_MAX_HEADER_BYTES, MAX_HEADER_BYTES } from '../../lib/format/limits.js';
import { MAGIC, PREFIX_LENGTH, encodePrefix } from '../../lib/format/prefix.js';
import { type FixedFile, type VectorCase, encryptFixed, fixedKey, headerOf, nested, splitFile, withHeader } from './fixtures.js';

const alice = fixedKey('alice');
const bob = fixedKey('bob');
const carol = fixedKey('carol');

/** A header map entry as two encoded items. */
type Pair = [key: Uint8Array, value: Uint8Array];

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));

/** The canonical header's entries, each key and value encoded on its own. */
function pairsOf(headerBytes: Uint8Array): Pair[] {
  const map = decodeChecked(headerBytes) as Map<CborValue, CborValue>;
  return [...map].map(([key, value]) => [encodeCanonical(key), encodeCanonical(value)]);
}

/** A definite-length map head for `count` pairs (count < 24). */
function mapHead(count: number): Uint8Array {
  return bytes(0xa0 + count);
}

/** Map head ‖ pairs, with pair `index` given a new value encoding. */
function replaceValue(pairs: Pair[], index: number, value: Uint8Array): Uint8Array {
  return concatBytes(mapHead(pairs.length), ...pairs.flatMap((p, i) => [p[0], i === index ? value : p[1]]));
}

/** The canonical map with one more pair, `key` → raw `value`, appended last (negative keys sort last). */
function withRawExtension(pairs: Pair[], key: number, value: Uint8Array): Uint8Array {
  return concatBytes(mapHead(pairs.length + 1), ...pairs.flat(), encodeCanonical(key), value);
}

interface Crafted {
  name: string;
  description: string;
  expect: VectorCase['expect'];
  header: Uint8Array;
  /** The file whose payload and file key go with the header; the one-recipient base file by default. */
  from?: FixedFile;
}

/** The indexes of the header's pairs: keys 1 to 4 in encoded order. */
const [SUITE, EXPONENT, NONCE, STANZAS] = [0, 1, 2, 3];

/** The stanzas value holding the X25519 stanza of `header`, its entries array written with the raw head `entriesHead`. */
function rawStanzas(header: Header, entriesHead: Uint8Array): Uint8Array {
  const stanza = header.x25519!;
  return concatBytes(bytes(0x81, 0x83, 0x01), encodeCanonical(stanza.ephemeral), entriesHead, ...stanza.entries.map((e) => encodeCanonical(e)));
}

function canonicalCborCases(base: FixedFile): Crafted[] {
  const canonical = splitFile(base.file).header;
  const pairs = pairsOf(canonical);
  const header = headerOf(base.file);
  const cbor = 'ERR_HEADER_CBOR' as const;
  return [
    { name: 'cbor-non-minimal-integer', description: 'suite 1 written as 0x18 0x01 instead of 0x01', expect: cbor, header: replaceValue(pairs, SUITE, bytes(0x18, 0x01)) },
    { name: 'cbor-non-minimal-integer-16-bit', description: 'chunk exponent 12 written as 0x19 0x00 0x0c', expect: cbor, header: replaceValue(pairs, EXPONENT, bytes(0x19, 0x00, 0x0c)) },
    { name: 'cbor-non-minimal-string-length', description: 'the 16-byte payload nonce with its length as 0x58 0x10 instead of 0x50', expect: cbor, header: replaceValue(pairs, NONCE, concatBytes(bytes(0x58, 0x10), header.payloadNonce)) },
    { name: 'cbor-non-minimal-map-length', description: 'the header map head as 0xb8 0x04 instead of 0xa4', expect: cbor, header: concatBytes(bytes(0xb8, 0x04), ...pairs.flat()) },
    { name: 'cbor-non-minimal-array-length', description: 'the X25519 entries array head as 0x98 0x01 instead of 0x81', expect: cbor, header: replaceValue(pairs, STANZAS, rawStanzas(header, bytes(0x98, 0x01))) },
    { name: 'cbor-indefinite-map', description: 'the header map with indefinite length (0xbf … 0xff)', expect: cbor, header: concatBytes(bytes(0xbf), ...pairs.flat(), bytes(0xff)) },
    { name: 'cbor-indefinite-byte-string', description: 'the payload nonce as an indefinite byte string of one chunk (0x5f … 0xff)', expect: cbor, header: replaceValue(pairs, NONCE, concatBytes(bytes(0x5f), encodeCanonical(header.payloadNonce), bytes(0xff))) },
    { name: 'cbor-indefinite-array', description: 'the stanza array with indefinite length (0x9f … 0xff)', expect: cbor, header: replaceValue(pairs, STANZAS, concatBytes(bytes(0x9f), pairs[STANZAS]![1].subarray(1), bytes(0xff))) },
    { name: 'cbor-indefinite-text-extension', description: 'an extension value as an indefinite text string (0x7f 0x61 0x61 0xff)', expect: cbor, header: withRawExtension(pairs, -1, bytes(0x7f, 0x61, 0x61, 0xff)) },
    { name: 'cbor-unsorted-keys', description: 'header keys in the order 2, 1, 3, 4', expect: cbor, header: concatBytes(mapHead(4), ...pairs[1]!, ...pairs[0]!, ...pairs[2]!, ...pairs[3]!) },
    {
      name: 'cbor-unsorted-negative-keys',
      description: 'extension keys -2 (0x21) before -1 (0x20): keys sort by their encoded bytes',
      expect: cbor,
      header: concatBytes(mapHead(6), ...pairs.flat(), encodeCanonical(-2), bytes(0x00), encodeCanonical(-1), bytes(0x00)),
    },
    {
      name: 'cbor-length-first-key-order',
      description: 'an extension map with keys 10, -1, 100 in the length-first order of RFC 7049 canonical CBOR; RFC 8949 §4.2.1 order is 10, 100, -1',
      expect: cbor,
      header: withRawExtension(pairs, -1, hex('a3 0a00 2000 186400')),
    },
    { name: 'cbor-duplicate-key', description: 'header key 2 twice with the same value', expect: cbor, header: concatBytes(mapHead(5), ...pairs[0]!, ...pairs[1]!, ...pairs[1]!, ...pairs[2]!, ...pairs[3]!) },
    { name: 'cbor-tag', description: 'the payload nonce wrapped in tag 64 (0xd8 0x40)', expect: cbor, header: replaceValue(pairs, NONCE, concatBytes(bytes(0xd8, 0x40), pairs[NONCE]![1])) },
    { name: 'cbor-self-describe-tag', description: 'the header preceded by the self-described CBOR tag 55799 (0xd9 0xd9 0xf7)', expect: cbor, header: concatBytes(bytes(0xd9, 0xd9, 0xf7), canonical) },
    { name: 'cbor-float', description: 'chunk exponent 12 written as the half-precision float 12.0 (0xf9 0x4a 0x00)', expect: cbor, header: replaceValue(pairs, EXPONENT, bytes(0xf9, 0x4a, 0x00)) },
    { name: 'cbor-null', description: 'an extension value null (0xf6): only false and true are allowed simple values', expect: cbor, header: withRawExtension(pairs, -1, bytes(0xf6)) },
    { name: 'cbor-trailing-bytes', description: 'one byte 0x00 after the header map, counted in the header length', expect: cbor, header: concatBytes(canonical, bytes(0x00)) },
    { name: 'cbor-truncated-item', description: 'the header without its last byte, with the header length and MAC to match', expect: cbor, header: canonical.subarray(0, canonical.length - 1) },
    { name: 'cbor-invalid-utf8', description: 'an extension text string of the bytes 0xff 0xfe, which are not UTF-8', expect: cbor, header: withRawExtension(pairs, -1, bytes(0x62, 0xff, 0xfe)) },
    { name: 'cbor-integer-beyond-2-53', description: 'an extension value 2^53 (0x1b 0x0020000000000000): integers must be below 2^53', expect: cbor, header: withRawExtension(pairs, -1, hex('1b 0020000000000000')) },
    { name: 'cbor-map-key-is-array', description: 'an extension map whose key is an empty array', expect: cbor, header: withRawExtension(pairs, -1, bytes(0xa1, 0x80, 0x00)) },
    { name: 'cbor-reserved-additional-information', description: 'an extension value 0x1c: additional information 28 is reserved', expect: cbor, header: withRawExtension(pairs, -1, bytes(0x1c)) },
  ];
}

/**
 * Counts, lengths and nesting far beyond what the bytes hold, with arguments of
 * 4 and 8 bytes: the checker must compare them whole, unsigned, and in the
 * order of spec/format.md §3.2 (rule 4, then rule 9, then rule 8), without
 * recursing once per level.
 */
function hostileArgumentCases(base: FixedFile): Crafted[] {
  const pairs = pairsOf(splitFile(base.file).header);
  const header = headerOf(base.file);
  const entriesHead = (head: string): Uint8Array => replaceValue(pairs, STANZAS, rawStanzas(header, hex(head)));
  return [
    {
      name: 'limit-cbor-items-claimed-10-9',
      description: 'the X25519 entries array head claims 10^9 items (0x9a 3b9aca00) and holds one: the item limit (§3.2 rule 9) refuses it before the count is compared with the bytes left (rule 8)',
      expect: 'ERR_LIMIT_RECIPIENTS',
      header: entriesHead('9a 3b9aca00'),
    },
    {
      name: 'limit-cbor-items-2-53-minus-1',
      description: 'the X25519 entries array head claims 2^53 − 1 items (0x9b 001fffffffffffff), the largest argument allowed: the item limit refuses it',
      expect: 'ERR_LIMIT_RECIPIENTS',
      header: entriesHead('9b 001fffffffffffff'),
    },
    {
      name: 'cbor-count-2-64-minus-1',
      description: 'the X25519 entries array head claims 2^64 − 1 items (0x9b ffffffffffffffff): the argument is not below 2^53 (§3.2 rule 4), which is checked before the item limit',
      expect: 'ERR_HEADER_CBOR',
      header: entriesHead('9b ffffffffffffffff'),
    },
    {
      name: 'cbor-byte-string-claims-2-32',
      description: 'the payload nonce head claims 2^32 bytes (0x5b 0000000100000000), far more than the header holds; read as 32 bits the length would be 0',
      expect: 'ERR_HEADER_CBOR',
      header: replaceValue(pairs, NONCE, concatBytes(hex('5b 0000000100000000'), header.payloadNonce)),
    },
    {
      name: 'limit-cbor-depth-10000',
      description: 'an extension of 10,000 nested arrays (0x81 … 0x81 0x00): refused at depth 9, without a decoder recursing 10,000 times',
      expect: 'ERR_LIMIT_CBOR_DEPTH',
      header: withRawExtension(pairs, -1, concatBytes(new Uint8Array(10_000).fill(0x81), bytes(0x00))),
    },
  ];
}

/** The header as a map with `changes` applied: a value replaces a key's, undefined removes it. */
function withFields(header: Header, changes: [number | string, CborValue | undefined][]): Uint8Array {
  const map = decodeChecked(encodeHeader(header)) as Map<CborValue, CborValue>;
  for (const [key, value] of changes) {
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }
  return encodeCanonical(map);
}

function schemaCases(base: FixedFile, pair: FixedFile): Crafted[] {
  const header = headerOf(base.file);
  const stanza = header.x25519!;
  const x25519 = (ephemeral: Uint8Array, entries: CborValue[]): CborValue => [1, ephemeral, entries];
  const twoEntries = headerOf(pair.file).x25519!;
  const schema = 'ERR_HEADER_SCHEMA' as const;
  const stanzasWith = (stanzas: CborValue): Uint8Array => withFields(header, [[4, stanzas]]);
  return [
    { name: 'schema-not-a-map', description: 'the header is an array of the four field values', expect: schema, header: encodeCanonical([header.suite, header.chunkExponent, header.payloadNonce, [x25519(stanza.ephemeral, stanza.entries)]]) },
    { name: 'schema-text-key', description: 'a header key "x": header keys must be integers', expect: schema, header: withFields(header, [['x', 1]]) },
    { name: 'schema-unknown-critical-field', description: 'header key 6, unknown and not negative: critical, so the file is refused', expect: schema, header: withFields(header, [[6, 0]]) },
    { name: 'schema-key-zero', description: 'header key 0, which is critical and undefined', expect: schema, header: withFields(header, [[0, 0]]) },
    { name: 'schema-missing-suite', description: 'no key 1', expect: schema, header: withFields(header, [[1, undefined]]) },
    { name: 'schema-missing-chunk-exponent', description: 'no key 2', expect: schema, header: withFields(header, [[2, undefined]]) },
    { name: 'schema-missing-payload-nonce', description: 'no key 3', expect: schema, header: withFields(header, [[3, undefined]]) },
    { name: 'schema-missing-stanzas', description: 'no key 4', expect: schema, header: withFields(header, [[4, undefined]]) },
    { name: 'schema-suite-not-integer', description: 'suite as the text "1"', expect: schema, header: withFields(header, [[1, '1']]) },
    { name: 'schema-chunk-exponent-negative', description: 'chunk exponent -12: not an unsigned integer', expect: schema, header: withFields(header, [[2, -12]]) },
    { name: 'schema-payload-nonce-15-bytes', description: 'a payload nonce of 15 bytes', expect: schema, header: withFields(header, [[3, header.payloadNonce.subarray(0, 15)]]) },
    { name: 'schema-stanzas-not-array', description: 'key 4 holds a map', expect: schema, header: stanzasWith(new Map([[1, x25519(stanza.ephemeral, stanza.entries)]])) },
    { name: 'schema-stanzas-empty', description: 'key 4 holds an empty array', expect: schema, header: stanzasWith([]) },
    { name: 'schema-stanza-not-array', description: 'a stanza that is a byte string', expect: schema, header: stanzasWith([x25519(stanza.ephemeral, stanza.entries), new Uint8Array(4)]) },
    { name: 'schema-stanza-type-zero', description: 'a stanza of type 0 before the X25519 stanza: types start at 1', expect: schema, header: stanzasWith([[0], x25519(stanza.ephemeral, stanza.entries)]) },
    { name: 'schema-stanzas-unsorted', description: 'a stanza of type 2 before the stanza of type 1', expect: schema, header: stanzasWith([[2], x25519(stanza.ephemeral, stanza.entries)]) },
    { name: 'schema-stanzas-duplicate-type', description: 'two X25519 stanzas', expect: schema, header: stanzasWith([x25519(stanza.ephemeral, stanza.entries), x25519(stanza.ephemeral, stanza.entries)]) },
    { name: 'schema-x25519-extra-element', description: 'an X25519 stanza of four elements', expect: schema, header: stanzasWith([[1, stanza.ephemeral, stanza.entries, 0]]) },
    { name: 'schema-ephemeral-31-bytes', description: 'an ephemeral share of 31 bytes', expect: schema, header: stanzasWith([x25519(stanza.ephemeral.subarray(0, 31), stanza.entries)]) },
    { name: 'schema-entries-empty', description: 'an X25519 stanza with no entries', expect: schema, header: stanzasWith([x25519(stanza.ephemeral, [])]) },
    { name: 'schema-entry-63-bytes', description: 'an entry of 63 bytes', expect: schema, header: stanzasWith([x25519(stanza.ephemeral, [stanza.entries[0]!.subarray(0, 63)])]) },
    { name: 'schema-entries-unsorted', description: 'two entries in descending tag order', expect: schema, header: withFields(headerOf(pair.file), [[4, [x25519(twoEntries.ephemeral, [...twoEntries.entries].reverse())]]]), from: pair },
    { name: 'schema-entries-duplicate', description: 'the same entry twice', expect: schema, header: stanzasWith([x25519(stanza.ephemeral, [stanza.entries[0]!, stanza.entries[0]!])]) },
    { name: 'suite-unknown', description: 'suite 2, which this version does not define', expect: 'ERR_HEADER_SUITE', header: withFields(header, [[1, 2]]) },
    { name: 'limit-chunk-exponent-11', description: 'chunk exponent 11 (2 KiB), below the smallest, 12', expect: 'ERR_LIMIT_CHUNK_SIZE', header: withFields(header, [[2, 11]]) },
    { name: 'limit-chunk-exponent-25', description: 'chunk exponent 25 (32 MiB), above the largest, 24', expect: 'ERR_LIMIT_CHUNK_SIZE', header: withFields(header, [[2, 25]]) },
    { name: 'limit-chunk-exponent-2-40', description: 'chunk exponent 2^40, with an 8-byte argument: an unsigned integer, so ERR_LIMIT_CHUNK_SIZE, not ERR_HEADER_SCHEMA', expect: 'ERR_LIMIT_CHUNK_SIZE', header: withFields(header, [[2, 2 ** 40]]) },
    { name: 'suite-2-40', description: 'suite 2^40, with an 8-byte argument: an unsigned integer, so ERR_HEADER_SUITE, not ERR_HEADER_SCHEMA', expect: 'ERR_HEADER_SUITE', header: withFields(header, [[1, 2 ** 40]]) },
    { name: 'schema-sender-mode-byte-string', description: 'header key 5 is the byte string 0x01, not the integer 1', expect: schema, header: withFields(header, [[5, bytes(0x01)]]) },
    { name: 'schema-sender-mode-zero', description: 'header key 5 is 0: an unsigned file has no key 5, and 0 is no sender mode', expect: schema, header: withFields(header, [[5, 0]]) },
  ];
}

function cut(file: Uint8Array, length: number): Uint8Array {
  return file.subarray(0, length);
}

function prefixCases(base: FixedFile): VectorCase[] {
  const file = base.file;
  const headerLength = splitFile(file).header.length;
  const afterMagic = file.subarray(MAGIC.length);
  const magic = (name: string, description: string, expect: VectorCase['expect'], start: Uint8Array): VectorCase => ({
    name, description, expect, key: alice, file: concatBytes(start, afterMagic),
  });
  const truncated = (name: string, description: string, length: number): VectorCase => ({
    name, description, expect: 'ERR_HEADER_TRUNCATED', key: alice, file: cut(file, length),
  });
  // A header length with its top bit set: a decoder that reads L as signed sees a negative length below any cap (§8).
  const signedReadLength = (name: string, length: number): VectorCase => ({
    name,
    description: `a prefix that declares a header of ${length} bytes (0x${length.toString(16)}) with max_header_bytes = ${MAX_HEADER_BYTES}, the hard limit: read as a signed 32-bit integer the length would be negative and pass the cap`,
    expect: 'ERR_LIMIT_HEADER_SIZE', key: alice,
    file: concatBytes(encodePrefix(length), file.subarray(PREFIX_LENGTH)), limits: { max_header_bytes: MAX_HEADER_BYTES },
  });
  return [
    magic('magic-bad-first-byte', 'the magic with its first byte changed to "C"', 'ERR_HEADER_MAGIC', utf8('Cardseal/v1\n')),
    magic('magic-other-format', 'an age file line where the magic should be', 'ERR_HEADER_MAGIC', utf8('age-encryption.org/v1\n')),
    magic('magic-zero-bytes', 'twelve zero bytes where the magic should be', 'ERR_HEADER_MAGIC', new Uint8Array(12)),
    magic('version-2', 'the magic "cardseal/v2\\n": same family, unknown version', 'ERR_HEADER_VERSION', utf8('cardseal/v2\n')),
    magic('version-10', 'the magic "cardseal/v10\\n"', 'ERR_HEADER_VERSION', utf8('cardseal/v10\n')),
    truncated('header-truncated-empty-file', 'an empty input', 0),
    truncated('header-truncated-in-magic', 'the first 5 bytes of a file', 5),
    truncated('header-truncated-in-length', 'the first 14 bytes: the magic and half the header length', 14),
    truncated('header-truncated-in-header', 'a file cut in the middle of its header', PREFIX_LENGTH + (headerLength >> 1)),
    truncated('header-truncated-before-mac', 'a file cut right after its header', PREFIX_LENGTH + headerLength),
    truncated('header-truncated-in-mac', 'a file cut 16 bytes into its header MAC', PREFIX_LENGTH + headerLength + 16),
    {
      name: 'header-length-zero', description: 'a prefix that declares a header of 0 bytes', expect: 'ERR_HEADER_SCHEMA', key: alice,
      file: concatBytes(encodePrefix(0), file.subarray(PREFIX_LENGTH)),
    },
    {
      name: 'limit-header-size-declared',
      description: `a prefix that declares a header of ${DEFAULT_MAX_HEADER_BYTES + 1} bytes, one more than the default cap, in a file far shorter: refused before the header is read`,
      expect: 'ERR_LIMIT_HEADER_SIZE', key: alice,
      file: concatBytes(encodePrefix(DEFAULT_MAX_HEADER_BYTES + 1), file.subarray(PREFIX_LENGTH)),
    },
    signedReadLength('limit-header-size-2-31', 2 ** 31),
    signedReadLength('limit-header-size-2-32-minus-1', 2 ** 32 - 1),
    {
      name: 'limit-header-size-option',
      description: `a header of ${headerLength} bytes with max_header_bytes = ${headerLength - 1}`,
      expect: 'ERR_LIMIT_HEADER_SIZE', key: alice, file, limits: { max_header_bytes: headerLength - 1 },
    },
  ];
}

/** Every vector rejected by the prefix, the CBOR checker, the schema or a limit. */
export async function headerCases(): Promise<VectorCase[]> {
  const base = await encryptFixed({ name: 'header-base', recipients: [alice], plaintextLength: 100 });
  const pair = await encryptFixed({ name: 'header-pair', recipients: [alice, bob], plaintextLength: 100 });
  const trio = await encryptFixed({ name: 'header-trio', recipients: [alice, bob, carol], plaintextLength: 100 });
  const header = headerOf(base.file);
  const crafted: Crafted[] = [
    ...canonicalCborCases(base),
    ...schemaCases(base, pair),
    ...hostileArgumentCases(base),
    { name: 'limit-cbor-depth', description: 'an extension of 8 nested arrays: with the header map, depth 9, one more than allowed', expect: 'ERR_LIMIT_CBOR_DEPTH', header: withFields(header, [[-1, nested(8)]]) },
  ];
  const cases: VectorCase[] = crafted.map((c) => ({ name: c.name, description: c.description, expect: c.expect, key: alice, file: withHeader(c.from ?? base, c.header) }));
  cases.push(
    { name: 'limit-recipients-option', description: 'three recipients with max_recipients = 2', expect: 'ERR_LIMIT_RECIPIENTS', key: alice, file: trio.file, limits: { max_recipients: 2 } },
    {
      name: 'limit-cbor-items',
      description: 'an extension array of 17 items with max_recipients = 2: no array or map may hold more than max(max_recipients, 16) items',
      expect: 'ERR_LIMIT_RECIPIENTS', key: alice, file: withHeader(base, withFields(header, [[-1, new Array<CborValue>(17).fill(0)]])), limits: { max_recipients: 2 },
    },
  );
  return [...prefixCases(base), ...cases];
}
