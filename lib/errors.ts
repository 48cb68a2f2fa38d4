/**
 * Every failure a user can meet, as one base class, one subclass per category,
 * and one table of stable codes. Callers match on `err.code`; messages may change.
 *
 * Caller bugs (a wrong argument type or value) are not listed here: they throw
 * TypeError or RangeError. Broken invariants throw `Error('internal error: …')`.
 */

/** Every error code cardseal raises, with its category and meaning. README repeats this table. */
export const ERROR_CODES = {
  // Header (spec/format.md §3, §5.3)
  ERR_HEADER_MAGIC: ['HeaderError', 'the input does not start with the cardseal magic'],
  ERR_HEADER_VERSION: ['HeaderError', 'the file is a cardseal format version this library does not read'],
  ERR_HEADER_TRUNCATED: ['HeaderError', 'the input ended inside the prefix, header or header MAC'],
  ERR_HEADER_CBOR: ['HeaderError', 'the header is not canonical CBOR (non-minimal, indefinite, unsorted or duplicate keys, tags, floats, trailing bytes)'],
  ERR_HEADER_SCHEMA: ['HeaderError', 'the header is canonical CBOR but not a valid header (missing, mistyped or unknown critical field)'],
  ERR_HEADER_SUITE: ['HeaderError', 'the header names a cipher suite this library does not implement'],
  ERR_HEADER_LOW_ORDER: ['HeaderError', 'the ephemeral share is a low-order or non-canonical X25519 point'],
  // Recipient lookup (spec/format.md §5)
  ERR_NO_MATCH: ['NoMatchError', 'none of the header entries is for the given private key'],
  // Header MAC (spec/format.md §6)
  ERR_HEADER_MAC: ['HeaderMacError', 'the header MAC does not verify: the header was altered or the file key is wrong'],
  // Payload (spec/format.md §7)
  ERR_PAYLOAD_AUTH: ['PayloadError', 'a payload chunk failed authentication: the ciphertext was altered, reordered or cut inside a chunk'],
  ERR_PAYLOAD_TRUNCATED: ['PayloadError', 'the payload ended before its final chunk'],
  ERR_PAYLOAD_TRAILING_DATA: ['PayloadError', 'bytes follow the final chunk'],
  ERR_PAYLOAD_EMPTY_CHUNK: ['PayloadError', 'an empty final chunk follows a full chunk, which no encoder produces'],
  // Limits (spec/format.md §8)
  ERR_LIMIT_HEADER_SIZE: ['LimitError', 'the header is larger than the allowed maximum'],
  ERR_LIMIT_RECIPIENTS: ['LimitError', 'the header lists more recipient entries than allowed'],
  ERR_LIMIT_CHUNK_SIZE: ['LimitError', 'the chunk size exponent is outside 12..24'],
  ERR_LIMIT_CBOR_DEPTH: ['LimitError', 'CBOR nesting is deeper than allowed'],
  // Keys (spec/format.md §2)
  ERR_KEY_FORMAT: ['KeyError', 'a key string or key file is malformed'],
  ERR_KEY_CHECKSUM: ['KeyError', 'a key string has a wrong checksum (a typo or a truncated copy)'],
  ERR_KEY_LOW_ORDER: ['KeyError', 'a recipient public key is a low-order X25519 point'],
  ERR_KEY_PASSPHRASE: ['KeyError', 'the passphrase does not open the protected private key'],
  ERR_KEY_WORK_FACTOR: ['KeyError', 'the protected key asks for a scrypt work factor above the allowed maximum'],
  ERR_KEY_NO_RECIPIENTS: ['KeyError', 'encryption was asked for with no recipients'],
  // Cards (spec/directory.md)
  ERR_CARD_FORMAT: ['CardError', 'a card or revocation record is malformed or not canonical'],
  ERR_CARD_ID: ['CardError', 'a card id does not match the hash of its content'],
  ERR_CARD_SIGNATURE: ['CardError', 'a card signature does not verify'],
  ERR_CARD_IDENTITY: ['CardError', 'a card is for another identity than the one asked for'],
  ERR_CARD_REVOKED: ['CardError', 'the card has been revoked'],
  ERR_CARD_SUPERSEDED: ['CardError', 'the card has been replaced by a newer card'],
  ERR_CARD_UNTRUSTED: ['CardError', 'the card lacks a signature by a required trusted signer'],
  ERR_CARD_NOT_FOUND: ['CardError', 'no live card exists for the identity or id'],
  // Directory (spec/directory.md)
  ERR_DIRECTORY_HTTP: ['DirectoryError', 'the directory answered with an error status'],
  ERR_DIRECTORY_RESPONSE: ['DirectoryError', 'the directory answer is malformed, oversized or inconsistent with the request'],
  ERR_DIRECTORY_TIMEOUT: ['DirectoryError', 'the directory did not answer in time'],
  ERR_DIRECTORY_UNREACHABLE: ['DirectoryError', 'the directory could not be reached'],
  ERR_DIRECTORY_STORAGE: ['DirectoryError', 'the directory storage is unreadable or was written by something else'],
  ERR_DIRECTORY_REQUEST: ['DirectoryError', 'the directory refused a request as malformed, oversized, too slow or unauthorised'],
  // Sender signatures (spec/format.md §9)
  ERR_SIGNATURE_MISSING: ['SignatureError', 'the file is not signed but a signature is required'],
  ERR_SIGNATURE_INVALID: ['SignatureError', 'the sender signature does not verify'],
  ERR_SIGNATURE_UNKNOWN_SIGNER: ['SignatureError', 'the file is signed by a card that is not among the accepted senders'],
  ERR_SIGNATURE_SIGNER_REVOKED: ['SignatureError', 'the file is signed by a card that has been revoked'],
  // Armor (spec/format.md §10)
  ERR_ARMOR_FORMAT: ['ArmorError', 'the armored text is not canonical (bad BEGIN/END line, line length, alphabet or padding)'],
  // HTTP upload and download
  ERR_HTTP_STATUS: ['HttpError', 'the server answered an upload or download with an error status'],
  ERR_HTTP_CONNECTION: ['HttpError', 'the connection failed or closed before the transfer completed'],
  ERR_HTTP_LENGTH: ['HttpError', 'the body length differs from the declared Content-Length'],
  // Command line
  ERR_USAGE: ['UsageError', 'the command line is wrong'],
  ERR_OUTPUT_TERMINAL: ['UsageError', 'binary output would be written to a terminal'],
  ERR_FILE: ['FileError', 'a file could not be read or written'],
  ERR_ABORTED: ['FileError', 'the operation was interrupted and its output discarded'],
} as const satisfies Record<string, readonly [string, string]>;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every error cardseal raises on bad input. Match on `code`. */
export class CardsealError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Malformed, non-canonical or unsupported header. Codes `ERR_HEADER_*` except the MAC. */
export class HeaderError extends CardsealError {}
/** No header entry opens with the given key: `ERR_NO_MATCH`. */
export class NoMatchError extends CardsealError {}
/** The header MAC does not verify: `ERR_HEADER_MAC`. */
export class HeaderMacError extends CardsealError {}
/** A payload chunk is altered, missing or extra: `ERR_PAYLOAD_*`. */
export class PayloadError extends CardsealError {}
/** A declared size or count exceeds a limit: `ERR_LIMIT_*`. */
export class LimitError extends CardsealError {}
/** A key is malformed, weak or locked: `ERR_KEY_*`. */
export class KeyError extends CardsealError {}
/** A card or revocation fails verification: `ERR_CARD_*`. */
export class CardError extends CardsealError {}
/** The card directory failed or lied: `ERR_DIRECTORY_*`. `statusCode` is set for HTTP answers. */
export class DirectoryError extends CardsealError {
  readonly statusCode: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(code, message, options);
    this.statusCode = options?.statusCode;
  }
}
/** A sender signature is missing, bad or by an unaccepted card: `ERR_SIGNATURE_*`. */
export class SignatureError extends CardsealError {}
/** Armored text is malformed: `ERR_ARMOR_FORMAT`. */
export class ArmorError extends CardsealError {}
/** An upload or download failed: `ERR_HTTP_*`. `statusCode` is set when the server answered. */
export class HttpError extends CardsealError {
  readonly statusCode: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(code, message, options);
    this.statusCode = options?.statusCode;
  }
}
/** The command line is wrong: `ERR_USAGE`, `ERR_OUTPUT_TERMINAL`. */
export class UsageError extends CardsealError {}
/** A file could not be read or written, or the write was interrupted: `ERR_FILE`, `ERR_ABORTED`. */
export class FileError extends CardsealError {}

const CATEGORIES: Record<string, new (code: ErrorCode, message: string) => CardsealError> = {
  HeaderError,
  NoMatchError,
  HeaderMacError,
  PayloadError,
  LimitError,
  KeyError,
  CardError,
  DirectoryError,
  SignatureError,
  ArmorError,
  HttpError,
  UsageError,
  FileError,
};

/**
 * The error of category and code `code`, rebuilt from its code and message:
 * how a failure in a worker thread reaches the caller as the same typed error.
 * Anything else (an unknown code, none) is a broken invariant.
 */
export function errorFromCode(code: string | undefined, message: string): Error {
  const entry = code === undefined ? undefined : (ERROR_CODES as Record<string, readonly [string, string]>)[code];
  const Category = entry === undefined ? undefined : CATEGORIES[entry[0]];
  return Category === undefined ? internalError(message) : new Category(code as ErrorCode, message);
}

/** True when `err` is a CardsealError carrying `code`. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof CardsealError && err.code === code;
}

/** A broken invariant inside cardseal: never the caller's fault, never bad input. */
export function internalError(what: string): Error {
  return new Error(`internal error: ${what}`);
}
