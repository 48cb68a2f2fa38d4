/**
 * A card as far as sender signatures need one (spec/format.md §9.1): its id,
 * identity and public keys, and a check of its own id and self-signature. The
 * card module's Card satisfies it; so does any object of the same shape.
 */
import { parseCardId } from '../cards/card.js';
import { PublicKey } from '../keys/keys.js';

/** The card that names a sender: `id` is the lowercase hex SHA-256 of the card's content. */
export interface SenderCard {
  readonly id: string;
  /** Whose card it is, e.g. "bob": what a caller shows or matches as the sender. */
  readonly identity: string;
  readonly publicKey: PublicKey;
  /** Throws CardError `ERR_CARD_*` unless the card's id and self-signature verify. */
  assertVerified(): void;
}

/** Throws TypeError unless `value` has the shape of a {@link SenderCard}. */
export function assertSenderCard(value: unknown, name: string): asserts value is SenderCard {
  const card = value as Partial<SenderCard> | null;
  if (typeof card !== 'object' || card === null || typeof card.id !== 'string' || typeof card.identity !== 'string' || !(card.publicKey instanceof PublicKey) || typeof card.assertVerified !== 'function') {
    throw new TypeError(`${name} must be a Card (an object with id, identity, publicKey and assertVerified)`);
  }
}

/**
 * The 32 raw bytes of a card id, as they travel in the signature block.
 * Throws RangeError unless the id is 64 lowercase hex digits.
 */
export function cardIdBytes(card: SenderCard): Uint8Array {
  const id = parseCardId(card.id);
  if (id === undefined) throw new RangeError('card id must be 64 lowercase hex digits');
  return id;
}
