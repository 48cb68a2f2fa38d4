/**
 * The work of `cardseal decrypt` (its flags are in decrypt.ts): file to file
 * on the file engine, on every core (lib/cli/file-job.ts); otherwise
 * input → (progress) → decryptWith → (terminal guard) → output. Both detect armor from the first bytes, and with
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
import { decryptFile } from '../../file/decrypt-file.js';
import { isHttpUrl } from '../../io/url.js';
import type { PrivateKey } from '../../keys/keys.js';
import type { SenderCard } from '../../signing/sender-card.js';
import { type DecryptOptions, decryptWith } from '../../stream/decrypt.js';
import { describeSigner, gatherAcceptedSenders } from '../accepted-senders.js';
import { type ParsedArgs, flagValue, hasFlag } from '../args.js';
import { openTransfer, streamTo } from '../command.js';
import { type FileJobThreads, filePaths, runFileJob } from '../file-job.js';
import { readIdentity } from '../identities.js';
import { type Terminal, isStdio } from '../input.js';
import { TerminalGuard } from '../output.js';
import { withHint } from '../report.js';

/** What decrypt.ts has read and started before this module loaded. */
export interface DecryptPlan {
  keyFiles: string[];
  threading: FileJobThreads;
}

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
 * Decrypts as `parsed` asks. Errors: every decryption code (ERR_HEADER_*, ERR_NO_MATCH, ERR_HEADER_MAC,
 * ERR_PAYLOAD_*, ERR_LIMIT_*, ERR_ARMOR_FORMAT), KeyError ERR_KEY_*, UsageError, FileError, HttpError;
 * with --from or --from-card also SignatureError ERR_SIGNATURE_MISSING, ERR_SIGNATURE_UNKNOWN_SIGNER,
 * ERR_SIGNATURE_SIGNER_REVOKED, ERR_SIGNATURE_INVALID, CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*.
 */
export async function runDecrypt(parsed: ParsedArgs, terminal: Terminal, { keyFiles, threading }: DecryptPlan): Promise<void> {
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
      signer = (await runFileJob(parsed, terminal, files.input, threading, (job) => decryptFile(files.input, files.output, keys, { ...options, ...job }))).signer;
    } else {
      await decryptStreamed(parsed, terminal, keys, options, (card) => (signer = card));
    }
  } finally {
    for (const key of keys) key.destroy();
  }
  if (signer !== undefined) terminal.stderr.write(`signed by: ${describeSigner(signer)}\n`);
}

/** IN → (progress) → decryptWith → (terminal guard) → OUT, for stdin, stdout or a URL on either side. */
async function decryptStreamed(parsed: ParsedArgs, terminal: Terminal, keys: PrivateKey[], options: DecryptOptions, onSigner: (card: SenderCard) => void): Promise<void> {
  const { stages, output } = await openTransfer(parsed, terminal, () => ({ binary: false }));
  const decrypter = decryptWith(keys, options);
  decrypter.once('signer', onSigner);
  stages.push(decrypter);
  if (isStdio(flagValue(parsed, 'output')) && terminal.stdout.isTTY === true) stages.push(new TerminalGuard());
  await streamTo(stages, output);
}
