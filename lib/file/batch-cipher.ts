/**
 * Sealing or opening one batch of chunks from one file into another, with
 * positional reads and writes (spec/format.md §7.2–§7.3). A worker thread runs
 * it, or the calling thread for a small file; both run exactly this code, and
 * it seals and opens through lib/stream/chunk-cipher.ts like the Transforms.
 *
 * The I/O is synchronous on purpose: in a worker it costs one system call per
 * batch, where an asynchronous call would cost a round trip through libuv's
 * thread pool. Input is read into one buffer reused for every batch; output
 * goes out with one writev of the pieces the cipher returned, so no sealed
 * chunk is copied to be joined. Plaintext is written only once its chunk has
 * authenticated, and only to the caller's temporary file.
 */
import * as fs from 'node:fs';
import type { CryptoBackend } from '../crypto/index.js';
import { FileError } from '../errors.js';
import { toFileError } from '../io/file-error.js';
import { openChunk, sealChunk } from '../stream/chunk-cipher.js';
import { TAG_LENGTH } from '../stream/frame.js';
import { hashSealedChunk } from '../signing/transcript.js';
import type { BatchQueue } from './batch-queue.js';
import { type BatchPlan, batchRange, planBatches } from './batches.js';

/** Bytes of a sealed chunk's SHA-256 in the transcript (spec §9.3). */
const CHUNK_HASH_LENGTH = 32;
/** writev takes at most this many pieces on Linux (IOV_MAX). */
const MAX_WRITE_PIECES = 1024;

/** What a job does, between which descriptors, with which key. Structured-cloneable, for a worker. */
export interface BatchJob {
  /** `seal`: plaintext file → payload of a sealed file; `open`: the reverse. */
  direction: 'seal' | 'open';
  input: NamedFd;
  /** The temporary output, named by the path it will be renamed to. */
  output: NamedFd;
  payloadKey: Uint8Array;
  chunkSize: number;
  /**
   * Chunks this job covers. Sealing: every chunk, the last one flagged final.
   * Opening: only the chunks before the tail (lib/file/batches.ts), none final.
   */
  chunkCount: number;
  /** Sealing: bytes of plaintext in all (the last chunk may be short, or empty for an empty file). */
  plaintextLength: number;
  /** Where the payload starts in the sealed file: the envelope's length. */
  payloadOffset: number;
  /** Also return each sealed chunk's SHA-256, for a signed file's transcript (spec §9.3). */
  hashChunks: boolean;
}

/** What one batch did. */
export interface BatchResult {
  /** Plaintext bytes sealed or opened. */
  plaintextBytes: number;
  /** The sealed chunks' SHA-256 hashes in order, 32 bytes each, when the job asks for them. */
  chunkHashes: Uint8Array | undefined;
}

/** A descriptor and the path to name in its errors: the caller's path, not a temporary file's. */
export interface NamedFd {
  fd: number;
  path: string;
}

/**
 * Reads exactly `length` bytes at `position`.
 * @throws FileError ERR_FILE when the read fails (a disk error) or the file ends first
 */
export function readFully(file: NamedFd, buffer: Uint8Array, length: number, position: number): Uint8Array {
  let filled = 0;
  while (filled < length) {
    let read: number;
    try {
      read = fs.readSync(file.fd, buffer, filled, length - filled, position + filled);
    } catch (error) {
      throw toFileError(error, 'read', file.path);
    }
    if (read === 0) throw new FileError('ERR_FILE', 'the input became shorter while it was read');
    filled += read;
  }
  return buffer.subarray(0, length);
}

/**
 * Writes every piece, in order, from `position`; writev may write less than
 * asked, so it goes on from where it stopped.
 * @throws FileError ERR_FILE when the write fails (a full disk, a file size limit)
 */
export function writeFully(file: NamedFd, pieces: readonly Uint8Array[], position: number): void {
  let pending = pieces.filter((piece) => piece.length > 0);
  let at = position;
  while (pending.length > 0) {
    let written: number;
    try {
      written = fs.writevSync(file.fd, pending.slice(0, MAX_WRITE_PIECES), at);
    } catch (error) {
      throw toFileError(error, 'write', file.path);
    }
    at += written;
    let done = 0;
    while (done < pending.length && written >= pending[done]!.length) written -= pending[done++]!.length;
    pending = pending.slice(done);
    if (written > 0) pending[0] = pending[0]!.subarray(written);
  }
}

/** Seals or opens the batches of one job. */
export class BatchCipher {
  readonly plan: BatchPlan;
  readonly #job: BatchJob;
  readonly #backend: CryptoBackend;
  readonly #frameLength: number;
  /** The one input buffer, reused for every batch. */
  readonly #input: Uint8Array;

  constructor(job: BatchJob, backend: CryptoBackend) {
    this.#job = job;
    this.#backend = backend;
    this.#frameLength = job.chunkSize + TAG_LENGTH;
    this.plan = planBatches(job.chunkCount, job.chunkSize);
    const unit = job.direction === 'seal' ? job.chunkSize : this.#frameLength;
    this.#input = new Uint8Array(unit * Math.min(this.plan.chunksPerBatch, Math.max(1, job.chunkCount)));
  }

  /**
   * Seals or opens batch `batch` and writes it in place.
   * @throws PayloadError ERR_PAYLOAD_* for the first chunk of the batch that fails; FileError ERR_FILE
   */
  run(batch: number): BatchResult {
    return this.#job.direction === 'seal' ? this.#seal(batch) : this.#open(batch);
  }

  #seal(batch: number): BatchResult {
    const job = this.#job;
    const { first, end } = batchRange(this.plan, batch);
    const start = first * job.chunkSize;
    const plaintext = readFully(job.input, this.#input, Math.min(job.plaintextLength, end * job.chunkSize) - start, start);
    const hashes = job.hashChunks ? new Uint8Array(CHUNK_HASH_LENGTH * (end - first)) : undefined;
    const pieces: Uint8Array[] = [];
    for (let i = first; i < end; i++) {
      const offset = (i - first) * job.chunkSize;
      const sealed = sealChunk(this.#backend, job.payloadKey, i, i === job.chunkCount - 1, [plaintext.subarray(offset, offset + job.chunkSize)]);
      hashes?.set(hashSealedChunk(this.#backend, sealed), CHUNK_HASH_LENGTH * (i - first));
      pieces.push(...sealed);
    }
    writeFully(job.output, pieces, job.payloadOffset + first * this.#frameLength);
    return { plaintextBytes: plaintext.length, chunkHashes: hashes };
  }

  #open(batch: number): BatchResult {
    const job = this.#job;
    const { first, end } = batchRange(this.plan, batch);
    const frames = readFully(job.input, this.#input, (end - first) * this.#frameLength, job.payloadOffset + first * this.#frameLength);
    const hashes = job.hashChunks ? new Uint8Array(CHUNK_HASH_LENGTH * (end - first)) : undefined;
    const pieces: Uint8Array[] = [];
    for (let i = first; i < end; i++) {
      const frame = frames.subarray((i - first) * this.#frameLength, (i - first + 1) * this.#frameLength);
      const ciphertext = frame.subarray(0, job.chunkSize);
      // Chunks before the tail are never the final one (spec §7.4).
      pieces.push(...openChunk(this.#backend, job.payloadKey, i, false, [ciphertext], frame.subarray(job.chunkSize)));
      hashes?.set(hashSealedChunk(this.#backend, [frame]), CHUNK_HASH_LENGTH * (i - first));
    }
    writeFully(job.output, pieces, first * job.chunkSize);
    return { plaintextBytes: (end - first) * job.chunkSize, chunkHashes: hashes };
  }
}

/** What one thread's turn at the queue came to: a batch done, a batch failed, or nothing left to take. */
export type BatchOutcome = { batch: number; result: BatchResult; error?: undefined } | { batch: number; error: Error; result?: undefined } | undefined;

/**
 * Takes the next batch from `queue` and runs it: the one step every thread of
 * a job repeats. A failure stops every thread before the failed batch, so the
 * batches below it still run and the first failure in chunk order is found.
 */
export function runNextBatch(cipher: BatchCipher, queue: BatchQueue): BatchOutcome {
  const batch = queue.take();
  if (batch === undefined) return undefined;
  try {
    const result = cipher.run(batch);
    queue.addDone(result.plaintextBytes);
    return { batch, result };
  } catch (error) {
    queue.stopBefore(batch);
    return { batch, error: error as Error };
  }
}
