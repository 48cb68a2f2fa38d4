/**
 * The receiving side of sender signatures (spec/format.md §9.5): find the card
 * the signature block names among the accepted senders, then check the
 * signature with that card's Ed25519 key.
 *
 * Accepted senders are either a fixed list of cards, or a directory whose
 * `get(id)` answers for one card id and throws CardError ERR_CARD_REVOKED for a
 * revoked card. Only a directory can tell that a signer has been revoked since.
 */
import { toHex } from '../bytes.js';
import { normalizeIdentity } from '../cards/identity.js';
import type { CryptoBackend } from '../crypto/index.js';
import { DirectoryError, SignatureError, hasCode } from '../errors.js';
import { type SignatureBlockContent, signedMessage } from './signature-block.js';
import { type SenderCard, assertSenderCard } from './sender-card.js';

/**
 * A source of sender cards by id, such as a card directory or a Map. `get`
 * returns the card, a promise of it, or undefined; it may throw CardError
 * ERR_CARD_NOT_FOUND for an unknown id and ERR_CARD_REVOKED for a revoked card.
 */
export interface SenderDirectory {
  get(id: string): Promise<SenderCard | undefined> | SenderCard | undefined;
}

/** The senders a decryption accepts: a list of cards, or a directory. */
export type VerifyWith = Iterable<SenderCard> | SenderDirectory;

function isDirectory(value: VerifyWith): value is SenderDirectory {
  return typeof (value as Partial<SenderDirectory>).get === 'function';
}

function listAsDirectory(cards: Iterable<SenderCard>): SenderDirectory {
  const byId = new Map<string, SenderCard>();
  for (const card of cards) {
    assertSenderCard(card, 'each card of verifyWith');
    byId.set(card.id, card);
  }
  return byId;
}

/**
 * The cards of `directory` that belong to `identity` (or to one of several), as
 * a sender directory: what "decrypt, if it is from bob" means. A card of any
 * other identity reads as not found, so a file it signed fails with
 * ERR_SIGNATURE_UNKNOWN_SIGNER before its final chunk is released; revocation
 * is still reported. Throws TypeError or RangeError for an invalid identity.
 */
export function restrictToIdentity(directory: SenderDirectory, identity: string | readonly string[]): SenderDirectory {
  if (typeof directory?.get !== 'function') throw new TypeError('directory must have a get(id) method');
  const wanted = new Set((typeof identity === 'string' ? [identity] : identity).map(normalizeIdentity));
  if (wanted.size === 0) throw new RangeError('restrictToIdentity needs at least one identity');
  return {
    async get(id) {
      const card = await directory.get(id);
      return card !== undefined && wanted.has(card.identity) ? card : undefined;
    },
  };
}

/** Checks sender signatures against the accepted senders. */
export class SignatureVerifier {
  readonly #directory: SenderDirectory;
  readonly #backend: CryptoBackend;

  /** @throws TypeError unless `verifyWith` is an iterable of cards or has a `get` method */
  constructor(verifyWith: VerifyWith, backend: CryptoBackend) {
    if (typeof verifyWith !== 'object' || verifyWith === null) throw new TypeError('verifyWith must be an array of cards or a directory');
    if (isDirectory(verifyWith)) this.#directory = verifyWith;
    else if (Symbol.iterator in verifyWith) this.#directory = listAsDirectory(verifyWith);
    else throw new TypeError('verifyWith must be an array of cards or a directory');
    this.#backend = backend;
  }

  /**
   * Returns the card that made `content.signature` over transcript hash
   * `transcriptHash`.
   * @throws SignatureError ERR_SIGNATURE_UNKNOWN_SIGNER, ERR_SIGNATURE_SIGNER_REVOKED,
   *   ERR_SIGNATURE_INVALID; CardError ERR_CARD_* when the named card does not
   *   itself verify; DirectoryError ERR_DIRECTORY_* from the directory
   */
  async verify(content: SignatureBlockContent, transcriptHash: Uint8Array): Promise<SenderCard> {
    const id = toHex(content.cardId);
    const card = await this.#findCard(id);
    card.assertVerified();
    const message = signedMessage(content.cardId, transcriptHash);
    if (!this.#backend.ed25519Verify(card.publicKey.ed25519, message, content.signature)) {
      throw new SignatureError('ERR_SIGNATURE_INVALID', 'the sender signature does not verify: the file was altered or not written by its signer');
    }
    return card;
  }

  async #findCard(id: string): Promise<SenderCard> {
    const shortId = `${id.slice(0, 16)}…`;
    let card: SenderCard | undefined;
    let notFound: unknown;
    try {
      card = await this.#directory.get(id);
    } catch (error) {
      if (hasCode(error, 'ERR_CARD_REVOKED')) {
        throw new SignatureError('ERR_SIGNATURE_SIGNER_REVOKED', `the file is signed by card ${shortId}, which has been revoked`, { cause: error });
      }
      if (!hasCode(error, 'ERR_CARD_NOT_FOUND')) throw error;
      notFound = error;
    }
    if (card === undefined) {
      throw new SignatureError('ERR_SIGNATURE_UNKNOWN_SIGNER', `the file is signed by card ${shortId}, which is not an accepted sender`, { cause: notFound });
    }
    assertSenderCard(card, 'the card verifyWith returned');
    if (card.id !== id) throw new DirectoryError('ERR_DIRECTORY_RESPONSE', `asked for card ${shortId}, got another card`);
    return card;
  }
}
