/**
 * The AWS Encryption SDK for JavaScript (@aws-crypto/client-node) with raw RSA
 * keyrings, the public-key setup closest to the others: one RSA-3072
 * OAEP-SHA-256 keyring per recipient (a multi-keyring for several), decryption
 * with the last recipient's private key.
 *
 * Its defaults stay on: commitment policy REQUIRE_ENCRYPT_REQUIRE_DECRYPT, the
 * algorithm suite AES-256-GCM with HKDF-SHA-512 key commitment and an ECDSA
 * P-384 signature over the whole message, in 4 KiB frames.
 */
import { generateKeyPair } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type LibraryPeer, findMissingPackage, openInput, pipeToFile, readPackageVersion } from './peer.js';

const IDENTITY_FILE = 'identity.pem';
const PUBLIC_KEY_PREFIX = 'public-';
const KEY_NAMESPACE = 'cardseal-bench';
const RSA_BITS = 3072;
const PACKAGE = '@aws-crypto/client-node';

async function loadSdk(): Promise<typeof import('@aws-crypto/client-node')> {
  return import('@aws-crypto/client-node');
}

/** The ESDK peer. */
export const awsPeer: LibraryPeer = {
  kind: 'library',
  id: 'aws-esdk',
  label: 'AWS Encryption SDK',
  suite: 'AES-256-GCM, HKDF-SHA-512 key commitment, ECDSA P-384 signature (the default suite), 4 KiB frames; raw RSA-3072 OAEP-SHA-256 keyrings',
  findMissing: () => findMissingPackage(PACKAGE, loadSdk),
  readVersion: () => readPackageVersion(PACKAGE),
  async createKeys(dir, count) {
    const generate = promisify(generateKeyPair);
    // Generated in parallel on the thread pool: RSA-3072 key generation is slow.
    const pairs = await Promise.all(
      Array.from({ length: count }, () =>
        generate('rsa', { modulusLength: RSA_BITS, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
      ),
    );
    for (const [i, pair] of pairs.entries()) await writeFile(join(dir, `${PUBLIC_KEY_PREFIX}${String(i).padStart(3, '0')}.pem`), pair.publicKey);
    await writeFile(join(dir, IDENTITY_FILE), pairs[count - 1]!.privateKey);
  },
  async run(operation, dir, input, output) {
    const sdk = await loadSdk();
    const { encryptStream, decryptStream } = sdk.buildClient(sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const files = (await readdir(dir)).filter((name) => name.startsWith(PUBLIC_KEY_PREFIX)).sort();
    // Key names follow the file order, so the identity matches the last public key's keyring.
    const keyringFor = (index: number, rsaKey: { publicKey?: string; privateKey?: string }): InstanceType<typeof sdk.RawRsaKeyringNode> =>
      new sdk.RawRsaKeyringNode({ keyNamespace: KEY_NAMESPACE, keyName: `recipient-${index}`, rsaKey, oaepHash: 'sha256' });
    if (operation === 'encrypt') {
      const keyrings = await Promise.all(files.map(async (file, i) => keyringFor(i, { publicKey: await readFile(join(dir, file), 'utf8') })));
      const keyring = keyrings.length === 1 ? keyrings[0]! : new sdk.MultiKeyringNode({ generator: keyrings[0]!, children: keyrings.slice(1) });
      return pipeToFile(openInput(input), [encryptStream(keyring)], output);
    }
    const keyring = keyringFor(files.length - 1, { privateKey: await readFile(join(dir, IDENTITY_FILE), 'utf8') });
    return pipeToFile(openInput(input), [decryptStream(keyring)], output);
  },
};
