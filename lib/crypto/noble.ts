/**
 * The portable backend on @noble/ciphers, @noble/curves and @noble/hashes:
 * pure JS, audited, and usable where node:crypto is not (browsers, later).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes } from '../bytes.js';
import type { CryptoBackend } from './backend.js';
import { verifyCofactored } from './ed25519-rules.js';

const TAG_LENGTH = 16;

function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined {
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/** The @noble/* backend. */
export const nobleBackend: CryptoBackend = {
  name: 'noble',
  randomBytes: (length) => randomBytes(length),
  sha256: (data) => sha256(data),
  createSha256() {
    const hash = sha256.create();
    return { update: (data) => void hash.update(data), digest: () => hash.digest() };
  },
  hmacSha256(key, ...parts) {
    const mac = hmac.create(sha256, key);
    for (const part of parts) mac.update(part);
    return mac.digest();
  },
  createX25519(secret) {
    const own = secret.slice();
    return {
      publicKey: x25519.getPublicKey(own),
      agree(peer) {
        try {
          return x25519.getSharedSecret(own, peer);
        } catch {
          // noble throws on an all-zero result; report it as zeros like the node backend.
          return new Uint8Array(32);
        }
      },
    };
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify: (publicKey, message, signature) => verifyCofactored(publicKey, message, signature),
  seal: (key, nonce, plaintext, aad) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open,
  sealSegments(key, nonce, segments) {
    // noble seals one contiguous buffer: join the pieces.
    const sealed = chacha20poly1305(key, nonce).encrypt(concatBytes(...segments));
    const split = sealed.length - TAG_LENGTH;
    return { ciphertext: split === 0 ? [] : [sealed.subarray(0, split)], tag: sealed.subarray(split) };
  },
  openSegments(key, nonce, segments, tag) {
    // noble opens one contiguous buffer: join the pieces, tag last.
    const plaintext = open(key, nonce, concatBytes(...segments, tag));
    return plaintext === undefined ? undefined : [plaintext];
  },
  openParts(key, nonce, ciphertext, tag) {
    const sealed = new Uint8Array(ciphertext.length + TAG_LENGTH);
    sealed.set(ciphertext, 0);
    sealed.set(tag, ciphertext.length);
    return open(key, nonce, sealed);
  },
  scrypt: (passphrase, salt, logN, r, p, length) => scryptAsync(passphrase, salt, { N: 2 ** logN, r, p, dkLen: length, maxmem: 129 * 2 ** logN * r + (1 << 20) }),
};
