/**
 * Cards (spec/directory.md §2): a signed binding of an identity to a key pair.
 *
 *   content = { 1: 1, 2: identity, 3: x25519, 4: ed25519, 5: createdAt, ? 6: device, ? 7: [previousId, previousEd25519] }
 *   card    = { 1: bstr .cbor content, 2: selfSignature, ? 3: rotationSignature, ? 4: [+ [name, ed25519, signature]] }
 *   id      = lowercase hex SHA-256(content)
 *
 * The self-signature proves the card's Ed25519 key signed the content. A card
 * that replaces an older one also carries a rotation signature by the older
 * card's key, so nobody else can retire a card (§2.4). Endorsements are extra
 * signatures by named signers such as an application or an authority (§2.3).
 * Each kind of signature has its own label (§1.2), so none can be replayed as another.
 */
import { compareBytes, concatBytes, equalConstantTime, fromHex, isAllZero, toHex, utf8 } from '../bytes.js';
import { type CryptoBackend, type X25519Agreement, resolveBackend } from '../crypto/index.js';
import { LABELS } from '../crypto/kdf.js';
import { CardError } from '../errors.js';
import { type CborValue, encodeCanonical } from '../format/cbor.js';
import { type KeyPair, PrivateKey, PublicKey, parsePublicKey } from '../keys/keys.js';
import type { RecipientCard } from '../recipients/recipient.js';
import { CARD_TEXT_PREFIX, recordBytesOf } from './card-text.js';
import { normalizeCardText, normalizeIdentity } from './identity.js';
import { SignedRecord, decodeRecordMap, formatError, nowSeconds, readBytes, readText, readUint } from './record.js';

/** The card format version, field 1 of the content. */
export const CARD_VERSION = 1;
/** No card is larger than this many bytes (spec/directory.md §2.6). */
export const MAX_CARD_BYTES = 4096;
/** A card carries at most this many endorsements. */
export const MAX_ENDORSEMENTS = 8;

const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;
const ID_LENGTH = 32;
const CONTENT = { version: 1, identity: 2, x25519: 3, ed25519: 4, createdAt: 5, device: 6, previous: 7 } as const;
const RECORD = { content: 1, selfSignature: 2, rotationSignature: 3, endorsements: 4 } as const;
const WHAT = 'card';

/** A public key trusted to sign cards or revocations, under its signer name. */
export interface TrustedSigner {
  /** The signer name the signature carries, e.g. "example-app". */
  name: string;
  /** The signer's public key (its Ed25519 half is used), or its text form. */
  publicKey: PublicKey | string;
}

/** One signature on a card. */
export interface CardSignature {
  /** `self` by the card key, `rotation` by the previous card's key, `endorsement` by a named signer. */
  readonly kind: 'self' | 'rotation' | 'endorsement';
  /** `self`, `previous`, or the endorsement's signer name. */
  readonly signer: string;
  /** The signer's Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

interface Endorsement {
  name: string;
  key: Uint8Array;
  signature: Uint8Array;
}

interface CardContent {
  identity: string;
  x25519: Uint8Array;
  ed25519: Uint8Array;
  createdAt: number;
  device: string | undefined;
  previous: { id: Uint8Array; ed25519: Uint8Array } | undefined;
}

interface CardRecord {
  content: Uint8Array;
  selfSignature: Uint8Array;
  rotationSignature: Uint8Array | undefined;
  endorsements: Endorsement[];
}

const backend: CryptoBackend = resolveBackend(undefined);
let lowOrderProbe: X25519Agreement | undefined;

/**
 * Any clamped scalar is a multiple of the cofactor, so its product with a
 * low-order point is zero. Made on first use: importing the module (as every
 * CLI command does) should not cost a key.
 */
function isLowOrder(x25519: Uint8Array): boolean {
  lowOrderProbe ??= backend.createX25519(new Uint8Array(32).fill(0x55));
  return isAllZero(lowOrderProbe.agree(x25519));
}

function encodeContent(content: CardContent): Uint8Array {
  const map = new Map<CborValue, CborValue>([
    [CONTENT.version, CARD_VERSION],
    [CONTENT.identity, content.identity],
    [CONTENT.x25519, content.x25519],
    [CONTENT.ed25519, content.ed25519],
    [CONTENT.createdAt, content.createdAt],
  ]);
  if (content.device !== undefined) map.set(CONTENT.device, content.device);
  if (content.previous !== undefined) map.set(CONTENT.previous, [content.previous.id, content.previous.ed25519]);
  return encodeCanonical(map);
}

function encodeRecord(record: CardRecord): Uint8Array {
  const map = new Map<CborValue, CborValue>([
    [RECORD.content, record.content],
    [RECORD.selfSignature, record.selfSignature],
  ]);
  if (record.rotationSignature !== undefined) map.set(RECORD.rotationSignature, record.rotationSignature);
  if (record.endorsements.length > 0) map.set(RECORD.endorsements, record.endorsements.map((e) => [e.name, e.key, e.signature]));
  return encodeCanonical(map);
}

function parseContent(bytes: Uint8Array): CardContent {
  const what = 'card content';
  const map = decodeRecordMap(bytes, what, MAX_CARD_BYTES, Object.values(CONTENT));
  if (map.get(CONTENT.version) !== CARD_VERSION) throw new CardError('ERR_CARD_FORMAT', `unsupported card version ${String(map.get(CONTENT.version))}`);
  const x25519 = readBytes(map.get(CONTENT.x25519), KEY_LENGTH, what, 'x25519 key');
  if (isLowOrder(x25519)) throw formatError(what, 'x25519 key is a low-order point');
  const previous = map.get(CONTENT.previous);
  if (previous !== undefined && (!Array.isArray(previous) || previous.length !== 2)) throw formatError(what, 'previous must be [id, ed25519 key]');
  return {
    identity: readText(map.get(CONTENT.identity), 'identity', what),
    x25519,
    ed25519: readBytes(map.get(CONTENT.ed25519), KEY_LENGTH, what, 'ed25519 key'),
    createdAt: readUint(map.get(CONTENT.createdAt), what, 'createdAt'),
    device: map.has(CONTENT.device) ? readText(map.get(CONTENT.device), 'device', what) : undefined,
    previous: previous === undefined ? undefined : {
      id: readBytes(previous[0], ID_LENGTH, what, 'previous card id'),
      ed25519: readBytes(previous[1], KEY_LENGTH, what, 'previous ed25519 key'),
    },
  };
}

function parseEndorsements(value: CborValue | undefined): Endorsement[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENDORSEMENTS) {
    throw formatError(WHAT, `endorsements must be a list of 1..${MAX_ENDORSEMENTS}`);
  }
  const endorsements: Endorsement[] = [];
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 3) throw formatError(WHAT, 'an endorsement must be [name, ed25519 key, signature]');
    const name = readText(item[0], 'signerName', WHAT);
    const previous = endorsements[endorsements.length - 1];
    // One canonical order, and one signature per signer name.
    if (previous !== undefined && compareBytes(utf8(previous.name), utf8(name)) >= 0) throw formatError(WHAT, 'endorsements must be sorted by signer name without duplicates');
    endorsements.push({ name, key: readBytes(item[1], KEY_LENGTH, WHAT, 'signer key'), signature: readBytes(item[2], SIGNATURE_LENGTH, WHAT, 'signature') });
  }
  return endorsements;
}

function parseRecord(bytes: Uint8Array): { record: CardRecord; content: CardContent } {
  const map = decodeRecordMap(bytes, WHAT, MAX_CARD_BYTES, Object.values(RECORD));
  const contentBytes = map.get(RECORD.content);
  if (!(contentBytes instanceof Uint8Array)) throw formatError(WHAT, 'content must be a byte string');
  const content = parseContent(contentBytes);
  const record: CardRecord = {
    content: Uint8Array.from(contentBytes),
    selfSignature: readBytes(map.get(RECORD.selfSignature), SIGNATURE_LENGTH, WHAT, 'self-signature'),
    rotationSignature: map.has(RECORD.rotationSignature) ? readBytes(map.get(RECORD.rotationSignature), SIGNATURE_LENGTH, WHAT, 'rotation signature') : undefined,
    endorsements: parseEndorsements(map.get(RECORD.endorsements)),
  };
  if ((record.rotationSignature === undefined) !== (content.previous === undefined)) {
    throw formatError(WHAT, 'a rotation signature is present exactly when the card names a previous card');
  }
  // Defence in depth: the one canonical encoding of what was read must be what was read.
  if (compareBytes(encodeContent(content), record.content) !== 0 || compareBytes(encodeRecord(record), bytes) !== 0) {
    throw formatError(WHAT, 'does not re-encode to the same bytes');
  }
  return { record, content };
}

/** The message each signature kind covers: its own label, then the signed bytes (spec/directory.md §2.3). */
function selfMessage(content: Uint8Array): Uint8Array {
  return concatBytes(LABELS.cardSignature, content);
}
function rotationMessage(content: Uint8Array): Uint8Array {
  return concatBytes(LABELS.cardRotation, content);
}
function endorsementMessage(name: string, content: Uint8Array): Uint8Array {
  return concatBytes(LABELS.cardEndorsement, encodeCanonical([name, content]));
}

/** The Ed25519 key of a trusted signer. Throws TypeError or KeyError for a bad key. */
export function signerKeyOf(signer: TrustedSigner): Uint8Array {
  if (signer === null || typeof signer !== 'object' || typeof signer.name !== 'string') throw new TypeError('a trusted signer must be { name, publicKey }');
  const key = typeof signer.publicKey === 'string' ? parsePublicKey(signer.publicKey) : signer.publicKey;
  if (!(key instanceof PublicKey)) throw new TypeError('a trusted signer publicKey must be a PublicKey or its text form');
  return key.ed25519;
}

/**
 * A card: an identity bound to an X25519 and an Ed25519 key, self-signed, with
 * optional endorsements. Immutable; build one with {@link createCard} or
 * {@link importCard}. It is a recipient for `encryptFor`.
 */
export class Card extends SignedRecord implements RecipientCard {
  /** Lowercase hex SHA-256 of the content snapshot. */
  readonly id: string;
  /** The identity in normal form (NFC). */
  readonly identity: string;
  readonly publicKey: PublicKey;
  /** Creation time, unix seconds. */
  readonly createdAt: number;
  readonly device: string | undefined;
  /** The id of the card this one replaces, if any. */
  readonly previousCardId: string | undefined;
  /** The self-signature first, then the rotation signature, then endorsements sorted by signer name. */
  readonly signatures: readonly CardSignature[];
  // Checks read only these private copies, so mutating a public key array cannot change a verdict.
  readonly #record: CardRecord;
  readonly #content: CardContent;
  #verified = false;

  /**
   * Parses card bytes strictly. Prefer {@link importCard}, which also takes the text form.
   * @throws CardError ERR_CARD_FORMAT
   */
  constructor(bytes: Uint8Array) {
    const { record, content } = parseRecord(bytes);
    super(bytes, CARD_TEXT_PREFIX);
    this.#record = record;
    this.#content = content;
    this.id = toHex(backend.sha256(record.content));
    this.identity = content.identity;
    this.publicKey = new PublicKey(content.x25519, content.ed25519);
    this.createdAt = content.createdAt;
    this.device = content.device;
    this.previousCardId = content.previous === undefined ? undefined : toHex(content.previous.id);
    const signatures: CardSignature[] = [{ kind: 'self', signer: 'self', publicKey: content.ed25519, signature: record.selfSignature }];
    if (content.previous !== undefined && record.rotationSignature !== undefined) {
      signatures.push({ kind: 'rotation', signer: 'previous', publicKey: content.previous.ed25519, signature: record.rotationSignature });
    }
    for (const e of record.endorsements) signatures.push({ kind: 'endorsement', signer: e.name, publicKey: e.key, signature: e.signature });
    this.signatures = Object.freeze(signatures.map((s) => Object.freeze({ ...s, publicKey: s.publicKey.slice(), signature: s.signature.slice() })));
    // Frozen, so `readonly` holds at run time too: an id or identity cannot be swapped after the checks.
    Object.freeze(this);
  }

  /** The Ed25519 key of the replaced card, which signed the rotation, as a fresh copy. */
  get previousSigningKey(): Uint8Array | undefined {
    return this.#content.previous?.ed25519.slice();
  }

  /** True when `ed25519` is this card's signing key. */
  hasSigningKey(ed25519: Uint8Array): boolean {
    return equalConstantTime(this.#content.ed25519, ed25519);
  }

  /**
   * True when this card validly replaces `card` (spec/directory.md §2.4): it names
   * `card`, has the same identity, and its rotation signature by `card`'s key verifies.
   */
  replaces(card: Card): boolean {
    const previous = this.#content.previous;
    if (previous === undefined || this.previousCardId !== card.id || this.identity !== card.identity || !card.hasSigningKey(previous.ed25519)) return false;
    try {
      this.assertVerified();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Checks every signature the card carries: the self-signature, the rotation
   * signature, and each endorsement against the key it names. The id needs no
   * check here: the constructor computed it from these same content bytes. It
   * does not say who the signers are; {@link verifyCard} checks trusted signers.
   * @throws CardError ERR_CARD_SIGNATURE
   */
  assertVerified(): void {
    if (this.#verified) return;
    const record = this.#record;
    const content = this.#content;
    if (!backend.ed25519Verify(content.ed25519, selfMessage(record.content), record.selfSignature)) {
      throw new CardError('ERR_CARD_SIGNATURE', `card ${this.id.slice(0, 16)} has an invalid self-signature`);
    }
    if (content.previous !== undefined && record.rotationSignature !== undefined
      && !backend.ed25519Verify(content.previous.ed25519, rotationMessage(record.content), record.rotationSignature)) {
      throw new CardError('ERR_CARD_SIGNATURE', `card ${this.id.slice(0, 16)} has an invalid rotation signature`);
    }
    for (const e of record.endorsements) {
      if (!backend.ed25519Verify(e.key, endorsementMessage(e.name, record.content), e.signature)) {
        throw new CardError('ERR_CARD_SIGNATURE', `card ${this.id.slice(0, 16)} has an invalid signature by "${e.name.slice(0, 32)}"`);
      }
    }
    // The checked bytes are private copies, so a card that verified once stays verified.
    this.#verified = true;
  }

  /** True when the card carries an endorsement by `signer` (same name, same key). Call after {@link assertVerified}. */
  isEndorsedBy(signer: TrustedSigner): boolean {
    const key = signerKeyOf(signer);
    return this.#record.endorsements.some((e) => e.name === signer.name && equalConstantTime(e.key, key));
  }

  /** The content snapshot whose SHA-256 is the id, as a fresh copy. */
  contentBytes(): Uint8Array {
    return this.#record.content.slice();
  }

  override toString(): string {
    return `[cardseal Card ${this.id.slice(0, 16)} for ${JSON.stringify(this.identity)}${this.device === undefined ? '' : ` (${this.device})`}]`;
  }
}

/** Options for {@link createCard}. */
export interface CreateCardOptions {
  /** Whose card this is; put into normal form (NFC) and checked. */
  identity: string;
  /** A short device name, e.g. "laptop". */
  device?: string;
  /** The card this one replaces (rotation). Its identity must be the same. */
  previous?: Card;
  /**
   * The private key of `previous`, which signs the rotation. Needed when the new
   * key differs from the previous card's key.
   */
  previousKey?: PrivateKey;
  /** Creation time in unix seconds. Default: now. */
  createdAt?: number;
}

function privateKeyOf(keyPairOrPrivateKey: KeyPair | PrivateKey, name: string): PrivateKey {
  const key = keyPairOrPrivateKey instanceof PrivateKey ? keyPairOrPrivateKey : (keyPairOrPrivateKey as KeyPair | undefined)?.privateKey;
  if (!(key instanceof PrivateKey)) throw new TypeError(`${name} must be a KeyPair or a PrivateKey`);
  return key;
}

function rotationKeyOf(key: PrivateKey, options: CreateCardOptions, identity: string): PrivateKey | undefined {
  const previous = options.previous;
  if (previous === undefined) return undefined;
  if (!(previous instanceof Card)) throw new TypeError('previous must be a Card');
  previous.assertVerified();
  if (previous.identity !== identity) throw new RangeError('a card can only replace a card of the same identity');
  const previousKey = options.previousKey ?? (previous.hasSigningKey(key.publicKey.ed25519) ? key : undefined);
  if (previousKey === undefined) throw new RangeError('replacing a card needs previousKey, the private key of the previous card');
  if (!(previousKey instanceof PrivateKey)) throw new TypeError('previousKey must be a PrivateKey');
  if (!previous.hasSigningKey(previousKey.publicKey.ed25519)) throw new RangeError('previousKey is not the key of the previous card');
  return previousKey;
}

/**
 * Creates and self-signs a card for `identity`. With `previous`, the card
 * replaces that card and carries a rotation signature by its key.
 * Throws TypeError or RangeError for bad options (an invalid identity, a
 * mismatched previous card or key).
 * @throws CardError ERR_CARD_SIGNATURE when `previous` does not verify
 */
export function createCard(keyPairOrPrivateKey: KeyPair | PrivateKey, options: CreateCardOptions): Card {
  const key = privateKeyOf(keyPairOrPrivateKey, 'keyPairOrPrivateKey');
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object with an identity');
  const identity = normalizeIdentity(options.identity);
  const createdAt = options.createdAt ?? nowSeconds();
  if (!Number.isSafeInteger(createdAt) || createdAt < 0) throw new RangeError('createdAt must be a non-negative integer of unix seconds');
  const rotationKey = rotationKeyOf(key, options, identity);
  const content = encodeContent({
    identity,
    x25519: key.publicKey.x25519,
    ed25519: key.publicKey.ed25519,
    createdAt,
    device: options.device === undefined ? undefined : normalizeCardText(options.device, 'device'),
    previous: options.previous === undefined ? undefined : { id: fromHex(options.previous.id)!, ed25519: rotationKey!.publicKey.ed25519 },
  });
  return new Card(encodeRecord({
    content,
    selfSignature: key.sign(selfMessage(content)),
    rotationSignature: rotationKey?.sign(rotationMessage(content)),
    endorsements: [],
  }));
}

/**
 * Parses a card from its text form (`cardseal_card1_…`) or its bytes, strictly:
 * canonical CBOR first, then the schema, then the re-encoding must match.
 * It does not check signatures; `verifyCard`, `encryptFor` and directories do.
 * @throws CardError ERR_CARD_FORMAT
 */
export function importCard(input: string | Uint8Array): Card {
  return new Card(recordBytesOf(input, CARD_TEXT_PREFIX, MAX_CARD_BYTES, 'card'));
}

/** Options for {@link verifyCard}. */
export interface VerifyCardOptions {
  /** When given and not empty, the card must be endorsed by at least one of these signers. */
  trustedSigners?: readonly TrustedSigner[];
  /** When given, the card must be for this identity (compared in normal form). */
  identity?: string;
}

/**
 * Verifies a card: its signatures, then the identity and trusted signers asked for.
 * Returns the card.
 * @throws CardError ERR_CARD_SIGNATURE, ERR_CARD_IDENTITY, ERR_CARD_UNTRUSTED
 */
export function verifyCard(card: Card, options: VerifyCardOptions = {}): Card {
  if (!(card instanceof Card)) throw new TypeError('card must be a Card');
  card.assertVerified();
  if (options.identity !== undefined && normalizeIdentity(options.identity) !== card.identity) {
    throw new CardError('ERR_CARD_IDENTITY', `card ${card.id.slice(0, 16)} is for another identity than the one asked for`);
  }
  const trusted = options.trustedSigners ?? [];
  if (trusted.length > 0 && !trusted.some((signer) => card.isEndorsedBy(signer))) {
    throw new CardError('ERR_CARD_UNTRUSTED', `card ${card.id.slice(0, 16)} is not signed by a trusted signer`);
  }
  return card;
}

/**
 * Returns a copy of `card` with an endorsement by `signerName` added.
 * Throws RangeError for an invalid or already present signer name, or when the
 * card already has {@link MAX_ENDORSEMENTS}.
 * @throws CardError ERR_CARD_SIGNATURE when `card` does not verify
 */
export function addSignature(card: Card, signerName: string, signerPrivateKey: PrivateKey): Card {
  if (!(card instanceof Card)) throw new TypeError('card must be a Card');
  if (!(signerPrivateKey instanceof PrivateKey)) throw new TypeError('signerPrivateKey must be a PrivateKey');
  const name = normalizeCardText(signerName, 'signerName');
  // An authority must never vouch for a card whose own signatures fail.
  card.assertVerified();
  const { record } = parseRecord(card.toBytes());
  if (record.endorsements.some((e) => e.name === name)) throw new RangeError(`card already has a signature by "${name}"`);
  if (record.endorsements.length >= MAX_ENDORSEMENTS) throw new RangeError(`a card carries at most ${MAX_ENDORSEMENTS} endorsements`);
  const endorsement = { name, key: signerPrivateKey.publicKey.ed25519, signature: signerPrivateKey.sign(endorsementMessage(name, record.content)) };
  const endorsements = [...record.endorsements, endorsement].sort((a, b) => compareBytes(utf8(a.name), utf8(b.name)));
  return new Card(encodeRecord({ ...record, endorsements }));
}

/** True when `value` has the form of a card id: 64 lowercase hex digits, one SHA-256. */
export function isCardId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** The raw 32-byte form of a card id, or undefined when `id` is not 64 lowercase hex digits. */
export function parseCardId(id: string): Uint8Array | undefined {
  return isCardId(id) ? fromHex(id) : undefined;
}
