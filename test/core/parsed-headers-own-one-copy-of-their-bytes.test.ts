/**
 * lib/format/header.ts: `parseHeader` copies the header bytes once, and the
 * byte fields of a version 1 header, its X25519 entries included, are views of
 * that copy. So a parsed header never changes when the caller reuses its
 * buffer, keeps alive no more than the header's own bytes, and costs one copy
 * however many recipients it lists.
 */
import { expect } from 'chai';
import { concatBytes } from '../../lib/bytes.js';
import { type CborValue, encodeCanonical } from '../../lib/format/cbor.js';
import { encodeHeader, parseHeader } from '../../lib/format/header.js';
import { expectSameBytes, patternBytes } from './support.js';

const ENTRIES = 1000;

function headerBytes(): Uint8Array {
  const entries = Array.from({ length: ENTRIES }, (_, i) => patternBytes(64, i + 1)).sort((a, b) => Buffer.compare(a.subarray(0, 16), b.subarray(0, 16)));
  return encodeCanonical(new Map<CborValue, CborValue>([[1, 1], [2, 16], [3, patternBytes(16, 7)], [4, [[1, patternBytes(32, 8), entries]]]]));
}

describe('parsed headers (lib/format/header.ts)', () => {
  for (const [what, wrap] of [
    ['a view into a larger buffer', (bytes: Uint8Array) => concatBytes(patternBytes(100, 1), bytes, patternBytes(100, 2)).subarray(100, 100 + bytes.length)],
    ['a Buffer', (bytes: Uint8Array) => Buffer.from(bytes)],
  ] as const) {
    it(`hold one private copy of exactly the header bytes, given ${what}`, () => {
      const original = headerBytes();
      const input = wrap(original);
      const header = parseHeader(input, { maxRecipients: ENTRIES });
      const { ephemeral, entries } = header.x25519!;
      const copy = ephemeral.buffer;
      expect(copy).to.not.equal(input.buffer);
      expect(copy.byteLength).to.equal(original.length);
      expect(header.payloadNonce.buffer).to.equal(copy);
      expect(entries).to.have.length(ENTRIES);
      expect(entries.every((entry) => entry.buffer === copy && entry.length === 64)).to.equal(true);
      expect(Buffer.isBuffer(entries[0])).to.equal(false);
      input.fill(0);
      expectSameBytes(encodeHeader(header), original, 'header after the input was overwritten');
    });
  }
});
