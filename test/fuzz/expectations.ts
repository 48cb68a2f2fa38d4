/**
 * What the decoder rules (spec/format.md §7.4) say must happen to a sample
 * after a precise alteration: which error code, and how many whole chunks a
 * stream releases before failing. The one-shot API releases nothing.
 */
import type { ErrorCode } from '../../lib/errors.js';
import { MAGIC, PREFIX_LENGTH } from '../../lib/format/prefix.js';
import { TAG_LENGTH } from '../../lib/stream/frame.js';
import type { SealedSample } from './corpus.js';

/** The expected failure: any of `codes`, after `releasedChunks` whole chunks. */
export interface Expectation {
  codes: readonly ErrorCode[];
  releasedChunks: number;
}

/** Sealed length of one full chunk: its plaintext and its tag. */
export function frameLength(sample: SealedSample): number {
  return sample.chunkSize + TAG_LENGTH;
}

/** The sealed chunks of `sample`, in order. */
export function splitFrames(sample: SealedSample): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const payload = sample.bytes.subarray(sample.envelopeLength);
  for (let offset = 0; offset < payload.length; offset += frameLength(sample)) {
    frames.push(payload.subarray(offset, offset + frameLength(sample)));
  }
  return frames;
}

/**
 * The file cut to its first `cut` bytes (cut < file length). A chunk comes out
 * once a byte beyond it has arrived; what remains is opened as the final
 * chunk. A remainder shorter than a tag, or a whole non-final chunk, reads as
 * truncation; a chunk cut inside its body fails authentication.
 */
export function expectCut(sample: SealedSample, cut: number): Expectation {
  if (cut < sample.envelopeLength) return { codes: ['ERR_HEADER_TRUNCATED'], releasedChunks: 0 };
  const payload = cut - sample.envelopeLength;
  const frame = frameLength(sample);
  const releasedChunks = payload === 0 ? 0 : Math.ceil(payload / frame) - 1;
  const rest = payload - releasedChunks * frame;
  return { codes: [rest < TAG_LENGTH || rest === frame ? 'ERR_PAYLOAD_TRUNCATED' : 'ERR_PAYLOAD_AUTH'], releasedChunks };
}

/** Codes a flipped header bit may give: the header is read strictly, then the entry looked up, then the MAC checked. */
const HEADER_BIT_CODES: readonly ErrorCode[] = [
  'ERR_HEADER_CBOR',
  'ERR_HEADER_SCHEMA',
  'ERR_HEADER_SUITE',
  'ERR_HEADER_LOW_ORDER',
  'ERR_LIMIT_RECIPIENTS',
  'ERR_LIMIT_CHUNK_SIZE',
  'ERR_LIMIT_CBOR_DEPTH',
  'ERR_NO_MATCH',
  'ERR_HEADER_MAC',
];

/** The same bytes of the magic that every cardseal version shares: "cardseal/". */
const FAMILY_LENGTH = MAGIC.indexOf(0x2f) + 1;

/** The file with bit `bit` (0 = most significant bit of byte 0) flipped. */
export function expectBitFlip(sample: SealedSample, bit: number): Expectation {
  const at = bit >> 3;
  if (at < FAMILY_LENGTH) return { codes: ['ERR_HEADER_MAGIC'], releasedChunks: 0 };
  if (at < MAGIC.length) return { codes: ['ERR_HEADER_VERSION'], releasedChunks: 0 };
  // A changed header length misplaces the header: zero, over the cap, past the end, or cut in the wrong place.
  if (at < PREFIX_LENGTH) return { codes: ['ERR_HEADER_SCHEMA', 'ERR_LIMIT_HEADER_SIZE', 'ERR_HEADER_TRUNCATED', 'ERR_HEADER_CBOR'], releasedChunks: 0 };
  if (at < sample.envelopeLength - 32) return { codes: HEADER_BIT_CODES, releasedChunks: 0 };
  if (at < sample.envelopeLength) return { codes: ['ERR_HEADER_MAC'], releasedChunks: 0 };
  return { codes: ['ERR_PAYLOAD_AUTH'], releasedChunks: Math.floor((at - sample.envelopeLength) / frameLength(sample)) };
}

/** A copy of `bytes` with bit `bit` flipped, counting from the most significant bit of byte 0. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}
