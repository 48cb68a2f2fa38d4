/**
 * Worker threads for file jobs (lib/file/batch-runner.ts), started ahead of
 * need and kept between jobs. A worker takes 50 to 100 ms to start
 * (bench/RESULTS.md): a caller with many files starts them once, and one
 * that knows early that a job is coming (the CLI, before it loads the rest
 * of the engine) lets them start while it does other work. Each job reaches
 * every worker as one message; a worker busy with another job takes it up
 * after. Idle workers do not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assertInteger } from '../bytes.js';
import { FileError, internalError } from '../errors.js';
import type { WorkerJob, WorkerMessage } from './chunk-worker.js';

/** The most workers one pool may have. */
export const MAX_FILE_WORKERS = 64;

/** What a job hears from the workers while it runs. */
export interface JobListener {
  message(message: WorkerMessage): void;
  /** Worker `slot` died (or was closed) while the job was in flight: whatever it was doing is lost. */
  died(slot: number, error: Error): void;
}

interface Member {
  worker: Worker;
  alive: boolean;
}

/** Worker threads for `encryptFile` and `decryptFile`, from {@link startFileWorkers}. */
export interface FileWorkers {
  /** Workers still running: the number started, less any that died. */
  readonly size: number;
  /**
   * Stops every worker. A job that a worker is inside fails with
   * ERR_ABORTED; one that no worker has reached is left to its calling
   * thread. Call this when no job is left.
   */
  close(): Promise<void>;
}

/** The pool behind {@link FileWorkers}; `dispatch` and `slots` are for the batch runner alone. */
export class WorkerPool implements FileWorkers {
  readonly #crew: Member[];
  readonly #jobs = new Map<number, JobListener>();
  #nextJob = 0;
  #closed = false;

  /** @throws TypeError, RangeError for a count that is not an integer from 1 to 64 */
  constructor(count: number) {
    assertInteger(count, 'count', 1, MAX_FILE_WORKERS);
    this.#crew = Array.from({ length: count }, (_, slot) => this.#start(slot));
  }

  get size(): number {
    return this.#crew.filter((member) => member.alive).length;
  }

  /** The slots a job's counter needs: one per worker ever started, alive or not. */
  get slots(): number {
    return this.#crew.length;
  }

  #start(slot: number): Member {
    const member: Member = { worker: new Worker(new URL('./chunk-worker.js', import.meta.url)), alive: true };
    member.worker.unref();
    member.worker.on('message', (message: WorkerMessage) => this.#jobs.get(message.job)?.message(message));
    const die = (error: Error): void => {
      if (!member.alive) return;
      member.alive = false;
      for (const listener of [...this.#jobs.values()]) listener.died(slot, error);
    };
    member.worker.once('error', (error) => die(internalError(`a file worker failed: ${error.message}`)));
    member.worker.once('exit', () => die(this.#closed ? new FileError('ERR_ABORTED', 'the file workers were closed during the job; its output was discarded') : internalError('a file worker stopped unexpectedly')));
    return member;
  }

  /**
   * Hands `job` to every live worker, the key copied to each, and reports
   * what they say to `listener` until the returned function is called. Slot
   * numbers index the job's counter (lib/file/batch-queue.ts).
   * @throws Error when the pool is closed
   */
  dispatch(job: Omit<WorkerJob, 'job' | 'slot'>, listener: JobListener): () => void {
    if (this.#closed) throw new Error('these file workers are closed');
    const id = this.#nextJob++;
    this.#jobs.set(id, listener);
    // A job in flight keeps the process alive, so it cannot exit halfway while only workers are busy.
    if (this.#jobs.size === 1) for (const member of this.#crew) member.worker.ref();
    this.#crew.forEach((member, slot) => {
      if (member.alive) member.worker.postMessage({ ...job, job: id, slot } satisfies WorkerJob);
    });
    return () => {
      if (!this.#jobs.delete(id) || this.#jobs.size > 0) return;
      for (const member of this.#crew) member.worker.unref();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#crew.map((member) => member.worker.terminate()));
  }
}

/**
 * Starts `count` worker threads for file jobs: pass them as `workers` to
 * {@link encryptFile} and {@link decryptFile}, which then need not start
 * their own, and `close()` them when done. The default, one per core less
 * the calling thread (at least one, at most 7), gives a job one thread per
 * core with the calling thread working too.
 * @throws TypeError, RangeError for a count that is not an integer from 1 to 64
 */
export function startFileWorkers(count: number = defaultWorkerCount()): FileWorkers {
  return new WorkerPool(count);
}

/** One per core less the calling thread: at least one, at most 7. */
export function defaultWorkerCount(): number {
  return Math.min(Math.max(availableParallelism() - 1, 1), 7);
}
