/**
 * OpenPGP.js v6 with its streaming API (web streams bridged to Node files),
 * in two configurations:
 *   default  SEIPDv1 (AES-256-CFB with a SHA-1 MDC). Decryption holds the whole
 *            plaintext back until the MDC at the end verifies, because
 *            allowUnauthenticatedStream is off, so memory grows with the file.
 *   AEAD     aeadProtect: SEIPDv2, AES-256-GCM in 256 KiB chunks, streamed.
 * Keys: v4 ECC keys (Ed25519 primary, Curve25519 ECDH subkey), armored.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type LibraryPeer, findMissingPackage, openInput, pipeToFile, readPackageVersion } from './peer.js';

const IDENTITY_FILE = 'identity.asc';
const PUBLIC_KEY_PREFIX = 'public-';

async function loadOpenpgp(): Promise<typeof import('openpgp')> {
  return import('openpgp');
}

/** Node file stream → the web stream OpenPGP.js reads. */
function toWebStream(path: string): import('openpgp').WebStream<Uint8Array> {
  return Readable.toWeb(openInput(path)) as unknown as import('openpgp').WebStream<Uint8Array>;
}

/** Web stream OpenPGP.js writes → Node stream. */
function fromWebStream(stream: unknown): Readable {
  return Readable.fromWeb(stream as Parameters<typeof Readable.fromWeb>[0]);
}

function createOpenpgpPeer(aead: boolean): LibraryPeer {
  const config = { aeadProtect: aead };
  return {
    kind: 'library',
    id: aead ? 'openpgp-aead' : 'openpgp-default',
    label: aead ? 'OpenPGP.js (AEAD)' : 'OpenPGP.js (default)',
    suite: aead
      ? 'SEIPDv2: AES-256-GCM in 256 KiB chunks; ECDH Curve25519 v4 keys'
      : 'SEIPDv1: AES-256-CFB + SHA-1 MDC; ECDH Curve25519 v4 keys; decrypt buffers the whole plaintext until the MDC verifies',
    // The default configuration buffers the plaintext on decrypt: one recipient count shows that.
    ...(aead ? {} : { recipientCounts: [1] }),
    findMissing: () => findMissingPackage('openpgp', loadOpenpgp),
    readVersion: () => readPackageVersion('openpgp'),
    async createKeys(dir, count) {
      const openpgp = await loadOpenpgp();
      for (let i = 0; i < count; i++) {
        const pair = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: `bench recipient ${i}` }], format: 'armored', config });
        await writeFile(join(dir, `${PUBLIC_KEY_PREFIX}${i}.asc`), pair.publicKey);
        if (i === count - 1) await writeFile(join(dir, IDENTITY_FILE), pair.privateKey);
      }
    },
    async run(operation, dir, input, output) {
      const openpgp = await loadOpenpgp();
      if (operation === 'encrypt') {
        const files = (await readdir(dir)).filter((name) => name.startsWith(PUBLIC_KEY_PREFIX));
        const encryptionKeys = await Promise.all(files.map(async (file) => openpgp.readKey({ armoredKey: await readFile(join(dir, file), 'utf8') })));
        const message = await openpgp.createMessage({ binary: toWebStream(input) });
        const encrypted = await openpgp.encrypt({ message, encryptionKeys, format: 'binary', config });
        return pipeToFile(fromWebStream(encrypted), [], output);
      }
      const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: await readFile(join(dir, IDENTITY_FILE), 'utf8') });
      const message = await openpgp.readMessage({ binaryMessage: toWebStream(input) });
      const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary', config });
      return pipeToFile(fromWebStream(data), [], output);
    },
  };
}

/** OpenPGP.js as configured by default. */
export const openpgpDefaultPeer = createOpenpgpPeer(false);
/** OpenPGP.js with AEAD (SEIPDv2). */
export const openpgpAeadPeer = createOpenpgpPeer(true);
