/**
 * One-shot encryption for small data: the same format and the same Transforms,
 * collected into one array. Decryption returns nothing unless every chunk
 * authenticated, and with `verifyWith` unless the sender's signature verified,
 * so no partial or unverified plaintext ever reaches the caller.
 */
import type { Transform } from 'node:stream';
import { concatBytes, utf8 } from './bytes.js';
import type { PrivateKey } from './keys/keys.js';
import type { Recipient } from './recipients/recipient.js';
import type { SenderCard } from './signing/sender-card.js';
import type { VerifyWith } from './signing/verifier.js';
import { type DecryptOptions, decryptWith } from './stream/decrypt.js';
import { type EncryptOptions, encryptFor } from './stream/encrypt.js';

function runTransform(transform: Transform, input: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    transform.on('data', (part: Uint8Array) => parts.push(part));
    transform.once('error', (error) => {
      for (const part of parts) part.fill(0);
      reject(error);
    });
    transform.once('end', () => resolve(concatBytes(...parts)));
    transform.end(input);
  });
}

/**
 * Encrypts `data` (bytes, or a string as UTF-8) to `recipients`.
 * @throws as {@link encryptFor}
 */
export async function encrypt(data: Uint8Array | string, recipients: Iterable<Recipient>, options: EncryptOptions = {}): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array or a string');
  return runTransform(encryptFor(recipients, options), bytes);
}

/**
 * Decrypts a whole cardseal file held in memory. With `verifyWith`, it resolves
 * only when the sender's signature verifies; {@link decryptAndVerify} also says who signed.
 * @throws as {@link decryptWith}: ERR_HEADER_*, ERR_LIMIT_*, ERR_NO_MATCH, ERR_HEADER_MAC, ERR_PAYLOAD_*, ERR_SIGNATURE_*
 */
export async function decrypt(ciphertext: Uint8Array, privateKey: PrivateKey | string, options: DecryptOptions = {}): Promise<Uint8Array> {
  if (!(ciphertext instanceof Uint8Array)) throw new TypeError('ciphertext must be a Uint8Array');
  return runTransform(decryptWith(privateKey, options), ciphertext);
}

/** A signed file's plaintext and the card that signed it. */
export interface VerifiedPlaintext {
  plaintext: Uint8Array;
  signer: SenderCard;
}

/**
 * Decrypts a whole signed file and verifies its sender against `verifyWith`:
 * the counterpart of {@link encrypt} with `signWith`. An unsigned file is refused.
 * @throws TypeError without verifyWith; as {@link decryptWith}, with ERR_SIGNATURE_MISSING,
 *   ERR_SIGNATURE_INVALID, ERR_SIGNATURE_UNKNOWN_SIGNER, ERR_SIGNATURE_SIGNER_REVOKED
 */
export async function decryptAndVerify(
  ciphertext: Uint8Array,
  privateKey: PrivateKey | string,
  options: DecryptOptions & { verifyWith: VerifyWith },
): Promise<VerifiedPlaintext> {
  if (!(ciphertext instanceof Uint8Array)) throw new TypeError('ciphertext must be a Uint8Array');
  if (options?.verifyWith === undefined) throw new TypeError('verifyWith is required');
  const stream = decryptWith(privateKey, { ...options, requireSignature: true });
  const plaintext = await runTransform(stream, ciphertext);
  return { plaintext, signer: stream.signer! };
}
