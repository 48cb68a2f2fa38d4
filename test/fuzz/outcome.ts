/**
 * What counts as an acceptable failure on bad input: a CardsealError whose code
 * is in ERROR_CODES, whose class is that code's category, whose code is one the
 * entry point documents, and whose message is short and lowercase (house style).
 */
import { CardsealError, ERROR_CODES, type ErrorCode } from '../../lib/errors.js';

/**
 * Codes `decrypt` and `decryptWith` can raise when no senders are given to
 * verify against; ERR_ARMOR_FORMAT since they read armored input too (spec §10).
 */
export const DECRYPT_CODES: readonly ErrorCode[] = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) =>
  ['ERR_HEADER_', 'ERR_LIMIT_', 'ERR_PAYLOAD_', 'ERR_SIGNATURE_', 'ERR_NO_MATCH', 'ERR_ARMOR_'].some((prefix) => code.startsWith(prefix)),
);

/** Codes `parseHeader` documents. */
export const HEADER_PARSE_CODES: readonly ErrorCode[] = [
  'ERR_HEADER_CBOR',
  'ERR_HEADER_SCHEMA',
  'ERR_HEADER_SUITE',
  'ERR_LIMIT_RECIPIENTS',
  'ERR_LIMIT_CHUNK_SIZE',
  'ERR_LIMIT_CBOR_DEPTH',
];

/** Codes the key text parsers document. */
export const KEY_TEXT_CODES: readonly ErrorCode[] = ['ERR_KEY_FORMAT', 'ERR_KEY_CHECKSUM', 'ERR_KEY_PASSPHRASE', 'ERR_KEY_WORK_FACTOR'];

/** A broken invariant found while running one case. */
export class CaseFailure extends Error {}

const MAX_MESSAGE_LENGTH = 240;

/** Short description of any thrown value, for failure reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}${'code' in error ? ` ${String(error.code)}` : ''}: ${error.message}`;
  return `non-error ${typeof error}: ${String(error)}`;
}

/**
 * Returns the code of `error` when it is an acceptable failure among `allowed`;
 * throws CaseFailure saying what is wrong otherwise.
 */
export function acceptFailure(error: unknown, allowed: readonly ErrorCode[]): ErrorCode {
  if (!(error instanceof CardsealError)) throw new CaseFailure(`not a CardsealError: ${describeError(error)}`);
  const entry = ERROR_CODES[error.code] as readonly [string, string] | undefined;
  if (entry === undefined) throw new CaseFailure(`code not in ERROR_CODES: ${describeError(error)}`);
  if (error.constructor.name !== entry[0]) throw new CaseFailure(`code ${error.code} raised as ${error.constructor.name}, not ${entry[0]}`);
  if (!allowed.includes(error.code)) throw new CaseFailure(`undocumented code for this entry point: ${describeError(error)}`);
  // Lowercase first word (an acronym may stay upper case), and little of the input quoted.
  if (error.message.length > MAX_MESSAGE_LENGTH || /^[A-Z][a-z]/.test(error.message)) {
    throw new CaseFailure(`message breaks the house style: ${describeError(error)}`);
  }
  return error.code;
}
