/**
 * The end of a payload (spec/format.md §7.4, §9.5): what is left once every
 * chunk known not to be the last has opened. That is the final frame, then,
 * for a signed file, the fixed-size signature block. Both decoders, the
 * Transform and the file engine, end here, so they name the same failure.
 */
import type { CryptoBackend } from '../crypto/index.js';
import { PayloadError, hasCode } from '../errors.js';
import { openChunk, opensAs } from './chunk-cipher.js';
import { SIGNATURE_BLOCK_LENGTH, TAG_LENGTH } from './frame.js';

/** The opened final chunk, and what a signed file's caller still has to check. */
export interface OpenedTail {
  plaintext: Uint8Array[];
  /** The final chunk as sealed on the wire, for the transcript (§9.3). */
  sealedFinal: Uint8Array;
  /** The signature block, still sealed; undefined for an unsigned file. */
  block: Uint8Array | undefined;
}

/** Where the payload ends and what it ends with. */
export interface TailLayout {
  backend: CryptoBackend;
  payloadKey: Uint8Array;
  /** Index of the final chunk: the number of chunks opened before it. */
  index: number;
  /** Sealed bytes of a full chunk: the chunk size plus the tag. */
  frameLength: number;
  signed: boolean;
}

/**
 * Opens `tail`, every byte left at the end of input, as the final chunk and,
 * for a signed file, the signature block after it.
 * @throws PayloadError ERR_PAYLOAD_TRUNCATED, ERR_PAYLOAD_AUTH, ERR_PAYLOAD_TRAILING_DATA, ERR_PAYLOAD_EMPTY_CHUNK
 */
export function openPayloadTail(layout: TailLayout, tail: Uint8Array): OpenedTail {
  const blockLength = layout.signed ? SIGNATURE_BLOCK_LENGTH : 0;
  const rest = tail.length - blockLength;
  if (rest < TAG_LENGTH) {
    const what = layout.signed ? 'its final chunk and signature block' : 'its final chunk';
    throw new PayloadError('ERR_PAYLOAD_TRUNCATED', `payload ended before ${what} (chunk ${layout.index})`);
  }
  const sealedFinal = tail.subarray(0, rest);
  try {
    const plaintext = openChunk(layout.backend, layout.payloadKey, layout.index, true, [sealedFinal.subarray(0, rest - TAG_LENGTH)], sealedFinal.subarray(rest - TAG_LENGTH));
    return { plaintext, sealedFinal, block: layout.signed ? tail.subarray(rest) : undefined };
  } catch (error) {
    if (!layout.signed || !hasCode(error, 'ERR_PAYLOAD_AUTH')) throw error;
    throw diagnoseMissingBlock(layout, tail) ?? new PayloadError(
      'ERR_PAYLOAD_AUTH',
      `final chunk ${layout.index} failed authentication (altered, or cut inside the chunk or the signature block after it)`,
    );
  }
}

/**
 * A signed file whose final frame fails may simply have lost its signature
 * block: when the tail, read without a block, ends in a chunk that opens, the
 * input was cut. A cut inside the block stays ERR_PAYLOAD_AUTH, like a cut
 * inside a chunk: telling it from an alteration would mean one trial per cut
 * length (spec §9.5).
 */
function diagnoseMissingBlock(layout: TailLayout, tail: Uint8Array): PayloadError | undefined {
  // Without the block, the tail is one frame, or a full frame and a short final one.
  const start = tail.length > layout.frameLength ? layout.frameLength : 0;
  const index = layout.index + (start > 0 ? 1 : 0);
  const final = tail.subarray(start);
  if (opensAs(layout.backend, layout.payloadKey, index, true, final)) return new PayloadError('ERR_PAYLOAD_TRUNCATED', 'payload ended before its signature block');
  if (final.length === layout.frameLength && opensAs(layout.backend, layout.payloadKey, index, false, final)) {
    return new PayloadError('ERR_PAYLOAD_TRUNCATED', `payload ended after chunk ${index}, which is not the final chunk`);
  }
  return undefined;
}

