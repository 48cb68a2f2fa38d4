/**
 * Runs one file job's batches on worker threads, or in the calling thread for
 * a small file, and reports the outcome as one thread would: a signed file's
 * chunk hashes in chunk order, and of several failures the first in chunk
 * order, so the result never depends on how the threads were scheduled.
 *
 * Workers are started per job and end with it, so nothing is left running
 * that could keep the process alive. A worker takes 50 to 100 ms to start
 * (bench/RESULTS.md), so the calling thread works on batches itself until
 * every worker is ready, then leaves the rest to them.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { BackendName, CryptoBackend } from '../crypto/index.js';
import { CardsealError, FileError, errorFromCode } from '../errors.js';
import { type BatchJob, BatchCipher } from './batch-cipher.js';
import { BatchQueue } from './batch-queue.js';
import { planBatches } from './batches.js';
import type { WorkerInput, WorkerMessage } from './chunk-worker.js';

const PROGRESS_INTERVAL_MS = 100;

/** How to run a job. */
export interface RunOptions {
  /** Worker threads; 0 runs every batch in the calling thread, yielding to the event loop between batches. */
  threads: number;
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
  const queue = new BatchQueue(planBatches(job.chunkCount, job.chunkSize).batchCount);
  const ordered = options.onChunkHashes === undefined ? undefined : new InOrder(options.onChunkHashes);
  const failure = new FirstFailure();
  const onAbort = (): void => {
    queue.stopBefore(0);
    failure.add(-1, abortedError());
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Workers report nothing per batch, so progress is sampled; the calling thread reports after each batch.
  const progress = options.onProgress === undefined || options.threads === 0 ? undefined : setInterval(() => options.onProgress!(queue.doneBytes), PROGRESS_INTERVAL_MS);
  progress?.unref();
  try {
    if (options.threads === 0) await runHere(job, options, queue, ordered, failure);
    else await runOnWorkers(job, options, queue, ordered, failure);
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure.error !== undefined) throw failure.error;
  options.onProgress?.(queue.doneBytes);
}

/** Works on batches in the calling thread, one per turn of the event loop, until none is left or `until()` says to stop. */
async function runHere(job: BatchJob, options: RunOptions, queue: BatchQueue, ordered: InOrder | undefined, failure: FirstFailure, until: () => boolean = () => false): Promise<void> {
  const cipher = new BatchCipher(job, options.backend);
  for (let batch = until() ? undefined : queue.take(); batch !== undefined; batch = until() ? undefined : queue.take()) {
    try {
      const result = cipher.run(batch);
      queue.addDone(result.plaintextBytes);
      if (result.chunkHashes !== undefined) ordered?.add(batch, result.chunkHashes);
    } catch (error) {
      queue.stopBefore(batch);
      failure.add(batch, error as Error);
      return;
    }
    options.onProgress?.(queue.doneBytes);
    // One batch at a time, so timers, I/O and an abort still get their turn.
    await nextTurn();
  }
}

/**
 * Runs the job on `options.threads` workers, with the calling thread working
 * until they are all ready. The job is over when every batch is done, or,
 * after a failure or an abort, when every thread has stopped; a worker still
 * starting then is not waited for: it never took a batch, so it is terminated.
 */
function runOnWorkers(job: BatchJob, options: RunOptions, queue: BatchQueue, ordered: InOrder | undefined, failure: FirstFailure): Promise<void> {
  const input: WorkerInput = { job, backend: options.backend.name as BackendName, queue: queue.shared };
  let ready = 0;
  let settled = false;
  let resolveJob: () => void;
  const job$ = new Promise<void>((resolve) => (resolveJob = resolve));
  const crew = Array.from({ length: options.threads }, () => ({ worker: new Worker(new URL('./chunk-worker.js', import.meta.url), { workerData: input }), running: true }));
  const settleIfOver = (): void => {
    if (settled || !(queue.complete || crew.every((member) => !member.running))) return;
    settled = true;
    // Every batch is done: a worker still running is one still starting, or one about to find the queue empty.
    for (const member of crew) if (member.running) void member.worker.terminate();
    resolveJob();
  };
  for (const member of crew) {
    let finished = false;
    member.worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'hashes') ordered?.add(message.batch, message.hashes);
      else if (message.kind === 'failed') failure.add(message.batch, errorFromCode(message.code, message.message));
      else if (message.kind === 'ready') ready++;
      else finished = true;
    });
    member.worker.once('error', (error) => {
      // A worker that dies (out of memory, a bug) takes its batch with it: nothing it did can be trusted.
      queue.stopBefore(0);
      failure.add(-1, error instanceof CardsealError ? error : new Error(`internal error: a file worker failed: ${error.message}`));
    });
    member.worker.once('exit', () => {
      member.running = false;
      if (!finished && !settled) {
        queue.stopBefore(0);
        failure.add(-1, new Error('internal error: a file worker stopped before it finished'));
      }
      settleIfOver();
    });
  }
  // Meanwhile this thread works, so the job does not wait for the workers to start.
  void runHere(job, options, queue, ordered, failure, () => ready === options.threads).then(settleIfOver);
  return job$;
}
