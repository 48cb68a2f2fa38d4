/**
 * What `encryptFor` accepts as a recipient, reduced to unique X25519 keys
 * (spec/format.md §5.1: duplicates fold into one entry).
 */
import { toHex } from '../bytes.js';
import { KeyError, LimitError } from '../errors.js';
import { MAX_RECIPIENTS } from '../format/limits.js';
import { PublicKey, parsePublicKey } from '../keys/keys.js';

/**
 * A card, as far as encryption needs one: its public key, and a check that
 * throws `ERR_CARD_*` unless the card's own signatures and id verify.
 */
export interface RecipientCard {
  readonly publicKey: PublicKey;
  assertVerified(): void;
}

/** A recipient: a public key, its text form, or a card. */
export type Recipient = PublicKey | string | RecipientCard;

function isRecipientCard(value: unknown): value is RecipientCard {
  return typeof value === 'object' && value !== null && 'assertVerified' in value && 'publicKey' in value;
}

/** Turns one recipient into its public key, verifying a card first. */
export function recipientKey(recipient: Recipient): PublicKey {
  if (recipient instanceof PublicKey) return recipient;
  if (typeof recipient === 'string') return parsePublicKey(recipient);
  if (isRecipientCard(recipient)) {
    recipient.assertVerified();
    return recipient.publicKey;
  }
  throw new TypeError('a recipient must be a PublicKey, a public key string or a Card');
}

/**
 * Resolves recipients to unique X25519 public keys, in first-seen order.
 * @throws KeyError ERR_KEY_NO_RECIPIENTS, ERR_KEY_FORMAT, ERR_KEY_CHECKSUM; CardError ERR_CARD_*;
 *   LimitError ERR_LIMIT_RECIPIENTS above the hard limit, which no decoder would accept (spec §8)
 */
export function resolveRecipients(recipients: Iterable<Recipient>): Uint8Array[] {
  if (recipients === null || typeof recipients !== 'object' || !(Symbol.iterator in recipients)) {
    throw new TypeError('recipients must be an array');
  }
  const unique = new Map<string, Uint8Array>();
  for (const recipient of recipients) {
    const key = recipientKey(recipient).x25519;
    unique.set(toHex(key), key);
  }
  if (unique.size === 0) throw new KeyError('ERR_KEY_NO_RECIPIENTS', 'no recipients given');
  if (unique.size > MAX_RECIPIENTS) throw new LimitError('ERR_LIMIT_RECIPIENTS', `${unique.size} recipients, more than the limit of ${MAX_RECIPIENTS}`);
  return [...unique.values()];
}
