/**
 * The in-memory view of a set of cards and revocations, and the liveness rule
 * (spec/directory.md §4.1): a card is live when no revocation for it is known
 * and no known card replaces it. A replacement counts only when it is properly
 * linked: same identity, and its rotation was signed by the replaced card's key.
 *
 * The index enforces the two uniqueness constraints a database would: one card
 * per id, and at most one replacement per card.
 */
import type { Card } from '../cards/card.js';
import type { Revocation } from '../cards/revocation.js';

/** What adding a card did: stored it, found it already stored, or refused a second replacement. */
export type AddCardResult = 'created' | 'exists' | 'conflict';

/** Cards and revocations by id, with the identity and rotation indexes. */
export class CardIndex {
  readonly #cards = new Map<string, Card>();
  readonly #byIdentity = new Map<string, Set<string>>();
  readonly #successors = new Map<string, string>();
  readonly #revocations = new Map<string, Revocation>();

  /** How many cards are stored. */
  get size(): number {
    return this.#cards.size;
  }

  /** Whether `card` could be added: 'conflict' when another card already replaces its previous card. */
  checkCard(card: Card): AddCardResult {
    if (this.#cards.has(card.id)) return 'exists';
    if (card.previousCardId !== undefined && this.#successors.has(card.previousCardId)) return 'conflict';
    return 'created';
  }

  /** Adds `card` unless {@link checkCard} says otherwise. */
  addCard(card: Card): AddCardResult {
    const result = this.checkCard(card);
    if (result !== 'created') return result;
    this.#cards.set(card.id, card);
    let ids = this.#byIdentity.get(card.identity);
    if (ids === undefined) this.#byIdentity.set(card.identity, (ids = new Set()));
    ids.add(card.id);
    if (card.previousCardId !== undefined) this.#successors.set(card.previousCardId, card.id);
    return 'created';
  }

  /** Adds a revocation; the first one stored for a card wins. */
  addRevocation(revocation: Revocation): 'created' | 'exists' {
    if (this.#revocations.has(revocation.cardId)) return 'exists';
    this.#revocations.set(revocation.cardId, revocation);
    return 'created';
  }

  getCard(id: string): Card | undefined {
    return this.#cards.get(id);
  }

  getRevocation(cardId: string): Revocation | undefined {
    return this.#revocations.get(cardId);
  }

  /** The card that validly replaces `card`, if any. */
  getSuccessor(card: Card): Card | undefined {
    const id = this.#successors.get(card.id);
    const successor = id === undefined ? undefined : this.#cards.get(id);
    return successor !== undefined && successor.replaces(card) ? successor : undefined;
  }

  /** The live cards of `identity`, oldest first (then by id, so the order is stable). */
  findLive(identity: string): Card[] {
    const live: Card[] = [];
    for (const id of this.#byIdentity.get(identity) ?? []) {
      const card = this.#cards.get(id)!;
      if (!this.#revocations.has(id) && this.getSuccessor(card) === undefined) live.push(card);
    }
    return live.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }
}
