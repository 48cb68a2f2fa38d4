/**
 * The interface every card directory offers (spec/directory.md §4): the HTTP
 * client, the embedded local directory and the offline card folder.
 */
import type { Card } from '../cards/card.js';
import type { PrivateKey } from '../keys/keys.js';
import type { Revocation } from '../cards/revocation.js';

/** Options for revoking through a directory. */
export interface RevokeOptions {
  /** Why, e.g. "lost phone". */
  reason?: string;
  /** The authority's signer name, when `privateKey` is not the card's own key. */
  signerName?: string;
}

/**
 * A place to find, publish and revoke cards. Every card it returns has been
 * verified: id, signatures, the identity asked for, and any trusted signers
 * the directory was opened with.
 */
export interface CardDirectory {
  /**
   * The live cards of `identity`: verified, not revoked, not replaced by a newer
   * card. An identity with no live card gives an empty array.
   * @throws CardError ERR_CARD_*; DirectoryError ERR_DIRECTORY_*
   */
  find(identity: string): Promise<Card[]>;
  /**
   * {@link find} for many identities at once, keyed by the identities as given.
   * @throws as {@link find}
   */
  findMany(identities: Iterable<string>): Promise<Map<string, Card[]>>;
  /**
   * One card by id, also when it has been replaced (old signatures stay checkable).
   * @throws CardError ERR_CARD_NOT_FOUND, ERR_CARD_REVOKED, ERR_CARD_*; DirectoryError ERR_DIRECTORY_*
   */
  get(id: string): Promise<Card>;
  /**
   * Publishes a card. Publishing the same card again is not an error.
   * @throws CardError ERR_CARD_*; DirectoryError ERR_DIRECTORY_*
   */
  publish(card: Card): Promise<void>;
  /**
   * Revokes `card` with its own private key or an authority's (then `options.signerName`),
   * or publishes a ready revocation record.
   * @throws CardError ERR_CARD_*; DirectoryError ERR_DIRECTORY_*
   */
  revoke(card: Card, privateKey: PrivateKey | Revocation, options?: RevokeOptions): Promise<void>;
  /** Releases files, connections and locks. Idempotent. */
  close(): Promise<void>;
}
