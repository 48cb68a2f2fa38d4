/**
 * The age CLI (Go), from Debian's package. Keys come from age-keygen: one
 * identity file per recipient, their public keys in recipients.txt.
 *
 * A second variant runs `sync OUT` after age, for the end-to-end comparison:
 * the cardseal CLI fsyncs the files it writes (atomic output), age does not,
 * so only this variant writes as durably as cardseal does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, tailOf } from '../child.js';
import type { CommandPeer, Operation } from './peer.js';

const IDENTITY_FILE = 'identity.txt';
const RECIPIENTS_FILE = 'recipients.txt';

/** Runs an age binary and returns its stdout, or throws with its stderr. */
async function runAgeTool(file: string, args: string[]): Promise<string> {
  const run = await runCommand(file, args);
  if (run.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${tailOf(run.stderr)}`);
  return run.stdout;
}

/** The age CLI peer. */
export const agePeer: CommandPeer = {
  kind: 'command',
  id: 'age',
  label: 'age (CLI)',
  suite: 'X25519 stanzas, HKDF-SHA-256, ChaCha20-Poly1305 in 64 KiB chunks (Go)',
  async findMissing() {
    try {
      await runAgeTool('age', ['--version']);
      await runAgeTool('age-keygen', ['--version']);
      return undefined;
    } catch {
      return 'age is not installed here (Debian: apt-get install age)';
    }
  },
  async readVersion() {
    return (await runAgeTool('age', ['--version'])).trim();
  },
  async createKeys(dir, count) {
    const publicKeys: string[] = [];
    for (let i = 0; i < count; i++) {
      const file = i === count - 1 ? join(dir, IDENTITY_FILE) : join(dir, `identity-${i}.txt`);
      await runAgeTool('age-keygen', ['-o', file]);
      const match = /^# public key: (age1[0-9a-z]+)$/m.exec(await readFile(file, 'utf8'));
      if (match === null) throw new Error(`age-keygen wrote no public key to ${file}`);
      publicKeys.push(match[1]!);
    }
    await writeFile(join(dir, RECIPIENTS_FILE), publicKeys.map((key) => `${key}\n`).join(''));
  },
  commandFor(operation, dir, input, output) {
    return { file: 'age', args: ageArguments(operation, dir, input, output) };
  },
};

function ageArguments(operation: Operation, dir: string, input: string, output: string): string[] {
  if (operation === 'encrypt') return ['-R', join(dir, RECIPIENTS_FILE), '-o', output, input];
  return ['-d', '-i', join(dir, IDENTITY_FILE), '-o', output, input];
}

/** age followed by `sync OUT`: as durable as the cardseal CLI's atomic, fsynced output. */
export const ageSyncPeer: CommandPeer = {
  ...agePeer,
  id: 'age-sync',
  label: 'age, then sync OUT',
  commandFor(operation, dir, input, output) {
    // The paths travel as positional parameters, never spliced into the script.
    return { file: 'sh', args: ['-c', 'out="$1"; shift; age "$@" && sync "$out"', 'sh', output, ...ageArguments(operation, dir, input, output)] };
  },
};
