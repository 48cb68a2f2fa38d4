/**
 * Strict decoding shared by cards and revocation records (spec/directory.md §2.1):
 * the canonical checker runs first, then cbor-x decodes, then each field is
 * checked against the schema. Callers finish by re-encoding what they read and
 * comparing bytes, so one record has exactly one encoding.
 */
import { inspect } from 'node:util';
import { CardError } from '../errors.js';
import { type CborValue, decodeChecked, findCanonicalViolation } from '../format/cbor.js';
import { encodeRecordText } from './card-text.js';
import { type CardTextKind, findTextProblem } from './identity.js';

/** Records nest at most three deep (card → endorsements → endorsement). */
const RECORD_CBOR_LIMITS = { maxDepth: 3, maxItems: 16 };

/** A CardError ERR_CARD_FORMAT naming what was malformed. */
export function formatError(what: string, message: string): CardError {
  return new CardError('ERR_CARD_FORMAT', `invalid ${what}: ${message}`);
}

/**
 * Decodes canonical CBOR bytes holding a map whose keys are all in `allowedKeys`.
 * @throws CardError ERR_CARD_FORMAT
 */
export function decodeRecordMap(bytes: Uint8Array, what: string, maxBytes: number, allowedKeys: readonly number[]): Map<CborValue, CborValue> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length > maxBytes) throw formatError(what, `${bytes.length} bytes, more than ${maxBytes}`);
  const violation = findCanonicalViolation(bytes, RECORD_CBOR_LIMITS);
  if (violation !== undefined) throw formatError(what, `not canonical CBOR: ${violation.message}`);
  const value = decodeChecked(bytes);
  if (!(value instanceof Map)) throw formatError(what, 'must be a map');
  for (const key of value.keys()) {
    // Records have no extension points: an unknown field is an error, never ignored.
    if (typeof key !== 'number' || !allowedKeys.includes(key)) throw formatError(what, `unknown field ${typeof key === 'number' ? key : typeof key}`);
  }
  return value;
}

/**
 * The byte string at `value` if it has `length` bytes, as a fresh Uint8Array.
 * @throws CardError ERR_CARD_FORMAT
 */
export function readBytes(value: CborValue | undefined, length: number, what: string, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) throw formatError(what, `${field} must be ${length} bytes`);
  return Uint8Array.from(value);
}

/**
 * The unsigned integer at `value`.
 * @throws CardError ERR_CARD_FORMAT
 */
export function readUint(value: CborValue | undefined, what: string, field: string): number {
  // cbor-x decodes 8-byte integers as bigint; the canonical checker already capped them at 2^53.
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) throw formatError(what, `${field} must be an unsigned integer`);
  return number;
}

/**
 * The card text at `value`, which must already be in its normal form.
 * @throws CardError ERR_CARD_FORMAT
 */
export function readText(value: CborValue | undefined, kind: CardTextKind, what: string): string {
  if (typeof value !== 'string') throw formatError(what, `${kind} must be a text string`);
  const problem = findTextProblem(value, kind);
  if (problem !== undefined) throw formatError(what, `${kind} ${problem}`);
  return value;
}

/** Unix time in whole seconds: cards store seconds so every time is a small integer. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** What cards and revocations share: immutable bytes, a text form under a prefix, and safe printing. */
export abstract class SignedRecord {
  readonly #bytes: Uint8Array;
  readonly #prefix: string;

  protected constructor(bytes: Uint8Array, prefix: string) {
    this.#bytes = Uint8Array.from(bytes);
    this.#prefix = prefix;
  }

  /** The binary form, as a fresh copy. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The text form (spec/directory.md §2.5), for files and copy-paste. */
  export(): string {
    return encodeRecordText(this.#prefix, this.#bytes);
  }

  toJSON(): string {
    return this.export();
  }

  abstract toString(): string;

  [inspect.custom](): string {
    return this.toString();
  }
}
