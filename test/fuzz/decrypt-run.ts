/**
 * Decrypting hostile input the two ways a caller can: in one shot, and as a
 * stream fed in pieces. Both report what reached the caller before the
 * failure, so tests can hold every released byte against the true plaintext.
 */
import { finished } from 'node:stream/promises';
import { concatBytes } from '../../lib/bytes.js';
import type { PrivateKey } from '../../lib/keys/keys.js';
import { decrypt } from '../../lib/oneshot.js';
import { type DecryptOptions, decryptWith } from '../../lib/stream/decrypt.js';
import { splitInto } from '../core/support.js';

/** What decrypting gave the caller: every byte released, and the error if it failed. */
export interface DecryptResult {
  released: Uint8Array;
  /** Undefined when decryption succeeded. */
  error: unknown;
}

/** Decrypts with the one-shot API, which releases nothing unless everything authenticates. */
export async function decryptInOneShot(bytes: Uint8Array, key: PrivateKey, options: DecryptOptions = {}): Promise<DecryptResult> {
  try {
    return { released: await decrypt(bytes, key, options), error: undefined };
  } catch (error) {
    return { released: new Uint8Array(0), error };
  }
}

/**
 * Decrypts with the streaming API, writing `bytes` in pieces whose sizes cycle
 * through `pieceSizes`, and collects every 'data' event.
 */
export async function decryptInPieces(bytes: Uint8Array, key: PrivateKey, pieceSizes: readonly number[], options: DecryptOptions = {}): Promise<DecryptResult> {
  const stream = decryptWith(key, options);
  const parts: Uint8Array[] = [];
  stream.on('data', (part: Uint8Array) => parts.push(part));
  const done = finished(stream);
  for (const piece of splitInto(bytes, pieceSizes)) {
    // A failure destroys the stream at once; later writes would only be refused.
    if (stream.destroyed) break;
    stream.write(piece);
  }
  if (!stream.destroyed) stream.end();
  let error: unknown;
  try {
    await done;
  } catch (caught) {
    error = caught;
  }
  return { released: concatBytes(...parts), error };
}
