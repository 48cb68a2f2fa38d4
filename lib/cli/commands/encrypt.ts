/**
 * `cardseal encrypt`: its flags and help, and what it starts before the rest
 * of it loads: for a large file-to-file job, the file engine's workers, which
 * take as long to start as the command takes to load. The work itself is in
 * run-encrypt.ts.
 */
import { UsageError } from '../../errors.js';
import { flagValue, hasFlag } from '../args.js';
import type { Command } from '../command.js';
import { withFileJobThreads } from '../file-job.js';
import { DIRECTORY_FLAG, INPUT_DETAILS, OUTPUT_FLAG, PASSPHRASE_FILE_FLAG, QUIET_FLAG, THREADS_FLAG } from '../flags.js';
import { withHint } from '../report.js';

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2 };

/** `65536`, `64K`, `64KiB`, `1M` → bytes: a power of two from 4 KiB to 16 MiB. */
export function parseChunkSize(text: string): number {
  const match = /^(\d{1,9})\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : SIZE_UNITS[match[2]!.toLowerCase()];
  const size = match === null || unit === undefined ? NaN : Number(match[1]) * unit;
  const valid = Number.isSafeInteger(size) && size >= 4096 && size <= 16 * 1024 ** 2 && (size & (size - 1)) === 0;
  if (!valid) throw withHint(new UsageError('ERR_USAGE', `invalid chunk size ${JSON.stringify(text)}`), 'the chunk size is a power of two from 4K to 16M, such as 64K or 1M');
  return size;
}

/**
 * `cardseal encrypt`. Errors: KeyError ERR_KEY_*, CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*,
 * UsageError ERR_USAGE, ERR_OUTPUT_TERMINAL, FileError ERR_FILE, HttpError ERR_HTTP_*.
 * With --sign also ERR_CARD_NOT_FOUND (no live card with the key's keys) and ERR_USAGE (a card of another key).
 */
export const encrypt: Command = {
  spec: {
    name: 'encrypt',
    usage: 'encrypt [-r IDENTITY]... [-R CARD_FILE]... [--to PUBLIC_KEY]... [--sign -i KEY_FILE (--sender-card CARD_FILE | --sender IDENTITY)] [-a] [--chunk-size N] [--threads N] [-o OUT] [IN]',
    summary: 'Encrypt IN (default stdin) to every recipient, writing OUT (default stdout).',
    flags: [
      { name: 'recipient', short: 'r', value: 'IDENTITY', repeatable: true, help: 'every live, verified card of IDENTITY in the card directory' },
      { name: 'card', short: 'R', value: 'CARD_FILE', repeatable: true, help: 'the card in CARD_FILE (its signatures are verified)' },
      { name: 'to', value: 'PUBLIC_KEY', repeatable: true, help: 'a public key, cardseal_pub1_…' },
      { name: 'armor', short: 'a', help: 'write armored text (BEGIN/END lines, base64) instead of binary' },
      { name: 'chunk-size', value: 'N', help: 'plaintext bytes per chunk, a power of two from 4K to 16M (default 256K)' },
      { name: 'sign', help: 'sign the file as its sender, so recipients can check who wrote it (decrypt --from)' },
      { name: 'identity', short: 'i', value: 'KEY_FILE', help: 'with --sign: your private key file' },
      { name: 'sender-card', value: 'CARD_FILE', help: 'with --sign: your card, the one made from KEY_FILE' },
      { name: 'sender', value: 'IDENTITY', help: 'with --sign: your identity; your live card with the keys of KEY_FILE is taken from the directory' },
      OUTPUT_FLAG,
      DIRECTORY_FLAG,
      PASSPHRASE_FILE_FLAG,
      QUIET_FLAG,
      THREADS_FLAG,
    ],
    maxArgs: 1,
    details: [
      INPUT_DETAILS,
      '',
      'With --sign, the signature covers the header and every chunk, and it travels encrypted',
      'with the id of your card: recipients learn who signed, nobody else does. Every recipient',
      'holds the file key, so without a signature any of them could write a file in your name.',
      '',
      'Examples:',
      '  cardseal encrypt --to cardseal_pub1_... -o backup.tar.cardseal backup.tar',
      '  tar c docs | cardseal encrypt -r alice@example.com -r bob@example.com > docs.tar.cardseal',
      '  cardseal encrypt -R bob.card -a notes.txt',
      '  cardseal encrypt --sign -i alice.key --sender alice@example.com -r bob@example.com -o notes.cardseal notes.txt',
      '  cardseal encrypt --to cardseal_pub1_... -o "https://bucket.s3.amazonaws.com/db.cardseal?X-Amz-..." db.dump',
    ].join('\n'),
  },

  async run(parsed, terminal) {
    const chunkSizeText = flagValue(parsed, 'chunk-size');
    const chunkSize = chunkSizeText === undefined ? undefined : parseChunkSize(chunkSizeText);
    const armor = hasFlag(parsed, 'armor');
    // Started first, the workers start while the rest of the command loads (armored output is streamed).
    await withFileJobThreads(parsed, { streamed: armor }, async (threading) => {
      const { runEncrypt } = await import('./run-encrypt.js');
      await runEncrypt(parsed, terminal, { chunkSize, armor, threading });
    });
  },
};
