/**
 * HKDF-SHA-256 (RFC 5869) on the backend's HMAC, and the table of every
 * domain-separation label cardseal uses (spec/format.md §1.3). Each KDF use has
 * its own label; no label is a prefix of another.
 */
import { utf8, wipe } from '../bytes.js';
import type { CryptoBackend } from './backend.js';

/** Every KDF, MAC and signature context string, in one place (spec/format.md §1.3). */
export const LABELS = {
  headerMac: utf8('cardseal/v1/header-mac'),
  payload: utf8('cardseal/v1/payload'),
  x25519Tag: utf8('cardseal/v1/x25519/tag'),
  x25519Wrap: utf8('cardseal/v1/x25519/wrap'),
  keyChecksum: utf8('cardseal/v1/key-checksum'),
  keyExport: utf8('cardseal/v1/key-export'),
  signatureKey: utf8('cardseal/v1/signature-key'),
  signature: utf8('cardseal/v1/sender-signature'),
  cardSignature: utf8('cardseal/v1/card-signature'),
  revocationSignature: utf8('cardseal/v1/revocation-signature'),
  cardEndorsement: utf8('cardseal/v1/card-endorsement'),
  cardRotation: utf8('cardseal/v1/card-rotation'),
} as const;

const HASH_LENGTH = 32;

/** HKDF-Extract: PRK = HMAC(salt, IKM). An empty salt means 32 zero bytes (RFC 5869 §2.2). */
export function hkdfExtract(backend: CryptoBackend, ikm: Uint8Array, salt: Uint8Array): Uint8Array {
  return backend.hmacSha256(salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt, ikm);
}

/** HKDF-Expand: `length` bytes of output keyed by `prk` and bound to `info`. */
export function hkdfExpand(backend: CryptoBackend, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * HASH_LENGTH) throw new RangeError(`hkdf length must be at most ${255 * HASH_LENGTH}`);
  const out = new Uint8Array(length);
  let block: Uint8Array = new Uint8Array(0);
  for (let i = 0, offset = 0; offset < length; i++) {
    const next = backend.hmacSha256(prk, block, info, Uint8Array.of(i + 1));
    // Each block is key material (for 32 bytes, the key itself): wiped once the next is made.
    wipe(block);
    block = next;
    out.set(block.subarray(0, Math.min(HASH_LENGTH, length - offset)), offset);
    offset += HASH_LENGTH;
  }
  wipe(block);
  return out;
}

/** HKDF in one call: Expand(Extract(salt, ikm), info, length). */
export function hkdf(backend: CryptoBackend, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const prk = hkdfExtract(backend, ikm, salt);
  try {
    return hkdfExpand(backend, prk, info, length);
  } finally {
    wipe(prk);
  }
}
