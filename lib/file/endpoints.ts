/**
 * The two ends of a file job and how it runs: the input opened and measured,
 * the atomic output (lib/io/atomic-target.ts), the number of threads, and the
 * streamed path for inputs and outputs that cannot be read or written at an
 * offset (pipes, sockets, terminals).
 */
import * as fs from 'node:fs';
import type { Transform } from 'node:stream';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { assertInteger } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { FileError } from '../errors.js';
import { createAtomicFile } from '../io/atomic-file.js';
import { type AtomicFileOptions, type AtomicTarget, isPipe, openAtomicTarget } from '../io/atomic-target.js';
import { toFileError } from '../io/file-error.js';
import { startWriteBehind } from '../io/write-behind.js';
import { abortedError } from './batch-runner.js';
import { defaultThreadCount } from './batches.js';
import { type FileWorkers, WorkerPool } from './file-workers.js';

/** The most threads a caller may ask for. */
const MAX_THREADS = 64;
/** Reads of the streamed path: one round trip through libuv's thread pool each, so large. */
const STREAM_READ_BYTES = 1 << 20;

/** Options every file job takes. */
export interface FileJobOptions extends AtomicFileOptions {
  /**
   * Threads that seal or open batches of chunks in parallel, the calling
   * thread included. Default: one per core (up to 8) for inputs of 8 MiB and
   * more, 1 (the calling thread alone) below. A custom backend object always
   * runs in the calling thread alone.
   */
  threads?: number;
  /**
   * Whether the calling thread works on batches too, one per turn of its
   * event loop (about a millisecond each), alongside `threads - 1` workers.
   * Default true. False leaves its event loop free for other work: `threads`
   * workers do every batch, and the job first waits for them to start.
   */
  useCallingThread?: boolean;
  /**
   * Workers started ahead with `startFileWorkers`, used instead of starting
   * new ones for this job (and left running after it); not with `threads`.
   */
  workers?: FileWorkers;
  /** Aborts the job: the output is discarded and the promise rejects with ERR_ABORTED. */
  signal?: AbortSignal;
  /** Called now and then, and once at the end, with the input bytes processed and the input's size (undefined for a pipe). */
  onProgress?: (done: number, total: number | undefined) => void;
}

/** What a file job did. */
export interface FileJobResult {
  /** Bytes read from the input and written to the output. */
  bytesRead: number;
  bytesWritten: number;
  /**
   * Threads the job was given: its workers, and the calling thread unless it
   * was kept free. A worker may have found nothing left to take. Undefined
   * when the job was streamed (a pipe, or armor).
   */
  threads: number | undefined;
}

/** An opened input file. */
export interface Source {
  fd: number;
  path: string;
  size: number;
  /** True for a regular file: it can be read at any offset, and its size is known. */
  seekable: boolean;
}

/**
 * Opens `path` for reading, without blocking the thread: opening a named pipe
 * waits for its writer.
 * @throws TypeError for an empty path; FileError ERR_FILE
 */
export async function openSource(path: string): Promise<Source> {
  if (typeof path !== 'string' || path === '') throw new TypeError('input must be a non-empty path');
  let fd: number;
  try {
    fd = await promisify(fs.open)(path, 'r');
  } catch (error) {
    throw toFileError(error, 'read', path);
  }
  const stat = fs.fstatSync(fd);
  if (stat.isDirectory()) {
    fs.closeSync(fd);
    throw new FileError('ERR_FILE', `cannot read ${path}: is a directory`);
  }
  return { fd, path, size: stat.size, seekable: stat.isFile() };
}

/** Closes an input, ignoring a failure: nothing was written to it. */
export function closeSource(source: Source): void {
  try {
    fs.closeSync(source.fd);
  } catch {
    // Closing a read-only descriptor cannot lose data.
  }
}

/** True when `target` takes writes at an offset: a temporary file, or a device such as /dev/null (not a terminal). */
function isPositional(target: AtomicTarget): boolean {
  if (target.kind === 'file') return true;
  try {
    fs.writeSync(target.fd, new Uint8Array(0), 0, 0, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the output for a positional job, or returns undefined when the target
 * is a pipe or a terminal, which take bytes only in order.
 * @throws FileError ERR_FILE
 */
async function openPositionalTarget(path: string, options: AtomicFileOptions): Promise<AtomicTarget | undefined> {
  if (typeof path !== 'string' || path === '') throw new TypeError('output must be a non-empty path');
  if (isPipe(path)) return undefined;
  const target = openAtomicTarget(path, options);
  if (isPositional(target)) return target;
  await target.close();
  return undefined;
}

/**
 * Runs `write` on the output opened for writing at offsets, then commits it;
 * on failure or abort the output is discarded. The temporary file goes the
 * moment the signal aborts, synchronously, so a process that exits right
 * after (a CLI on SIGINT) leaves nothing behind. Resolves to undefined, having
 * done nothing, when the output takes bytes only in order: stream instead.
 * @throws whatever `write` throws; FileError ERR_FILE, ERR_ABORTED
 */
export async function writePositionally<T>(output: string, options: FileJobOptions, write: (target: AtomicTarget) => Promise<T>): Promise<T | undefined> {
  const target = await openPositionalTarget(output, options);
  if (target === undefined) return undefined;
  const discard = (): void => target.removeSync();
  options.signal?.addEventListener('abort', discard, { once: true });
  // A device needs no sync; a file is synced while it is written, so the commit's fsync is short.
  const writeBehind = target.kind === 'file' ? startWriteBehind(target.fd) : undefined;
  try {
    const result = await write(target).finally(() => writeBehind?.stop());
    if (options.signal?.aborted === true) throw abortedError();
    await target.commit();
    return result;
  } catch (error) {
    await target.discard();
    // An abort that lands during the commit removed the temporary file under it: report the abort.
    throw options.signal?.aborted === true ? abortedError() : error;
  } finally {
    options.signal?.removeEventListener('abort', discard);
  }
}

/** The threads of one job. */
export interface ThreadPlan {
  /** Threads that work, the calling thread included when it does. */
  threads: number;
  useCallingThread: boolean;
  /** The caller's workers, or how many to start for this job alone. */
  workers: WorkerPool | number;
}

/**
 * Checks the options that say how a job runs, before anything is opened, on
 * the positional and the streamed path alike.
 * @throws TypeError, RangeError for a thread count that is not an integer from 1 to 64, a
 *   `useCallingThread` that is not a boolean, or `workers` that did not come from startFileWorkers or come with `threads`
 */
export function assertThreadOptions(options: FileJobOptions): void {
  const { threads, useCallingThread, workers } = options;
  if (threads !== undefined) assertInteger(threads, 'threads', 1, MAX_THREADS);
  if (useCallingThread !== undefined && typeof useCallingThread !== 'boolean') throw new TypeError('useCallingThread must be a boolean');
  if (workers !== undefined && !(workers instanceof WorkerPool)) throw new TypeError('workers must come from startFileWorkers');
  if (workers !== undefined && threads !== undefined) throw new TypeError('give threads or workers, not both');
}

/**
 * The threads for a payload of `payloadBytes`, from options that passed
 * {@link assertThreadOptions}: the caller's workers or thread count, else
 * the default (lib/file/batches.ts).
 */
export function planThreads(options: FileJobOptions, payloadBytes: number, backend: CryptoBackend): ThreadPlan {
  const { threads: requested, useCallingThread = true, workers } = options;
  // Workers name their backend to load it; an object of the caller's cannot cross a thread boundary.
  if (backend.name !== 'node' && backend.name !== 'noble') return { threads: 1, useCallingThread: true, workers: 0 };
  if (workers instanceof WorkerPool) return { threads: workers.size + (useCallingThread ? 1 : 0), useCallingThread, workers };
  const threads = requested ?? defaultThreadCount(payloadBytes);
  return { threads, useCallingThread, workers: threads - (useCallingThread ? 1 : 0) };
}

/**
 * Streams `source` through `transform` into an atomic file at `output`: the
 * path for inputs or outputs that cannot be read or written at an offset.
 * Returns the bytes read and written.
 */
export async function streamFile(source: Source, transform: Transform, output: string, options: FileJobOptions): Promise<FileJobResult> {
  let bytesRead = 0;
  const reader = fs.createReadStream(source.path, { fd: source.fd, autoClose: false, highWaterMark: STREAM_READ_BYTES, signal: options.signal });
  reader.on('data', (chunk: Buffer | string) => {
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead, source.seekable ? source.size : undefined);
  });
  const sink = createAtomicFile(output, options);
  try {
    await pipeline(reader, transform, sink, { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted === true) throw abortedError();
    throw error;
  }
  return { bytesRead, bytesWritten: sink.bytesWritten, threads: undefined };
}
