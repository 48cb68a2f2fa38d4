/**
 * Atomic output as a Writable: bytes go to a temporary file in the target's
 * folder, which is renamed over the target only once every byte is written
 * and fsynced (lib/io/atomic-target.ts). Until then the target is untouched;
 * on failure, abort or destroy() the temporary file is removed, so nothing is
 * left at the target.
 *
 * A process killed with SIGKILL cannot clean up: its temporary file
 * (`.NAME.RANDOM.tmp`) stays, but the target is still absent or unchanged.
 * A device or a named pipe is written in place: it cannot be replaced.
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { STREAM_BUFFER_BYTES } from '../stream/stream-buffer.js';
import { type AtomicFileOptions, type AtomicTarget, interruptedError, isPipe, openAtomicTarget, openAtomicTargetAsync } from './atomic-target.js';
import { toFileError } from './file-error.js';

export type { AtomicFileOptions } from './atomic-target.js';

const writev = promisify(fs.writev);

/** The atomic file Writable. Create it with {@link createAtomicFile}. */
export class AtomicFileStream extends Writable {
  /** The final path. */
  readonly path: string;
  readonly #options: AtomicFileOptions;
  /** A named pipe may wait for its reader, so it alone is opened in _construct. */
  readonly #pipe: boolean;
  /** Undefined only until a named pipe is open, or after a failed open. */
  #target: AtomicTarget | undefined;
  /** The write or commit in flight, which destroy() lets finish before closing the descriptor. */
  #io: Promise<unknown> | undefined;
  #bytesWritten = 0;

  constructor(path: string, options: AtomicFileOptions = {}) {
    // A larger buffer lets writes pile up while one is in flight and go out together (writev);
    // Node's 16 KiB default made file output the bottleneck (bench/RESULTS.md).
    super({ highWaterMark: STREAM_BUFFER_BYTES });
    if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
    this.path = path;
    this.#options = options;
    this.#pipe = isPipe(path);
    // Opened here, synchronously, not in _construct: an open still in flight when the stream is
    // destroyed would create the file after the cleanup ran. Only a named pipe, which creates
    // nothing but may wait for its reader, is opened later.
    try {
      if (!this.#pipe) this.#target = openAtomicTarget(path, options);
    } catch (error) {
      process.nextTick(() => this.destroy(error as Error));
    }
  }

  /** The temporary file, removed or renamed to `path` when the stream ends; undefined for a device or a pipe. */
  get tempPath(): string | undefined {
    return this.#target?.tempPath;
  }

  /** Bytes written so far, as fs.WriteStream counts them. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** True once the temporary file has been renamed to the target. */
  get committed(): boolean {
    return this.#target?.committed ?? false;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    if (!this.#pipe) {
      callback();
      return;
    }
    openAtomicTargetAsync(this.path, this.#options).then(
      (target) => {
        this.#target = target;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#track(this.#writeAll(chunks.map((c) => c.chunk))).then(
      () => callback(),
      (error: unknown) => callback(toFileError(error, 'write', this.path)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#track(this.#liveTarget().commit()).then(
      () => callback(),
      (error: unknown) => callback(toFileError(error, 'write', this.path)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const target = this.#target;
    if (target === undefined || target.committed) {
      callback(error);
      return;
    }
    // The name goes at once: pipeline() reports a failure as soon as any stream errors, and by
    // then nothing may be left. The descriptor is closed only after any write in flight, so its
    // number cannot be reused under that write (as node:fs WriteStream does).
    let cleanupError: Error | undefined;
    try {
      target.removeSync();
    } catch (rmError) {
      cleanupError = toFileError(rmError, 'remove the temporary file of', this.path);
    }
    void (this.#io ?? Promise.resolve())
      .catch(() => {})
      .then(() => target.close())
      .then(() => callback(error ?? cleanupError));
  }

  /**
   * Removes the temporary file synchronously, for a signal handler that is
   * about to exit and cannot wait for destroy(). Does nothing once committed.
   */
  discardSync(): void {
    this.#target?.removeSync();
  }

  #track<T>(io: Promise<T>): Promise<T> {
    this.#io = io;
    return io;
  }

  #liveTarget(): AtomicTarget {
    if (this.#target === undefined) throw interruptedError(this.path);
    return this.#target;
  }

  async #writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      // writev may write less than asked (a signal, a full pipe); continue from where it stopped.
      let written = (await writev(this.#liveTarget().fd, pending)).bytesWritten;
      this.#bytesWritten += written;
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
}

/**
 * A Writable whose bytes appear at `path` all at once, and only if the stream
 * ends without error. Destroying it, with or without an error, removes the
 * temporary file and leaves `path` as it was. A symbolic link is followed and
 * the file it names is replaced; a device or a named pipe is written in place.
 * @throws TypeError for an empty path. Stream errors: FileError ERR_FILE (cannot create, write,
 *   sync or rename; `path` is a folder; or `path` exists and `overwrite` is false)
 */
export function createAtomicFile(path: string, options: AtomicFileOptions = {}): AtomicFileStream {
  return new AtomicFileStream(path, options);
}
