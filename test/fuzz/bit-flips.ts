/**
 * Single-bit flips across a three-chunk file (chunk size 4096), each decrypted
 * in one shot and as a stream. Every flip must fail with the code its position
 * dictates, the one-shot form must release nothing, and the stream must release
 * exactly the chunks before the flipped one, byte for byte.
 */
import { TAG_LENGTH } from '../../lib/stream/frame.js';
import { isPrefixOf } from '../core/support.js';
import { type SealedSample, sealSample } from './corpus.js';
import { decryptInOneShot, decryptInPieces } from './decrypt-run.js';
import { expectBitFlip, flipBit, frameLength } from './expectations.js';
import { CaseFailure, DECRYPT_CODES, acceptFailure } from './outcome.js';

/** Which bits to flip: all of the envelope, chunk edges and tags always, and every `payloadStride`-th payload bit. */
export interface BitFlipOptions {
  payloadStride: number;
}

/** What the flips did. */
export interface BitFlipReport {
  fileBytes: number;
  /** Flips checked; each is decrypted twice. */
  cases: number;
  elapsedMs: number;
  /** How often each code occurred (one-shot form). */
  codes: Record<string, number>;
  failures: string[];
}

/** Seals the file the flips are made in: two full chunks and a 1,000-byte last chunk, two recipients. */
export function sealThreeChunkFile(): Promise<SealedSample> {
  return sealSample({ name: 'three-chunk', plaintextLength: 2 * 4096 + 1000, chunkSize: 4096, recipients: 2 });
}

/** Flips the selected bits one at a time and checks each outcome. */
export async function checkEveryBitFlip(options: BitFlipOptions): Promise<BitFlipReport> {
  const sample = await sealThreeChunkFile();
  const report: BitFlipReport = { fileBytes: sample.bytes.length, cases: 0, elapsedMs: 0, codes: {}, failures: [] };
  const frame = frameLength(sample);
  const start = performance.now();
  for (let bit = 0; bit < sample.bytes.length * 8; bit++) {
    const at = bit >> 3;
    const inFrame = (at - sample.envelopeLength) % frame;
    const frameEnd = Math.min(frame, sample.bytes.length - sample.envelopeLength - (at - sample.envelopeLength - inFrame));
    const selected =
      at < sample.envelopeLength || inFrame < TAG_LENGTH || inFrame >= frameEnd - TAG_LENGTH || (bit - sample.envelopeLength * 8) % options.payloadStride === 0;
    if (!selected) continue;
    report.cases++;
    try {
      const code = await checkFlip(sample, bit);
      report.codes[code] = (report.codes[code] ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof CaseFailure)) throw error;
      report.failures.push(`bit ${bit} (byte ${at}): ${error.message}`);
      if (report.failures.length >= 20) break;
    }
  }
  report.elapsedMs = performance.now() - start;
  return report;
}

async function checkFlip(sample: SealedSample, bit: number): Promise<string> {
  const bytes = flipBit(sample.bytes, bit);
  const expected = expectBitFlip(sample, bit);
  const oneShot = await decryptInOneShot(bytes, sample.privateKey);
  if (oneShot.error === undefined) throw new CaseFailure('flipped file decrypted (forgery)');
  const code = acceptFailure(oneShot.error, DECRYPT_CODES);
  if (!expected.codes.includes(code)) throw new CaseFailure(`one-shot gave ${code}, expected ${expected.codes.join(' or ')}`);
  // Piece sizes vary with the bit, so chunk boundaries fall everywhere across the run.
  const streamed = await decryptInPieces(bytes, sample.privateKey, [1 + ((bit * 7919) % 4500)]);
  const streamedCode = streamed.error === undefined ? 'ok' : acceptFailure(streamed.error, DECRYPT_CODES);
  if (streamedCode !== code) throw new CaseFailure(`stream gave ${streamedCode}, one-shot ${code}`);
  const releasedLength = expected.releasedChunks * sample.chunkSize;
  if (streamed.released.length !== releasedLength || !isPrefixOf(streamed.released, sample.plaintext)) {
    throw new CaseFailure(`stream released ${streamed.released.length} bytes, expected the first ${releasedLength} of the plaintext`);
  }
  return code;
}
