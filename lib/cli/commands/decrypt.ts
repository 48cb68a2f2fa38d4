/**
 * `cardseal decrypt`: its flags and help, and what it starts before the rest
 * of it loads: for a large file-to-file job, the file engine's workers, which
 * take as long to start as the command takes to load. The work itself is in
 * run-decrypt.ts.
 */
import { UsageError } from '../../errors.js';
import { flagValues } from '../args.js';
import type { Command } from '../command.js';
import { withFileJobThreads } from '../file-job.js';
import { DIRECTORY_FLAG, INPUT_DETAILS, OUTPUT_FLAG, PASSPHRASE_FILE_FLAG, QUIET_FLAG, THREADS_FLAG } from '../flags.js';
import { withHint } from '../report.js';

/**
 * `cardseal decrypt`. Errors: every decryption code (ERR_HEADER_*, ERR_NO_MATCH, ERR_HEADER_MAC,
 * ERR_PAYLOAD_*, ERR_LIMIT_*, ERR_ARMOR_FORMAT), KeyError ERR_KEY_*, UsageError, FileError, HttpError;
 * with --from or --from-card also SignatureError ERR_SIGNATURE_MISSING, ERR_SIGNATURE_UNKNOWN_SIGNER,
 * ERR_SIGNATURE_SIGNER_REVOKED, ERR_SIGNATURE_INVALID, CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*.
 */
export const decrypt: Command = {
  spec: {
    name: 'decrypt',
    usage: 'decrypt -i KEY_FILE... [--from IDENTITY]... [--from-card CARD_FILE]... [--threads N] [-o OUT] [IN]',
    summary: 'Decrypt IN (default stdin), binary or armored, writing OUT (default stdout).',
    flags: [
      { name: 'identity', short: 'i', value: 'KEY_FILE', repeatable: true, help: 'a private key file from "cardseal keygen"; several may be given' },
      { name: 'from', value: 'IDENTITY', repeatable: true, help: 'require a signature by a card of IDENTITY in the card directory (revocation checked)' },
      { name: 'from-card', value: 'CARD_FILE', repeatable: true, help: 'require a signature by the card in CARD_FILE (offline: a revocation is not seen)' },
      { name: 'allow-unverified-stream', help: 'with --from: allow stdout or a URL as OUT, which get all but the final chunk before the check' },
      OUTPUT_FLAG,
      DIRECTORY_FLAG,
      PASSPHRASE_FILE_FLAG,
      QUIET_FLAG,
      THREADS_FLAG,
    ],
    maxArgs: 1,
    details: [
      INPUT_DETAILS,
      'With -o FILE, FILE appears only if every chunk authenticates; on any failure it is left',
      'as it was. On stdout, chunks are written as they authenticate, so a failure can come',
      'after some output.',
      '',
      'Sender signatures: with --from or --from-card the file must be signed by one of those',
      'cards (any card of an IDENTITY that the directory vouches for and that is not revoked).',
      'Once the signature verifies, "signed by: IDENTITY (device NAME, card ID)" is printed on',
      'stderr. An unsigned file, a signature by another or a revoked card, or a file altered',
      'after signing fails with exit status 1 and no output file.',
      'The signature is checked at the end of the input, so OUT must then be a file (-o FILE),',
      'which appears only after the check. --allow-unverified-stream permits stdout or a URL:',
      'all but the final chunk is then written before the check, and only the exit status',
      'tells whether it passed. Without --from or --from-card no signature is required or checked.',
      '',
      'Examples:',
      '  cardseal decrypt -i key.txt -o backup.tar backup.tar.cardseal',
      '  cardseal decrypt -i key.txt --from alice@example.com -o notes.txt notes.cardseal',
      '  cardseal decrypt -i key.txt --from-card alice.card -o notes.txt notes.cardseal',
      '  curl -s https://example.com/notes.cardseal | cardseal decrypt -i key.txt',
      '  cardseal decrypt -i key.txt https://example.com/notes.cardseal',
    ].join('\n'),
  },

  async run(parsed, terminal) {
    const keyFiles = flagValues(parsed, 'identity');
    if (keyFiles.length === 0) throw withHint(new UsageError('ERR_USAGE', 'no key file given'), 'pass the private key file with -i KEY_FILE');
    // Started first, the workers start while the rest of the command loads and the keys are read.
    await withFileJobThreads(parsed, { streamed: false }, async (threading) => {
      const { runDecrypt } = await import('./run-decrypt.js');
      await runDecrypt(parsed, terminal, { keyFiles, threading });
    });
  },
};
