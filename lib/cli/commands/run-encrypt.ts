/**
 * The work of `cardseal encrypt` (its flags are in encrypt.ts): file to file
 * on the file engine, on every core (lib/cli/file-job.ts); otherwise
 * input → (progress) → encryptFor → output. When the output is a URL and the
 * input size is known, the upload declares the exact length (ciphertextSize,
 * then armoredSize with -a), as presigned S3 and Azure PUTs require; otherwise
 * it is sent chunked. With --sign the file is signed by its sender
 * (spec/format.md §9), which adds the fixed-size signature block to that length.
 */
import { armoredSize } from '../../armor/armor.js';
import { KeyError } from '../../errors.js';
import { encryptFile } from '../../file/encrypt-file.js';
import { isHttpUrl } from '../../io/url.js';
import { resolveRecipients } from '../../recipients/recipient.js';
import { ciphertextSize } from '../../sizes.js';
import { encryptFor } from '../../stream/encrypt.js';
import { type ParsedArgs, flagValue } from '../args.js';
import { openTransfer, streamTo } from '../command.js';
import { type FileJobThreads, filePaths, runFileJob } from '../file-job.js';
import type { Terminal } from '../input.js';
import { gatherRecipients } from '../recipients.js';
import { loadSender } from '../sender-card.js';

/** What encrypt.ts has read and started before this module loaded. */
export interface EncryptPlan {
  chunkSize: number | undefined;
  armor: boolean;
  threading: FileJobThreads;
}

/**
 * Encrypts as `parsed` asks. Errors: KeyError ERR_KEY_*, CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*,
 * UsageError ERR_USAGE, ERR_OUTPUT_TERMINAL, FileError ERR_FILE, HttpError ERR_HTTP_*.
 * With --sign also ERR_CARD_NOT_FOUND (no live card with the key's keys) and ERR_USAGE (a card of another key).
 */
export async function runEncrypt(parsed: ParsedArgs, terminal: Terminal, { chunkSize, armor, threading }: EncryptPlan): Promise<void> {
  const recipients = await gatherRecipients(parsed, terminal.env);
  if (recipients.length === 0) throw new KeyError('ERR_KEY_NO_RECIPIENTS', 'no recipients given');
  // Resolving verifies every card and folds duplicates before any output exists.
  const uniqueRecipients = resolveRecipients(recipients).length;
  const sender = await loadSender(parsed, terminal);
  const signing = sender === undefined ? {} : { signWith: sender.key, senderCard: sender.card };
  const options = { ...(chunkSize === undefined ? {} : { chunkSize }), ...signing, armor };
  try {
    const files = filePaths(parsed);
    if (files !== undefined) {
      await runFileJob(parsed, terminal, files.input, threading, (job) => encryptFile(files.input, files.output, recipients, { ...options, ...job }));
      return;
    }
    const target = flagValue(parsed, 'output');
    const { stages, output } = await openTransfer(parsed, terminal, (input) => {
      if (target === undefined || !isHttpUrl(target) || input.size === undefined) return { binary: !armor };
      const binaryLength = ciphertextSize(input.size, { recipients: uniqueRecipients, chunkSize, signed: sender !== undefined });
      return { binary: !armor, contentLength: armor ? armoredSize(binaryLength) : binaryLength };
    });
    stages.push(encryptFor(recipients, options));
    await streamTo(stages, output);
  } finally {
    sender?.key.destroy();
  }
}
