/**
 * The batch counter every thread of one file job shares: which batch comes
 * next, below which batch work stops (after a failure, or at once on abort),
 * how many plaintext bytes are done, and which workers are inside the job. It
 * lives in a SharedArrayBuffer and is touched only with Atomics, so the
 * threads need no messages to divide work: a thread that is slowed down
 * (another process on its core) simply takes fewer batches.
 *
 * The activity slots let the calling thread end a job without waiting for a
 * worker that has not reached it yet (one still starting, or busy with
 * another job): a worker marks itself in before it takes a batch, and the
 * calling thread marks it out once its last message about the job has
 * arrived. Once nothing is left to take and no worker is in, every result
 * has arrived, and a worker that comes later takes nothing and touches no file.
 */

const NEXT = 0;
const STOP = 1;
const DONE_BYTES = 2;
/** Set once, by the thread that makes the counter. */
const BATCH_COUNT = 3;
/** Then one slot per worker: 1 while that worker is inside the job. */
const FIRST_WORKER = 4;

/** A view of the shared counter; every thread of a job makes one over the same buffer. */
export class BatchQueue {
  readonly #state: BigInt64Array;

  /** The number of batches of the job. */
  readonly batchCount: number;

  /**
   * A new counter over `batchCount` batches with a slot for each of `workers`
   * workers, or, given `shared`, a view of one that another thread made.
   */
  constructor(shared: SharedArrayBuffer | { batchCount: number; workers: number }) {
    if (shared instanceof SharedArrayBuffer) {
      this.#state = new BigInt64Array(shared);
    } else {
      this.#state = new BigInt64Array(new SharedArrayBuffer((FIRST_WORKER + shared.workers) * 8));
      this.#state[STOP] = BigInt(shared.batchCount);
      this.#state[BATCH_COUNT] = BigInt(shared.batchCount);
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
  }

  /** Marks worker `slot` inside the job; it must do so before it takes a batch. */
  enter(slot: number): void {
    Atomics.store(this.#state, FIRST_WORKER + slot, 1n);
  }

  /** Marks worker `slot` out of the job: its message that it finished has arrived, or it has died. */
  leave(slot: number): void {
    Atomics.store(this.#state, FIRST_WORKER + slot, 0n);
  }

  /** True while worker `slot` is inside the job. */
  isInside(slot: number): boolean {
    return Atomics.load(this.#state, FIRST_WORKER + slot) !== 0n;
  }

  /**
   * True when no batch is left to take and no worker is inside the job: no
   * worker will write again, and every worker's results have arrived. The
   * next batch only grows and the stop only falls, so a worker that enters
   * after this takes nothing.
   */
  get quiet(): boolean {
    if (Atomics.load(this.#state, NEXT) < Atomics.load(this.#state, STOP)) return false;
    for (let slot = FIRST_WORKER; slot < this.#state.length; slot++) if (Atomics.load(this.#state, slot) !== 0n) return false;
    return true;
  }

  /** Plaintext bytes sealed or opened so far, by every thread. */
  get doneBytes(): number {
    return Number(Atomics.load(this.#state, DONE_BYTES));
  }
}
