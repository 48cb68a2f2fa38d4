/**
 * The batch counter every thread of one file job shares: which batch comes
 * next, below which batch work stops (after a failure, or at once on abort),
 * and how many plaintext bytes are done. It lives in a SharedArrayBuffer and
 * is touched only with Atomics, so the threads need no messages to divide work:
 * a thread that is slowed down (another process on its core) simply takes fewer
 * batches.
 */

const NEXT = 0;
const STOP = 1;
const DONE_BYTES = 2;
const DONE_BATCHES = 3;
/** Set once, by the thread that makes the counter. */
const BATCH_COUNT = 4;
const SLOTS = 5;

/** A view of the shared counter; every thread of a job makes one over the same buffer. */
export class BatchQueue {
  readonly #state: BigInt64Array;

  /** The number of batches of the job. */
  readonly batchCount: number;

  /** A new counter over `batchCount` batches, or a view of `shared` made by another thread. */
  constructor(shared: SharedArrayBuffer | number) {
    if (typeof shared === 'number') {
      this.#state = new BigInt64Array(new SharedArrayBuffer(SLOTS * 8));
      this.#state[STOP] = BigInt(shared);
      this.#state[BATCH_COUNT] = BigInt(shared);
    } else {
      this.#state = new BigInt64Array(shared);
    }
    this.batchCount = Number(this.#state[BATCH_COUNT]);
  }

  /** The buffer to hand to other threads. */
  get shared(): SharedArrayBuffer {
    return this.#state.buffer as SharedArrayBuffer;
  }

  /** The next batch to work on, or undefined when none is left below the stop. */
  take(): number | undefined {
    const batch = Atomics.add(this.#state, NEXT, 1n);
    return batch < Atomics.load(this.#state, STOP) ? Number(batch) : undefined;
  }

  /** Stops every thread before `batch`: batches below it still run, so the first failure in chunk order is found. */
  stopBefore(batch: number): void {
    const bound = BigInt(batch);
    for (let current = Atomics.load(this.#state, STOP); bound < current; ) {
      const seen = Atomics.compareExchange(this.#state, STOP, current, bound);
      if (seen === current) return;
      current = seen;
    }
  }

  /** Records a batch done, with its plaintext bytes. */
  addDone(plaintextBytes: number): void {
    Atomics.add(this.#state, DONE_BYTES, BigInt(plaintextBytes));
    Atomics.add(this.#state, DONE_BATCHES, 1n);
  }

  /** True once every batch of the job is done, whichever threads did them. */
  get complete(): boolean {
    return Atomics.load(this.#state, DONE_BATCHES) === BigInt(this.batchCount);
  }

  /** Plaintext bytes sealed or opened so far, by every thread. */
  get doneBytes(): number {
    return Number(Atomics.load(this.#state, DONE_BYTES));
  }
}
