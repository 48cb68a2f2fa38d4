/**
 * `cardseal keygen`: a new key pair. The private key file (mode 0600, never
 * overwritten) holds the key line after two comment lines, the creation time
 * and the public key; the public key is printed for the sender to use.
 */
import { Readable } from 'node:stream';
import { generateKeyPair } from '../../keys/keys.js';
import { lockPrivateKey } from '../../keys/passphrase.js';
import { flagValue, hasFlag } from '../args.js';
import { type Command, streamTo } from '../command.js';
import { isStdio } from '../input.js';
import { openOutput } from '../output.js';
import { obtainPassphrase } from '../passphrase.js';
import { withHint } from '../report.js';

/** `cardseal keygen`. Errors: UsageError ERR_USAGE (passphrase), FileError ERR_FILE (the key file exists or cannot be written). */
export const keygen: Command = {
  spec: {
    name: 'keygen',
    usage: 'keygen [-o FILE] [-p | --passphrase-file FILE]',
    summary: 'Generate a key pair: write the private key file and print the public key.',
    flags: [
      { name: 'output', short: 'o', value: 'FILE', help: 'write the private key to FILE (mode 0600, never overwritten); default stdout' },
      { name: 'passphrase', short: 'p', help: 'protect the key with a passphrase, asked on the terminal or taken from CARDSEAL_PASSPHRASE' },
      { name: 'passphrase-file', value: 'FILE', help: 'protect the key with the passphrase in FILE' },
    ],
    maxArgs: 0,
    details: [
      'With -o the public key is printed on stdout. Without -o the key file goes to stdout,',
      'and the public key is also printed on stderr when stdout is not a terminal.',
      '',
      'Examples:',
      '  cardseal keygen -o key.txt',
      '  CARDSEAL_PASSPHRASE=... cardseal keygen -p -o locked-key.txt',
    ].join('\n'),
  },

  async run(parsed, terminal) {
    const target = flagValue(parsed, 'output');
    const passphraseFile = flagValue(parsed, 'passphrase-file');
    const protect = hasFlag(parsed, 'passphrase') || passphraseFile !== undefined;
    const passphrase = protect ? await obtainPassphrase({ file: passphraseFile, env: terminal.env, stderr: terminal.stderr }, 'passphrase for the new key: ', true) : undefined;
    const { publicKey, privateKey } = generateKeyPair();
    const keyText = passphrase === undefined ? privateKey.export() : await lockPrivateKey(privateKey, passphrase);
    privateKey.destroy();
    const created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fileText = `# created: ${created}\n# public key: ${publicKey.toString()}\n${keyText}\n`;
    const output = await openOutput(target, terminal, { binary: false, mode: 0o600, overwrite: false });
    try {
      await streamTo([Readable.from([Buffer.from(fileText)])], output);
    } catch (error) {
      const exists = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
      throw exists ? withHint(error as Error, 'keygen never replaces a key file; choose another name') : error;
    }
    if (!isStdio(target)) terminal.stdout.write(`${publicKey.toString()}\n`);
    else if (terminal.stdout.isTTY !== true) terminal.stderr.write(`public key: ${publicKey.toString()}\n`);
  },
};
