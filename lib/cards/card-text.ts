/**
 * Text forms of cards and revocations (spec/directory.md §2.5): a versioned
 * prefix, then unpadded base64url of the record bytes. Decoding is canonical:
 * surrounding whitespace is ignored, but nothing inside, no padding, and the
 * text must re-encode to itself, so one record has exactly one text form.
 */
import { asBuffer } from '../bytes.js';
import { CardError } from '../errors.js';
import { stripTextPrefix } from '../format/text-prefix.js';

/** Prefix of an exported card. The digit is the card format version. */
export const CARD_TEXT_PREFIX = 'cardseal_card1_';
/** Prefix of an exported revocation record. */
export const REVOCATION_TEXT_PREFIX = 'cardseal_revocation1_';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** `prefix` followed by unpadded base64url of `bytes`. */
export function encodeRecordText(prefix: string, bytes: Uint8Array): string {
  return prefix + asBuffer(bytes).toString('base64url');
}

/**
 * Decodes a text form with `prefix`, refusing anything longer than `maxBytes` decoded.
 * @throws CardError ERR_CARD_FORMAT
 */
export function decodeRecordText(prefix: string, text: string, maxBytes: number, what: string): Uint8Array {
  const body = stripTextPrefix(text, prefix, what, (message) => new CardError('ERR_CARD_FORMAT', message));
  // Checked before decoding, so a huge paste costs nothing.
  if (body.length > Math.ceil((maxBytes * 4) / 3)) throw new CardError('ERR_CARD_FORMAT', `${what} is longer than ${maxBytes} bytes`);
  if (!BASE64URL.test(body)) throw new CardError('ERR_CARD_FORMAT', `${what} is not unpadded base64url`);
  const bytes = Buffer.from(body, 'base64url');
  // Node ignores spare bits and a dangling character; the re-encoding check refuses both.
  if (bytes.toString('base64url') !== body) throw new CardError('ERR_CARD_FORMAT', `${what} is not canonical base64url`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The record bytes of `input`: its text form decoded, or bytes given as they are.
 * @throws CardError ERR_CARD_FORMAT
 */
export function recordBytesOf(input: string | Uint8Array, prefix: string, maxBytes: number, what: string): Uint8Array {
  if (typeof input === 'string') return decodeRecordText(prefix, input, maxBytes, `${what} text`);
  if (input instanceof Uint8Array) return input;
  throw new TypeError(`a ${what} must be its text form or its bytes`);
}
