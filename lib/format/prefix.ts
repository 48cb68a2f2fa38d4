/**
 * The 16-byte prefix that opens every file (spec/format.md §3.1):
 * the magic "cardseal/v1\n" then the header length as a 32-bit big-endian integer.
 */
import { HeaderError, LimitError } from '../errors.js';
import { utf8 } from '../bytes.js';

/** The magic and version line, as ASCII bytes. */
export const MAGIC = utf8('cardseal/v1\n');
/** Bytes before the header: magic (12) ‖ header length (4). */
export const PREFIX_LENGTH = MAGIC.length + 4;
const FAMILY = utf8('cardseal/');

/** The prefix for a header of `headerLength` bytes. */
export function encodePrefix(headerLength: number): Uint8Array {
  const prefix = new Uint8Array(PREFIX_LENGTH);
  prefix.set(MAGIC, 0);
  new DataView(prefix.buffer).setUint32(MAGIC.length, headerLength);
  return prefix;
}

/**
 * True when `bytes`, a possibly incomplete start of input, could still become a
 * valid prefix; false as soon as it cannot. Lets a stream fail fast on bad magic.
 */
export function couldBeMagic(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Parses a complete prefix and returns the header length, checked against
 * `maxHeaderBytes` before the caller allocates anything for the header.
 * A shorter input is judged on its magic alone, so a stream can fail fast.
 * @throws HeaderError ERR_HEADER_MAGIC, ERR_HEADER_VERSION, ERR_HEADER_TRUNCATED, ERR_HEADER_SCHEMA;
 *   LimitError ERR_LIMIT_HEADER_SIZE
 */
export function parsePrefix(prefix: Uint8Array, maxHeaderBytes: number): number {
  if (!couldBeMagic(prefix)) {
    const sameFamily = FAMILY.every((b, i) => prefix[i] === b);
    if (sameFamily) throw new HeaderError('ERR_HEADER_VERSION', 'unsupported cardseal format version (this library reads v1)');
    throw new HeaderError('ERR_HEADER_MAGIC', 'input is not a cardseal file (bad magic)');
  }
  if (prefix.length < PREFIX_LENGTH) throw new HeaderError('ERR_HEADER_TRUNCATED', 'input ended inside the prefix');
  const headerLength = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_LENGTH).getUint32(MAGIC.length);
  if (headerLength === 0) throw new HeaderError('ERR_HEADER_SCHEMA', 'header length is zero');
  if (headerLength > maxHeaderBytes) {
    throw new LimitError('ERR_LIMIT_HEADER_SIZE', `header declares ${headerLength} bytes, more than the limit of ${maxHeaderBytes}`);
  }
  return headerLength;
}
