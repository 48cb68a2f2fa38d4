/**
 * The envelope: everything before the payload (spec/format.md §3–§6).
 *
 *   prefix (16) ‖ header (CBOR) ‖ HMAC-SHA-256(HKDF(fileKey, "cardseal/v1/header-mac"), prefix ‖ header) (32)
 *
 * Sealing draws a file key, wraps it for every recipient and MACs the result.
 * Opening parses strictly, finds this key's entry, and checks the MAC in
 * constant time before any payload byte is touched.
 */
import { concatBytes, equalConstantTime, wipe } from './bytes.js';
import type { CryptoBackend } from './crypto/index.js';
import { LABELS, hkdf } from './crypto/kdf.js';
import { HeaderMacError, NoMatchError, hasCode } from './errors.js';
import { type Header, PAYLOAD_NONCE_LENGTH, SENDER_ED25519, SUITE_CHACHA20_POLY1305, encodeHeader, parseHeader } from './format/header.js';
import { PREFIX_LENGTH, encodePrefix } from './format/prefix.js';
import type { PrivateKey } from './keys/keys.js';
import { FILE_KEY_LENGTH, unwrapX25519, wrapForX25519 } from './recipients/x25519.js';

/** Length of the header MAC. */
export const MAC_LENGTH = 32;
const PAYLOAD_KEY_LENGTH = 32;
const SIGNATURE_KEY_LENGTH = 32;

/** Per-file randomness. Tests and vector generators inject it; otherwise it comes from the backend. */
export interface EnvelopeRandomness {
  fileKey: Uint8Array;
  ephemeralSecret: Uint8Array;
  payloadNonce: Uint8Array;
}

/** Draws fresh per-file randomness from the backend's secure source. */
export function drawRandomness(backend: CryptoBackend): EnvelopeRandomness {
  return {
    fileKey: backend.randomBytes(FILE_KEY_LENGTH),
    ephemeralSecret: backend.randomBytes(32),
    payloadNonce: backend.randomBytes(PAYLOAD_NONCE_LENGTH),
  };
}

/** What sealing and opening both yield: the keys the payload needs. */
export interface EnvelopeKeys {
  header: Header;
  /** prefix ‖ header ‖ MAC, exactly as on the wire. */
  envelope: Uint8Array;
  fileKey: Uint8Array;
  payloadKey: Uint8Array;
  /** Key of the sealed signature block (spec §9.2); set only when the header declares a sender. */
  signatureKey: Uint8Array | undefined;
}

/** payloadKey = HKDF(fileKey, salt = payload nonce, "cardseal/v1/payload") (spec §7.1). */
function derivePayloadKey(backend: CryptoBackend, fileKey: Uint8Array, payloadNonce: Uint8Array): Uint8Array {
  return hkdf(backend, fileKey, payloadNonce, LABELS.payload, PAYLOAD_KEY_LENGTH);
}

/** signatureKey = HKDF(fileKey, salt = payload nonce, "cardseal/v1/signature-key") (spec §9.2), for signed headers only. */
function deriveSignatureKey(backend: CryptoBackend, fileKey: Uint8Array, header: Header): Uint8Array | undefined {
  if (header.sender !== SENDER_ED25519) return undefined;
  return hkdf(backend, fileKey, header.payloadNonce, LABELS.signatureKey, SIGNATURE_KEY_LENGTH);
}

/** Everything sealing and opening yield, with the keys derived from `fileKey`. */
function deriveEnvelopeKeys(backend: CryptoBackend, header: Header, envelope: Uint8Array, fileKey: Uint8Array): EnvelopeKeys {
  return {
    header,
    envelope,
    fileKey,
    payloadKey: derivePayloadKey(backend, fileKey, header.payloadNonce),
    signatureKey: deriveSignatureKey(backend, fileKey, header),
  };
}

/** macKey = HKDF(fileKey, salt = empty, "cardseal/v1/header-mac"); MAC over prefix ‖ header (spec §6). */
export function computeHeaderMac(backend: CryptoBackend, fileKey: Uint8Array, prefixAndHeader: Uint8Array): Uint8Array {
  const macKey = hkdf(backend, fileKey, new Uint8Array(0), LABELS.headerMac, 32);
  const mac = backend.hmacSha256(macKey, prefixAndHeader);
  wipe(macKey);
  return mac;
}

/** Parameters of {@link sealEnvelope}. */
export interface SealEnvelopeParams {
  backend: CryptoBackend;
  recipients: Uint8Array[];
  chunkExponent: number;
  signed: boolean;
  randomness: EnvelopeRandomness;
}

/**
 * Builds the envelope for unique X25519 recipient keys.
 * @throws KeyError ERR_KEY_LOW_ORDER
 */
export function sealEnvelope(params: SealEnvelopeParams): EnvelopeKeys {
  const { backend, randomness } = params;
  const ephemeral = backend.createX25519(randomness.ephemeralSecret);
  const header: Header = {
    suite: SUITE_CHACHA20_POLY1305,
    chunkExponent: params.chunkExponent,
    payloadNonce: randomness.payloadNonce,
    x25519: wrapForX25519(backend, randomness.fileKey, ephemeral, params.recipients),
    otherStanzas: [],
    sender: params.signed ? SENDER_ED25519 : 0,
    extensions: new Map(),
  };
  const headerBytes = encodeHeader(header);
  const prefixAndHeader = concatBytes(encodePrefix(headerBytes.length), headerBytes);
  const envelope = concatBytes(prefixAndHeader, computeHeaderMac(backend, randomness.fileKey, prefixAndHeader));
  return deriveEnvelopeKeys(backend, header, envelope, randomness.fileKey);
}

/** Length of an envelope whose header is `headerLength` bytes. */
export function envelopeLength(headerLength: number): number {
  return PREFIX_LENGTH + headerLength + MAC_LENGTH;
}

/**
 * Opens an envelope given as prefix ‖ header ‖ MAC (the prefix already checked).
 * @throws HeaderError ERR_HEADER_*; LimitError ERR_LIMIT_*; NoMatchError ERR_NO_MATCH; HeaderMacError ERR_HEADER_MAC
 */
export function openEnvelope(envelope: Uint8Array, privateKey: PrivateKey, maxRecipients: number): EnvelopeKeys {
  const backend = privateKey.backend;
  const macStart = envelope.length - MAC_LENGTH;
  const header = parseHeader(envelope.subarray(PREFIX_LENGTH, macStart), { maxRecipients });
  const fileKey = header.x25519 === undefined ? undefined : unwrapX25519(backend, header.x25519, privateKey.agreement());
  if (fileKey === undefined) throw new NoMatchError('ERR_NO_MATCH', 'no recipient entry in the header is for this private key');
  const expected = computeHeaderMac(backend, fileKey, envelope.subarray(0, macStart));
  if (!equalConstantTime(expected, envelope.subarray(macStart))) {
    wipe(fileKey);
    throw new HeaderMacError('ERR_HEADER_MAC', 'header MAC does not verify: the header was altered');
  }
  return deriveEnvelopeKeys(backend, header, envelope, fileKey);
}

/**
 * Opens an envelope with the first of `keys` it is for, as a person with
 * several device keys decrypts. Only "not for this key" moves on to the next
 * key; any other failure (a bad header, a wrong MAC) is the file's and is thrown.
 * @throws as {@link openEnvelope}; NoMatchError ERR_NO_MATCH when no key opens it
 */
export function openEnvelopeWithAny(envelope: Uint8Array, keys: readonly PrivateKey[], maxRecipients: number): EnvelopeKeys & { privateKey: PrivateKey } {
  for (const privateKey of keys) {
    try {
      return { ...openEnvelope(envelope, privateKey, maxRecipients), privateKey };
    } catch (error) {
      if (!hasCode(error, 'ERR_NO_MATCH')) throw error;
    }
  }
  const tried = keys.length === 1 ? 'the given key' : `any of the ${keys.length} given keys`;
  throw new NoMatchError('ERR_NO_MATCH', `the file is not encrypted to ${tried}`);
}
