/**
 * `cardseal decrypt`: input → (progress) → autoDearmor → key choice and
 * decryptWith → (terminal guard) → output. Armor is detected from the first
 * bytes. With several -i, the envelope is read first and the first key it
 * opens with is used, so a wrong key never costs a pass over the payload.
 */
import { Readable } from 'node:stream';
import { autoDearmor } from '../../armor/streams.js';
import { UsageError } from '../../errors.js';
import type { PrivateKey } from '../../keys/keys.js';
import { decryptWith } from '../../stream/decrypt.js';
import { flagValue, flagValues } from '../args.js';
import { type Command, openTransfer, streamTo } from '../command.js';
import { readEnvelopeHead, selectKey } from '../envelope-head.js';
import { INPUT_DETAILS, OUTPUT_FLAG, PASSPHRASE_FILE_FLAG, QUIET_FLAG } from '../flags.js';
import { readIdentity } from '../identities.js';
import { isStdio } from '../input.js';
import { TerminalGuard } from '../output.js';
import { withHint } from '../report.js';

/** The envelope bytes already read, then the rest of the source; the source is released when done. */
async function* resume(head: Buffer, source: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head;
    for (let next = await source.next(); next.done !== true; next = await source.next()) yield next.value;
  } finally {
    await source.return?.();
  }
}

/** The pipeline stage that picks the key from the envelope, then decrypts. */
function decryptWithAnyOf(keys: PrivateKey[]): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* decryptStage(source) {
    const iterator = source[Symbol.asyncIterator]();
    const head = await readEnvelopeHead(iterator);
    const decrypter = decryptWith(selectKey(head.envelope, keys));
    const feed = Readable.from(resume(Buffer.concat([head.envelope, head.rest]), iterator), { objectMode: false });
    feed.once('error', (error) => decrypter.destroy(error));
    feed.pipe(decrypter);
    try {
      for await (const chunk of decrypter) yield chunk as Buffer;
    } finally {
      feed.destroy();
    }
  };
}

/**
 * `cardseal decrypt`. Errors: every decryption code (ERR_HEADER_*, ERR_NO_MATCH, ERR_HEADER_MAC,
 * ERR_PAYLOAD_*, ERR_LIMIT_*, ERR_ARMOR_FORMAT), KeyError ERR_KEY_*, UsageError, FileError, HttpError.
 */
export const decrypt: Command = {
  spec: {
    name: 'decrypt',
    usage: 'decrypt -i KEY_FILE... [-o OUT] [IN]',
    summary: 'Decrypt IN (default stdin), binary or armored, writing OUT (default stdout).',
    flags: [
      { name: 'identity', short: 'i', value: 'KEY_FILE', repeatable: true, help: 'a private key file from "cardseal keygen"; several may be given' },
      OUTPUT_FLAG,
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
      'Examples:',
      '  cardseal decrypt -i key.txt -o backup.tar backup.tar.cardseal',
      '  curl -s https://example.com/notes.cardseal | cardseal decrypt -i key.txt',
      '  cardseal decrypt -i key.txt https://example.com/notes.cardseal',
    ].join('\n'),
  },

  async run(parsed, terminal) {
    const keyFiles = flagValues(parsed, 'identity');
    if (keyFiles.length === 0) throw withHint(new UsageError('ERR_USAGE', 'no key file given'), 'pass the private key file with -i KEY_FILE');
    const sources = { file: flagValue(parsed, 'passphrase-file'), env: terminal.env, stderr: terminal.stderr };
    const keys: PrivateKey[] = [];
    // One at a time, so passphrase prompts do not interleave.
    for (const path of keyFiles) keys.push(await readIdentity(path, sources));
    const { stages, output } = await openTransfer(parsed, terminal, () => ({ binary: false }));
    stages.push(autoDearmor(), decryptWithAnyOf(keys));
    if (isStdio(flagValue(parsed, 'output')) && terminal.stdout.isTTY === true) stages.push(new TerminalGuard());
    try {
      await streamTo(stages, output);
    } finally {
      for (const key of keys) key.destroy();
    }
  },
};
