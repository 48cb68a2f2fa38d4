/**
 * The Ed25519 verification rules both backends apply (spec/format.md §1.2):
 * RFC 8032 strict decoding plus a refusal of small-order public keys, with the
 * cofactored equation. OpenSSL alone would accept a small-order or
 * non-canonically encoded public key (with which anyone can "sign" anything)
 * and uses the cofactorless equation, so the node backend runs the key check
 * first and falls back to the cofactored check when OpenSSL says no.
 *
 * The key check needs no curve arithmetic: a canonical encoding has y < p,
 * and the curve has exactly eight small-order points, whose canonical
 * encodings are listed below (a test derives them from the curve). The
 * cofactored check needs @noble/curves, about 9 MiB and 60 ms to load, so it
 * is loaded on first use: an honest signature never gets there on node:crypto.
 */
import { createRequire } from 'node:module';
import { fromHex } from '../bytes.js';

type NobleEd25519 = typeof import('@noble/curves/ed25519.js');

const PUBLIC_KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

/**
 * The canonical encodings of the eight points of small order (RFC 8032 §5.1.2
 * encoding, y little-endian with x's sign in the top bit): the identity, the
 * point of order 2, two of order 4 and four of order 8.
 */
export const SMALL_ORDER_ENCODINGS: readonly string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];
const SMALL_ORDER = SMALL_ORDER_ENCODINGS.map((hex) => fromHex(hex)!);
// 2^255 − 19 little-endian, the field prime: a canonical y is below it.
const FIELD_PRIME_LE = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')!;

/** True when y, the encoding without its sign bit, is below p. */
function isCanonicalY(encoding: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = i === 31 ? encoding[i]! & 0x7f : encoding[i]!;
    if (byte !== FIELD_PRIME_LE[i]) return byte < FIELD_PRIME_LE[i]!;
  }
  return false;
}

function isSmallOrderEncoding(encoding: Uint8Array): boolean {
  return SMALL_ORDER.some((point) => point.every((byte, i) => byte === encoding[i]));
}

/**
 * True when `publicKey` is a canonical encoding (y < p, RFC 8032 §5.1.3) of
 * none of the small-order points. A canonical x = 0 with the sign bit set
 * can only encode y = ±1, small-order points already refused. Whether the
 * point is on the curve is left to verification, which fails for a point
 * that is not.
 */
export function isAcceptablePublicKey(publicKey: Uint8Array): boolean {
  return publicKey.length === PUBLIC_KEY_LENGTH && isCanonicalY(publicKey) && !isSmallOrderEncoding(publicKey);
}

let noble: NobleEd25519 | undefined;

/** @noble/curves' Ed25519, loaded on first use (a synchronous require of an ES module, Node ≥ 20.19). */
function nobleEd25519(): NobleEd25519 {
  noble ??= createRequire(import.meta.url)('@noble/curves/ed25519.js') as NobleEd25519;
  return noble;
}

/** The cofactored RFC 8032 verification with strict decoding, on noble. */
export function verifyCofactored(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || !isAcceptablePublicKey(publicKey)) return false;
  try {
    return nobleEd25519().ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
