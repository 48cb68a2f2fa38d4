/**
 * A worker thread of the file engine (lib/file/file-workers.ts). Each job
 * arrives as a message: the worker enters the job's shared counter, takes
 * batches until none is left, seals or opens each in place, and posts back
 * only what the calling thread needs: a signed file's chunk hashes, the first
 * failure, and that it has finished. The payload key arrives as a copy and is
 * wiped when the worker is done with the job.
 */
import { parentPort } from 'node:worker_threads';
import { wipe } from '../bytes.js';
import { type BackendName, resolveBackend } from '../crypto/index.js';
import { CardsealError } from '../errors.js';
import { type BatchJob, BatchCipher, runNextBatch } from './batch-cipher.js';
import { BatchQueue } from './batch-queue.js';

/** One job as a worker receives it. */
export interface WorkerJob {
  /** The job's number in its pool, echoed in every message about it. */
  job: number;
  /** This worker's slot in the job's counter. */
  slot: number;
  batches: BatchJob;
  backend: BackendName;
  queue: SharedArrayBuffer;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { kind: 'hashes'; job: number; batch: number; hashes: Uint8Array }
  | { kind: 'failed'; job: number; batch: number; code: string | undefined; message: string }
  | { kind: 'finished'; job: number; slot: number };

const port = parentPort!;

/** Posts the failure of `batch` (-1: before any batch); only the code and message cross threads, and key material appears in neither. */
function postFailure(job: number, batch: number, error: unknown): void {
  const code = error instanceof CardsealError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  port.postMessage({ kind: 'failed', job, batch, code, message: batch < 0 ? `a file worker could not start the job: ${message}` : message } satisfies WorkerMessage);
}

function runJob({ job: id, slot, batches, backend, queue: shared }: WorkerJob): void {
  const queue = new BatchQueue(shared);
  // Inside before the first take, so the calling thread never ends a failed job under a worker still writing.
  queue.enter(slot);
  try {
    let cipher: BatchCipher;
    try {
      cipher = new BatchCipher(batches, resolveBackend(backend));
    } catch (error) {
      // The job fails as it would for any thread that cannot run it; this worker stays for the next.
      queue.stopBefore(0);
      postFailure(id, -1, error);
      return;
    }
    for (let outcome = runNextBatch(cipher, queue); outcome !== undefined; outcome = runNextBatch(cipher, queue)) {
      const { batch, result, error } = outcome;
      if (error !== undefined) {
        postFailure(id, batch, error);
        break;
      }
      if (result.chunkHashes !== undefined) port.postMessage({ kind: 'hashes', job: id, batch, hashes: result.chunkHashes } satisfies WorkerMessage);
    }
  } finally {
    wipe(batches.payloadKey);
    // The calling thread marks this worker out when this message arrives, after every other it sent.
    port.postMessage({ kind: 'finished', job: id, slot } satisfies WorkerMessage);
  }
}

port.on('message', runJob);
