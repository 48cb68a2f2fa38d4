/**
 * lib/format/header.ts: `readPlainHeader` reads a header as a version 1
 * encoder writes it in place, and leaves every other header to
 * `parseGenericHeader` (cbor-x and the schema checks). On any bytes the
 * canonical checker accepts, valid headers and mutated ones alike, the fast
 * path accepts only what the generic path accepts, reads exactly the same
 * header, and accepts every valid header of its shape; so `parseHeader` gives
 * the generic path's outcome, error code for error code.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { CardsealError, type ErrorCode } from '../../lib/errors.js';
import { type CborValue, encodeCanonical, findCanonicalViolation } from '../../lib/format/cbor.js';
import { type Header, encodeHeader, parseGenericHeader, parseHeader, readPlainHeader } from '../../lib/format/header.js';
import { MAX_CBOR_DEPTH } from '../../lib/format/limits.js';
import { writeTree } from '../fuzz/cbor-tree.js';
import { applyByteEdits, applyTreeEdits, byteEditArb, headerTreeArb, treeEditArb } from '../fuzz/mutations.js';
import { expectCode, expectSameBytes, patternBytes, thrownBy } from './support.js';

const NONCE = patternBytes(16, 1);
const EPHEMERAL = patternBytes(32, 2);

/** `count` entries of `length` bytes, sorted by tag unless `sorted` is false. */
function entriesOf(count: number, seed: number, length = 64, sorted = true): Uint8Array[] {
  const entries = Array.from({ length: count }, (_, i) => patternBytes(length, seed * 1000 + i));
  return sorted ? entries.sort((a, b) => Buffer.compare(a.subarray(0, 16), b.subarray(0, 16))) : entries;
}

function headerBytes(stanzas: CborValue, extra: [CborValue, CborValue][] = []): Uint8Array {
  return encodeCanonical(new Map<CborValue, CborValue>([[1, 1], [2, 16], [3, NONCE], [4, stanzas], ...extra]));
}

function acceptedByChecker(bytes: Uint8Array, maxRecipients: number): boolean {
  return findCanonicalViolation(bytes, { maxDepth: MAX_CBOR_DEPTH, maxItems: Math.max(maxRecipients, 16) }) === undefined;
}

/** The error code of what `fn` throws, or what it returns. */
function outcomeOf<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CardsealError) return error.code;
    throw error;
  }
}

function isPlainShaped(header: Header): boolean {
  return header.x25519 !== undefined && header.otherStanzas.length === 0 && header.extensions.size === 0;
}

/**
 * Asserts the two paths agree on checked `bytes`, and that parseHeader gives
 * their outcome; returns whether the fast path read the header.
 */
function expectAgreement(bytes: Uint8Array, maxRecipients: number): boolean {
  const fast = readPlainHeader(bytes.slice(), maxRecipients);
  const generic = outcomeOf(() => parseGenericHeader(bytes.slice(), maxRecipients));
  if (fast !== undefined) {
    expect(generic, 'the generic path refuses what the fast path read').to.not.be.a('string');
    expect(fast).to.deep.equal(generic);
    expectSameBytes(encodeHeader(fast), bytes, 'fast header re-encoded');
  } else if (typeof generic !== 'string') {
    expect(isPlainShaped(generic), 'the fast path left a valid version 1 header to the generic path').to.equal(false);
  }
  const parsed = outcomeOf(() => parseHeader(bytes, { maxRecipients }));
  if (typeof generic === 'string') expect(parsed).to.equal(generic);
  else expect(parsed).to.deep.equal(generic);
  return fast !== undefined;
}

describe('header fast path (lib/format/header.ts)', () => {
  it('reads valid version 1 headers, signed or not, of 1 to 300 entries', () => {
    for (const count of [1, 2, 23, 24, 255, 256, 300]) {
      for (const extra of [[], [[5, 1]]] as [CborValue, CborValue][][]) {
        expect(expectAgreement(headerBytes([[1, EPHEMERAL, entriesOf(count, count)]], extra), 300), `${count} entries`).to.equal(true);
      }
    }
  });

  it('leaves every near miss to the generic path, which gives each its error code', () => {
    const entries = entriesOf(30, 2);
    const twin = entries[5]!.slice();
    twin[63] ^= 1;
    const nearMisses: [string, Uint8Array, string][] = [
      ['a 63-byte entry', headerBytes([[1, EPHEMERAL, [...entries.slice(0, 29), new Uint8Array(63)]]]), 'ERR_HEADER_SCHEMA'],
      // Together as long as two entries, so only the heads tell them apart.
      ['a 63-byte entry then a 65-byte one', headerBytes([[1, EPHEMERAL, [...entries.slice(0, 10), new Uint8Array(63), new Uint8Array(65).fill(0xff), ...entries.slice(12)]]]), 'ERR_HEADER_SCHEMA'],
      ['a text entry', headerBytes([[1, EPHEMERAL, [...entries.slice(0, 5), 'x'.repeat(64)]]]), 'ERR_HEADER_SCHEMA'],
      ['a fourth stanza element', headerBytes([[1, EPHEMERAL, entries, 0]]), 'ERR_HEADER_SCHEMA'],
      ['a 31-byte ephemeral share', headerBytes([[1, new Uint8Array(31), entries]]), 'ERR_HEADER_SCHEMA'],
      ['no entries', headerBytes([[1, EPHEMERAL, []]]), 'ERR_HEADER_SCHEMA'],
      ['unsorted entries', headerBytes([[1, EPHEMERAL, entriesOf(30, 3, 64, false)]]), 'ERR_HEADER_SCHEMA'],
      ['one tag twice', headerBytes([[1, EPHEMERAL, [...entries.slice(0, 6), twin, ...entries.slice(6)].sort(Buffer.compare)]]), 'ERR_HEADER_SCHEMA'],
      ['type 1 twice', headerBytes([[1, EPHEMERAL, entries], [1, EPHEMERAL, entries]]), 'ERR_HEADER_SCHEMA'],
      ['sender mode 2', headerBytes([[1, EPHEMERAL, entries]], [[5, 2]]), 'ERR_HEADER_SCHEMA'],
      ['an unknown critical field', headerBytes([[1, EPHEMERAL, entries]], [[6, 1]]), 'ERR_HEADER_SCHEMA'],
      ['suite 2', encodeCanonical(new Map<CborValue, CborValue>([[1, 2], [2, 16], [3, NONCE], [4, [[1, EPHEMERAL, entries]]]])), 'ERR_HEADER_SUITE'],
      ['chunk exponent 25', encodeCanonical(new Map<CborValue, CborValue>([[1, 1], [2, 25], [3, NONCE], [4, [[1, EPHEMERAL, entries]]]])), 'ERR_LIMIT_CHUNK_SIZE'],
    ];
    // Within the checker's item cap (at least 16), so the limit is the schema's to enforce.
    const overLimit = headerBytes([[1, EPHEMERAL, entriesOf(12, 4)]]);
    for (const [what, bytes, code, maxRecipients] of [...nearMisses.map((miss) => [...miss, 32] as const), ['more entries than the limit', overLimit, 'ERR_LIMIT_RECIPIENTS', 10] as const]) {
      expect(acceptedByChecker(bytes, maxRecipients), what).to.equal(true);
      expect(readPlainHeader(bytes.slice(), maxRecipients), what).to.equal(undefined);
      expectAgreement(bytes, maxRecipients);
      expectCode(thrownBy(() => parseHeader(bytes, { maxRecipients })), code as ErrorCode);
    }
  });

  it('leaves valid headers with an extension or an unknown stanza to the generic path', () => {
    for (const bytes of [headerBytes([[1, EPHEMERAL, entriesOf(3, 5)]], [[-1, 'note']]), headerBytes([[1, EPHEMERAL, entriesOf(3, 5)], [2, 'pq']]), headerBytes([[9, 'other']])]) {
      expect(readPlainHeader(bytes.slice(), 10)).to.equal(undefined);
      expectAgreement(bytes, 10);
    }
  });

  it('agrees with the generic path on random version 1 headers of up to 300 entries, valid or mutated', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.constantFrom(64, 64, 64, 63, 0),
        fc.boolean(),
        fc.integer({ min: -3, max: 20 }),
        fc.oneof(fc.constant([]), fc.array(byteEditArb, { minLength: 1, maxLength: 2 })),
        (count, seed, length, signed, slack, edits) => {
          const maxRecipients = Math.max(1, count + slack);
          const entries = entriesOf(count, seed);
          entries[seed % count] = length === 64 ? entries[seed % count]! : patternBytes(length, seed);
          const bytes = applyByteEdits(headerBytes([[1, EPHEMERAL, entries]], signed ? [[5, 1]] : []), edits, Number.MAX_SAFE_INTEGER);
          if (acceptedByChecker(bytes, maxRecipients) && expectAgreement(bytes, maxRecipients)) fast++;
        },
      ),
      { numRuns: 300 },
    );
    // The property must have exercised the fast path, not only the generic one (about 80 times expected).
    expect(fast).to.be.greaterThan(30);
  });

  it('agrees with the generic path on header-shaped trees with structural and byte edits', () => {
    let accepted = 0;
    fc.assert(
      fc.property(headerTreeArb, fc.array(treeEditArb, { maxLength: 2 }), fc.array(byteEditArb, { maxLength: 1 }), (tree, treeEdits, byteEdits) => {
        const bytes = applyByteEdits(writeTree(applyTreeEdits(structuredClone(tree), treeEdits)), byteEdits, Number.MAX_SAFE_INTEGER);
        if (!acceptedByChecker(bytes, 100)) return;
        accepted++;
        expectAgreement(bytes, 100);
      }),
      { numRuns: 1500 },
    );
    expect(accepted).to.be.greaterThan(300);
  });
});
