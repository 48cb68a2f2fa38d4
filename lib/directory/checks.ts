/**
 * The checks every directory front runs on what it returns (spec/directory.md
 * §7), whether the cards come from a remote server, a local log or a folder:
 * each card's id and signatures, the identity asked for, the trusted signers,
 * and revocation and replacement as far as the answer and earlier answers show.
 */
import { type Card, type TrustedSigner, isCardId, verifyCard } from '../cards/card.js';
import { normalizeIdentity } from '../cards/identity.js';
import { Revocation, createRevocation, verifyRevocation } from '../cards/revocation.js';
import { CardError, DirectoryError } from '../errors.js';
import { PrivateKey } from '../keys/keys.js';
import type { RevokeOptions } from './directory.js';
import { MAX_LIVE_CARDS_PER_IDENTITY } from './protocol.js';

/** Whom a directory front trusts. */
export interface DirectoryTrust {
  /** When not empty, every returned card must be signed by one of these. */
  trustedSigners?: readonly TrustedSigner[];
  /** Authorities whose revocations count, besides each card's own key. Default: `trustedSigners`. */
  authorities?: readonly TrustedSigner[];
}

/** The authorities whose revocations count: `authorities`, else `trustedSigners`, else none. */
export function authoritiesOf(trust: DirectoryTrust): readonly TrustedSigner[] {
  return trust.authorities ?? trust.trustedSigners ?? [];
}

function answerError(message: string): DirectoryError {
  return new DirectoryError('ERR_DIRECTORY_RESPONSE', message);
}

/**
 * Checks the live cards answered for `identity` (in normal form).
 * `knownRevocations` holds revocations this front has seen, which the answer must respect.
 * @throws CardError ERR_CARD_SIGNATURE, ERR_CARD_IDENTITY, ERR_CARD_UNTRUSTED,
 *   ERR_CARD_REVOKED, ERR_CARD_SUPERSEDED; DirectoryError ERR_DIRECTORY_RESPONSE
 */
export function checkLiveCards(identity: string, cards: readonly Card[], trust: DirectoryTrust, knownRevocations?: ReadonlyMap<string, Revocation>): Card[] {
  if (cards.length > MAX_LIVE_CARDS_PER_IDENTITY) throw answerError(`the answer lists ${cards.length} cards for one identity, more than ${MAX_LIVE_CARDS_PER_IDENTITY}`);
  const byId = new Map<string, Card>();
  for (const card of cards) {
    verifyCard(card, { identity, trustedSigners: trust.trustedSigners ?? [] });
    if (byId.has(card.id)) throw answerError('the answer lists a card twice');
    if (knownRevocations?.has(card.id)) throw new CardError('ERR_CARD_REVOKED', `card ${card.id.slice(0, 16)} was returned as live but has been revoked`);
    byId.set(card.id, card);
  }
  for (const card of cards) {
    const previous = card.previousCardId === undefined ? undefined : byId.get(card.previousCardId);
    if (previous !== undefined && card.replaces(previous)) {
      throw new CardError('ERR_CARD_SUPERSEDED', `card ${previous.id.slice(0, 16)} was returned as live but has been replaced`);
    }
  }
  return [...cards];
}

/**
 * Checks a card fetched by `id`, and its revocation if the directory reported one.
 * @throws CardError ERR_CARD_ID, ERR_CARD_SIGNATURE, ERR_CARD_UNTRUSTED, ERR_CARD_REVOKED
 */
export function checkFetchedCard(id: string, card: Card, revocation: Revocation | undefined, trust: DirectoryTrust): Card {
  if (card.id !== id) throw new CardError('ERR_CARD_ID', `the directory returned card ${card.id.slice(0, 16)} when asked for ${id.slice(0, 16)}`);
  verifyCard(card, { trustedSigners: trust.trustedSigners ?? [] });
  if (revocation !== undefined) {
    verifyRevocation(revocation, card, { authorities: authoritiesOf(trust) });
    throw new CardError('ERR_CARD_REVOKED', `card ${id.slice(0, 16)} has been revoked${revocation.reason === undefined ? '' : ` (${revocation.reason.slice(0, 64)})`}`);
  }
  return card;
}

/** Throws RangeError unless `id` is a card id: 64 lowercase hex digits. */
export function assertCardId(id: string): void {
  if (!isCardId(id)) throw new RangeError('a card id must be 64 lowercase hex digits');
}

/**
 * The revocation a `revoke(card, keyOrRevocation, options)` call asks for:
 * a ready record (which must name `card`), or one signed now with the key.
 * @throws CardError ERR_CARD_ID, ERR_CARD_SIGNATURE
 */
export function revocationFor(card: Card, keyOrRevocation: PrivateKey | Revocation, options: RevokeOptions = {}): Revocation {
  if (keyOrRevocation instanceof Revocation) {
    if (keyOrRevocation.cardId !== card.id) throw new CardError('ERR_CARD_ID', 'the revocation is for another card');
    return keyOrRevocation;
  }
  if (!(keyOrRevocation instanceof PrivateKey)) throw new TypeError('revoke needs a PrivateKey or a Revocation');
  return createRevocation(card, keyOrRevocation, options);
}

/**
 * Runs `lookup` once per distinct normal-form identity and keys the answers by
 * the identities as the caller gave them. Throws RangeError for an invalid identity.
 * @throws as `lookup`
 */
export async function findEach(identities: Iterable<string>, lookup: (normal: string[]) => Promise<Map<string, Card[]>>): Promise<Map<string, Card[]>> {
  if (identities === null || typeof identities !== 'object' || !(Symbol.iterator in identities)) throw new TypeError('identities must be an array of strings');
  const given = [...identities];
  const normal = given.map(normalizeIdentity);
  const found = await lookup([...new Set(normal)]);
  return new Map(given.map((identity, i) => [identity, found.get(normal[i]!) ?? []]));
}
