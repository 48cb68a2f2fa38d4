/**
 * Deterministic CBOR (RFC 8949 §4.2.1) for headers and cards: an encoder on
 * cbor-x that sorts map keys, and a strict checker that accepts only the one
 * canonical encoding of a value, within limits, before cbor-x allocates anything
 * (spec/format.md §3.2). For the header's own fast path: a reader of heads in
 * bytes the checker has accepted, and a writer of shortest heads that counts,
 * writes or compares.
 *
 * The accepted subset: unsigned and negative integers, byte strings, UTF-8 text
 * strings, arrays, maps, and the simple values false and true. Tags, floats,
 * null, undefined and indefinite lengths are refused.
 */
import { createRequire } from 'node:module';
import type { Decoder, Encoder } from 'cbor-x';
import { compareBytes, equalBytes } from '../bytes.js';

/** A value in the accepted subset. Maps keep the deterministic key order. */
export type CborValue = number | bigint | boolean | string | Uint8Array | CborValue[] | Map<CborValue, CborValue>;

/** Bounds the checker enforces before anything is decoded. */
export interface CborLimits {
  /** Deepest nesting of arrays and maps. */
  maxDepth: number;
  /** Most items in one array, or pairs in one map. */
  maxItems: number;
}

/**
 * Why bytes were refused: `limit` when a declared count or depth exceeds
 * {@link CborLimits}, with `exceeded` naming which; `encoding` otherwise.
 */
export interface CborViolation {
  kind: 'encoding' | 'limit';
  exceeded?: 'items' | 'depth';
  message: string;
}

function encodingViolation(message: string): CborViolation {
  return { kind: 'encoding', message };
}

let codec: { encoder: Encoder; decoder: Decoder } | undefined;

/**
 * cbor-x's encoder and decoder, made on first use: a version 1 header is read
 * and written without them (lib/format/header.ts), so a process that only
 * encrypts and decrypts never loads cbor-x (about 5 MiB and 20 ms).
 */
function cborX(): { encoder: Encoder; decoder: Decoder } {
  if (codec === undefined) {
    const { Encoder: CborEncoder, Decoder: CborDecoder } = createRequire(import.meta.url)('cbor-x') as typeof import('cbor-x');
    codec = {
      encoder: new CborEncoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true, pack: false, structuredClone: false }),
      // Byte strings are decoded as copies, not views: a parsed header or card must not
      // keep the caller's whole input buffer alive, nor change when the caller reuses it.
      decoder: new CborDecoder({ useRecords: false, mapsAsObjects: false, copyBuffers: true }),
    };
  }
  return codec;
}

function sortedMap(map: Map<CborValue, CborValue>): Map<CborValue, CborValue> {
  const entries = [...map.entries()].map(([k, v]) => {
    const key = canonicalize(k);
    return { encodedKey: cborX().encoder.encode(key), key, value: canonicalize(v) };
  });
  entries.sort((a, b) => compareBytes(a.encodedKey, b.encodedKey));
  for (let i = 1; i < entries.length; i++) {
    // Two keys with one encoding (5 and 5n) would write a map no strict decoder accepts.
    if (compareBytes(entries[i - 1]!.encodedKey, entries[i]!.encodedKey) === 0) throw new RangeError('cbor map keys must be distinct once encoded');
  }
  return new Map(entries.map((e) => [e.key, e.value]));
}

// cbor-x writes a number as an integer only while its argument fits 32 bits
// (−2^32 ≤ n < 2^32), and a bigint always with a 64-bit argument. So the
// shortest form (RFC 8949 §4.2.1) comes from a number inside that range and
// from a bigint outside it.
const MAX_UINT32 = 0xffffffff;
const MIN_NEGINT32 = -0x100000000;

function canonicalInteger(value: number | bigint): number | bigint {
  // Integers, not just safe ones: −2^53 is in the subset (spec §3.2 rule 4) and the range check below bounds the rest.
  if (typeof value === 'number' && !Number.isInteger(value)) throw new RangeError(`cbor numbers must be integers, got ${value}`);
  const big = BigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER) - 1n) {
    throw new RangeError('cbor integers must lie in -2^53..2^53-1');
  }
  return big > BigInt(MAX_UINT32) || big < BigInt(MIN_NEGINT32) ? big : Number(big);
}

function canonicalize(value: CborValue): CborValue {
  if (value instanceof Map) return sortedMap(value);
  if (Array.isArray(value)) return value.map(canonicalize);
  if (typeof value === 'number' || typeof value === 'bigint') return canonicalInteger(value);
  return value;
}

/**
 * Encodes `value` deterministically: map keys sorted by their encoded bytes, shortest lengths.
 * @throws RangeError for an integer outside −2^53..2^53−1 or two map keys with one encoding
 */
export function encodeCanonical(value: CborValue): Uint8Array {
  const bytes = cborX().encoder.encode(canonicalize(value));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Decodes bytes that {@link findCanonicalViolation} has accepted. Byte strings come back as copies. */
export function decodeChecked(bytes: Uint8Array): CborValue {
  return cborX().decoder.decode(bytes) as CborValue;
}

/** CBOR major types (RFC 8949 §3.1). */
export const MAJOR_UINT = 0;
export const MAJOR_NEGINT = 1;
export const MAJOR_BYTES = 2;
export const MAJOR_TEXT = 3;
export const MAJOR_ARRAY = 4;
export const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** A checking frame: how many items remain in the open array or map, and a map's last key. */
interface Frame {
  remaining: number;
  isMap: boolean;
  lastKey: Uint8Array | undefined;
}

/**
 * Walks `bytes` as exactly one CBOR item and returns the first violation of the
 * canonical subset or of `limits`, or undefined when there is none.
 * Every declared length is checked against the bytes that remain before it is
 * trusted, so a hostile length costs nothing.
 */
export function findCanonicalViolation(bytes: Uint8Array, limits: CborLimits): CborViolation | undefined {
  let offset = 0;
  const stack: Frame[] = [];
  let itemsLeftAtTop = 1;

  const readArgument = (info: number): number | string => {
    if (info < 24) return info;
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (width === 0) return info === 31 ? 'indefinite length' : `reserved additional information ${info}`;
    if (offset + width > bytes.length) return 'truncated argument';
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + bytes[offset + i]!;
    offset += width;
    // Shortest form (RFC 8949 §4.2.1): each width must be needed.
    const minimum = width === 1 ? 24 : width === 2 ? 0x100 : width === 4 ? 0x10000 : 0x100000000;
    if (value < minimum) return 'non-minimal integer or length';
    if (!Number.isSafeInteger(value)) return 'integer beyond 2^53';
    return value;
  };

  while (itemsLeftAtTop > 0 || stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame !== undefined && frame.remaining === 0) {
      stack.pop();
      continue;
    }
    if (offset >= bytes.length) return encodingViolation('truncated item');
    const itemStart = offset;
    const initial = bytes[offset++]!;
    const major = initial >> 5;
    const argument = readArgument(initial & 0x1f);
    if (typeof argument === 'string') return encodingViolation(argument);

    const isMapKey = frame !== undefined && frame.isMap && frame.remaining % 2 === 0;
    switch (major) {
      case MAJOR_UINT:
      case MAJOR_NEGINT:
        break;
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        if (argument > bytes.length - offset) return encodingViolation('string longer than the input');
        if (major === MAJOR_TEXT) {
          try {
            utf8Strict.decode(bytes.subarray(offset, offset + argument));
          } catch {
            return encodingViolation('text string is not valid UTF-8');
          }
        }
        offset += argument;
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP: {
        if (isMapKey) return encodingViolation('map key is an array or map');
        if (argument > limits.maxItems) {
          return { kind: 'limit', exceeded: 'items', message: `container declares ${argument} items, more than ${limits.maxItems}` };
        }
        if (stack.length + 1 > limits.maxDepth) return { kind: 'limit', exceeded: 'depth', message: `nesting deeper than ${limits.maxDepth}` };
        const items = major === MAJOR_MAP ? argument * 2 : argument;
        // Each item takes at least one byte: a longer claim is a lie, refused before allocation.
        if (items > bytes.length - offset) return encodingViolation('container longer than the input');
        if (frame !== undefined) frame.remaining--;
        else itemsLeftAtTop--;
        stack.push({ remaining: items, isMap: major === MAJOR_MAP, lastKey: undefined });
        continue;
      }
      case MAJOR_TAG:
        return encodingViolation('tags are not allowed');
      default:
        if (initial !== ((7 << 5) | SIMPLE_FALSE) && initial !== ((7 << 5) | SIMPLE_TRUE)) {
          return encodingViolation('floats and simple values other than false and true are not allowed');
        }
    }
    if (isMapKey) {
      // Keys sort by their encoded bytes, strictly increasing: no duplicates.
      const key = bytes.subarray(itemStart, offset);
      if (frame.lastKey !== undefined && compareBytes(frame.lastKey, key) >= 0) return encodingViolation('map keys unsorted or duplicated');
      frame.lastKey = key;
    }
    if (frame !== undefined) frame.remaining--;
    else itemsLeftAtTop--;
  }
  if (offset !== bytes.length) return encodingViolation('trailing bytes after the item');
  return undefined;
}

/** A data item's head: its major type and its argument (a value, a length or a count). */
export interface CborHead {
  major: number;
  argument: number;
}

/**
 * A reader over bytes that {@link findCanonicalViolation} has accepted. It
 * trusts what the checker proved (definite, shortest heads; every item inside
 * the input) and so checks nothing itself: never give it unchecked bytes.
 */
export class CheckedCborReader {
  /** Where the next head starts; after a string's head, where its content starts. */
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }

  /** Reads one head, leaving the offset after it. */
  readHead(): CborHead {
    const initial = this.bytes[this.offset++]!;
    const info = initial & 0x1f;
    // Additional information 24..27: a 1-, 2-, 4- or 8-byte argument follows.
    const width = info < 24 ? 0 : 1 << (info - 24);
    let argument = width === 0 ? info : 0;
    for (let i = 0; i < width; i++) argument = argument * 256 + this.bytes[this.offset++]!;
    return { major: initial >> 5, argument };
  }

  /** Reads the next head when it is exactly `major` with `argument`; otherwise leaves the offset and returns false. */
  readHeadIf(major: number, argument: number): boolean {
    const start = this.offset;
    const head = this.readHead();
    if (head.major === major && head.argument === argument) return true;
    this.offset = start;
    return false;
  }

  /** The next `length` bytes as a view, not a copy: the content of a string whose head was just read. */
  readView(length: number): Uint8Array {
    return this.bytes.subarray(this.offset, (this.offset += length));
  }
}

/** The canonical head of `major` with `argument`, the only one the checker accepts. */
export function encodeHead(major: number, argument: number): Uint8Array {
  const out = new Uint8Array(9);
  const writer = CborWriter.into(out);
  writer.writeHead(major, argument);
  return out.subarray(0, writer.length);
}

/**
 * Writes deterministic CBOR (shortest heads, RFC 8949 §4.2.1) item by item.
 * A writer counts the bytes, writes them into a buffer, or compares them with
 * bytes already there: one function run with each sizes a buffer exactly and
 * fills it, or checks that some bytes are the encoding of a value without
 * writing a second copy of them.
 */
export class CborWriter {
  /** Bytes counted, written or compared so far. */
  length = 0;
  /** For a comparing writer: whether every byte so far equals the expected one. */
  matches = true;

  private constructor(
    private readonly out: Uint8Array | undefined,
    private readonly expected: Uint8Array | undefined,
  ) {}

  /** A writer that only counts. */
  static counting(): CborWriter {
    return new CborWriter(undefined, undefined);
  }

  /** A writer into `out`, which must have room for everything written. */
  static into(out: Uint8Array): CborWriter {
    return new CborWriter(out, undefined);
  }

  /** A writer that writes nothing and compares every byte with `expected` at the same offset. */
  static comparingWith(expected: Uint8Array): CborWriter {
    return new CborWriter(undefined, expected);
  }

  private put(byte: number): void {
    if (this.out !== undefined) this.out[this.length] = byte;
    else if (this.expected !== undefined && this.expected[this.length] !== byte) this.matches = false;
    this.length++;
  }

  /**
   * Writes a head with the shortest argument.
   * @throws RangeError for an argument outside 0..2^53−1
   */
  writeHead(major: number, argument: number): void {
    if (!Number.isSafeInteger(argument) || argument < 0) throw new RangeError(`cbor arguments must lie in 0..2^53-1, got ${argument}`);
    const width = argument < 24 ? 0 : argument < 0x100 ? 1 : argument < 0x10000 ? 2 : argument <= MAX_UINT32 ? 4 : 8;
    const info = width === 0 ? argument : width === 1 ? 24 : width === 2 ? 25 : width === 4 ? 26 : 27;
    this.put((major << 5) | info);
    // Big-endian; dividing a safe integer by a power of two is exact.
    for (let i = width - 1; i >= 0; i--) this.put(Math.floor(argument / 2 ** (8 * i)) % 256);
  }

  /**
   * Writes a safe integer as major type 0 or 1.
   * @throws RangeError unless `value` is a safe integer
   */
  writeInteger(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`cbor integers must be safe integers here, got ${value}`);
    if (value >= 0) this.writeHead(MAJOR_UINT, value);
    else this.writeHead(MAJOR_NEGINT, -1 - value);
  }

  /** Writes a byte string: its head, then its bytes. */
  writeBytes(bytes: Uint8Array): void {
    this.writeBytesFrom(bytes, 0, bytes.length);
  }

  /**
   * Writes `count` byte strings of `length` bytes each, taken from `source`
   * every `stride` bytes from `start`: what {@link writeBytesFrom} writes for
   * each. When comparing with the very bytes the strings lie in, each string
   * is compared with itself, so only the heads between them are left to compare.
   */
  writeBytesRun(source: Uint8Array, start: number, stride: number, count: number, length: number): void {
    const { expected } = this;
    const at = this.length;
    const head = encodeHead(MAJOR_BYTES, length);
    const inPlace = source === expected && stride === head.length + length && start === at + head.length && at + count * stride <= expected.length;
    if (!inPlace) {
      for (let i = 0; i < count; i++) this.writeBytesFrom(source, start + i * stride, length);
      return;
    }
    for (let itemStart = at; itemStart < at + count * stride && this.matches; itemStart += stride) {
      for (let j = 0; j < head.length; j++) if (expected[itemStart + j] !== head[j]) this.matches = false;
    }
    this.length += count * stride;
  }

  /** Writes the byte string `source[start, start + length)`, which must lie inside `source`, without making a view of it. */
  writeBytesFrom(source: Uint8Array, start: number, length: number): void {
    this.writeHead(MAJOR_BYTES, length);
    const { out, expected } = this;
    const at = this.length;
    if (out !== undefined) {
      out.set(start === 0 && length === source.length ? source : source.subarray(start, start + length), at);
    } else if (expected !== undefined && this.matches) {
      // Bytes that are `expected` itself, at this very offset, are the expected bytes by definition:
      // the fields and entries of a parsed header lie there, so checking them compares nothing.
      const isExpectedHere =
        at + length <= expected.length &&
        (source === expected ? start === at : source.buffer === expected.buffer && source.byteOffset + start === expected.byteOffset + at);
      this.matches = isExpectedHere || equalBytes(source.subarray(start, start + length), expected.subarray(at, at + length));
    }
    this.length += length;
  }
}
