/**
 * RFC 4648 base32 without padding, for key text forms (spec/format.md §2.1).
 * Decoding is canonical: one alphabet case, no padding, and zero spare bits.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Encodes bytes as lowercase base32 without padding. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes lowercase base32 without padding; undefined for anything non-canonical. */
export function decodeBase32(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  // A canonical encoding leaves fewer than 5 spare bits, all zero.
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
