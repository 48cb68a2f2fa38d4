/**
 * cardseal itself, in-process, through the public API with its defaults.
 * Keys: recipients.txt (one public key per line) and identity.key (the last
 * recipient's private key), the same files the CLI measurement uses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LibraryPeer, openInput, pipeToFile, readPackageVersion } from './peer.js';

/** The recipients file in a cardseal key directory. */
export const RECIPIENTS_FILE = 'recipients.txt';
/** The identity file in a cardseal key directory. */
export const IDENTITY_FILE = 'identity.key';

/** The public keys listed in a recipients file's text, one per line. */
export function parseRecipientLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Write buffering of the tuned variant: enough for a write to carry many chunks. */
const LARGE_WRITE_BUFFER = 1024 * 1024;

function createCardsealPeer(writeBuffer: number | undefined): LibraryPeer {
  return {
    kind: 'library',
    id: writeBuffer === undefined ? 'cardseal' : 'cardseal-buffered',
    label: writeBuffer === undefined ? 'cardseal (API)' : `cardseal (API, ${writeBuffer / 1024 / 1024} MiB write buffer)`,
    suite: `X25519 shared-ephemeral, HKDF-SHA-256, ChaCha20-Poly1305 in 64 KiB chunks, node:crypto backend${writeBuffer === undefined ? '' : `; the output file stream has highWaterMark ${writeBuffer}`}`,
    async findMissing() {
      // Loading the library here keeps its import out of the timed run.
      await import('../../lib/index.js');
      return undefined;
    },
    readVersion: () => readPackageVersion(),
    async createKeys(dir, count) {
      const { generateKeyPair } = await import('../../lib/index.js');
      const pairs = Array.from({ length: count }, () => generateKeyPair());
      await writeFile(join(dir, RECIPIENTS_FILE), pairs.map((pair) => `${pair.publicKey.toString()}\n`).join(''));
      await writeFile(join(dir, IDENTITY_FILE), `${pairs[count - 1]!.privateKey.export()}\n`);
    },
    async run(operation, dir, input, output) {
      const { decryptWith, encryptFor, parsePrivateKey } = await import('../../lib/index.js');
      if (operation === 'encrypt') {
        const recipients = parseRecipientLines(await readFile(join(dir, RECIPIENTS_FILE), 'utf8'));
        return pipeToFile(openInput(input), [encryptFor(recipients)], output, writeBuffer);
      }
      const privateKey = parsePrivateKey((await readFile(join(dir, IDENTITY_FILE), 'utf8')).trim());
      return pipeToFile(openInput(input), [decryptWith(privateKey)], output, writeBuffer);
    },
  };
}

/** The cardseal library peer, with Node's default file streams like every peer. */
export const cardsealPeer = createCardsealPeer(undefined);
/** The same with a 1 MiB write buffer on the output file: what the caller's sink costs. */
export const cardsealBufferedPeer = createCardsealPeer(LARGE_WRITE_BUFFER);
