/**
 * lib/format/header.ts: the header schema (spec/format.md §3.3). Parsing is
 * strict and exact: what parses re-encodes to the same bytes, unknown critical
 * fields are refused, negative-key extensions and unknown stanza types are kept,
 * and the ordering rules hold. A real file whose header gains an extension or
 * an unknown stanza still decrypts; one with an unknown critical field does not.
 */
import { expect } from 'chai';
import { concatBytes, toHex } from '../../lib/bytes.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { MAC_LENGTH, computeHeaderMac } from '../../lib/envelope.js';
import { type CborValue, encodeCanonical } from '../../lib/format/cbor.js';
import { type Header, countRecipients, encodeHeader, parseHeader } from '../../lib/format/header.js';
import { PREFIX_LENGTH, encodePrefix } from '../../lib/format/prefix.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { DecryptStream } from '../../lib/stream/decrypt.js';
import { C, FIELD_PRIME_POINT, LOW_ORDER_POINTS, decryptPiped, encryptPiped, expectCode, expectSameBytes, fixedRandomness, hexBytes, patternBytes, runPipeline, thrownBy } from './support.js';

const LIMITS = { maxRecipients: 100 };
const NONCE = patternBytes(16, 1);
const EPHEMERAL = patternBytes(32, 2);

/** `count` distinct 64-byte entries sorted by their 16-byte tag, as a valid stanza lists them. */
function sortedEntries(count: number, seed = 3): Uint8Array[] {
  const entries = Array.from({ length: count }, (_, i) => patternBytes(64, seed * 1000 + i));
  return entries.sort((a, b) => Buffer.compare(a.subarray(0, 16), b.subarray(0, 16)));
}

/** The header map of a valid one-stanza header, with `changes` applied (undefined deletes a key). */
function headerMap(changes: [CborValue, CborValue | undefined][] = []): Map<CborValue, CborValue> {
  const map = new Map<CborValue, CborValue>([
    [1, 1],
    [2, 12],
    [3, NONCE],
    [4, [[1, EPHEMERAL, sortedEntries(3)]]],
  ]);
  for (const [key, value] of changes) {
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }
  return map;
}

function parse(map: Map<CborValue, CborValue>, limits = LIMITS): Header {
  return parseHeader(encodeCanonical(map), limits);
}

function parseError(map: Map<CborValue, CborValue>, limits = LIMITS): unknown {
  return thrownBy(() => parse(map, limits));
}

/** Replaces the header of a real file and recomputes its MAC with the file key, as only a sender could. */
function withHeader(ciphertext: Uint8Array, header: Uint8Array, fileKey: Uint8Array): Uint8Array {
  const oldHeaderLength = new DataView(ciphertext.buffer, ciphertext.byteOffset).getUint32(12);
  const payload = ciphertext.subarray(PREFIX_LENGTH + oldHeaderLength + MAC_LENGTH);
  const prefixAndHeader = concatBytes(encodePrefix(header.length), header);
  return concatBytes(prefixAndHeader, computeHeaderMac(nodeBackend, fileKey, prefixAndHeader), payload);
}

describe('header (lib/format/header.ts)', () => {
  describe('parse and encode', () => {
    it('parses a valid header and re-encodes it to the same bytes', () => {
      const bytes = encodeCanonical(headerMap());
      const header = parseHeader(bytes, LIMITS);
      expect(header.suite).to.equal(1);
      expect(header.chunkExponent).to.equal(12);
      expect(toHex(header.payloadNonce)).to.equal(toHex(NONCE));
      expect(toHex(header.x25519!.ephemeral)).to.equal(toHex(EPHEMERAL));
      expect(countRecipients(header)).to.equal(3);
      expect(header.sender).to.equal(0);
      expect(header.otherStanzas).to.deep.equal([]);
      expectSameBytes(encodeHeader(header), bytes, 'header');
    });

    it('reads sender mode 1 and omits the field when the file is unsigned', () => {
      expect(parse(headerMap([[5, 1]])).sender).to.equal(1);
      expectCode(parseError(headerMap([[5, 2]])), 'ERR_HEADER_SCHEMA');
      // An explicit 0 is not the canonical way to say unsigned.
      expectCode(parseError(headerMap([[5, 0]])), 'ERR_HEADER_SCHEMA');
    });

    it('refuses unknown critical (non-negative) keys with ERR_HEADER_SCHEMA', () => {
      for (const key of [0, 6, 23, 1000]) expectCode(parseError(headerMap([[key, 1]])), 'ERR_HEADER_SCHEMA');
    });

    it('refuses non-integer keys and a header that is not a map', () => {
      expectCode(parseError(headerMap([['note', 1]])), 'ERR_HEADER_SCHEMA');
      expectCode(thrownBy(() => parseHeader(encodeCanonical([1, 2, 3]), LIMITS)), 'ERR_HEADER_SCHEMA');
    });

    it('keeps negative-key extensions, nested or not, and re-encodes them exactly', () => {
      const nested = new Map<CborValue, CborValue>([['z', [1, -2, true]], [-7, new Uint8Array(3)]]);
      const map = headerMap([[-1, 'note'], [-2, nested], [-(2 ** 32), -(2 ** 32)], [-300, 2 ** 40]]);
      const bytes = encodeCanonical(map);
      const header = parseHeader(bytes, LIMITS);
      expect([...header.extensions.keys()].sort((a, b) => a - b)).to.deep.equal([-(2 ** 32), -300, -2, -1]);
      expect(header.extensions.get(-1)).to.equal('note');
      expectSameBytes(encodeHeader(header), bytes, 'header with extensions');
    });

    it('keeps stanzas of unknown types verbatim and in order', () => {
      const unknown: CborValue[] = [7, new Uint8Array([1, 2, 3]), ['future', 1]];
      const bytes = encodeCanonical(headerMap([[4, [[1, EPHEMERAL, sortedEntries(2)], [2, 'pq'], unknown]]]));
      const header = parseHeader(bytes, LIMITS);
      expect(header.otherStanzas).to.have.length(2);
      expect(header.otherStanzas[0]).to.deep.equal([2, 'pq']);
      expectSameBytes(encodeHeader(header), bytes, 'header with unknown stanzas');
    });

    it('accepts a header whose only stanza is of an unknown type (no X25519 entry to find)', () => {
      const header = parse(headerMap([[4, [[9, 'other']]]]));
      expect(header.x25519).to.equal(undefined);
      expect(countRecipients(header)).to.equal(0);
    });
  });

  describe('ordering rules', () => {
    it('requires stanzas sorted by type, one per type, with types above 0', () => {
      const x25519 = [1, EPHEMERAL, sortedEntries(1)];
      expectCode(parseError(headerMap([[4, [[2, 'a'], x25519]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [x25519, x25519]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[0, 'zero'], x25519]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, []]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[]]]])), 'ERR_HEADER_SCHEMA');
    });

    it('requires X25519 entries sorted strictly by tag', () => {
      const [a, b] = sortedEntries(2);
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, [b!, a!]]]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, [a!, a!]]]]])), 'ERR_HEADER_SCHEMA');
      // Same tag, different wraps: still one tag twice.
      const twin = a!.slice();
      twin[63] ^= 1;
      const [first, second] = [a!, twin].sort(Buffer.compare);
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, [first!, second!]]]]])), 'ERR_HEADER_SCHEMA');
    });

    it('refuses a map whose keys are out of canonical order with ERR_HEADER_CBOR', () => {
      const canonical = encodeCanonical(headerMap());
      // Swap the first two pairs (1: 1 and 2: 12), which are two bytes each.
      const swapped = concatBytes(canonical.subarray(0, 1), canonical.subarray(3, 5), canonical.subarray(1, 3), canonical.subarray(5));
      expect(toHex(canonical.subarray(0, 5))).to.equal('a40101020c');
      expectCode(thrownBy(() => parseHeader(swapped, LIMITS)), 'ERR_HEADER_CBOR');
    });
  });

  describe('field checks', () => {
    it('names an unknown suite ERR_HEADER_SUITE and a missing one ERR_HEADER_SCHEMA', () => {
      expectCode(parseError(headerMap([[1, 2]])), 'ERR_HEADER_SUITE');
      expectCode(parseError(headerMap([[1, undefined]])), 'ERR_HEADER_SCHEMA');
    });

    it('accepts chunk exponents 12..24 and refuses others with ERR_LIMIT_CHUNK_SIZE', () => {
      expect(parse(headerMap([[2, 24]])).chunkExponent).to.equal(24);
      for (const exponent of [0, 11, 25, 64]) expectCode(parseError(headerMap([[2, exponent]])), 'ERR_LIMIT_CHUNK_SIZE');
      expectCode(parseError(headerMap([[2, 'twelve']])), 'ERR_HEADER_SCHEMA');
    });

    it('requires a 16-byte payload nonce, a 32-byte ephemeral share and 64-byte entries', () => {
      expectCode(parseError(headerMap([[3, new Uint8Array(15)]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[3, undefined]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[1, new Uint8Array(31), sortedEntries(1)]]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, [new Uint8Array(63)]]]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, []]]]])), 'ERR_HEADER_SCHEMA');
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, sortedEntries(1), 'extra']]]])), 'ERR_HEADER_SCHEMA');
    });

    it('caps recipient entries with ERR_LIMIT_RECIPIENTS, below and above the checker item cap', () => {
      expectCode(parseError(headerMap(), { maxRecipients: 2 }), 'ERR_LIMIT_RECIPIENTS');
      expectCode(parseError(headerMap([[4, [[1, EPHEMERAL, sortedEntries(20)]]]]), { maxRecipients: 10 }), 'ERR_LIMIT_RECIPIENTS');
      expect(countRecipients(parse(headerMap(), { maxRecipients: 3 }))).to.equal(3);
    });

    it('caps nesting with ERR_LIMIT_CBOR_DEPTH', () => {
      let deep: CborValue = 0;
      for (let i = 0; i < 8; i++) deep = [deep];
      expectCode(parseError(headerMap([[-1, deep]])), 'ERR_LIMIT_CBOR_DEPTH');
    });

    it('refuses trailing bytes after the map with ERR_HEADER_CBOR', () => {
      expectCode(thrownBy(() => parseHeader(concatBytes(encodeCanonical(headerMap()), Uint8Array.of(0)), LIMITS)), 'ERR_HEADER_CBOR');
    });
  });

  describe('in a real file', () => {
    const bob = generateKeyPair();
    const plaintext = patternBytes(C + 1, 9);
    let ciphertext: Uint8Array;
    let fileKey: Uint8Array;
    let original: Header;

    before(async () => {
      const randomness = fixedRandomness(9);
      fileKey = randomness.fileKey.slice();
      ciphertext = await encryptPiped([bob.publicKey, generateKeyPair().publicKey], plaintext, C, { chunkSize: C }, randomness);
      const headerLength = new DataView(ciphertext.buffer, ciphertext.byteOffset).getUint32(12);
      original = parseHeader(ciphertext.subarray(PREFIX_LENGTH, PREFIX_LENGTH + headerLength), LIMITS);
    });

    it('still decrypts when the sender adds an extension and an unknown stanza, and reports them', async () => {
      const extended: Header = { ...original, otherStanzas: [[5, 'hybrid', new Uint8Array(8)]], extensions: new Map([[-1, 'note']]) };
      const decryptor = new DecryptStream(bob.privateKey);
      let seen: Header | undefined;
      decryptor.on('header', (header: Header) => (seen = header));
      const { output, error } = await runPipeline(withHeader(ciphertext, encodeHeader(extended), fileKey), 1000, decryptor);
      expect(error).to.equal(undefined);
      expectSameBytes(output, plaintext, 'plaintext');
      expect(seen?.extensions.get(-1)).to.equal('note');
      expect(seen?.otherStanzas).to.have.length(1);
    });

    it('refuses a low-order or non-canonical ephemeral share with ERR_HEADER_LOW_ORDER, for any reader', async () => {
      for (const point of [...LOW_ORDER_POINTS, FIELD_PRIME_POINT]) {
        const forged: Header = { ...original, x25519: { ...original.x25519!, ephemeral: hexBytes(point) } };
        const { output, error } = await decryptPiped(bob.privateKey, withHeader(ciphertext, encodeHeader(forged), fileKey), 1000);
        expectCode(error, 'ERR_HEADER_LOW_ORDER');
        expect(output.length).to.equal(0);
      }
    });

    it('refuses the same file with an unknown critical field, although its MAC is right', async () => {
      const critical: Header = { ...original, extensions: new Map([[6, 'must understand']]) };
      const { output, error } = await decryptPiped(bob.privateKey, withHeader(ciphertext, encodeHeader(critical), fileKey), 1000);
      expectCode(error, 'ERR_HEADER_SCHEMA');
      expect(output.length).to.equal(0);
    });
  });
});
