/**
 * Running the real `cardseal` process: node on the built main.js, located
 * from this file so it works from any build folder at the same depth.
 * Every child is awaited or killed by the test that started it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI entry point. */
export const MAIN = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));
/** The repository root (for files such as the quick-start transcript). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Bytes for stdin; stdin is closed after them. Absent: stdin is empty. */
  input?: Uint8Array | string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** An environment without the variables that change the CLI's behaviour, plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['CI', 'CARDSEAL_PASSPHRASE', 'CARDSEAL_DIRECTORY', 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...extra };
}

/** Waits for a child to exit and collects its output; kills it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs = 30_000): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cardseal did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/**
 * Starts `cardseal ARGS` with piped stdio, in a session of its own: it has no
 * controlling terminal, so no test can end up prompting the developer's terminal.
 */
export function startCli(args: string[], options: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** Runs `cardseal ARGS` to completion. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = startCli(args, options);
  const result = collect(child, options.timeoutMs);
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  return result;
}

/** Shell-quotes one word for `sh -c`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `cardseal ARGS` under a pseudo-terminal with `script`, so stdin, stdout
 * and stderr are all the terminal. Each `[prompt, reply]` of `answers` is
 * typed once `prompt` has appeared, as a person would. Returns everything the
 * terminal showed, as stdout.
 */
export async function runInTerminal(args: string[], options: RunOptions & { answers?: [string, string][] } = {}): Promise<RunResult> {
  const command = [process.execPath, MAIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collect(child, options.timeoutMs);
  child.stdin!.on('error', () => {});
  const answers = [...(options.answers ?? [])];
  let shown = '';
  child.stdout!.on('data', (data: Buffer) => {
    shown += data.toString('utf8');
    const next = answers[0];
    if (next !== undefined && shown.includes(next[0])) {
      answers.shift();
      shown = '';
      child.stdin!.write(next[1]);
    }
  });
  // script copies its stdin to the terminal until it closes; keep it open until the command ends.
  void result.finally(() => child.stdin!.end());
  return result;
}

/** A fresh temporary folder; `cleanup` removes it. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The public key a `keygen -o` run printed. */
export function publicKeyOf(result: RunResult): string {
  const match = /cardseal_pub1_[a-z2-7]+/.exec(result.stdout.toString('utf8'));
  if (match === null) throw new Error(`no public key in output: ${result.stdout.toString('utf8')} ${result.stderr}`);
  return match[0];
}
