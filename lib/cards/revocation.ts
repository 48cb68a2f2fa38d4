/**
 * Revocation records (spec/directory.md §3): a signed statement that a card
 * must no longer be used, by the card's own key (a device retires itself) or by
 * a named authority (a lost device is removed by an administrator).
 *
 *   content    = { 1: 1, 2: cardId, 3: revokedAt, 4: signerEd25519, ? 5: signerName, ? 6: reason }
 *   revocation = { 1: bstr .cbor content, 2: signature }
 *   signature  = Ed25519(signer, "cardseal/v1/revocation-signature" ‖ content)
 *
 * signerName is absent exactly when the card's own key signed.
 */
import { compareBytes, concatBytes, equalConstantTime, fromHex, toHex } from '../bytes.js';
import { resolveBackend } from '../crypto/index.js';
import { LABELS } from '../crypto/kdf.js';
import { CardError } from '../errors.js';
import { type CborValue, encodeCanonical } from '../format/cbor.js';
import { PrivateKey } from '../keys/keys.js';
import { Card, type TrustedSigner, signerKeyOf } from './card.js';
import { REVOCATION_TEXT_PREFIX, recordBytesOf } from './card-text.js';
import { normalizeCardText } from './identity.js';
import { SignedRecord, decodeRecordMap, formatError, nowSeconds, readBytes, readText, readUint } from './record.js';

/** The revocation format version, field 1 of the content. */
export const REVOCATION_VERSION = 1;
/** No revocation record is larger than this many bytes. */
export const MAX_REVOCATION_BYTES = 1024;

const CONTENT = { version: 1, cardId: 2, revokedAt: 3, signerKey: 4, signerName: 5, reason: 6 } as const;
const RECORD = { content: 1, signature: 2 } as const;
const WHAT = 'revocation';
const backend = resolveBackend(undefined);

interface RevocationContent {
  cardId: Uint8Array;
  revokedAt: number;
  signerKey: Uint8Array;
  signerName: string | undefined;
  reason: string | undefined;
}

function encodeContent(content: RevocationContent): Uint8Array {
  const map = new Map<CborValue, CborValue>([
    [CONTENT.version, REVOCATION_VERSION],
    [CONTENT.cardId, content.cardId],
    [CONTENT.revokedAt, content.revokedAt],
    [CONTENT.signerKey, content.signerKey],
  ]);
  if (content.signerName !== undefined) map.set(CONTENT.signerName, content.signerName);
  if (content.reason !== undefined) map.set(CONTENT.reason, content.reason);
  return encodeCanonical(map);
}

function encodeRecord(content: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeCanonical(new Map<CborValue, CborValue>([[RECORD.content, content], [RECORD.signature, signature]]));
}

function parseContent(bytes: Uint8Array): RevocationContent {
  const map = decodeRecordMap(bytes, 'revocation content', MAX_REVOCATION_BYTES, Object.values(CONTENT));
  if (map.get(CONTENT.version) !== REVOCATION_VERSION) throw new CardError('ERR_CARD_FORMAT', `unsupported revocation version ${String(map.get(CONTENT.version))}`);
  return {
    cardId: readBytes(map.get(CONTENT.cardId), 32, WHAT, 'card id'),
    revokedAt: readUint(map.get(CONTENT.revokedAt), WHAT, 'revokedAt'),
    signerKey: readBytes(map.get(CONTENT.signerKey), 32, WHAT, 'signer key'),
    signerName: map.has(CONTENT.signerName) ? readText(map.get(CONTENT.signerName), 'signerName', WHAT) : undefined,
    reason: map.has(CONTENT.reason) ? readText(map.get(CONTENT.reason), 'reason', WHAT) : undefined,
  };
}

function signedMessage(content: Uint8Array): Uint8Array {
  return concatBytes(LABELS.revocationSignature, content);
}

/** A parsed revocation record. Immutable; build one with {@link createRevocation} or {@link importRevocation}. */
export class Revocation extends SignedRecord {
  /** The id of the revoked card. */
  readonly cardId: string;
  /** Unix seconds. */
  readonly revokedAt: number;
  /** The authority's signer name, or undefined when the card's own key signed. */
  readonly signerName: string | undefined;
  readonly reason: string | undefined;
  // Checks read only this private copy of the signer key.
  readonly #signerKey: Uint8Array;
  readonly #content: Uint8Array;
  readonly #signature: Uint8Array;

  /**
   * Parses revocation bytes strictly. Prefer {@link importRevocation}.
   * @throws CardError ERR_CARD_FORMAT
   */
  constructor(bytes: Uint8Array) {
    const map = decodeRecordMap(bytes, WHAT, MAX_REVOCATION_BYTES, Object.values(RECORD));
    const contentBytes = map.get(RECORD.content);
    if (!(contentBytes instanceof Uint8Array)) throw formatError(WHAT, 'content must be a byte string');
    const content = parseContent(contentBytes);
    const signature = readBytes(map.get(RECORD.signature), 64, WHAT, 'signature');
    if (compareBytes(encodeContent(content), contentBytes) !== 0 || compareBytes(encodeRecord(contentBytes, signature), bytes) !== 0) {
      throw formatError(WHAT, 'does not re-encode to the same bytes');
    }
    super(bytes, REVOCATION_TEXT_PREFIX);
    this.#content = Uint8Array.from(contentBytes);
    this.#signature = signature;
    this.cardId = toHex(content.cardId);
    this.revokedAt = content.revokedAt;
    this.signerName = content.signerName;
    this.#signerKey = content.signerKey;
    this.reason = content.reason;
    // Frozen, so `readonly` holds at run time too.
    Object.freeze(this);
  }

  /** The signer's Ed25519 public key, as a fresh copy. */
  get signerKey(): Uint8Array {
    return this.#signerKey.slice();
  }

  /** True when the signature verifies under the signer key the record names. */
  hasValidSignature(): boolean {
    return backend.ed25519Verify(this.#signerKey, signedMessage(this.#content), this.#signature);
  }

  override toString(): string {
    return `[cardseal Revocation of ${this.cardId.slice(0, 16)} by ${this.signerName === undefined ? 'the card key' : JSON.stringify(this.signerName)}]`;
  }
}

/** Options for {@link createRevocation}. */
export interface CreateRevocationOptions {
  /** Why the card is revoked, e.g. "lost phone". */
  reason?: string;
  /** The authority's signer name. Required when the signing key is not the card's own key. */
  signerName?: string;
  /** Unix seconds. Default: now. */
  revokedAt?: number;
}

/**
 * Creates a revocation of `card`, signed by the card's own key or by an
 * authority (then `signerName` is required). Throws TypeError or RangeError for
 * bad arguments.
 * @throws CardError ERR_CARD_SIGNATURE when `card` does not verify
 */
export function createRevocation(card: Card, signerPrivateKey: PrivateKey, options: CreateRevocationOptions = {}): Revocation {
  if (!(card instanceof Card)) throw new TypeError('card must be a Card');
  if (!(signerPrivateKey instanceof PrivateKey)) throw new TypeError('signerPrivateKey must be a PrivateKey');
  card.assertVerified();
  const selfSigned = card.hasSigningKey(signerPrivateKey.publicKey.ed25519);
  if (selfSigned && options.signerName !== undefined) throw new RangeError('signerName is for authorities; the card key signs without one');
  if (!selfSigned && options.signerName === undefined) throw new RangeError('a key other than the card key must sign as a named authority (signerName)');
  const revokedAt = options.revokedAt ?? nowSeconds();
  if (!Number.isSafeInteger(revokedAt) || revokedAt < 0) throw new RangeError('revokedAt must be a non-negative integer of unix seconds');
  const content = encodeContent({
    cardId: fromHex(card.id)!,
    revokedAt,
    signerKey: signerPrivateKey.publicKey.ed25519,
    signerName: options.signerName === undefined ? undefined : normalizeCardText(options.signerName, 'signerName'),
    reason: options.reason === undefined ? undefined : normalizeCardText(options.reason, 'reason'),
  });
  return new Revocation(encodeRecord(content, signerPrivateKey.sign(signedMessage(content))));
}

/**
 * Parses a revocation from its text form (`cardseal_revocation1_…`) or bytes, strictly.
 * @throws CardError ERR_CARD_FORMAT
 */
export function importRevocation(input: string | Uint8Array): Revocation {
  return new Revocation(recordBytesOf(input, REVOCATION_TEXT_PREFIX, MAX_REVOCATION_BYTES, 'revocation'));
}

/** Options for {@link verifyRevocation}. */
export interface VerifyRevocationOptions {
  /** Authorities allowed to revoke any card, besides the card's own key. */
  authorities?: readonly TrustedSigner[];
}

/**
 * Verifies that `revocation` revokes `card`: it names the card, its signature
 * verifies, and the signer is the card's own key or one of `authorities`.
 * @throws CardError ERR_CARD_ID (another card), ERR_CARD_SIGNATURE, ERR_CARD_UNTRUSTED
 */
export function verifyRevocation(revocation: Revocation, card: Card, options: VerifyRevocationOptions = {}): void {
  if (!(revocation instanceof Revocation)) throw new TypeError('revocation must be a Revocation');
  if (!(card instanceof Card)) throw new TypeError('card must be a Card');
  if (revocation.cardId !== card.id) throw new CardError('ERR_CARD_ID', 'the revocation is for another card');
  if (!revocation.hasValidSignature()) throw new CardError('ERR_CARD_SIGNATURE', `the revocation of card ${card.id.slice(0, 16)} has an invalid signature`);
  if (revocation.signerName === undefined) {
    if (!card.hasSigningKey(revocation.signerKey)) {
      throw new CardError('ERR_CARD_SIGNATURE', `the revocation of card ${card.id.slice(0, 16)} is not signed by the card key`);
    }
    return;
  }
  const trusted = (options.authorities ?? []).some((a) => a.name === revocation.signerName && equalConstantTime(signerKeyOf(a), revocation.signerKey));
  if (!trusted) throw new CardError('ERR_CARD_UNTRUSTED', `the revocation of card ${card.id.slice(0, 16)} is signed by an untrusted authority`);
}
