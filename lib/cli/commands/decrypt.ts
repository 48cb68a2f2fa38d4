/**
 * `cardseal decrypt`: file to file on the file engine, on every core
 * (lib/cli/file-job.ts); otherwise input → (progress) → decryptWith →
 * (terminal guard) → output. Both detect armor from the first bytes, and with
 * several -i use the key the envelope is for, so a wrong key never costs a
 * pass over the payload.
 *
 * With --from or --from-card the file must be signed by an accepted card
 * (spec/format.md §9.5). The signature is checked at the end of the input,
 * so plaintext goes only where it can wait for the verdict: an atomic
 * -o FILE, renamed into place after the check. Stdout and an upload would
 * receive every chunk but the last before it, so they need
 * --allow-unverified-stream; the final chunk is still held back, and the exit
 * status carries the verdict.
 */
import { UsageError } from '../../errors.js';
import { isHttpUrl } from '../../io/url.js';
import type { PrivateKey } from '../../keys/keys.js';
import type { SenderCard } from '../../signing/sender-card.js';
import { decryptFile } from '../../file/decrypt-file.js';
import { type DecryptOptions, decryptWith } from '../../stream/decrypt.js';
import { describeSigner, gatherAcceptedSenders } from '../accepted-senders.js';
import { type ParsedArgs, flagValue, flagValues, hasFlag } from '../args.js';
import { type Command, openTransfer, streamTo } from '../command.js';
import { filePaths, runFileJob } from '../file-job.js';
import { DIRECTORY_FLAG, INPUT_DETAILS, OUTPUT_FLAG, PASSPHRASE_FILE_FLAG, QUIET_FLAG } from '../flags.js';
import { readIdentity } from '../identities.js';
import { type Terminal, isStdio } from '../input.js';
import { TerminalGuard } from '../output.js';
import { withHint } from '../report.js';

/**
 * Refuses, before anything is opened, an output that would receive plaintext
 * before the signature is checked, unless --allow-unverified-stream says so.
 */
function assertReleasable(parsed: ParsedArgs, verifying: boolean): void {
  const allowed = hasFlag(parsed, 'allow-unverified-stream');
  if (!verifying) {
    if (allowed) throw withHint(new UsageError('ERR_USAGE', '--allow-unverified-stream is used only with --from or --from-card'), 'name the accepted senders with --from IDENTITY or --from-card CARD_FILE');
    return;
  }
  const target = flagValue(parsed, 'output');
  const streamed = isStdio(target) ? 'stdout' : isHttpUrl(target!) ? 'an upload' : undefined;
  if (streamed === undefined || allowed) return;
  throw withHint(
    new UsageError('ERR_USAGE', `with --from, plaintext goes only to -o FILE: ${streamed} would receive it before the signature is checked`),
    'use -o FILE, which appears only once the signature verifies, or add --allow-unverified-stream to stream all but the final chunk before the check',
  );
}

/**
 * `cardseal decrypt`. Errors: every decryption code (ERR_HEADER_*, ERR_NO_MATCH, ERR_HEADER_MAC,
 * ERR_PAYLOAD_*, ERR_LIMIT_*, ERR_ARMOR_FORMAT), KeyError ERR_KEY_*, UsageError, FileError, HttpError;
 * with --from or --from-card also SignatureError ERR_SIGNATURE_MISSING, ERR_SIGNATURE_UNKNOWN_SIGNER,
 * ERR_SIGNATURE_SIGNER_REVOKED, ERR_SIGNATURE_INVALID, CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*.
 */
export const decrypt: Command = {
  spec: {
    name: 'decrypt',
    usage: 'decrypt -i KEY_FILE... [--from IDENTITY]... [--from-card CARD_FILE]... [-o OUT] [IN]',
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
    const verifyWith = gatherAcceptedSenders(parsed, terminal.env);
    assertReleasable(parsed, verifyWith !== undefined);
    const sources = { file: flagValue(parsed, 'passphrase-file'), env: terminal.env, stderr: terminal.stderr };
    const keys: PrivateKey[] = [];
    // One at a time, so passphrase prompts do not interleave.
    for (const path of keyFiles) keys.push(await readIdentity(path, sources));
    let signer: SenderCard | undefined;
    // verifyWith makes the library require a signature and hold the final chunk until it verifies.
    const options = verifyWith === undefined ? {} : { verifyWith };
    try {
      const files = filePaths(parsed);
      if (files !== undefined) {
        signer = (await runFileJob(parsed, terminal, files.input, (job) => decryptFile(files.input, files.output, keys, { ...options, ...job }))).signer;
      } else {
        await decryptStreamed(parsed, terminal, keys, options, (card) => (signer = card));
      }
    } finally {
      for (const key of keys) key.destroy();
    }
    if (signer !== undefined) terminal.stderr.write(`signed by: ${describeSigner(signer)}\n`);
  },
};

/** IN → (progress) → decryptWith → (terminal guard) → OUT, for stdin, stdout or a URL on either side. */
async function decryptStreamed(parsed: ParsedArgs, terminal: Terminal, keys: PrivateKey[], options: DecryptOptions, onSigner: (card: SenderCard) => void): Promise<void> {
  const { stages, output } = await openTransfer(parsed, terminal, () => ({ binary: false }));
  const decrypter = decryptWith(keys, options);
  decrypter.once('signer', onSigner);
  stages.push(decrypter);
  if (isStdio(flagValue(parsed, 'output')) && terminal.stdout.isTTY === true) stages.push(new TerminalGuard());
  await streamTo(stages, output);
}
