/**
 * One writer per data directory (spec/directory.md §6.2): a LOCK file holding
 * the owner's process id. A lock left by a process that no longer runs (one
 * killed with SIGKILL) is taken over, so a crash never blocks a restart.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryError } from '../errors.js';

const LOCK_NAME = 'LOCK';
// Paths this process holds, so a second open in the same process is refused too.
const held = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DirectoryError('ERR_DIRECTORY_STORAGE', `cannot create the lock file in the data directory: ${(error as Error).message}`, { cause: error });
  }
}

/** A LOCK file younger than this with no process id yet is being written by its owner, not abandoned. */
const FRESH_LOCK_MS = 2000;
const RETRY_MS = 25;

/** Options for {@link lockDataDir}. */
export interface LockOptions {
  /** How long to wait for another live process to release the lock. Default 0: fail at once. */
  waitMs?: number;
}

/**
 * Takes the lock of `dataDir` and returns its release function. A lock whose
 * owner is gone is taken over; one held by a live process is waited for up to
 * `waitMs` (short-lived commands sharing the embedded directory queue up).
 * @throws DirectoryError ERR_DIRECTORY_STORAGE when another live process holds it
 */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_NAME);
  if (held.has(path)) throw new DirectoryError('ERR_DIRECTORY_STORAGE', 'the data directory is already open in this process');
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    if (await tryCreate(path)) {
      held.add(path);
      return async () => {
        held.delete(path);
        await unlink(path).catch(() => undefined);
      };
    }
    const owner = await lockOwner(path);
    if (owner === 'gone') {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new DirectoryError('ERR_DIRECTORY_STORAGE', `the data directory is in use by ${owner === 'starting' ? 'another process' : `process ${owner}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** Who holds the lock: a live process id, 'starting' while its owner writes its id, or 'gone'. */
async function lockOwner(path: string): Promise<number | 'starting' | 'gone'> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return 'gone';
  const pid = Number.parseInt(text, 10);
  if (Number.isSafeInteger(pid) && pid > 0) return pid !== process.pid && isRunning(pid) ? pid : 'gone';
  // No id yet: the owner may be between creating the file and writing its id.
  const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
  return age < FRESH_LOCK_MS ? 'starting' : 'gone';
}
