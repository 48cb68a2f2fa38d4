/**
 * One writer per data directory (spec/directory.md §6.2): a LOCK file holding
 * the owner's process id. A lock left by a process that no longer runs (one
 * killed with SIGKILL) is taken over, so a crash never blocks a restart.
 */
import { open, readFile, unlink } from 'node:fs/promises';
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

/**
 * Takes the lock of `dataDir` and returns its release function.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE when another live process holds it
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_NAME);
  if (held.has(path)) throw new DirectoryError('ERR_DIRECTORY_STORAGE', 'the data directory is already open in this process');
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path)) {
      held.add(path);
      return async () => {
        held.delete(path);
        await unlink(path).catch(() => undefined);
      };
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new DirectoryError('ERR_DIRECTORY_STORAGE', `the data directory is in use by process ${pid}`);
    }
    await unlink(path).catch(() => undefined);
  }
  throw new DirectoryError('ERR_DIRECTORY_STORAGE', 'cannot take the data directory lock');
}
