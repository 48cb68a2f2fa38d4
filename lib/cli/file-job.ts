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
import { PARALLEL_MIN_BYTES } from '../file/batches.js';
import type { FileJobOptions } from '../file/endpoints.js';
import { type FileWorkers, startFileWorkers } from '../file/file-workers.js';
import { isHttpUrl } from '../io/url.js';
import { type ParsedArgs, flagValue, hasFlag } from './args.js';
import { type Terminal, isStdio } from './input.js';
import { ProgressBar, shouldShowProgress } from './progress.js';
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

/**
 * Starts the file engine's workers when `parsed` asks for a file-to-file job
 * on an input large enough to use them, else returns undefined. They take 50
 * to 100 ms to start (bench/RESULTS.md): started before the command loads
 * the engine and reads its keys, they are ready when the job begins.
 */
export function startWorkersFor(parsed: ParsedArgs): FileWorkers | undefined {
  const files = filePaths(parsed);
  const size = files === undefined ? undefined : sizeOf(files.input);
  return size === undefined || size < PARALLEL_MIN_BYTES ? undefined : startFileWorkers();
}

/**
 * Runs `job` on `workers` (when started) with the progress bar when one is due, and with an abort signal
 * that an interrupt fires: the job then removes its temporary file at once,
 * before the interrupt handler exits.
 */
export async function runFileJob<T>(parsed: ParsedArgs, terminal: Terminal, input: string, workers: FileWorkers | undefined, job: (options: FileJobOptions) => Promise<T>): Promise<T> {
  const total = sizeOf(input);
  const showBar = shouldShowProgress({ quiet: hasFlag(parsed, 'quiet'), total, stderr: terminal.stderr, env: terminal.env });
  const bar = showBar ? new ProgressBar(total!, terminal.stderr) : undefined;
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  try {
    return await job({ signal: controller.signal, ...(workers === undefined ? {} : { workers }), ...(bar === undefined ? {} : { onProgress: (done: number) => bar.update(done) }) });
  } finally {
    bar?.stop();
    release();
  }
}
