/**
 * Text forms of keys (spec/format.md §2.1): a versioned prefix, then base32 of
 * the key bytes followed by a 4-byte checksum, so a typo or a cut copy is caught
 * before the key is used.
 */
import { concatBytes, equalConstantTime, utf8 } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { LABELS } from '../crypto/kdf.js';
import { KeyError } from '../errors.js';
import { stripTextPrefix } from '../format/text-prefix.js';
import { decodeBase32, encodeBase32 } from './base32.js';

/** Prefixes of the text forms. The digit is the key format version. */
export const PUBLIC_KEY_PREFIX = 'cardseal_pub1_';
export const SECRET_KEY_PREFIX = 'CARDSEAL_SECRET1_';
export const LOCKED_KEY_PREFIX = 'CARDSEAL_LOCKED1_';
const CHECKSUM_LENGTH = 4;

function checksum(backend: CryptoBackend, prefix: string, body: Uint8Array): Uint8Array {
  return backend.sha256(concatBytes(LABELS.keyChecksum, utf8(prefix), body)).subarray(0, CHECKSUM_LENGTH);
}

/** Encodes `body` under `prefix`. Secret prefixes are upper case, public lower case. */
export function encodeKeyText(backend: CryptoBackend, prefix: string, body: Uint8Array): string {
  const text = encodeBase32(concatBytes(body, checksum(backend, prefix, body)));
  return prefix + (prefix === PUBLIC_KEY_PREFIX ? text : text.toUpperCase());
}

/**
 * Decodes a key text with `prefix` whose body is `bodyLength` bytes.
 * @throws KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM
 */
export function decodeKeyText(backend: CryptoBackend, prefix: string, text: string, bodyLength: number, what: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${what} must be a string`);
  const encoded = stripTextPrefix(text, prefix, what, (message) => new KeyError('ERR_KEY_FORMAT', message));
  const lower = prefix === PUBLIC_KEY_PREFIX ? encoded : encoded.toLowerCase();
  // The case is part of the canonical form: public keys are lower case, secrets upper case.
  const expectedCase = prefix === PUBLIC_KEY_PREFIX ? encoded.toLowerCase() : encoded.toUpperCase();
  const decoded = encoded === expectedCase ? decodeBase32(lower) : undefined;
  if (decoded === undefined || decoded.length !== bodyLength + CHECKSUM_LENGTH) {
    throw new KeyError('ERR_KEY_FORMAT', `${what} is malformed (wrong length or alphabet)`);
  }
  const body = decoded.subarray(0, bodyLength);
  if (!equalConstantTime(checksum(backend, prefix, body), decoded.subarray(bodyLength))) {
    throw new KeyError('ERR_KEY_CHECKSUM', `${what} has a wrong checksum: check for a typo or a truncated copy`);
  }
  return body.slice();
}
