/**
 * Frame math (spec/format.md §7): chunk nonces, counts, sizes and offsets.
 * Pure functions, so the Transforms hold no policy and the math is tested alone.
 *
 * Plaintext is cut into chunks of exactly C = 2^k bytes; only the last may be
 * shorter, and it is empty only when the whole plaintext is. Chunk i is sealed
 * with nonce = i as 11-byte big-endian ‖ flag, flag 1 on the last chunk only.
 */
import { assertInteger } from '../bytes.js';
import { MAX_CHUNK_EXPONENT, MIN_CHUNK_EXPONENT } from '../format/limits.js';

/** Poly1305 tag length: each sealed chunk is its plaintext plus this. */
export const TAG_LENGTH = 16;
/** The final byte of the nonce of the last chunk. */
export const LAST_CHUNK_FLAG = 0x01;
/** Length of the sender signature block that follows the last chunk of a signed file (spec §9). */
export const SIGNATURE_BLOCK_LENGTH = 32 + 64 + TAG_LENGTH;

/** The 12-byte nonce of chunk `index`: 11-byte big-endian counter ‖ last-chunk flag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  // index < 2^53, so the top three counter bytes stay zero.
  const high = Math.floor(index / 0x100000000);
  const low = index >>> 0;
  nonce[3] = high >>> 24;
  nonce[4] = (high >>> 16) & 0xff;
  nonce[5] = (high >>> 8) & 0xff;
  nonce[6] = high & 0xff;
  nonce[7] = low >>> 24;
  nonce[8] = (low >>> 16) & 0xff;
  nonce[9] = (low >>> 8) & 0xff;
  nonce[10] = low & 0xff;
  nonce[11] = last ? LAST_CHUNK_FLAG : 0;
  return nonce;
}

/** Throws RangeError unless `chunkSize` is a power of two from 4 KiB to 16 MiB; returns its exponent. */
export function chunkExponentOf(chunkSize: number): number {
  assertInteger(chunkSize, 'chunkSize', 2 ** MIN_CHUNK_EXPONENT, 2 ** MAX_CHUNK_EXPONENT);
  const exponent = Math.log2(chunkSize);
  if (!Number.isInteger(exponent)) throw new RangeError(`chunkSize must be a power of two, got ${chunkSize}`);
  return exponent;
}

/** Number of chunks for a plaintext: at least one, so the empty plaintext still authenticates. */
export function chunkCount(plaintextLength: number, chunkSize: number): number {
  return plaintextLength === 0 ? 1 : Math.ceil(plaintextLength / chunkSize);
}

/** Bytes of sealed chunks for a plaintext of `plaintextLength`. */
export function payloadLength(plaintextLength: number, chunkSize: number): number {
  return plaintextLength + TAG_LENGTH * chunkCount(plaintextLength, chunkSize);
}

/**
 * The plaintext length whose chunks take exactly `sealedLength` bytes, or
 * undefined when no plaintext does (the length itself proves truncation or extension).
 */
export function plaintextLengthOf(sealedLength: number, chunkSize: number): number | undefined {
  if (sealedLength < TAG_LENGTH) return undefined;
  const fullFrames = Math.floor(sealedLength / (chunkSize + TAG_LENGTH));
  const rest = sealedLength - fullFrames * (chunkSize + TAG_LENGTH);
  if (rest === 0) return fullFrames * chunkSize;
  // A short last frame holds at least one byte, except as the only frame of an empty plaintext.
  if (rest < TAG_LENGTH || (rest === TAG_LENGTH && fullFrames > 0)) return undefined;
  return fullFrames * chunkSize + rest - TAG_LENGTH;
}

/** Offset of sealed chunk `index` from the start of the payload (spec §7.3): seeking starts here. */
export function chunkOffset(index: number, chunkSize: number): number {
  return index * (chunkSize + TAG_LENGTH);
}
