/**
 * The rules of a directory (spec/directory.md §4), over any store: what may be
 * published and revoked, and what is live. The HTTP server, the local
 * directory and the card folder all write through a registry, so they enforce
 * the same checks.
 */
import { Card, type TrustedSigner, verifyCard } from '../cards/card.js';
import { Revocation, verifyRevocation } from '../cards/revocation.js';
import { CardError, DirectoryError } from '../errors.js';
import { MAX_LIVE_CARDS_PER_IDENTITY } from './protocol.js';
import type { CardStore } from './storage.js';

/** What a directory accepts beyond valid self-signed cards. */
export interface RegistryPolicy {
  /** Signers that may revoke any card. With `requireEndorsement`, also the signers a card needs. */
  authorities?: readonly TrustedSigner[];
  /** Refuse cards that no authority has signed. */
  requireEndorsement?: boolean;
}

/** A card as stored, with its revocation if there is one. */
export interface StoredCard {
  card: Card;
  revocation: Revocation | undefined;
}

/** Applies the directory rules on top of a {@link CardStore}. */
export class CardRegistry {
  readonly store: CardStore;
  readonly #authorities: readonly TrustedSigner[];
  readonly #requireEndorsement: boolean;

  constructor(store: CardStore, policy: RegistryPolicy = {}) {
    this.store = store;
    this.#authorities = policy.authorities ?? [];
    this.#requireEndorsement = policy.requireEndorsement ?? false;
    if (this.#requireEndorsement && this.#authorities.length === 0) throw new RangeError('requireEndorsement needs at least one authority');
  }

  /**
   * Checks and stores a card. A card that replaces another must name a stored,
   * unrevoked card of the same identity whose key signed the rotation, and that
   * card must not have a replacement yet.
   * @throws CardError ERR_CARD_SIGNATURE, ERR_CARD_UNTRUSTED, ERR_CARD_IDENTITY,
   *   ERR_CARD_NOT_FOUND, ERR_CARD_REVOKED, ERR_CARD_SUPERSEDED; DirectoryError ERR_DIRECTORY_REQUEST, ERR_DIRECTORY_STORAGE
   */
  async publish(card: Card): Promise<'created' | 'exists'> {
    if (!(card instanceof Card)) throw new TypeError('card must be a Card');
    verifyCard(card, { trustedSigners: this.#requireEndorsement ? this.#authorities : [] });
    if (await this.store.getCard(card.id) !== undefined) return 'exists';
    if (card.previousCardId !== undefined) await this.#checkRotation(card, card.previousCardId);
    else if ((await this.store.findLive(card.identity)).length >= MAX_LIVE_CARDS_PER_IDENTITY) {
      throw new DirectoryError('ERR_DIRECTORY_REQUEST', `identity already has ${MAX_LIVE_CARDS_PER_IDENTITY} live cards`, { statusCode: 409 });
    }
    const result = await this.store.putCard(card);
    // The store settles races between two replacements of one card atomically.
    if (result === 'conflict') throw new CardError('ERR_CARD_SUPERSEDED', 'the card it replaces already has a replacement');
    return result;
  }

  async #checkRotation(card: Card, previousId: string): Promise<void> {
    const previous = await this.store.getCard(previousId);
    if (previous === undefined) throw new CardError('ERR_CARD_NOT_FOUND', 'the card it replaces is not in the directory');
    if (previous.identity !== card.identity) throw new CardError('ERR_CARD_IDENTITY', 'a card can only replace a card of the same identity');
    if (!card.replaces(previous)) throw new CardError('ERR_CARD_SIGNATURE', 'the rotation is not signed by the key of the card it replaces');
    // A revoked key may be in an attacker's hands: it must not name its own successor.
    if (await this.store.getRevocation(previousId) !== undefined) throw new CardError('ERR_CARD_REVOKED', 'the card it replaces has been revoked');
  }

  /**
   * Checks and stores a revocation of a stored card.
   * @throws CardError ERR_CARD_NOT_FOUND, ERR_CARD_SIGNATURE, ERR_CARD_UNTRUSTED; DirectoryError ERR_DIRECTORY_STORAGE
   */
  async revoke(revocation: Revocation): Promise<'created' | 'exists'> {
    if (!(revocation instanceof Revocation)) throw new TypeError('revocation must be a Revocation');
    const card = await this.store.getCard(revocation.cardId);
    if (card === undefined) throw new CardError('ERR_CARD_NOT_FOUND', 'the revoked card is not in the directory');
    verifyRevocation(revocation, card, { authorities: this.#authorities });
    return this.store.putRevocation(revocation);
  }

  /**
   * A stored card and its revocation, if any.
   * @throws CardError ERR_CARD_NOT_FOUND
   */
  async get(id: string): Promise<StoredCard> {
    const card = await this.store.getCard(id);
    if (card === undefined) throw new CardError('ERR_CARD_NOT_FOUND', 'no card has this id');
    return { card, revocation: await this.store.getRevocation(id) };
  }

  /** The live cards of an identity in normal form. */
  findLive(identity: string): Promise<Card[]> {
    return this.store.findLive(identity);
  }

  /** Closes the store. */
  close(): Promise<void> {
    return this.store.close();
  }
}
