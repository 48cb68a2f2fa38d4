/**
 * Exact sizes before encrypting and after (spec/format.md §7.3), so a presigned
 * upload can declare its Content-Length without buffering.
 */
import { assertInteger } from './bytes.js';
import { envelopeLength } from './envelope.js';
import { PayloadError } from './errors.js';
import { PAYLOAD_NONCE_LENGTH, SUITE_CHACHA20_POLY1305, X25519_ENTRY_LENGTH, encodeHeader } from './format/header.js';
import { DEFAULT_CHUNK_EXPONENT, MAX_RECIPIENTS } from './format/limits.js';
import { SIGNATURE_BLOCK_LENGTH, chunkExponentOf, payloadLength, plaintextLengthOf } from './stream/frame.js';

/** Bytes of a CBOR length argument for `n` (RFC 8949 §3): the shortest form. */
function cborHeadLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/**
 * Bytes of the header CBOR for `recipients` unique X25519 recipients.
 * Every entry has a fixed size, so the length depends only on the count.
 */
export function headerLengthFor(recipients: number, chunkExponent: number, signed: boolean): number {
  const withoutEntries = encodeHeader({
    suite: SUITE_CHACHA20_POLY1305,
    chunkExponent,
    payloadNonce: new Uint8Array(PAYLOAD_NONCE_LENGTH),
    x25519: { ephemeral: new Uint8Array(32), entries: [] },
    otherStanzas: [],
    sender: signed ? 1 : 0,
    extensions: new Map(),
  }).length;
  const entryLength = cborHeadLength(X25519_ENTRY_LENGTH) + X25519_ENTRY_LENGTH;
  return withoutEntries - cborHeadLength(0) + cborHeadLength(recipients) + recipients * entryLength;
}

/** Options for {@link ciphertextSize}. */
export interface CiphertextSizeOptions {
  /** Number of distinct recipients (duplicates fold into one entry). Default 1. */
  recipients?: number;
  /** Chunk size in bytes. Default 256 KiB. */
  chunkSize?: number;
  /** Whether the file carries a sender signature (spec §9). Default false. */
  signed?: boolean;
}

/**
 * The exact ciphertext length of a plaintext of `plaintextLength` bytes.
 * @throws RangeError for a negative length, recipients outside 1..65,535, a chunk size that is not
 *   a power of two from 4 KiB to 16 MiB, or a size beyond 2^53 − 1; TypeError for a non-integer
 */
export function ciphertextSize(plaintextLength: number, options: CiphertextSizeOptions = {}): number {
  assertInteger(plaintextLength, 'plaintextLength', 0, Number.MAX_SAFE_INTEGER);
  const recipients = options.recipients ?? 1;
  assertInteger(recipients, 'recipients', 1, MAX_RECIPIENTS);
  const exponent = options.chunkSize === undefined ? DEFAULT_CHUNK_EXPONENT : chunkExponentOf(options.chunkSize);
  const signed = options.signed ?? false;
  const size = envelopeLength(headerLengthFor(recipients, exponent, signed)) + payloadLength(plaintextLength, 2 ** exponent) + (signed ? SIGNATURE_BLOCK_LENGTH : 0);
  // Past 2^53 a number no longer counts single bytes, so the size would not be exact.
  if (size > Number.MAX_SAFE_INTEGER) throw new RangeError(`the ciphertext of ${plaintextLength} bytes would exceed 2^53 − 1 bytes`);
  return size;
}

/** What {@link plaintextSize} needs to know of the header; `inspect` returns a superset. */
export interface PayloadLayout {
  /** Bytes before the payload: prefix ‖ header ‖ MAC. */
  headerLength: number;
  chunkSize: number;
  signed?: boolean;
}

/**
 * The exact plaintext length of a ciphertext of `ciphertextLength` bytes whose
 * envelope is `header` bytes long (with the default 256 KiB chunks), or whose
 * layout `inspect` reported.
 * @throws PayloadError ERR_PAYLOAD_TRUNCATED when no plaintext has that ciphertext length;
 *   RangeError for a chunk size that is not a power of two from 4 KiB to 16 MiB
 */
export function plaintextSize(ciphertextLength: number, header: number | PayloadLayout): number {
  assertInteger(ciphertextLength, 'ciphertextLength', 0, Number.MAX_SAFE_INTEGER);
  const layout: PayloadLayout = typeof header === 'number' ? { headerLength: header, chunkSize: 2 ** DEFAULT_CHUNK_EXPONENT } : header;
  assertInteger(layout.headerLength, 'headerLength', 1, Number.MAX_SAFE_INTEGER);
  chunkExponentOf(layout.chunkSize);
  const sealed = ciphertextLength - layout.headerLength - (layout.signed === true ? SIGNATURE_BLOCK_LENGTH : 0);
  const length = sealed < 0 ? undefined : plaintextLengthOf(sealed, layout.chunkSize);
  if (length === undefined) throw new PayloadError('ERR_PAYLOAD_TRUNCATED', `no plaintext encrypts to ${ciphertextLength} bytes with this header`);
  return length;
}
