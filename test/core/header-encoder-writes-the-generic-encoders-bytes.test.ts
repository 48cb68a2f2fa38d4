/**
 * lib/format/header.ts: `encodeHeader` writes a header of the version 1 shape
 * with a dedicated encoder, and every other header with the generic one
 * (lib/format/cbor.ts). For every header, both give the same bytes, or the same
 * RangeError: the dedicated encoder changes the speed, never the encoding.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { toHex } from '../../lib/bytes.js';
import { type CborValue, encodeCanonical } from '../../lib/format/cbor.js';
import { type Header, encodeHeader, headerToCbor } from '../../lib/format/header.js';
import { patternBytes, thrownBy } from './support.js';

/** Integers on each side of every argument width change, both signs, and the ends of the range. */
const INTEGER_EDGES = [
  0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER,
  -1, -24, -25, -256, -257, -65_536, -65_537, -(2 ** 32), -(2 ** 32) - 1, Number.MIN_SAFE_INTEGER, -(2 ** 53),
];
/** Counts and lengths on each side of the head widths of arrays and strings. */
const LENGTH_EDGES = [0, 1, 23, 24, 255, 256];

const integerArb = fc.oneof(fc.constantFrom(...INTEGER_EDGES), fc.integer({ min: -300, max: 300 }), fc.maxSafeInteger());
const bytesArb = (length: fc.Arbitrary<number>): fc.Arbitrary<Uint8Array> => fc.tuple(length, fc.nat()).map(([n, seed]) => patternBytes(n, seed));
const lengthArb = fc.oneof(fc.constantFrom(...LENGTH_EDGES, 16, 32, 64), fc.integer({ min: 0, max: 300 }));

/** Headers of every shape the type allows, the version 1 shape most often. */
const headerArb: fc.Arbitrary<Header> = fc.record({
  suite: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, integerArb),
  chunkExponent: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 12, max: 24 }) }, integerArb),
  payloadNonce: bytesArb(fc.oneof({ weight: 3, arbitrary: fc.constant(16) }, lengthArb)),
  x25519: fc.option(
    fc.record({
      ephemeral: bytesArb(fc.oneof({ weight: 3, arbitrary: fc.constant(32) }, lengthArb)),
      entries: fc.tuple(fc.oneof(fc.constantFrom(...LENGTH_EDGES), fc.integer({ min: 0, max: 30 })), fc.nat(), fc.boolean()).map(([count, seed, exact]) =>
        Array.from({ length: count }, (_, i) => patternBytes(exact ? 64 : (seed + i) % 70, seed + i)),
      ),
    }),
    { nil: undefined },
  ),
  otherStanzas: fc.oneof({ weight: 3, arbitrary: fc.constant<CborValue[][]>([]) }, fc.constant<CborValue[][]>([[2, 'pq']]), fc.constant<CborValue[][]>([[7, Uint8Array.of(1), [true, -3]]])),
  sender: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1) }, integerArb),
  extensions: fc.oneof({ weight: 3, arbitrary: fc.constant(new Map()) }, fc.constant(new Map<number, CborValue>([[-1, 'note'], [-(2 ** 40), 5]]))),
});

/** What `fn` returns as hex, or the class and message of what it throws. */
function outcomeOf(fn: () => Uint8Array): string {
  try {
    return toHex(fn());
  } catch (error) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  }
}

describe('header encoder (lib/format/header.ts)', () => {
  it('writes the same bytes as the generic encoder for every header', () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        expect(outcomeOf(() => encodeHeader(header))).to.equal(outcomeOf(() => encodeCanonical(headerToCbor(header))));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses the integers the generic encoder refuses, with a RangeError', () => {
    const base: Header = { suite: 1, chunkExponent: 16, payloadNonce: new Uint8Array(16), x25519: undefined, otherStanzas: [], sender: 0, extensions: new Map() };
    for (const bad of [1.5, 2 ** 53, -(2 ** 53) - 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const field of ['suite', 'chunkExponent', 'sender'] as const) {
        expect(thrownBy(() => encodeHeader({ ...base, [field]: bad })), `${field} ${bad}`).to.be.instanceOf(RangeError);
      }
    }
  });

  it('writes 10,000 entries, whose array needs a 2-byte count, as the generic encoder does', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => patternBytes(64, i + 1));
    const header: Header = { suite: 1, chunkExponent: 16, payloadNonce: patternBytes(16, 1), x25519: { ephemeral: patternBytes(32, 2), entries }, otherStanzas: [], sender: 1, extensions: new Map() };
    expect(toHex(encodeHeader(header))).to.equal(toHex(encodeCanonical(headerToCbor(header))));
  });
});
