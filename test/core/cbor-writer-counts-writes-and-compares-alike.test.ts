/**
 * lib/format/cbor.ts: a CborWriter counts, writes or compares, and the three
 * agree. Written bytes are the generic encoder's; the count is their length;
 * comparing accepts exactly those bytes and refuses any other, including a
 * view of the expected bytes at the wrong offset.
 */
import { expect } from 'chai';
import { toHex } from '../../lib/bytes.js';
import { CborWriter, MAJOR_BYTES, MAJOR_NEGINT, MAJOR_UINT, encodeCanonical } from '../../lib/format/cbor.js';
import { patternBytes, thrownBy } from './support.js';

/** Integers and lengths on each side of every head width. */
const ARGUMENT_EDGES = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];

/** Runs `write` counting, writing and comparing with `expected`; returns the written bytes and whether comparing matched. */
function runAllWays(write: (writer: CborWriter) => void, expected: Uint8Array): { written: Uint8Array; matches: boolean } {
  const counter = CborWriter.counting();
  write(counter);
  const written = new Uint8Array(counter.length);
  const writer = CborWriter.into(written);
  write(writer);
  expect(writer.length).to.equal(counter.length);
  const checker = CborWriter.comparingWith(expected);
  write(checker);
  return { written, matches: checker.matches && checker.length === expected.length };
}

describe('CborWriter (lib/format/cbor.ts)', () => {
  it('writes the shortest head at every width boundary, as the generic encoder does', () => {
    for (const value of [...ARGUMENT_EDGES, ...ARGUMENT_EDGES.map((n) => -1 - n)].filter(Number.isSafeInteger)) {
      const expected = encodeCanonical(value);
      const { written, matches } = runAllWays((writer) => writer.writeInteger(value), expected);
      expect(toHex(written), String(value)).to.equal(toHex(expected));
      expect(matches, String(value)).to.equal(true);
    }
  });

  it('writes byte strings of every head width as the generic encoder does', () => {
    for (const length of [0, 1, 23, 24, 255, 256, 65_535, 65_536]) {
      const bytes = patternBytes(length, 5);
      const expected = encodeCanonical(bytes);
      const { written, matches } = runAllWays((writer) => writer.writeBytes(bytes), expected);
      expect(toHex(written), `${length} bytes`).to.equal(toHex(expected));
      expect(matches, `${length} bytes`).to.equal(true);
    }
  });

  it('compares as it goes: any other byte, a missing byte or an extra byte is a mismatch', () => {
    const items = [patternBytes(64, 1), patternBytes(64, 2), patternBytes(30, 3)];
    const write = (writer: CborWriter): void => {
      writer.writeHead(4, items.length);
      for (const item of items) writer.writeBytes(item);
    };
    const expected = encodeCanonical(items);
    expect(runAllWays(write, expected).matches).to.equal(true);
    for (let at = 0; at < expected.length; at += 7) {
      const altered = expected.slice();
      altered[at] ^= 0x01;
      expect(runAllWays(write, altered).matches, `byte ${at} altered`).to.equal(false);
    }
    expect(runAllWays(write, expected.subarray(0, expected.length - 1)).matches).to.equal(false);
    expect(runAllWays(write, Uint8Array.of(...expected, 0)).matches).to.equal(false);
  });

  it('trusts a view of the expected bytes only at the offset where it is written', () => {
    const expected = encodeCanonical([patternBytes(64, 1), patternBytes(64, 2)]);
    const first = expected.subarray(3, 67);
    const second = expected.subarray(69, 133);
    const compare = (a: Uint8Array, b: Uint8Array): boolean => {
      const checker = CborWriter.comparingWith(expected);
      checker.writeHead(4, 2);
      checker.writeBytes(a);
      checker.writeBytes(b);
      return checker.matches && checker.length === expected.length;
    };
    expect(compare(first, second)).to.equal(true);
    expect(compare(second, first)).to.equal(false);
    // A view one byte off, or of a larger buffer past the end of `expected`, holds other bytes.
    expect(compare(first, expected.subarray(68, 132))).to.equal(false);
    const larger = Uint8Array.of(...expected, ...patternBytes(64, 9));
    const within = larger.subarray(0, expected.length);
    const checker = CborWriter.comparingWith(within);
    checker.writeHead(4, 2);
    checker.writeBytes(larger.subarray(3, 67));
    checker.writeBytes(larger.subarray(69, 133 + 1));
    expect(checker.matches).to.equal(false);
  });

  it('writes a run of byte strings as it writes each, and compares a run in place by its heads', () => {
    const items = [patternBytes(64, 1), patternBytes(64, 2), patternBytes(64, 3)];
    const expected = encodeCanonical(items);
    // The run as it lies in `expected`: strings of 64 bytes every 66 bytes from offset 3 (after 83 58 40).
    const writeRun = (source: Uint8Array) => (writer: CborWriter): void => {
      writer.writeHead(4, 3);
      writer.writeBytesRun(source, 3, 66, 3, 64);
    };
    const inPlace = runAllWays(writeRun(expected), expected);
    expect(toHex(inPlace.written)).to.equal(toHex(expected));
    expect(inPlace.matches).to.equal(true);
    const elsewhere = runAllWays(writeRun(expected.slice()), expected);
    expect(elsewhere.matches).to.equal(true);
    for (const at of [0, 1, 2, 67, 68, 133, 134]) {
      const altered = expected.slice();
      altered[at] ^= 0x01;
      expect(runAllWays(writeRun(altered), altered).matches, `byte ${at} altered in place`).to.equal(false);
    }
    expect(runAllWays(writeRun(expected), expected.subarray(0, expected.length - 1)).matches).to.equal(false);
  });

  it('throws RangeError for an argument outside 0..2^53-1 or an integer that is not safe', () => {
    for (const [major, argument] of [[MAJOR_UINT, -1], [MAJOR_NEGINT, 2 ** 53], [MAJOR_BYTES, 0.5]] as const) {
      expect(thrownBy(() => CborWriter.counting().writeHead(major, argument)), String(argument)).to.be.instanceOf(RangeError);
    }
    expect(thrownBy(() => CborWriter.counting().writeInteger(-(2 ** 53)))).to.be.instanceOf(RangeError);
  });
});
