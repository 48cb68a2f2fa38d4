/**
 * cardseal itself, in-process, through the public API with its defaults: the
 * file API, the same on one thread, and the stream API.
 * Keys: recipients.txt (one public key per line) and identity.key (the last
 * recipient's private key), the same files the CLI measurement uses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CHUNK_EXPONENT } from '../../lib/format/limits.js';
import { type LibraryPeer, openInput, pipeToFile, readPackageVersion } from './peer.js';

/** The recipients file in a cardseal key directory. */
export const RECIPIENTS_FILE = 'recipients.txt';
/** The identity file in a cardseal key directory. */
export const IDENTITY_FILE = 'identity.key';

/** The public keys listed in a recipients file's text, one per line. */
export function parseRecipientLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** How a cardseal peer moves the file: the file API (`encryptFile`, on `threads` threads or its default), or the stream API. */
type Mode = { api: 'file'; threads?: number } | { api: 'stream' };

const SUITE = `X25519 shared-ephemeral, HKDF-SHA-256, ChaCha20-Poly1305 in ${2 ** DEFAULT_CHUNK_EXPONENT / 1024} KiB chunks (the default), node:crypto backend`;

function identify(mode: Mode): { id: string; label: string; suite: string } {
  if (mode.api === 'stream') {
    return { id: 'cardseal-stream', label: 'cardseal (stream API)', suite: `${SUITE}; encryptFor/decryptWith between fs streams with Node's defaults` };
  }
  if (mode.threads === undefined) return { id: 'cardseal', label: 'cardseal (file API)', suite: `${SUITE}; encryptFile/decryptFile, one thread per core, the calling thread one of them` };
  return { id: `cardseal-${mode.threads}t`, label: `cardseal (file API, ${mode.threads} thread)`, suite: `${SUITE}; encryptFile/decryptFile on ${mode.threads} thread (the calling thread alone)` };
}

function createCardsealPeer(mode: Mode): LibraryPeer {
  return {
    kind: 'library',
    ...identify(mode),
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
      const { decryptFile, decryptWith, encryptFile, encryptFor, parsePrivateKey } = await import('../../lib/index.js');
      const threads = mode.api === 'file' && mode.threads !== undefined ? { threads: mode.threads } : {};
      if (operation === 'encrypt') {
        const recipients = parseRecipientLines(await readFile(join(dir, RECIPIENTS_FILE), 'utf8'));
        if (mode.api === 'file') return (await encryptFile(input, output, recipients, threads)).bytesWritten;
        return pipeToFile(openInput(input), [encryptFor(recipients)], output);
      }
      const privateKey = parsePrivateKey((await readFile(join(dir, IDENTITY_FILE), 'utf8')).trim());
      if (mode.api === 'file') return (await decryptFile(input, output, privateKey, threads)).bytesWritten;
      return pipeToFile(openInput(input), [decryptWith(privateKey)], output);
    },
  };
}

/** The cardseal file API with its defaults: the reference of every ratio. */
export const cardsealPeer = createCardsealPeer({ api: 'file' });
/** The file API on one worker thread: what one core does. */
export const cardsealOneThreadPeer = createCardsealPeer({ api: 'file', threads: 1 });
/** The stream API between file streams with Node's defaults, as a caller writes a pipeline. */
export const cardsealStreamPeer = createCardsealPeer({ api: 'stream' });
