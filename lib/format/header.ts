/**
 * The header: a deterministic CBOR map (spec/format.md §3.2, CDDL in §3.3).
 *
 *   { 1: suite, 2: chunk exponent, 3: payload nonce, 4: [+ stanza], ? 5: sender mode, * nint: any }
 *
 * Parsing is strict: the canonical checker runs first (limits before
 * allocation), then the bytes are copied once and read, the schema is
 * checked, the value is re-encoded, and the bytes must match exactly.
 *
 * A header as a version 1 encoder writes it (keys 1 to 4, key 5 when signed,
 * one X25519 stanza) is read in place from that copy: its entries stay where
 * they lie until something asks for them, so finding one's entry among 10,000
 * makes one view, not 10,000 copies. Every other header, and every header that
 * breaks a rule, takes the generic path (cbor-x), which alone decides errors.
 * A plain header is re-encoded by a dedicated encoder, the rest by the generic
 * one, which sorts every map; both give the same bytes.
 */
import { compareRanges, comparePrefixes, equalBytes } from '../bytes.js';
import { HeaderError, LimitError } from '../errors.js';
import {
  type CborValue,
  CborWriter,
  CheckedCborReader,
  MAJOR_ARRAY,
  MAJOR_BYTES,
  MAJOR_MAP,
  MAJOR_UINT,
  decodeChecked,
  encodeCanonical,
  encodeHead,
  findCanonicalViolation,
} from './cbor.js';
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
const X25519_EPHEMERAL_LENGTH = 32;

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

/** An entry as it lies in a header: its one canonical head (58 40), then its 64 bytes. */
const ENTRY_HEAD = encodeHead(MAJOR_BYTES, X25519_ENTRY_LENGTH);
const ENTRY_ITEM_LENGTH = ENTRY_HEAD.length + X25519_ENTRY_LENGTH;

/**
 * The entries of a parsed X25519 stanza where they lie in the header's
 * private copy: `count` items of {@link ENTRY_ITEM_LENGTH} bytes from `offset`.
 */
export class X25519EntryTable {
  constructor(
    readonly bytes: Uint8Array,
    readonly offset: number,
    readonly count: number,
  ) {}

  /** Where the 64 bytes of entry `index` start in `bytes`. */
  entryStart(index: number): number {
    return this.offset + index * ENTRY_ITEM_LENGTH + ENTRY_HEAD.length;
  }

  /** Entry `index`, as a view. */
  entry(index: number): Uint8Array {
    const start = this.entryStart(index);
    return this.bytes.subarray(start, start + X25519_ENTRY_LENGTH);
  }

  /** Compares the tag of entry `index` with the first 16 bytes of `tag`, in place. */
  compareTag(index: number, tag: Uint8Array): number {
    return compareRanges(this.bytes, this.entryStart(index), tag, 0, X25519_TAG_LENGTH);
  }
}

/** The tables of parsed stanzas whose `entries` nobody has read yet. */
const ENTRY_TABLES = new WeakMap<X25519Stanza, X25519EntryTable>();

/**
 * A parsed X25519 stanza whose entries stay in `table` until something reads
 * `entries`. From then on the array is what counts, since a caller may change
 * it, and the table is forgotten.
 */
function stanzaOverTable(ephemeral: Uint8Array, table: X25519EntryTable): X25519Stanza {
  let entries: Uint8Array[] | undefined;
  const stanza: X25519Stanza = {
    ephemeral,
    get entries(): Uint8Array[] {
      if (entries === undefined) {
        entries = Array.from({ length: table.count }, (_, index) => table.entry(index));
        ENTRY_TABLES.delete(stanza);
      }
      return entries;
    },
    set entries(value: Uint8Array[]) {
      entries = value;
      ENTRY_TABLES.delete(stanza);
    },
  };
  ENTRY_TABLES.set(stanza, table);
  return stanza;
}

/**
 * The table in which a parsed stanza's entries still lie, so they can be
 * searched in place; undefined once `entries` has been read, and for a
 * stanza built by hand.
 */
export function entryTableOf(stanza: X25519Stanza): X25519EntryTable | undefined {
  return ENTRY_TABLES.get(stanza);
}

/**
 * Encodes a header deterministically. The caller guarantees sorted, unique entries.
 * @throws RangeError for an integer field that is not an integer in −2^53..2^53−1
 */
export function encodeHeader(header: Header): Uint8Array {
  if (!isPlainHeader(header)) return encodeCanonical(headerToCbor(header));
  const counter = CborWriter.counting();
  writePlainHeader(header, counter);
  const out = new Uint8Array(counter.length);
  const writer = CborWriter.into(out);
  writePlainHeader(header, writer);
  if (writer.length !== out.length) throw new Error('internal error: the header wrote another length than it counted');
  return out;
}

/**
 * True when `bytes` are exactly {@link encodeHeader} of `header`. A plain
 * header is encoded and compared as it goes, so checking a parsed header of
 * 10,000 entries writes no second copy of its bytes.
 */
function isEncodingOf(header: Header, bytes: Uint8Array): boolean {
  if (!isPlainHeader(header)) return equalBytes(encodeCanonical(headerToCbor(header)), bytes);
  const checker = CborWriter.comparingWith(bytes);
  writePlainHeader(header, checker);
  return checker.matches && checker.length === bytes.length;
}

/**
 * True for a header as a version 1 encoder writes it (spec §3.3): no unknown
 * stanza, no extension, and safe integers. Its keys are 1 to 5 in order, so it
 * needs none of the generic encoder's sorting.
 */
function isPlainHeader(header: Header): boolean {
  const { suite, chunkExponent, sender } = header;
  return header.otherStanzas.length === 0 && header.extensions.size === 0 && Number.isSafeInteger(suite) && Number.isSafeInteger(chunkExponent) && Number.isSafeInteger(sender);
}

/** Writes a plain header: keys 1 to 4 in order, then key 5 for a signed file only. */
function writePlainHeader(header: Header, writer: CborWriter): void {
  const { x25519 } = header;
  writer.writeHead(MAJOR_MAP, header.sender === 0 ? 4 : 5);
  writer.writeInteger(KEY_SUITE);
  writer.writeInteger(header.suite);
  writer.writeInteger(KEY_CHUNK_EXPONENT);
  writer.writeInteger(header.chunkExponent);
  writer.writeInteger(KEY_PAYLOAD_NONCE);
  writer.writeBytes(header.payloadNonce);
  writer.writeInteger(KEY_STANZAS);
  writer.writeHead(MAJOR_ARRAY, x25519 === undefined ? 0 : 1);
  if (x25519 !== undefined) {
    writer.writeHead(MAJOR_ARRAY, 3);
    writer.writeInteger(STANZA_X25519);
    writer.writeBytes(x25519.ephemeral);
    writeEntries(x25519, writer);
  }
  if (header.sender !== 0) {
    writer.writeInteger(KEY_SENDER);
    writer.writeInteger(header.sender);
  }
}

function writeEntries(stanza: X25519Stanza, writer: CborWriter): void {
  const table = entryTableOf(stanza);
  if (table !== undefined) {
    // The entries from where they lie: checking a parsed header makes no view of them.
    writer.writeHead(MAJOR_ARRAY, table.count);
    writer.writeBytesRun(table.bytes, table.entryStart(0), ENTRY_ITEM_LENGTH, table.count, X25519_ENTRY_LENGTH);
    return;
  }
  const { entries } = stanza;
  writer.writeHead(MAJOR_ARRAY, entries.length);
  for (let i = 0; i < entries.length; i++) writer.writeBytes(entries[i]!);
}

/** The header as the generic encoder takes it: a map that {@link encodeCanonical} sorts. */
export function headerToCbor(header: Header): Map<CborValue, CborValue> {
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
  if (!isBytes(ephemeral, X25519_EPHEMERAL_LENGTH)) throw schemaError(`x25519 ephemeral share must be ${X25519_EPHEMERAL_LENGTH} bytes`);
  if (!Array.isArray(entries) || entries.length === 0) throw schemaError('x25519 stanza must list at least one entry');
  if (entries.length > maxRecipients) {
    throw new LimitError('ERR_LIMIT_RECIPIENTS', `header lists ${entries.length} recipients, more than the limit of ${maxRecipients}`);
  }
  let previous: Uint8Array | undefined;
  for (const entry of entries) {
    if (!isBytes(entry, X25519_ENTRY_LENGTH)) throw schemaError(`x25519 entries must be ${X25519_ENTRY_LENGTH} bytes`);
    // Sorted strictly by tag: one canonical order, no duplicate, and a binary search finds an entry.
    if (previous !== undefined && comparePrefixes(previous, entry, X25519_TAG_LENGTH) >= 0) throw schemaError('x25519 entries must be sorted by tag without duplicates');
    previous = entry;
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
 * Parses checked header bytes of any shape: cbor-x decodes them (byte strings
 * as copies), then every schema rule is checked in the order of spec §7.4.
 * This path alone decides which error a header gets.
 * @throws HeaderError ERR_HEADER_SCHEMA, ERR_HEADER_SUITE; LimitError ERR_LIMIT_RECIPIENTS, ERR_LIMIT_CHUNK_SIZE
 */
export function parseGenericHeader(own: Uint8Array, maxRecipients: number): Header {
  const value = decodeChecked(own);
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
  return {
    suite,
    chunkExponent,
    payloadNonce,
    ...parseStanzas(value.get(KEY_STANZAS), maxRecipients),
    sender: sender ?? 0,
    extensions,
  };
}

/**
 * Reads checked header bytes in place when they are a valid header as a
 * version 1 encoder writes it, the CDDL of spec §3.3 narrowed to
 *
 *   { 1: 1, 2: 12..24, 3: bstr .size 16, 4: [[1, bstr .size 32, [+ bstr .size 64]]], ? 5: 1 }
 *
 * with 1 to `maxRecipients` entries sorted strictly by tag. Returns undefined
 * for anything else, valid or not, and leaves it to {@link parseGenericHeader}:
 * this path only ever accepts, and only what that one accepts. The payload
 * nonce and the ephemeral share are views of `own`, and the entries stay in it.
 */
export function readPlainHeader(own: Uint8Array, maxRecipients: number): Header | undefined {
  const reader = new CheckedCborReader(own);
  const signed = reader.readHeadIf(MAJOR_MAP, 5);
  if (!signed && !reader.readHeadIf(MAJOR_MAP, 4)) return undefined;
  if (!reader.readHeadIf(MAJOR_UINT, KEY_SUITE) || !reader.readHeadIf(MAJOR_UINT, SUITE_CHACHA20_POLY1305)) return undefined;
  if (!reader.readHeadIf(MAJOR_UINT, KEY_CHUNK_EXPONENT)) return undefined;
  const { major, argument: chunkExponent } = reader.readHead();
  if (major !== MAJOR_UINT || chunkExponent < MIN_CHUNK_EXPONENT || chunkExponent > MAX_CHUNK_EXPONENT) return undefined;
  if (!reader.readHeadIf(MAJOR_UINT, KEY_PAYLOAD_NONCE) || !reader.readHeadIf(MAJOR_BYTES, PAYLOAD_NONCE_LENGTH)) return undefined;
  const payloadNonce = reader.readView(PAYLOAD_NONCE_LENGTH);
  if (!reader.readHeadIf(MAJOR_UINT, KEY_STANZAS) || !reader.readHeadIf(MAJOR_ARRAY, 1)) return undefined;
  if (!reader.readHeadIf(MAJOR_ARRAY, 3) || !reader.readHeadIf(MAJOR_UINT, STANZA_X25519)) return undefined;
  if (!reader.readHeadIf(MAJOR_BYTES, X25519_EPHEMERAL_LENGTH)) return undefined;
  const ephemeral = reader.readView(X25519_EPHEMERAL_LENGTH);
  const entries = reader.readHead();
  if (entries.major !== MAJOR_ARRAY || entries.argument === 0 || entries.argument > maxRecipients) return undefined;
  const table = readEntryTable(reader, entries.argument);
  if (table === undefined) return undefined;
  if (signed && !(reader.readHeadIf(MAJOR_UINT, KEY_SENDER) && reader.readHeadIf(MAJOR_UINT, SENDER_ED25519))) return undefined;
  if (reader.offset !== own.length) return undefined;
  return {
    suite: SUITE_CHACHA20_POLY1305,
    chunkExponent,
    payloadNonce,
    x25519: stanzaOverTable(ephemeral, table),
    otherStanzas: [],
    sender: signed ? SENDER_ED25519 : 0,
    extensions: new Map(),
  };
}

/** Reads `count` entries in place: each a 64-byte byte string, their tags strictly increasing. */
function readEntryTable(reader: CheckedCborReader, count: number): X25519EntryTable | undefined {
  const { bytes, offset } = reader;
  for (let i = 0, itemStart = offset; i < count; i++, itemStart += ENTRY_ITEM_LENGTH) {
    // A canonical head is the one encoding of its argument: every entry starts with these bytes.
    for (let j = 0; j < ENTRY_HEAD.length; j++) if (bytes[itemStart + j] !== ENTRY_HEAD[j]) return undefined;
    const tagStart = itemStart + ENTRY_HEAD.length;
    if (i > 0 && compareRanges(bytes, tagStart - ENTRY_ITEM_LENGTH, bytes, tagStart, X25519_TAG_LENGTH) >= 0) return undefined;
  }
  reader.offset = offset + count * ENTRY_ITEM_LENGTH;
  return new X25519EntryTable(bytes, offset, count);
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
  // One private copy, made once the checker has passed: the parsed header
  // neither aliases the caller's buffer nor keeps a larger one alive.
  const own = new Uint8Array(bytes);
  const header = readPlainHeader(own, limits.maxRecipients) ?? parseGenericHeader(own, limits.maxRecipients);
  // Defence in depth: the one canonical encoding of what was read must be what was read.
  if (!isEncodingOf(header, own)) throw new HeaderError('ERR_HEADER_CBOR', 'header does not re-encode to the same bytes');
  return header;
}

/** Number of recipient entries the header lists, over all stanza types this version knows. */
export function countRecipients(header: Header): number {
  if (header.x25519 === undefined) return 0;
  return entryTableOf(header.x25519)?.count ?? header.x25519.entries.length;
}
