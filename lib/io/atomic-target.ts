/**
 * Where output goes, at the level of a file descriptor: for a regular file (or
 * a new name) a temporary file in the target's folder, fsynced and renamed
 * over the target on commit; for a device or a pipe, the target itself.
 *
 * Same folder, because rename(2) is atomic only within one file system. The
 * folder is fsynced after the rename so the new name survives a crash too.
 * A symbolic link is followed, so the file it points to is replaced and the
 * link stays a link. A device or a pipe cannot be replaced: renaming a regular
 * file over /dev/null or over a named pipe would destroy it, so such targets
 * are written in place and are not atomic.
 *
 * Used by the atomic Writable (lib/io/atomic-file.ts) and by the file engine
 * (lib/file/), which writes the temporary file at computed offsets.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FileError } from '../errors.js';
import { toFileError } from './file-error.js';

const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const open = promisify(fs.open);

/** Options for {@link openAtomicTarget}. */
export interface AtomicFileOptions {
  /** Permission bits of the new file, before the umask. Default 0o666; key files use 0o600. */
  mode?: number;
  /** Replace an existing target. Default true; when false an existing target fails the commit with ERR_FILE. */
  overwrite?: boolean;
}

/** What the target path names once links are followed. */
export type TargetKind = 'file' | 'device' | 'pipe';

/** The path to replace and what it is: a regular file or a new name, a character device, or a pipe or socket. */
interface ResolvedTarget {
  path: string;
  kind: TargetKind;
}

/** Where the temporary file for `target` goes: a hidden name in the same folder. */
function tempPathFor(target: string): string {
  // Long names are cut so the temporary name stays under the usual 255-byte limit.
  return join(dirname(target), `.${basename(target).slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Follows links to what `path` names. A dangling link resolves to the path it
 * points to, which is then created. A folder is refused.
 * @throws FileError ERR_FILE
 */
function resolveTarget(path: string): ResolvedTarget {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw toFileError(error, 'write', path);
    return { path: danglingLinkTarget(path) ?? path, kind: 'file' };
  }
  if (stat.isDirectory()) throw new FileError('ERR_FILE', `cannot write ${path}: is a directory`);
  if (stat.isFile()) return { path: fs.realpathSync(path), kind: 'file' };
  return { path, kind: stat.isCharacterDevice() ? 'device' : 'pipe' };
}

function danglingLinkTarget(path: string): string | undefined {
  try {
    return fs.lstatSync(path).isSymbolicLink() ? resolve(dirname(path), fs.readlinkSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `path` exists and is a named pipe or socket (links followed): it takes bytes only in order. */
export function isPipe(path: string): boolean {
  try {
    const stat = fs.statSync(path);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/** What writing to a target that was discarded or committed meanwhile fails with. */
export function interruptedError(path: string): FileError {
  return new FileError('ERR_ABORTED', `writing ${path} was interrupted`);
}

/** Best effort: some platforms cannot open or fsync a folder, and the rename already happened. */
async function syncFolder(folder: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await open(folder, 'r');
    await fsync(fd);
  } catch {
    // Durability of the name is best effort; the data itself was fsynced.
  } finally {
    if (fd !== undefined) await close(fd).catch(() => {});
  }
}

/**
 * An output being written: a temporary file until {@link commit}, or a device
 * or pipe written in place. Create it with {@link openAtomicTarget}.
 */
export class AtomicTarget {
  /** The path as the caller gave it, for messages. */
  readonly path: string;
  /** What the path names: only a `file` target is atomic. */
  readonly kind: TargetKind;
  /** The temporary file, renamed over the target on commit; undefined for a device or a pipe. */
  readonly tempPath: string | undefined;
  /** The file that commit replaces: the target with links followed. */
  readonly #finalPath: string;
  readonly #overwrite: boolean;
  #fd: number | undefined;
  #committed = false;

  /** Use {@link openAtomicTarget} or {@link openAtomicTargetAsync}. */
  constructor(path: string, resolved: ResolvedTarget, fd: number, tempPath: string | undefined, overwrite: boolean) {
    this.path = path;
    this.kind = resolved.kind;
    this.#finalPath = resolved.path;
    this.tempPath = tempPath;
    this.#fd = fd;
    this.#overwrite = overwrite;
  }

  /** True once the output is in place: renamed, or for a device or pipe fully written and closed. */
  get committed(): boolean {
    return this.#committed;
  }

  /** The open descriptor. @throws FileError ERR_ABORTED once discarded or committed */
  get fd(): number {
    if (this.#fd === undefined) throw interruptedError(this.path);
    return this.#fd;
  }

  /**
   * Makes the output final: fsync, close, then rename the temporary file over
   * the target (or link it, when overwriting is not allowed) and fsync the folder.
   * @throws FileError ERR_FILE, or ERR_ABORTED when discarded meanwhile
   */
  async commit(): Promise<void> {
    const fd = this.fd;
    if (this.tempPath === undefined) {
      this.#fd = undefined;
      await close(fd);
      this.#committed = true;
      return;
    }
    try {
      await fsync(fd);
    } catch (error) {
      throw toFileError(error, 'write', this.path);
    }
    // discard() may have run while fsync was in flight; it owns the descriptor then.
    if (this.#fd === undefined) throw interruptedError(this.path);
    this.#fd = undefined;
    await close(fd);
    try {
      if (this.#overwrite) {
        await fs.promises.rename(this.tempPath, this.#finalPath);
      } else {
        // link(2) fails with EEXIST if the target appeared meanwhile: no-clobber without a race.
        await fs.promises.link(this.tempPath, this.#finalPath);
        await fs.promises.rm(this.tempPath, { force: true });
      }
    } catch (error) {
      fs.rmSync(this.tempPath, { force: true });
      throw toFileError(error, 'write', this.path);
    }
    this.#committed = true;
    await syncFolder(dirname(this.#finalPath));
  }

  /**
   * Removes the temporary file's name at once, synchronously, so a signal
   * handler about to exit can leave nothing behind. Does nothing once committed
   * or for a device or pipe. The descriptor stays open until {@link close}.
   */
  removeSync(): void {
    if (!this.#committed && this.tempPath !== undefined) fs.rmSync(this.tempPath, { force: true });
  }

  /** Closes the descriptor, if still open; later writes fail with ERR_ABORTED. */
  async close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) await close(fd).catch(() => {});
  }

  /** Abandons the output: {@link removeSync}, then {@link close}. */
  async discard(): Promise<void> {
    this.removeSync();
    await this.close();
  }
}

function refuseExisting(resolved: ResolvedTarget, path: string, options: AtomicFileOptions): void {
  if (options.overwrite === false && resolved.kind !== 'file') throw new FileError('ERR_FILE', `cannot write ${path}: already exists`);
}

/**
 * Opens the output for `path` synchronously: a new temporary file beside a
 * regular target, created with 'wx' so a name collision cannot clobber
 * anything, or a character device in place. A pipe may block its opener until
 * a reader comes, so it is refused here; use {@link openAtomicTargetAsync}.
 * @throws TypeError for an empty path; FileError ERR_FILE
 */
export function openAtomicTarget(path: string, options: AtomicFileOptions = {}): AtomicTarget {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const resolved = resolveTarget(path);
  refuseExisting(resolved, path, options);
  if (resolved.kind === 'pipe') throw new FileError('ERR_FILE', `cannot write ${path} synchronously: it is a pipe or socket`);
  const tempPath = resolved.kind === 'file' ? tempPathFor(resolved.path) : undefined;
  try {
    const fd = tempPath === undefined ? fs.openSync(path, 'w') : fs.openSync(tempPath, 'wx', options.mode ?? 0o666);
    return new AtomicTarget(path, resolved, fd, tempPath, options.overwrite ?? true);
  } catch (error) {
    throw toFileError(error, tempPath === undefined ? 'write' : 'create a temporary file for', path);
  }
}

/**
 * As {@link openAtomicTarget}, but a pipe is opened without blocking the
 * thread: opening a named pipe waits for its reader.
 * @throws TypeError for an empty path; FileError ERR_FILE
 */
export async function openAtomicTargetAsync(path: string, options: AtomicFileOptions = {}): Promise<AtomicTarget> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const resolved = resolveTarget(path);
  if (resolved.kind !== 'pipe') return openAtomicTarget(path, options);
  refuseExisting(resolved, path, options);
  try {
    return new AtomicTarget(path, resolved, await open(path, 'w'), undefined, options.overwrite ?? true);
  } catch (error) {
    throw toFileError(error, 'write', path);
  }
}
