/**
 * The CLI's input: a file, stdin (`-` or nothing), or an http(s) URL streamed
 * with lib/io/download.ts. The size is learnt when it can be (a regular file,
 * a Content-Length) for the progress bar and for an exact upload length.
 * Opening fails early, before any output is created.
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { FileError } from '../errors.js';
import { toFileError } from '../io/file-error.js';
import { isHttpUrl } from '../io/url.js';

/** An opened input. */
export interface Input {
  stream: Readable;
  /** Total bytes, when known in advance. */
  size: number | undefined;
  /** How to name the input in messages. */
  name: string;
}

/** The CLI's standard streams and environment, passed down so commands name what they use. */
export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** True when `source` means stdin. */
export function isStdio(source: string | undefined): boolean {
  return source === undefined || source === '-';
}

/** Reads a small whole file (a key, a card), with ERR_FILE on failure or when it is too large. */
export function readSmallFile(path: string, maxBytes: number): string {
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch (error) {
    throw toFileError(error, 'read', path);
  }
  if (size > maxBytes) throw new FileError('ERR_FILE', `cannot read ${path}: larger than ${maxBytes} bytes`);
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw toFileError(error, 'read', path);
  }
}

/**
 * Opens `source`: a path, `-` or nothing for stdin, or an http(s) URL.
 * @throws FileError ERR_FILE; HttpError ERR_HTTP_* for a URL
 */
export async function openInput(source: string | undefined, terminal: Terminal): Promise<Input> {
  if (isStdio(source)) {
    let size: number | undefined;
    try {
      const stat = fs.fstatSync(0);
      if (stat.isFile()) size = stat.size;
    } catch {
      // stdin may be closed; reading it then yields nothing, which the decoder reports.
    }
    return { stream: terminal.stdin, size, name: 'stdin' };
  }
  const path = source!;
  if (isHttpUrl(path)) {
    // Loaded on use: undici is the slowest module to load, and most runs read files.
    const { download } = await import('../io/download.js');
    const stream = download(path);
    const answer = await stream.response;
    return { stream, size: answer.contentLength, name: new URL(path).host };
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (error) {
    throw toFileError(error, 'read', path);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new FileError('ERR_FILE', `cannot read ${path}: is a directory`);
  }
  // Large reads: each read is a round trip through libuv's thread pool (bench/RESULTS.md).
  const stream = handle.createReadStream({ highWaterMark: 1024 * 1024 });
  return { stream, size: stat.isFile() ? stat.size : undefined, name: path };
}
