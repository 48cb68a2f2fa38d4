/**
 * File to file: when IN and OUT are both paths, encrypt and decrypt run on
 * the file engine (lib/file/), which reads and writes at offsets on every
 * core, instead of a stream pipeline. This module decides that, starts the
 * engine's workers early, and gives the job what the pipeline would have
 * had: the progress bar, and an interrupt that removes the temporary output
 * before the process exits. It loads little, so a command can use it before
 * it loads the engine.
 */
import * as fs from 'node:fs';
import { UsageError } from '../errors.js';
import { defaultThreadCount } from '../file/batches.js';
import type { FileJobOptions } from '../file/endpoints.js';
import { type FileWorkers, MAX_FILE_WORKERS, startFileWorkers } from '../file/file-workers.js';
import { isHttpUrl } from '../io/url.js';
import { type ParsedArgs, flagValue } from './args.js';
import { type Terminal, isStdio } from './input.js';
import { progressBarFor } from './progress.js';
import { withHint } from './report.js';
import { onInterrupt } from './signals.js';

/** IN and OUT when both are paths, else undefined (stdin, stdout or a URL on either side). */
export function filePaths(parsed: ParsedArgs): { input: string; output: string } | undefined {
  const input = parsed.args[0];
  const output = flagValue(parsed, 'output');
  if (isStdio(input) || isStdio(output) || isHttpUrl(input!) || isHttpUrl(output!)) return undefined;
  return { input: input!, output: output! };
}

function sizeOf(path: string): number | undefined {
  try {
    const stat = fs.statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    // The job itself reports a missing or unreadable input.
    return undefined;
  }
}

/** How a file-to-file job runs: the threads --threads asks for, and the workers started for it. */
export interface FileJobThreads {
  threads: number | undefined;
  workers: FileWorkers | undefined;
}

/** --threads N: a whole number from 1 to 64. @throws UsageError ERR_USAGE */
function threadsFlag(parsed: ParsedArgs): number | undefined {
  const text = flagValue(parsed, 'threads');
  if (text === undefined) return undefined;
  const threads = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (threads >= 1 && threads <= MAX_FILE_WORKERS) return threads;
  throw withHint(new UsageError('ERR_USAGE', `invalid thread count ${JSON.stringify(text)}`), `give a whole number of threads from 1 to ${MAX_FILE_WORKERS}, such as --threads 2`);
}

/**
 * Reads --threads and starts the file engine's workers when `parsed` asks
 * for a file-to-file job that will use them (not when `streamed`, as armored
 * output is): beside the calling thread, as many as --threads asks for, else
 * the library's default for the input's size. They take 50 to 100 ms to
 * start (bench/RESULTS.md): started before the command loads the engine and
 * reads its keys, they are ready when the job begins.
 * @throws UsageError ERR_USAGE for a bad --threads
 */
function startWorkersFor(parsed: ParsedArgs, { streamed }: { streamed: boolean }): FileJobThreads {
  const threads = threadsFlag(parsed);
  const files = streamed ? undefined : filePaths(parsed);
  const size = files === undefined ? undefined : sizeOf(files.input);
  const workers = size === undefined ? 0 : (threads ?? defaultThreadCount(size)) - 1;
  return { threads, workers: workers > 0 ? startFileWorkers(workers) : undefined };
}

/**
 * Runs `command` with the threads {@link startWorkersFor} starts, and closes
 * the workers when it is done, however it ends.
 * @throws UsageError ERR_USAGE for a bad --threads; whatever `command` throws
 */
export async function withFileJobThreads(parsed: ParsedArgs, options: { streamed: boolean }, command: (threading: FileJobThreads) => Promise<void>): Promise<void> {
  const threading = startWorkersFor(parsed, options);
  try {
    await command(threading);
  } finally {
    void threading.workers?.close();
  }
}

/**
 * Runs `job` on the threads of `threading` with the progress bar when one is
 * due, and with an abort signal that an interrupt fires: the job then removes
 * its temporary file at once, before the interrupt handler exits.
 */
export async function runFileJob<T>(parsed: ParsedArgs, terminal: Terminal, input: string, threading: FileJobThreads, job: (options: FileJobOptions) => Promise<T>): Promise<T> {
  const bar = progressBarFor(parsed, terminal, sizeOf(input));
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  try {
    const { threads, workers } = threading;
    // Workers started ahead carry the thread count; without them, an explicit count is one thread.
    const threadOptions = workers !== undefined ? { workers } : threads !== undefined ? { threads } : {};
    return await job({ signal: controller.signal, ...threadOptions, ...(bar === undefined ? {} : { onProgress: (done: number) => bar.update(done) }) });
  } finally {
    bar?.stop();
    release();
  }
}
