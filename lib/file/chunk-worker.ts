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

function runJob({ job: id, slot, batches, backend, queue: shared }: WorkerJob): void {
  const queue = new BatchQueue(shared);
  // Inside before the first take, so the calling thread never ends a failed job under a worker still writing.
  queue.enter(slot);
  try {
    const cipher = new BatchCipher(batches, resolveBackend(backend));
    for (let outcome = runNextBatch(cipher, queue); outcome !== undefined; outcome = runNextBatch(cipher, queue)) {
      const { batch, result, error } = outcome;
      if (error !== undefined) {
        // Only the code and message cross threads; key material never appears in either.
        const code = error instanceof CardsealError ? error.code : undefined;
        port.postMessage({ kind: 'failed', job: id, batch, code, message: error.message } satisfies WorkerMessage);
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
