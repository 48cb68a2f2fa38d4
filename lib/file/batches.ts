/**
 * How the file engine cuts a payload into batches of consecutive chunks.
 * Chunk i of a file sits at a computable offset on both sides (spec/format.md
 * §7.3), so batches can be sealed or opened in any order, by any thread, and
 * written straight to their place. Pure functions, tested without files.
 */
import { availableParallelism } from 'node:os';
import { TAG_LENGTH } from '../stream/frame.js';

/**
 * Plaintext bytes a batch aims at. Large enough that a batch's one read, one
 * write and its hand-off between threads cost little per byte; small enough
 * that every thread's two buffers stay a few MiB (bench/RESULTS.md §1).
 */
export const BATCH_BYTES = 1 << 20;
/** Below this many payload bytes a file job runs in the calling thread alone: starting workers would cost more than they save (bench/RESULTS.md). */
export const PARALLEL_MIN_BYTES = 8 * BATCH_BYTES;
/** The most threads a job uses by default; past a few cores the disk, not the cipher, sets the pace. */
const MAX_DEFAULT_THREADS = 8;

/**
 * The threads a job on `payloadBytes` uses unless told otherwise, the calling
 * thread included: itself alone below {@link PARALLEL_MIN_BYTES}, else one
 * per core, at most 8 and at most one per batch.
 */
export function defaultThreadCount(payloadBytes: number): number {
  if (payloadBytes < PARALLEL_MIN_BYTES) return 1;
  return Math.min(availableParallelism(), MAX_DEFAULT_THREADS, Math.ceil(payloadBytes / BATCH_BYTES));
}

/** A payload's chunks, grouped into batches. */
export interface BatchPlan {
  chunkSize: number;
  /** Chunks the job covers. */
  chunkCount: number;
  chunksPerBatch: number;
  batchCount: number;
}

/** The chunks of one batch: indexes first ≤ i < end. */
export interface BatchRange {
  first: number;
  end: number;
}

/** Groups `chunkCount` chunks of `chunkSize` bytes into batches of about {@link BATCH_BYTES}; a chunk larger than that is a batch alone. */
export function planBatches(chunkCount: number, chunkSize: number): BatchPlan {
  const chunksPerBatch = Math.max(1, Math.floor(BATCH_BYTES / chunkSize));
  return { chunkSize, chunkCount, chunksPerBatch, batchCount: Math.ceil(chunkCount / chunksPerBatch) };
}

/** The chunks of batch `batch` (0 ≤ batch < batchCount). */
export function batchRange(plan: BatchPlan, batch: number): BatchRange {
  const first = batch * plan.chunksPerBatch;
  return { first, end: Math.min(plan.chunkCount, first + plan.chunksPerBatch) };
}

/**
 * How many chunks of a sealed payload are certainly not the last: those a
 * streaming decoder opens before the end of input, because more than one
 * frame (and, for a signed file, the signature block) still follows them
 * (spec §7.4). Everything after them is the tail, for lib/stream/payload-tail.ts.
 * Both decoders cut here, so they open the same chunks and fail alike.
 */
export function chunksBeforeTail(sealedLength: number, chunkSize: number, signatureBlockLength: number): number {
  const frameLength = chunkSize + TAG_LENGTH;
  const holdBack = frameLength + signatureBlockLength;
  return sealedLength > holdBack ? Math.ceil((sealedLength - holdBack) / frameLength) : 0;
}
