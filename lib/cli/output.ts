/**
 * The CLI's output: stdout (`-` or nothing), an http(s) URL streamed with
 * lib/io/upload.ts, or a file written atomically with lib/io/atomic-file.ts
 * (removed on failure and on interrupt, so OUT is whole or untouched).
 *
 * Binary never goes to a terminal: it would garble the screen and may carry
 * escape sequences the terminal acts on.
 */
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { createAtomicFile } from '../io/atomic-file.js';
import { isHttpUrl } from '../io/url.js';
import { type Terminal, isStdio } from './input.js';
import { withHint } from './report.js';
import { onInterrupt } from './signals.js';

/** Bytes of decrypted output checked for binary before they reach a terminal. */
const TERMINAL_SNIFF_BYTES = 1024;

/** An opened output. `release` is called once the pipeline has settled. */
export interface Output {
  stream: Writable;
  name: string;
  release(): void;
}

/** Options for {@link openOutput}. */
export interface OutputOptions {
  /** The output is binary: refuse a terminal. */
  binary: boolean;
  /** Exact length, for an upload's Content-Length. */
  contentLength?: number;
  /** File mode for a new file. */
  mode?: number;
  /** Replace an existing file. Default true. */
  overwrite?: boolean;
}

/**
 * A Writable that forwards to stdout without ever ending it, so the command
 * can still print after the stream; each write completes when stdout took it,
 * which carries stdout's backpressure and its errors (EPIPE) back.
 */
function forwardTo(stdout: NodeJS.WriteStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stdout.write(chunk, callback);
    },
  });
}

function terminalError(): UsageError {
  return new UsageError('ERR_OUTPUT_TERMINAL', 'refusing to write binary output to a terminal');
}

/**
 * Opens `target`: a path, `-` or nothing for stdout, or an http(s) URL.
 * @throws UsageError ERR_OUTPUT_TERMINAL for binary output to a terminal
 */
export async function openOutput(target: string | undefined, terminal: Terminal, options: OutputOptions): Promise<Output> {
  if (isStdio(target)) {
    if (options.binary && terminal.stdout.isTTY === true) throw terminalError();
    return { stream: forwardTo(terminal.stdout), name: 'stdout', release: () => {} };
  }
  const path = target!;
  if (isHttpUrl(path)) {
    // Loaded on use, as for downloads: undici is the slowest module to load.
    const { upload } = await import('../io/upload.js');
    return { stream: upload(path, options.contentLength === undefined ? {} : { contentLength: options.contentLength }), name: new URL(path).host, release: () => {} };
  }
  const file = createAtomicFile(path, { mode: options.mode, overwrite: options.overwrite });
  const release = onInterrupt(() => file.discardSync());
  return { stream: file, name: path, release };
}

/** True when `bytes` look like binary: control characters other than ordinary whitespace. */
function looksBinary(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    const whitespace = byte === 0x09 || byte === 0x0a || byte === 0x0d;
    if ((byte < 0x20 && !whitespace) || byte === 0x7f) return true;
  }
  return false;
}

/**
 * A pass-through that fails with ERR_OUTPUT_TERMINAL when the first bytes are
 * binary; used when decrypted output goes to a terminal.
 */
export class TerminalGuard extends Transform {
  #checked = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#checked < TERMINAL_SNIFF_BYTES) {
      const sample = chunk.subarray(0, TERMINAL_SNIFF_BYTES - this.#checked);
      this.#checked += sample.length;
      if (looksBinary(sample)) {
        callback(withHint(terminalError(), 'the plaintext is binary: write it to a file with -o FILE, or pipe it'));
        return;
      }
    }
    callback(null, chunk);
  }
}
