/**
 * Runs one file job's batches on worker threads and in the calling thread,
 * and reports the outcome as one thread would: a signed file's chunk hashes
 * in chunk order, and of several failures the first in chunk order, so the
 * result never depends on how the threads were scheduled.
 *
 * The calling thread works too, one batch per turn of its event loop, unless
 * the caller keeps it free: it is running already, while a worker takes 50 to
 * 100 ms to start (bench/RESULTS.md), so a small file is done before any
 * worker is ready and a large one gets a core's worth more than the workers
 * alone. Workers come from the caller (lib/file/file-workers.ts), or are
 * started for the job and stopped after it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BackendName, CryptoBackend } from '../crypto/index.js';
import { FileError, errorFromCode, internalError } from '../errors.js';
import { type BatchJob, BatchCipher, runNextBatch } from './batch-cipher.js';
import { BatchQueue } from './batch-queue.js';
import { planBatches } from './batches.js';
import { WorkerPool } from './file-workers.js';

const PROGRESS_INTERVAL_MS = 100;

/** How to run a job. */
export interface RunOptions {
  /** Whether the calling thread works on batches too, one per turn of its event loop. */
  useCallingThread: boolean;
  /** The caller's workers, or how many to start for this job alone and stop after it (0: the calling thread alone). */
  workers: WorkerPool | number;
  backend: CryptoBackend;
  signal?: AbortSignal;
  /** Called now and then, and once at the end, with the plaintext bytes done so far. */
  onProgress?: (plaintextBytes: number) => void;
  /** Called with the sealed chunks' hashes in chunk order, when the job asks for them. */
  onChunkHashes?: (hashes: Uint8Array) => void;
}

/** Hands batch results on in batch order, whatever order they arrive in. */
class InOrder {
  readonly #waiting = new Map<number, Uint8Array>();
  #next = 0;

  constructor(readonly deliver: (hashes: Uint8Array) => void) {}

  add(batch: number, hashes: Uint8Array): void {
    this.#waiting.set(batch, hashes);
    for (let ready = this.#waiting.get(this.#next); ready !== undefined; ready = this.#waiting.get(this.#next)) {
      this.#waiting.delete(this.#next++);
      this.deliver(ready);
    }
  }
}

/** The failure of the lowest batch seen so far. */
class FirstFailure {
  #batch = Infinity;
  #error: Error | undefined;

  add(batch: number, error: Error): void {
    if (batch < this.#batch) {
      this.#batch = batch;
      this.#error = error;
    }
  }

  get error(): Error | undefined {
    return this.#error;
  }
}

/** What a job that was aborted rejects with. */
export function abortedError(): FileError {
  return new FileError('ERR_ABORTED', 'the operation was aborted and its output discarded');
}

/**
 * Seals or opens every batch of `job`.
 * @throws PayloadError ERR_PAYLOAD_* for the first chunk in order that fails; FileError ERR_FILE,
 *   or ERR_ABORTED when `signal` aborts
 */
export async function runBatches(job: BatchJob, options: RunOptions): Promise<void> {
  if (options.signal?.aborted === true) throw abortedError();
  const workers = typeof options.workers === 'number' ? (options.workers === 0 ? undefined : new WorkerPool(options.workers)) : options.workers;
  const queue = new BatchQueue({ batchCount: planBatches(job.chunkCount, job.chunkSize).batchCount, workers: workers?.slots ?? 0 });
  const ordered = options.onChunkHashes === undefined ? undefined : new InOrder(options.onChunkHashes);
  const failure = new FirstFailure();
  const onAbort = (): void => {
    queue.stopBefore(0);
    failure.add(-1, abortedError());
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Workers report nothing per batch, so progress is sampled; the calling thread also reports after each of its batches.
  const progress = options.onProgress === undefined || workers === undefined ? undefined : setInterval(() => options.onProgress!(queue.doneBytes), PROGRESS_INTERVAL_MS);
  progress?.unref();
  try {
    if (workers === undefined) await runHere(job, options, queue, ordered, failure);
    else await runOnWorkers(job, options, workers, queue, ordered, failure);
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
    // Workers started for this job alone end with it; a worker still starting never took a batch.
    if (workers !== options.workers) void workers?.close();
  }
  if (failure.error !== undefined) throw failure.error;
  options.onProgress?.(queue.doneBytes);
}

/** Works on batches in the calling thread, one per turn of the event loop, until none is left. */
async function runHere(job: BatchJob, options: RunOptions, queue: BatchQueue, ordered: InOrder | undefined, failure: FirstFailure): Promise<void> {
  const cipher = new BatchCipher(job, options.backend);
  for (let outcome = runNextBatch(cipher, queue); outcome !== undefined; outcome = runNextBatch(cipher, queue)) {
    if (outcome.error !== undefined) return failure.add(outcome.batch, outcome.error);
    if (outcome.result.chunkHashes !== undefined) ordered?.add(outcome.batch, outcome.result.chunkHashes);
    options.onProgress?.(queue.doneBytes);
    // One batch at a time, so timers, I/O and an abort still get their turn.
    await nextTurn();
  }
}

/**
 * Runs the job on `workers`, and in the calling thread unless the caller
 * keeps it free. The job is over once the calling thread has stopped and the
 * counter is quiet (lib/file/batch-queue.ts): nothing is left to take, and
 * every worker that took part has said so after its last result. A worker
 * that has not reached the job by then is not waited for.
 */
function runOnWorkers(job: BatchJob, options: RunOptions, workers: WorkerPool, queue: BatchQueue, ordered: InOrder | undefined, failure: FirstFailure): Promise<void> {
  let callingThreadRunning = options.useCallingThread;
  let settle: () => void;
  const over = new Promise<void>((resolve) => (settle = resolve));
  const settleIfOver = (): void => {
    if (!callingThreadRunning && queue.quiet) {
      detach();
      options.signal?.removeEventListener('abort', settleIfOver);
      settle();
    }
  };
  // After an abort the job needs no worker's word: it is over once no worker is inside it, even
  // while every worker is still busy with another job or still starting.
  options.signal?.addEventListener('abort', settleIfOver);
  const fail = (error: Error): void => {
    queue.stopBefore(0);
    failure.add(-1, error);
  };
  if (workers.size === 0 && !options.useCallingThread) fail(internalError('every file worker has failed'));
  const detach = workers.dispatch(
    { batches: job, backend: options.backend.name as BackendName, queue: queue.shared },
    {
      message(message) {
        if (message.kind === 'hashes') ordered?.add(message.batch, message.hashes);
        else if (message.kind === 'failed') failure.add(message.batch, errorFromCode(message.code, message.message));
        else queue.leave(message.slot);
        settleIfOver();
      },
      died(slot, error) {
        // A worker that dies inside the job takes its batch with it: nothing it did can be trusted.
        if (queue.isInside(slot) || (workers.size === 0 && !callingThreadRunning)) fail(error);
        queue.leave(slot);
        settleIfOver();
      },
    },
  );
  if (options.useCallingThread) {
    void runHere(job, options, queue, ordered, failure)
      .catch((error: unknown) => fail(error as Error))
      .finally(() => {
        callingThreadRunning = false;
        settleIfOver();
      });
  } else {
    settleIfOver();
  }
  return over;
}
