/**
 * lib/format/cbor.ts: the encoder writes the one deterministic encoding
 * (RFC 8949 §4.2.1), and the strict checker accepts exactly that: every other
 * encoding is named, and hostile counts are refused before anything is
 * allocated.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { toHex } from '../../lib/bytes.js';
import { type CborLimits, type CborValue, decodeChecked, encodeCanonical, findCanonicalViolation } from '../../lib/format/cbor.js';
import { hexBytes, thrownBy } from './support.js';

const LIMITS: CborLimits = { maxDepth: 8, maxItems: 16 };

function violationOf(hex: string, limits = LIMITS) {
  return findCanonicalViolation(hexBytes(hex), limits);
}

function expectEncodingViolation(hex: string, pattern: RegExp): void {
  const violation = violationOf(hex);
  expect(violation, hex).to.not.equal(undefined);
  expect(violation!.kind, hex).to.equal('encoding');
  expect(violation!.message, hex).to.match(pattern);
}

// RFC 8949 Appendix A examples that are already in deterministic form.
const RFC8949_APPENDIX_A: [CborValue, string][] = [
  [0, '00'],
  [23, '17'],
  [24, '1818'],
  [100, '1864'],
  [1000, '1903e8'],
  [1000000, '1a000f4240'],
  [1000000000000, '1b000000e8d4a51000'],
  [-1, '20'],
  [-10, '29'],
  [-100, '3863'],
  [-1000, '3903e7'],
  [false, 'f4'],
  [true, 'f5'],
  [new Uint8Array(0), '40'],
  [Uint8Array.of(1, 2, 3, 4), '4401020304'],
  ['', '60'],
  ['a', '6161'],
  ['IETF', '6449455446'],
  ['\u00fc', '62c3bc'],
  [[], '80'],
  [[1, [2, 3], [4, 5]], '8301820203820405'],
  [new Map(), 'a0'],
  [new Map([[1, 2], [3, 4]]), 'a201020304'],
  [new Map<CborValue, CborValue>([['a', 1], ['b', [2, 3]]]), 'a26161016162820203'],
];

// The integers where the argument width changes, each side of it.
const INTEGER_EDGES: [number | bigint, string][] = [
  [0xffffffff, '1affffffff'],
  [2 ** 32, '1b0000000100000000'],
  [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
  [-(2 ** 31), '3a7fffffff'],
  [-(2 ** 31) - 1, '3a80000000'],
  [-(2 ** 32), '3affffffff'],
  [-(2 ** 32) - 1, '3b0000000100000000'],
  [-(2n ** 53n), '3b001fffffffffffff'],
  [5n, '05'],
  [-(2n ** 32n), '3affffffff'],
];

describe('canonical CBOR (lib/format/cbor.ts)', () => {
  describe('encodeCanonical', () => {
    it('writes the RFC 8949 Appendix A examples byte for byte, and the checker accepts them', () => {
      for (const [value, hex] of RFC8949_APPENDIX_A) {
        expect(toHex(encodeCanonical(value)), hex).to.equal(hex);
        expect(violationOf(hex), hex).to.equal(undefined);
      }
    });

    it('writes the shortest argument at every integer width boundary, bigint or number alike', () => {
      for (const [value, hex] of INTEGER_EDGES) {
        expect(toHex(encodeCanonical(value)), String(value)).to.equal(hex);
        expect(violationOf(hex), hex).to.equal(undefined);
      }
    });

    it('sorts map keys by their encoded bytes (§4.2.1), not length first (§4.2.3)', () => {
      // 24 encodes as 1818 and −1 as 20: bytewise 1818 sorts first although it is longer.
      expect(toHex(encodeCanonical(new Map([[-1, 0], [24, 0]])))).to.equal('a2181800' + '2000');
      expect(violationOf('a2181800' + '2000')).to.equal(undefined);
      expectEncodingViolation('a2' + '2000' + '181800', /unsorted/);
    });

    it('sorts keys that are themselves large integers by their canonical encoding', () => {
      expect(toHex(encodeCanonical(new Map([[2 ** 40, 1], [-(2 ** 32), 2]])))).to.equal('a2' + '1b000001000000000001' + '3affffffff02');
    });

    it('throws RangeError for integers outside −2^53..2^53−1 and for keys with one encoding', () => {
      for (const bad of [2 ** 53, 1.5, -(2 ** 53) - 2, 2n ** 53n, -(2n ** 53n) - 1n] as CborValue[]) {
        expect(thrownBy(() => encodeCanonical(bad)), String(bad)).to.be.instanceOf(RangeError);
      }
      expect(thrownBy(() => encodeCanonical(new Map<CborValue, CborValue>([[5, 1], [5n, 2]])))).to.be.instanceOf(RangeError);
    });

    it('round-trips any value of the subset: encode, check, decode, encode gives the same bytes', () => {
      const integer = fc.oneof(
        fc.integer({ min: -(2 ** 32) - 2, max: 2 ** 32 + 2 }),
        fc.maxSafeInteger(),
        fc.constantFrom(...INTEGER_EDGES.map(([value]) => value)),
      );
      const key = fc.oneof(integer, fc.string({ unit: 'grapheme', maxLength: 6 }), fc.uint8Array({ maxLength: 4 }));
      const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
        value: fc.oneof(
          { depthSize: 'small', maxDepth: 4 },
          integer,
          fc.boolean(),
          fc.string({ unit: 'grapheme', maxLength: 30 }),
          fc.uint8Array({ maxLength: 40 }),
          fc.array(tie('value'), { maxLength: 5 }),
          fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => toHex(encodeCanonical(k)) }).map((pairs) => new Map<CborValue, CborValue>(pairs)),
        ),
      }));
      fc.assert(
        fc.property(value, (v) => {
          const bytes = encodeCanonical(v);
          expect(findCanonicalViolation(bytes, { maxDepth: 64, maxItems: 64 })).to.equal(undefined);
          expect(toHex(encodeCanonical(decodeChecked(bytes)))).to.equal(toHex(bytes));
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('decodeChecked', () => {
    it('returns byte strings as copies, so the input may be reused or freed', () => {
      const input = encodeCanonical([Uint8Array.of(1, 2, 3), new Map<CborValue, CborValue>([[1, Uint8Array.of(4)]])]);
      const decoded = decodeChecked(input) as [Uint8Array, Map<number, Uint8Array>];
      input.fill(0);
      expect([...decoded[0]]).to.deep.equal([1, 2, 3]);
      expect([...decoded[1].get(1)!]).to.deep.equal([4]);
      expect(decoded[0].buffer).to.not.equal(input.buffer);
    });
  });

  describe('findCanonicalViolation', () => {
    it('refuses non-minimal integers and lengths', () => {
      for (const hex of ['1817', '190017', '1900ff', '1a0000ffff', '1b00000000ffffffff', '3817', '5801ff', '780161', '9800', 'b800']) {
        expectEncodingViolation(hex, /non-minimal/);
      }
    });

    it('refuses indefinite lengths and reserved additional information', () => {
      for (const hex of ['5f41ffff', '7f6161ff', '9f01ff', 'bf0101ff']) expectEncodingViolation(hex, /indefinite/);
      for (const hex of ['1c', '3d', '5e']) expectEncodingViolation(hex, /reserved/);
    });

    it('refuses duplicate and unsorted map keys', () => {
      expectEncodingViolation('a2' + '0101' + '0102', /duplicated/);
      expectEncodingViolation('a2' + '0201' + '0101', /unsorted/);
      expectEncodingViolation('a2' + '616201' + '616101', /unsorted/);
    });

    it('refuses map keys that are arrays or maps', () => {
      expectEncodingViolation('a1' + '80' + '00', /map key/);
      expectEncodingViolation('a1' + 'a0' + '00', /map key/);
    });

    it('refuses every tag', () => {
      for (const hex of ['c11a514b67b0', 'c249010000000000000000', 'd82000', 'd9d9f700']) expectEncodingViolation(hex, /tags/);
    });

    it('refuses floats, null, undefined and other simple values; accepts false and true', () => {
      for (const hex of ['f90000', 'fa47c35000', 'fb3ff199999999999a', 'f6', 'f7', 'f0', 'f820']) {
        const violation = violationOf(hex);
        expect(violation?.kind, hex).to.equal('encoding');
      }
      expect(violationOf('82f4f5')).to.equal(undefined);
    });

    it('refuses text that is not valid UTF-8', () => {
      for (const hex of ['62c328', '61ff', '63eda080']) expectEncodingViolation(hex, /UTF-8/);
    });

    it('refuses trailing bytes and truncated items', () => {
      expectEncodingViolation('0000', /trailing/);
      expectEncodingViolation('828100', /truncated item/);
      expectEncodingViolation('8201', /container longer than the input/);
      expectEncodingViolation('1901', /truncated/);
      expectEncodingViolation('', /truncated/);
      expectEncodingViolation('4301', /longer than the input/);
    });

    it('refuses nesting deeper than maxDepth as a limit, and accepts it at the limit', () => {
      expect(violationOf('81'.repeat(8) + '00')).to.equal(undefined);
      const violation = violationOf('81'.repeat(9) + '00');
      expect(violation?.kind).to.equal('limit');
      expect(violation?.message).to.match(/^nesting/);
    });

    it('refuses more items than maxItems as a limit, in arrays and in maps', () => {
      expect(violationOf('90' + '00'.repeat(16))).to.equal(undefined);
      expect(violationOf('91' + '00'.repeat(17))?.kind).to.equal('limit');
      const map = encodeCanonical(new Map(Array.from({ length: 17 }, (_, i) => [i, 0])));
      expect(findCanonicalViolation(map, LIMITS)?.kind).to.equal('limit');
    });

    it('refuses a claim of 10^9 items or a 4 GiB string at once, before allocating anything', () => {
      const claims = [
        '9a3b9aca00', // array of 1,000,000,000 items, with nothing after it
        'ba3b9aca00', // map of 1,000,000,000 pairs
        '5affffffff', // byte string of 4 GiB − 1
        '7affffffff', // text string of 4 GiB − 1
      ];
      const started = performance.now();
      for (const hex of claims) {
        expect(violationOf(hex, { maxDepth: 8, maxItems: 65_535 }), hex).to.not.equal(undefined);
        // With no item cap at all, the claim still fails against the bytes that remain.
        expect(violationOf(hex, { maxDepth: 8, maxItems: Number.MAX_SAFE_INTEGER })?.message, hex).to.match(/longer than the input/);
      }
      expect(violationOf('9a3b9aca00', { maxDepth: 8, maxItems: 65_535 })?.kind).to.equal('limit');
      expect(performance.now() - started).to.be.below(50);
    });

    it('refuses integers beyond 2^53, which JS numbers cannot hold exactly', () => {
      expectEncodingViolation('1b0020000000000000', /beyond 2\^53/);
      expectEncodingViolation('3bffffffffffffffff', /beyond 2\^53/);
    });
  });
});
