/**
 * The sealed signature block that ends a signed file (spec/format.md §9.4):
 *
 *   message = "cardseal/v1/sender-signature" ‖ cardId ‖ transcript
 *   block   = ChaCha20-Poly1305(signatureKey, 0^12, cardId ‖ Ed25519(message))
 *
 * cardId is the 32-byte SHA-256 that names the sender's card, and transcript
 * the hash of the file up to the block (§9.3). The block has a fixed length,
 * so files by different senders look alike, and it is sealed under a key from
 * the file key, so only recipients learn who signed. The zero nonce is safe:
 * signatureKey is used once, for this one block of this one file.
 */
import { concatBytes } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { LABELS } from '../crypto/kdf.js';
import { SignatureError } from '../errors.js';
import { SIGNATURE_BLOCK_LENGTH } from '../stream/frame.js';

/** Length of a card id in raw bytes: a SHA-256. */
const CARD_ID_LENGTH = 32;
const ZERO_NONCE = new Uint8Array(12);

/** What a signature block holds once opened. */
export interface SignatureBlockContent {
  cardId: Uint8Array;
  signature: Uint8Array;
}

/**
 * The message the sender signs. The card id is part of it, so a recipient who
 * opens the block cannot credit the signature to another card of the same key.
 */
export function signedMessage(cardId: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return concatBytes(LABELS.signature, cardId, transcriptHash);
}

/** Seals the card id and the signature into the {@link SIGNATURE_BLOCK_LENGTH}-byte block. */
export function sealSignatureBlock(backend: CryptoBackend, signatureKey: Uint8Array, content: SignatureBlockContent): Uint8Array {
  return backend.seal(signatureKey, ZERO_NONCE, concatBytes(content.cardId, content.signature));
}

/**
 * Opens a signature block. A block that does not open was altered, or sealed
 * under another file key: either way the signature cannot be trusted.
 * @throws SignatureError ERR_SIGNATURE_INVALID
 */
export function openSignatureBlock(backend: CryptoBackend, signatureKey: Uint8Array, block: Uint8Array): SignatureBlockContent {
  const opened = block.length === SIGNATURE_BLOCK_LENGTH ? backend.open(signatureKey, ZERO_NONCE, block) : undefined;
  if (opened === undefined) throw new SignatureError('ERR_SIGNATURE_INVALID', 'the signature block failed authentication');
  return { cardId: opened.subarray(0, CARD_ID_LENGTH), signature: opened.subarray(CARD_ID_LENGTH) };
}
