/**
 * The Ed25519 verification rules both backends apply (spec/format.md §1.2):
 * RFC 8032 strict decoding plus a refusal of small-order public keys, with the
 * cofactored equation. OpenSSL alone would accept a small-order or
 * non-canonically encoded public key (with which anyone can "sign" anything)
 * and uses the cofactorless equation, so the node backend runs this check first
 * and falls back to the cofactored check when OpenSSL says no.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

const PUBLIC_KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

/**
 * True when `publicKey` is a canonical encoding of a curve point that is not of
 * small order. Decoding rejects y ≥ p and x = 0 with the sign bit set (RFC 8032 §5.1.3).
 */
export function isAcceptablePublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

/** The cofactored RFC 8032 verification with strict decoding, on noble. */
export function verifyCofactored(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || !isAcceptablePublicKey(publicKey)) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
