/**
 * The header: a deterministic CBOR map (spec/format.md §3.2, CDDL in §3.3).
 *
 *   { 1: suite, 2: chunk exponent, 3: payload nonce, 4: [+ stanza], ? 5: sender mode, * nint: any }
 *
 * Parsing is strict: the canonical checker runs first (limits before
 * allocation), then cbor-x decodes, the schema is checked, the value is
 * re-encoded, and the bytes must match exactly.
 */
import { compareBytes } from '../bytes.js';
import { HeaderError, LimitError } from '../errors.js';
import { type CborValue, decodeChecked, encodeCanonical, findCanonicalViolation } from './cbor.js';
import { MAX_CBOR_DEPTH, MAX_CHUNK_EXPONENT, MIN_CHUNK_EXPONENT } from './limits.js';

/** Suite 1: X25519, HKDF-SHA-256, HMAC-SHA-256 and ChaCha20-Poly1305 (spec §1.2). */
export const SUITE_CHACHA20_POLY1305 = 1;
/** Sender mode 1: an Ed25519 transcript signature follows the payload (spec §9). */
export const SENDER_ED25519 = 1;
/** Stanza type 1: X25519 recipients sharing one ephemeral key (spec §5). */
export const STANZA_X25519 = 1;
/** Length of the payload nonce that salts the payload key (spec §7.1). */
export const PAYLOAD_NONCE_LENGTH = 16;
/** One X25519 entry: a 16-byte lookup tag then the 48-byte wrapped file key (spec §5.2). */
export const X25519_TAG_LENGTH = 16;
export const X25519_ENTRY_LENGTH = 64;

const KEY_SUITE = 1;
const KEY_CHUNK_EXPONENT = 2;
const KEY_PAYLOAD_NONCE = 3;
const KEY_STANZAS = 4;
const KEY_SENDER = 5;

/** The X25519 stanza: one ephemeral share and the entries sorted by tag. */
export interface X25519Stanza {
  ephemeral: Uint8Array;
  entries: Uint8Array[];
}

/** A parsed header. Unknown stanzas and non-critical fields are kept so re-encoding is exact. */
export interface Header {
  suite: number;
  chunkExponent: number;
  payloadNonce: Uint8Array;
  x25519: X25519Stanza | undefined;
  /** Stanzas of types this version does not know, verbatim; a decoder skips them (spec §5.4). */
  otherStanzas: CborValue[][];
  /** Sender mode, or 0 when the file is not signed. */
  sender: number;
  /** Non-critical extension fields (negative keys), ignored but preserved. */
  extensions: Map<number, CborValue>;
}

/** Encodes a header deterministically. The caller guarantees sorted, unique entries. */
export function encodeHeader(header: Header): Uint8Array {
  return encodeCanonical(headerToCbor(header));
}

function headerToCbor(header: Header): Map<CborValue, CborValue> {
  const stanzas: CborValue[] = [];
  if (header.x25519 !== undefined) stanzas.push([STANZA_X25519, header.x25519.ephemeral, header.x25519.entries]);
  stanzas.push(...header.otherStanzas);
  const map = new Map<CborValue, CborValue>([
    [KEY_SUITE, header.suite],
    [KEY_CHUNK_EXPONENT, header.chunkExponent],
    [KEY_PAYLOAD_NONCE, header.payloadNonce],
    [KEY_STANZAS, stanzas],
  ]);
  if (header.sender !== 0) map.set(KEY_SENDER, header.sender);
  for (const [key, value] of header.extensions) map.set(key, value);
  return map;
}

/** Limits applied while parsing a header. */
export interface HeaderParseLimits {
  maxRecipients: number;
}

function schemaError(message: string): HeaderError {
  return new HeaderError('ERR_HEADER_SCHEMA', `invalid header: ${message}`);
}

/**
 * An integer as cbor-x decodes one: a number below 2^32, but a bigint for an
 * 8-byte argument, which the canonical checker has already bounded below 2^53.
 */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function uintOf(value: unknown): number | undefined {
  const integer = integerOf(value);
  return integer !== undefined && integer >= 0 ? integer : undefined;
}

function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

function parseX25519Stanza(stanza: CborValue[], maxRecipients: number): X25519Stanza {
  if (stanza.length !== 3) throw schemaError('x25519 stanza must have 3 elements');
  const [, ephemeral, entries] = stanza;
  if (!isBytes(ephemeral, 32)) throw schemaError('x25519 ephemeral share must be 32 bytes');
  if (!Array.isArray(entries) || entries.length === 0) throw schemaError('x25519 stanza must list at least one entry');
  if (entries.length > maxRecipients) {
    throw new LimitError('ERR_LIMIT_RECIPIENTS', `header lists ${entries.length} recipients, more than the limit of ${maxRecipients}`);
  }
  let previousTag: Uint8Array | undefined;
  for (const entry of entries) {
    if (!isBytes(entry, X25519_ENTRY_LENGTH)) throw schemaError(`x25519 entries must be ${X25519_ENTRY_LENGTH} bytes`);
    const tag = entry.subarray(0, X25519_TAG_LENGTH);
    // Sorted strictly by tag: one canonical order, no duplicate, and a binary search finds an entry.
    if (previousTag !== undefined && compareBytes(previousTag, tag) >= 0) throw schemaError('x25519 entries must be sorted by tag without duplicates');
    previousTag = tag;
  }
  return { ephemeral, entries: entries as Uint8Array[] };
}

function parseStanzas(value: CborValue | undefined, maxRecipients: number): Pick<Header, 'x25519' | 'otherStanzas'> {
  if (!Array.isArray(value) || value.length === 0) throw schemaError('stanzas must be a non-empty array');
  let x25519: X25519Stanza | undefined;
  const otherStanzas: CborValue[][] = [];
  let previousType = 0;
  for (const stanza of value) {
    const type = Array.isArray(stanza) ? uintOf(stanza[0]) : undefined;
    if (!Array.isArray(stanza) || type === undefined) throw schemaError('a stanza must be an array starting with its type');
    if (type <= previousType) throw schemaError('stanzas must be sorted by type, one per type');
    previousType = type;
    if (type === STANZA_X25519) x25519 = parseX25519Stanza(stanza, maxRecipients);
    else otherStanzas.push(stanza);
  }
  return { x25519, otherStanzas };
}

/**
 * Parses header bytes strictly.
 * @throws HeaderError ERR_HEADER_CBOR, ERR_HEADER_SCHEMA, ERR_HEADER_SUITE;
 *   LimitError ERR_LIMIT_RECIPIENTS, ERR_LIMIT_CHUNK_SIZE, ERR_LIMIT_CBOR_DEPTH
 */
export function parseHeader(bytes: Uint8Array, limits: HeaderParseLimits): Header {
  const violation = findCanonicalViolation(bytes, { maxDepth: MAX_CBOR_DEPTH, maxItems: Math.max(limits.maxRecipients, 16) });
  if (violation !== undefined) {
    if (violation.kind === 'encoding') throw new HeaderError('ERR_HEADER_CBOR', `header is not canonical CBOR: ${violation.message}`);
    if (violation.exceeded === 'depth') throw new LimitError('ERR_LIMIT_CBOR_DEPTH', `header ${violation.message}`);
    throw new LimitError('ERR_LIMIT_RECIPIENTS', `header ${violation.message}`);
  }
  const value = decodeChecked(bytes);
  if (!(value instanceof Map)) throw schemaError('header must be a map');
  const extensions = new Map<number, CborValue>();
  for (const rawKey of value.keys()) {
    const key = integerOf(rawKey);
    if (key === undefined) throw schemaError('header keys must be integers');
    // Negative keys are non-critical extensions; an unknown non-negative key is critical (spec §3.3).
    if (key < 0) extensions.set(key, value.get(rawKey)!);
    else if (key < KEY_SUITE || key > KEY_SENDER) throw schemaError(`unknown critical field ${key}`);
  }
  const suite = uintOf(value.get(KEY_SUITE));
  if (suite === undefined) throw schemaError('suite must be an unsigned integer');
  if (suite !== SUITE_CHACHA20_POLY1305) throw new HeaderError('ERR_HEADER_SUITE', `unsupported cipher suite ${suite}`);
  const chunkExponent = uintOf(value.get(KEY_CHUNK_EXPONENT));
  if (chunkExponent === undefined) throw schemaError('chunk exponent must be an unsigned integer');
  if (chunkExponent < MIN_CHUNK_EXPONENT || chunkExponent > MAX_CHUNK_EXPONENT) {
    throw new LimitError('ERR_LIMIT_CHUNK_SIZE', `chunk exponent ${chunkExponent} is outside ${MIN_CHUNK_EXPONENT}..${MAX_CHUNK_EXPONENT}`);
  }
  const payloadNonce = value.get(KEY_PAYLOAD_NONCE);
  if (!isBytes(payloadNonce, PAYLOAD_NONCE_LENGTH)) throw schemaError(`payload nonce must be ${PAYLOAD_NONCE_LENGTH} bytes`);
  const senderValue = value.get(KEY_SENDER);
  const sender = uintOf(senderValue);
  if (senderValue !== undefined && sender !== SENDER_ED25519) {
    // Quote a number only: any other value is attacker-chosen bytes of any length.
    throw schemaError(sender === undefined ? 'sender mode must be an unsigned integer' : `unknown sender mode ${sender}`);
  }
  const header: Header = {
    suite,
    chunkExponent,
    payloadNonce,
    ...parseStanzas(value.get(KEY_STANZAS), limits.maxRecipients),
    sender: sender ?? 0,
    extensions,
  };
  // Defence in depth: the one canonical encoding of what was read must be what was read.
  if (compareBytes(encodeHeader(header), bytes) !== 0) throw new HeaderError('ERR_HEADER_CBOR', 'header does not re-encode to the same bytes');
  return header;
}

/** Number of recipient entries the header lists, over all stanza types this version knows. */
export function countRecipients(header: Header): number {
  return header.x25519?.entries.length ?? 0;
}
