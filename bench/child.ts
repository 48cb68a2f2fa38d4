/**
 * Child processes for the measurements that need their own address space:
 * peak RSS belongs to one process, so each peer and each memory run gets one.
 *
 * Commands (the age and cardseal CLIs) are timed from spawn to exit, and their
 * peak RSS comes from GNU time when it is installed, else from polling
 * VmHWM in /proc (a high-water mark, so polling misses only a last-moment rise).
 * Node workers time their own operation and report process.resourceUsage().
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 10;
const TAIL_CHARS = 600;

/** One finished child process. */
export interface ProcessRun {
  /** Wall time from spawn to exit. */
  ms: number;
  /** Peak resident set size, when it could be read. */
  maxRssKiB: number | undefined;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The last characters of a process's output, for error messages. */
export function tailOf(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= TAIL_CHARS ? trimmed : `…${trimmed.slice(-TAIL_CHARS)}`;
}

async function readHighWaterMark(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Runs `file` with `args`, collecting output, wall time and peak RSS. */
export async function runCommand(file: string, args: readonly string[]): Promise<ProcessRun> {
  const useTime = existsSync(GNU_TIME);
  const scratch = useTime ? await mkdtemp(join(tmpdir(), 'cardseal-bench-time-')) : undefined;
  const timeFile = scratch === undefined ? undefined : join(scratch, 'rss');
  const [command, commandArgs] = timeFile === undefined ? [file, args] : [GNU_TIME, ['-f', '%M', '-o', timeFile, file, ...args]];
  try {
    const started = performance.now();
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let polled: number | undefined;
    const poller =
      timeFile === undefined && child.pid !== undefined
        ? setInterval(() => {
            void readHighWaterMark(child.pid!).then((kib) => {
              if (kib !== undefined) polled = Math.max(polled ?? 0, kib);
            });
          }, POLL_MS)
        : undefined;
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    const ms = performance.now() - started;
    if (poller !== undefined) clearInterval(poller);
    const maxRssKiB = timeFile === undefined ? polled : Number((await readFile(timeFile, 'utf8')).trim().split('\n').pop());
    return { ms, maxRssKiB: Number.isFinite(maxRssKiB) ? maxRssKiB : undefined, exitCode, stdout, stderr };
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/** Path of a compiled worker next to this module: bench/workers/<name>.js. */
function workerPath(name: string): string {
  return fileURLToPath(new URL(`./workers/${name}.js`, import.meta.url));
}

/**
 * Runs a bench worker in a fresh Node process and returns the JSON object it
 * prints as its last line of output.
 * @throws Error with the worker's stderr when it fails or prints no result
 */
export async function runWorker<T>(name: string, args: readonly string[]): Promise<T> {
  const run = await runCommand(process.execPath, [workerPath(name), ...args]);
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  if (run.exitCode !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`worker ${name} ${args.join(' ')} failed (exit ${String(run.exitCode)}): ${tailOf(run.stderr)}`);
  }
  return JSON.parse(lastLine) as T;
}

/** What every worker reports: its own timing of the operation and its peak RSS. */
export interface WorkerReport {
  ms: number;
  maxRssKiB: number;
  /** Bytes the operation wrote, when the worker counts them. */
  outBytes?: number;
}

/** Prints a worker's report as the last line of its output. */
export function printReport(report: WorkerReport): void {
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Peak RSS of this process so far. process.resourceUsage reports it in KiB on Linux. */
export function peakRssKiB(): number {
  return process.resourceUsage().maxRSS;
}
