/**
 * Format limits (spec/format.md §8). The hard limits bound what any valid file
 * may declare; the decrypt defaults are tighter caps a caller may raise up to
 * the hard limits.
 */

/** The smallest and largest chunk size exponent: chunks of 4 KiB to 16 MiB. */
export const MIN_CHUNK_EXPONENT = 12;
export const MAX_CHUNK_EXPONENT = 24;
/** The default chunk size exponent: 256 KiB (README, Performance, justifies it from bench/RESULTS.md). */
export const DEFAULT_CHUNK_EXPONENT = 18;

/** No valid header is larger than this many bytes. */
export const MAX_HEADER_BYTES = 8 * 1024 * 1024;
/** No valid header has more recipient entries than this. */
export const MAX_RECIPIENTS = 65_535;
/** No valid header nests arrays and maps deeper than this. */
export const MAX_CBOR_DEPTH = 8;

/** Decrypt-side caps a caller may lower or raise (to the hard limits). */
export interface DecryptLimits {
  /** Largest header accepted, in bytes. Default 1 MiB (about 15,000 recipients). */
  maxHeaderBytes?: number;
  /** Most recipient entries accepted. Default 10,000. */
  maxRecipients?: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;
export const DEFAULT_MAX_RECIPIENTS = 10_000;
