/**
 * Byte helpers and argument asserts shared by every module.
 * Asserts name the bad argument: TypeError for a wrong type, RangeError for a wrong value.
 */

/** Throws TypeError unless `value` is a Uint8Array (a Buffer is one). */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Throws RangeError unless `value` is an integer in [min, max]. */
export function assertInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`${name} must be an integer`);
  if (value < min || value > max) throw new RangeError(`${name} must be in ${min}..${max}, got ${value}`);
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their lengths, so a
 * secret (a MAC, a tag) leaks nothing through timing (spec/format.md §6, §11.2).
 */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Lexicographic comparison of two byte arrays: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return comparePrefixes(a, b, Math.max(a.length, b.length));
}

/**
 * {@link compareBytes} of the first `length` bytes of each array (of all of
 * an array shorter than that), without making views of them.
 */
export function comparePrefixes(a: Uint8Array, b: Uint8Array, length: number): number {
  const order = compareRanges(a, 0, b, 0, Math.min(length, a.length, b.length));
  return order !== 0 ? order : Math.min(a.length, length) - Math.min(b.length, length);
}

/**
 * Lexicographic comparison of `a[aStart, aStart + length)` with
 * `b[bStart, bStart + length)`, which must lie inside their arrays.
 */
export function compareRanges(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): number {
  for (let i = 0; i < length; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** True when two byte arrays hold the same bytes. Not constant time: for public bytes only, such as an encoding. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return asBuffer(a).equals(b);
}

/** True when every byte is zero, computed without an early exit. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

/** Overwrites `bytes` with zeros. JS gives no guarantee that no copy survives elsewhere. */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const bytes of arrays) bytes?.fill(0);
}

const textEncoder = new TextEncoder();
/** UTF-8 encodes a string. */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Parses lowercase or uppercase hex; returns undefined when `text` is not hex of even length. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A Buffer view of `bytes` sharing its memory, for node APIs that want Buffers. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
