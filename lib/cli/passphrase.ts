/**
 * Where a passphrase comes from, in order: `--passphrase-file FILE`, then the
 * CARDSEAL_PASSPHRASE variable (for automation), then a prompt on the
 * controlling terminal with echo off. Never from argv, where any user on the
 * machine could read it in the process list.
 */
import * as fs from 'node:fs';
import { ReadStream } from 'node:tty';
import { UsageError } from '../errors.js';
import { toFileError } from '../io/file-error.js';
import { withHint } from './report.js';
import { interrupt } from './signals.js';

/** Longest passphrase file read; a larger file is certainly the wrong file. */
const MAX_PASSPHRASE_FILE = 64 * 1024;
const NO_TERMINAL_HINT = 'set CARDSEAL_PASSPHRASE or use --passphrase-file FILE';

/** The non-interactive sources of a passphrase. */
export interface PassphraseSources {
  /** Path given with --passphrase-file. */
  file: string | undefined;
  env: NodeJS.ProcessEnv;
  stderr: NodeJS.WritableStream;
}

function emptyError(): UsageError {
  return withHint(new UsageError('ERR_USAGE', 'the passphrase is empty'), NO_TERMINAL_HINT);
}

function readPassphraseFile(path: string): string {
  let text: string;
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(MAX_PASSPHRASE_FILE + 1);
      const length = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (length > MAX_PASSPHRASE_FILE) throw new UsageError('ERR_USAGE', `passphrase file ${path} is larger than ${MAX_PASSPHRASE_FILE} bytes`);
      text = buffer.toString('utf8', 0, length);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw toFileError(error, 'read', path);
  }
  // One final line ending belongs to the file, not to the passphrase.
  return text.replace(/\r?\n$/, '');
}

/** Removes the last UTF-8 character from `bytes` (backspace). */
function dropLastCharacter(bytes: number[]): void {
  while (bytes.length > 0 && ((bytes.pop()! & 0xc0) === 0x80)) {
    // Continuation bytes belong to the character being removed.
  }
}

/** Reads one line per prompt from the terminal, echo off. Typed-ahead lines are kept for later prompts. */
function promptTerminal(prompts: string[], stderr: NodeJS.WritableStream): Promise<string[]> {
  let fd: number;
  try {
    fd = fs.openSync('/dev/tty', 'r+');
  } catch {
    return Promise.reject(withHint(new UsageError('ERR_USAGE', 'no terminal to ask for a passphrase'), NO_TERMINAL_HINT));
  }
  const terminal = new ReadStream(fd);
  terminal.setRawMode(true);
  const lines: string[] = [];
  let current: number[] = [];
  const finish = (): void => {
    terminal.setRawMode(false);
    terminal.destroy();
  };
  fs.writeSync(fd, prompts[0]!);
  return new Promise((resolve, reject) => {
    terminal.on('data', (data: Buffer) => {
      for (const byte of data) {
        if (byte === 0x03) {
          finish();
          interrupt('Ctrl-C', stderr);
        } else if (byte === 0x04 && current.length === 0) {
          finish();
          reject(emptyError());
          return;
        } else if (byte === 0x0d || byte === 0x0a) {
          fs.writeSync(fd, '\n');
          lines.push(Buffer.from(current).toString('utf8'));
          current.fill(0);
          current = [];
          if (lines.length === prompts.length) {
            finish();
            resolve(lines);
            return;
          }
          fs.writeSync(fd, prompts[lines.length]!);
        } else if (byte === 0x7f || byte === 0x08) {
          dropLastCharacter(current);
        } else {
          current.push(byte);
        }
      }
    });
    terminal.once('error', (error) => {
      finish();
      reject(error);
    });
  });
}

/**
 * Obtains a passphrase. With `confirm` (a new key) the terminal asks twice.
 * @throws UsageError ERR_USAGE (no source, empty, mismatch); FileError ERR_FILE
 */
export async function obtainPassphrase(sources: PassphraseSources, prompt: string, confirm = false): Promise<string> {
  let passphrase: string;
  if (sources.file !== undefined) passphrase = readPassphraseFile(sources.file);
  else if (sources.env.CARDSEAL_PASSPHRASE !== undefined) passphrase = sources.env.CARDSEAL_PASSPHRASE;
  else {
    const answers = await promptTerminal(confirm ? [prompt, 'confirm passphrase: '] : [prompt], sources.stderr);
    if (confirm && answers[0] !== answers[1]) throw new UsageError('ERR_USAGE', 'the two passphrases do not match');
    passphrase = answers[0]!;
  }
  if (passphrase === '') throw emptyError();
  return passphrase;
}
