/**
 * Test support for directories: temporary data directories that a test cleans
 * up, directory servers run in a child process, and raw HTTP requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

/** Temporary directories created by one test file, removed by {@link removeTempDirs}. */
const tempDirs: string[] = [];

/** A fresh empty directory under the system temp dir. */
export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cardseal-directory-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory {@link makeTempDir} made. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The compiled child program that runs a directory server (test/directory/fixtures/serve.ts). */
const SERVE_SCRIPT = fileURLToPath(new URL('./fixtures/serve.js', import.meta.url));

/** A directory server running in a child process. */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
}

/** Starts a directory server on `dataDir` in a child Node process and waits for its URL. */
export async function startChildServer(dataDir: string): Promise<ChildServer> {
  const child = spawn(process.execPath, [SERVE_SCRIPT, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`directory child exited early with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return { url, child, exited };
}

/** A raw HTTP answer. */
export interface RawAnswer {
  statusCode: number;
  json: Record<string, unknown>;
}

/** Sends a raw request (bypassing the client's checks) and parses the JSON answer. */
export async function sendRaw(url: string, method: 'GET' | 'POST', body?: string | Uint8Array, contentType = 'application/json'): Promise<RawAnswer> {
  const answer = await request(url, { method, body, headers: body === undefined ? {} : { 'content-type': contentType } });
  const text = await answer.body.text();
  return { statusCode: answer.statusCode, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> };
}
