/**
 * Atomic output: bytes go to a temporary file in the target's folder, which is
 * fsynced and renamed over the target only once every byte is written. Until
 * then the target is untouched; on failure, abort or destroy() the temporary
 * file is removed, so nothing is left at the target.
 *
 * Same folder, because rename(2) is atomic only within one file system. The
 * folder is fsynced after the rename so the new name survives a crash too.
 * A process killed with SIGKILL cannot clean up: its temporary file
 * (`.NAME.RANDOM.tmp`) stays, but the target is still absent or unchanged.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { FileError } from '../errors.js';
import { STREAM_BUFFER_BYTES } from '../stream/stream-buffer.js';
import { toFileError } from './file-error.js';

const writev = promisify(fs.writev);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const open = promisify(fs.open);

/** Options for {@link createAtomicFile}. */
export interface AtomicFileOptions {
  /** Permission bits of the new file, before the umask. Default 0o666; key files use 0o600. */
  mode?: number;
  /** Replace an existing target. Default true; when false an existing target fails the commit with ERR_FILE. */
  overwrite?: boolean;
}

/** Where the temporary file for `target` goes: a hidden name in the same folder. */
function tempPathFor(target: string): string {
  // Long names are cut so the temporary name stays under the usual 255-byte limit.
  return join(dirname(target), `.${basename(target).slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
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

/** The atomic file Writable. Create it with {@link createAtomicFile}. */
export class AtomicFileStream extends Writable {
  /** The final path. */
  readonly path: string;
  /** The temporary file, removed or renamed to `path` when the stream ends. */
  readonly tempPath: string;
  readonly #overwrite: boolean;
  #fd: number | undefined;
  /** The write or commit in flight, which destroy() lets finish before closing the descriptor. */
  #io: Promise<unknown> | undefined;
  #committed = false;

  constructor(path: string, options: AtomicFileOptions = {}) {
    // A larger buffer lets writes pile up while one is in flight and go out together (writev);
    // Node's 16 KiB default made file output the bottleneck (bench/RESULTS.md).
    super({ highWaterMark: STREAM_BUFFER_BYTES });
    if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
    this.path = path;
    this.tempPath = tempPathFor(path);
    this.#overwrite = options.overwrite ?? true;
    // Opened here, synchronously, not in _construct: an open still in flight when the stream is
    // destroyed would create the file after the cleanup ran. 'wx' never opens an existing file,
    // so a name collision cannot clobber anything.
    try {
      this.#fd = fs.openSync(this.tempPath, 'wx', options.mode ?? 0o666);
    } catch (error) {
      const failure = toFileError(error, 'create a temporary file for', this.path);
      process.nextTick(() => this.destroy(failure));
    }
  }

  /** True once the temporary file has been renamed to the target. */
  get committed(): boolean {
    return this.#committed;
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#track(this.#writeAll(chunks.map((c) => c.chunk))).then(
      () => callback(),
      (error: unknown) => callback(toFileError(error, 'write', this.path)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#track(this.#commit()).then(
      () => callback(),
      (error: unknown) => callback(toFileError(error, 'write', this.path)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#committed) {
      callback(error);
      return;
    }
    // The name goes at once: pipeline() reports a failure as soon as any stream errors, and by
    // then nothing may be left. The descriptor is closed only after any write in flight, so its
    // number cannot be reused under that write (as node:fs WriteStream does).
    let cleanupError: Error | undefined;
    try {
      fs.rmSync(this.tempPath, { force: true });
    } catch (rmError) {
      cleanupError = toFileError(rmError, 'remove the temporary file of', this.path);
    }
    const fd = this.#fd;
    this.#fd = undefined;
    void (this.#io ?? Promise.resolve())
      .catch(() => {})
      .then(() => (fd === undefined ? undefined : close(fd)))
      .catch(() => {})
      .then(() => callback(error ?? cleanupError));
  }

  /**
   * Removes the temporary file synchronously, for a signal handler that is
   * about to exit and cannot wait for destroy(). Does nothing once committed.
   */
  discardSync(): void {
    if (!this.#committed) fs.rmSync(this.tempPath, { force: true });
  }

  #track<T>(io: Promise<T>): Promise<T> {
    this.#io = io;
    return io;
  }

  async #writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      // writev may write less than asked (a signal, a full pipe); continue from where it stopped.
      let written = (await writev(this.#liveFd(), pending)).bytesWritten;
      const rest: Buffer[] = [];
      for (const buffer of pending) {
        if (written >= buffer.length) written -= buffer.length;
        else {
          rest.push(buffer.subarray(written));
          written = 0;
        }
      }
      pending = rest;
    }
  }

  /** The open descriptor; destroy() takes it away, which stops any further write or commit. */
  #liveFd(): number {
    if (this.#fd === undefined) throw new FileError('ERR_ABORTED', `writing ${this.path} was interrupted`);
    return this.#fd;
  }

  async #commit(): Promise<void> {
    await fsync(this.#liveFd());
    const fd = this.#liveFd();
    this.#fd = undefined;
    await close(fd);
    if (this.destroyed) throw new FileError('ERR_ABORTED', `writing ${this.path} was interrupted`);
    if (this.#overwrite) {
      await fs.promises.rename(this.tempPath, this.path);
    } else {
      // link(2) fails with EEXIST if the target appeared meanwhile: no-clobber without a race.
      await fs.promises.link(this.tempPath, this.path);
      await fs.promises.rm(this.tempPath, { force: true });
    }
    this.#committed = true;
    await syncFolder(dirname(this.path));
  }
}

/**
 * A Writable whose bytes appear at `path` all at once, and only if the stream
 * ends without error. Destroying it, with or without an error, removes the
 * temporary file and leaves `path` as it was.
 * @throws TypeError for an empty path. Stream errors: FileError ERR_FILE (cannot create, write,
 *   sync or rename; or `path` exists and `overwrite` is false)
 */
export function createAtomicFile(path: string, options: AtomicFileOptions = {}): AtomicFileStream {
  return new AtomicFileStream(path, options);
}
