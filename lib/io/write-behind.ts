/**
 * Write-behind for a file being written at full speed: fdatasync over and over
 * in libuv's thread pool while the writers go on, so the data reaches the disk
 * during the job rather than all at once in the final fsync. The final fsync
 * then finds little left to do, and the job takes about as long as the slower
 * of the cipher and the disk instead of their sum. It also keeps a large job
 * from filling the page cache with dirty pages.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const fdatasync = promisify(fs.fdatasync);
/** Pause between two syncs, so a slow writer is not met with a sync per write. */
const PAUSE_MS = 20;

/** A running write-behind; {@link WriteBehind.stop} ends it once the sync in flight is done. */
export interface WriteBehind {
  /** Syncs completed so far. */
  readonly syncs: number;
  stop(): Promise<void>;
}

/** Starts syncing `fd` again and again until stopped. A failed sync stops the loop: the final fsync reports it. */
export function startWriteBehind(fd: number): WriteBehind {
  let running = true;
  let syncs = 0;
  const loop = (async () => {
    while (running) {
      try {
        await fdatasync(fd);
      } catch {
        return;
      }
      syncs++;
      await sleep(PAUSE_MS);
    }
  })();
  return {
    get syncs() {
      return syncs;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
