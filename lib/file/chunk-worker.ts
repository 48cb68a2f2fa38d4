/**
 * A worker thread of the file engine (lib/file/batch-runner.ts): it says when
 * it is ready, takes batches from the shared counter until none is left, seals
 * or opens each in place, and posts back only what the calling thread needs: a
 * signed file's chunk hashes, and the first failure. The payload key arrives as a copy and
 * is wiped when the worker is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { wipe } from '../bytes.js';
import { type BackendName, resolveBackend } from '../crypto/index.js';
import { CardsealError } from '../errors.js';
import { type BatchJob, BatchCipher } from './batch-cipher.js';
import { BatchQueue } from './batch-queue.js';

/** What the calling thread hands a worker. */
export interface WorkerInput {
  job: BatchJob;
  backend: BackendName;
  queue: SharedArrayBuffer;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'hashes'; batch: number; hashes: Uint8Array }
  | { kind: 'failed'; batch: number; code: string | undefined; message: string }
  | { kind: 'finished' };

const { job, backend, queue: shared } = workerData as WorkerInput;
const port = parentPort!;
const queue = new BatchQueue(shared);
try {
  const cipher = new BatchCipher(job, resolveBackend(backend));
  // Loaded and about to take batches: the calling thread, which worked meanwhile, can stop.
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
  for (let batch = queue.take(); batch !== undefined; batch = queue.take()) {
    try {
      const result = cipher.run(batch);
      queue.addDone(result.plaintextBytes);
      if (result.chunkHashes !== undefined) port.postMessage({ kind: 'hashes', batch, hashes: result.chunkHashes } satisfies WorkerMessage);
    } catch (error) {
      queue.stopBefore(batch);
      // Only the code and message cross threads; key material never appears in either.
      const code = error instanceof CardsealError ? error.code : undefined;
      port.postMessage({ kind: 'failed', batch, code, message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
      break;
    }
  }
} finally {
  wipe(job.payloadKey);
  port.postMessage({ kind: 'finished' } satisfies WorkerMessage);
}
