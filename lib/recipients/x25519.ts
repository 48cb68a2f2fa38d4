/**
 * X25519 recipients with one shared ephemeral key (spec/format.md §5).
 *
 * All entries of a file share the ephemeral share E. For recipient R:
 *   shared  = X25519(e, R)                          (all zero → refused)
 *   prk     = HKDF-Extract(salt = E ‖ R, shared)
 *   tag     = HKDF-Expand(prk, "cardseal/v1/x25519/tag", 16)
 *   wrapKey = HKDF-Expand(prk, "cardseal/v1/x25519/wrap", 32)
 *   entry   = tag ‖ ChaCha20-Poly1305(wrapKey, 0^12, fileKey)
 * Entries are sorted by tag, so a recipient computes one X25519 and finds its
 * entry by binary search, whatever the number of recipients.
 */
import { comparePrefixes, concatBytes, isAllZero, wipe } from '../bytes.js';
import type { CryptoBackend, X25519Agreement } from '../crypto/index.js';
import { LABELS, hkdfExpand, hkdfExtract } from '../crypto/kdf.js';
import { HeaderError, KeyError } from '../errors.js';
import { X25519_TAG_LENGTH, type X25519Stanza, entryTableOf } from '../format/header.js';

/** The file key length: a ChaCha20 key's worth (spec §4). */
export const FILE_KEY_LENGTH = 32;
const ZERO_NONCE = new Uint8Array(12);
// 2^255 − 19, little-endian: the field prime; a canonical u-coordinate is below it.
const FIELD_PRIME_LE = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);

function deriveEntryKeys(backend: CryptoBackend, shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): { tag: Uint8Array; wrapKey: Uint8Array } {
  // Salting with E ‖ R binds the wrap to this recipient's key (spec §5.2).
  const prk = hkdfExtract(backend, shared, concatBytes(ephemeral, recipient));
  const keys = { tag: hkdfExpand(backend, prk, LABELS.x25519Tag, X25519_TAG_LENGTH), wrapKey: hkdfExpand(backend, prk, LABELS.x25519Wrap, 32) };
  wipe(prk);
  return keys;
}

/**
 * Wraps `fileKey` for each recipient under one ephemeral agreement.
 * The recipients must already be unique (spec §5.1 folds duplicates).
 * @throws KeyError ERR_KEY_LOW_ORDER for a low-order recipient key, ERR_KEY_FORMAT for a non-canonical one
 */
export function wrapForX25519(backend: CryptoBackend, fileKey: Uint8Array, ephemeral: X25519Agreement, recipients: Uint8Array[]): X25519Stanza {
  const entries = recipients.map((recipient) => {
    // The salt binds R's bytes (spec §5.2): a non-canonical R would agree like its canonical
    // twin yet derive another tag, so its owner could never find the entry.
    if (!isCanonicalU(recipient)) throw new KeyError('ERR_KEY_FORMAT', 'a recipient public key is not a canonical X25519 point');
    const shared = ephemeral.agree(recipient);
    if (isAllZero(shared)) throw new KeyError('ERR_KEY_LOW_ORDER', 'a recipient public key is a low-order X25519 point');
    const { tag, wrapKey } = deriveEntryKeys(backend, shared, ephemeral.publicKey, recipient);
    const entry = concatBytes(tag, backend.seal(wrapKey, ZERO_NONCE, fileKey));
    wipe(shared, wrapKey);
    return entry;
  });
  entries.sort((a, b) => comparePrefixes(a, b, X25519_TAG_LENGTH));
  return { ephemeral: ephemeral.publicKey, entries };
}

/** True when the 32 bytes are a canonical field element (u < 2^255 − 19). */
function isCanonicalU(u: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (u[i]! !== FIELD_PRIME_LE[i]!) return u[i]! < FIELD_PRIME_LE[i]!;
  }
  return false;
}

/** The index at which `compareAt` gives 0, found by binary search over `count` sorted items; −1 when there is none. */
function binarySearch(count: number, compareAt: (index: number) => number): number {
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareAt(middle);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function findEntry(stanza: X25519Stanza, tag: Uint8Array): Uint8Array | undefined {
  // A parsed stanza is searched where its entries lie: finding one makes one view, not one per entry.
  const table = entryTableOf(stanza);
  if (table !== undefined) {
    const index = binarySearch(table.count, (i) => table.compareTag(i, tag));
    return index < 0 ? undefined : table.entry(index);
  }
  const { entries } = stanza;
  const index = binarySearch(entries.length, (i) => comparePrefixes(entries[i]!, tag, X25519_TAG_LENGTH));
  return index < 0 ? undefined : entries[index];
}

/**
 * Finds and opens this key's entry with one X25519 operation.
 * Returns undefined when no entry is for this key.
 * @throws HeaderError ERR_HEADER_LOW_ORDER when E is low-order or not canonical
 */
export function unwrapX25519(backend: CryptoBackend, stanza: X25519Stanza, own: X25519Agreement): Uint8Array | undefined {
  if (!isCanonicalU(stanza.ephemeral)) throw new HeaderError('ERR_HEADER_LOW_ORDER', 'ephemeral share is not a canonical X25519 point');
  const shared = own.agree(stanza.ephemeral);
  if (isAllZero(shared)) throw new HeaderError('ERR_HEADER_LOW_ORDER', 'ephemeral share is a low-order X25519 point');
  const { tag, wrapKey } = deriveEntryKeys(backend, shared, stanza.ephemeral, own.publicKey);
  wipe(shared);
  const entry = findEntry(stanza, tag);
  const fileKey = entry === undefined ? undefined : backend.open(wrapKey, ZERO_NONCE, entry.subarray(X25519_TAG_LENGTH));
  wipe(wrapKey);
  if (fileKey !== undefined && fileKey.length !== FILE_KEY_LENGTH) return undefined;
  return fileKey;
}
