/**
 * Sealing and opening one payload chunk (spec/format.md §7.2), and naming why a
 * chunk failed (§7.4). Shared by the Transforms and the worker threads so both
 * paths apply exactly the same rules.
 */
import { concatBytes, wipe } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { PayloadError } from '../errors.js';
import { TAG_LENGTH, chunkNonce } from './frame.js';

/**
 * Seals chunk `index`, whose plaintext may arrive in pieces (so a chunk that
 * spans several reads is never copied to join it), and returns it as on the
 * wire in pieces: the ciphertext pieces, then the tag. They are never joined:
 * the join was a copy of every chunk, and its allocation the largest share of
 * a stream's garbage (bench/RESULTS.md §1, §3). Writers take them in one writev.
 */
export function sealChunk(backend: CryptoBackend, key: Uint8Array, index: number, last: boolean, plaintext: readonly Uint8Array[]): Uint8Array[] {
  const { ciphertext, tag } = backend.sealSegments(key, chunkNonce(index, last), plaintext);
  ciphertext.push(tag);
  return ciphertext;
}

/** True when the sealed chunk opens as chunk `index` with the flag `last`. For diagnosis only: the plaintext is wiped. */
export function opensAs(backend: CryptoBackend, key: Uint8Array, index: number, last: boolean, frame: Uint8Array): boolean {
  if (frame.length < TAG_LENGTH) return false;
  const split = frame.length - TAG_LENGTH;
  const plaintext = backend.openParts(key, chunkNonce(index, last), frame.subarray(0, split), frame.subarray(split));
  wipe(plaintext);
  return plaintext !== undefined;
}

/**
 * Opens sealed chunk `index`, whose ciphertext may arrive in pieces (so a chunk
 * that spans two reads is never copied to join it), and returns its plaintext
 * in pieces. When it fails, the other flag is tried to tell truncation (a
 * non-final chunk at the end of input) from extension (data after the final chunk).
 * @throws PayloadError ERR_PAYLOAD_AUTH, ERR_PAYLOAD_TRUNCATED, ERR_PAYLOAD_TRAILING_DATA, ERR_PAYLOAD_EMPTY_CHUNK
 */
export function openChunk(backend: CryptoBackend, key: Uint8Array, index: number, last: boolean, ciphertext: readonly Uint8Array[], tag: Uint8Array): Uint8Array[] {
  const plaintext = backend.openSegments(key, chunkNonce(index, last), ciphertext, tag);
  if (plaintext === undefined) {
    if (!opensAs(backend, key, index, !last, concatBytes(...ciphertext, tag))) {
      throw new PayloadError('ERR_PAYLOAD_AUTH', `chunk ${index} failed authentication (altered, reordered, or cut inside the chunk)`);
    }
    throw last
      ? new PayloadError('ERR_PAYLOAD_TRUNCATED', `payload ended after chunk ${index}, which is not the final chunk`)
      : new PayloadError('ERR_PAYLOAD_TRAILING_DATA', `data follows the final chunk ${index}`);
  }
  // An empty final chunk is allowed only as the sole chunk: one encoding per length (§7.2).
  if (last && index > 0 && plaintext.every((piece) => piece.length === 0)) {
    throw new PayloadError('ERR_PAYLOAD_EMPTY_CHUNK', `empty final chunk ${index} after a full chunk`);
  }
  return plaintext;
}
