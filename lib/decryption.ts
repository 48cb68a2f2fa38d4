/**
 * What every decryption starts with, whichever way the payload then travels
 * (the Transform in lib/stream/decrypt.ts, or the file engine in lib/file/):
 * the options checked, the envelope opened with whichever key it is for, the
 * sender rules applied before any payload byte is opened (spec/format.md
 * §5–§6, §9.5), and at the end the signature block checked.
 */
import { assertInteger, wipe } from './bytes.js';
import type { CryptoBackend } from './crypto/index.js';
import { openEnvelopeWithAny } from './envelope.js';
import { SignatureError } from './errors.js';
import { type Header, SENDER_ED25519 } from './format/header.js';
import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_RECIPIENTS, type DecryptLimits, MAX_HEADER_BYTES, MAX_RECIPIENTS } from './format/limits.js';
import { PrivateKey, parsePrivateKey } from './keys/keys.js';
import type { SenderCard } from './signing/sender-card.js';
import { openSignatureBlock } from './signing/signature-block.js';
import { Transcript } from './signing/transcript.js';
import { SignatureVerifier, type VerifyWith } from './signing/verifier.js';
import { SIGNATURE_BLOCK_LENGTH } from './stream/frame.js';

/** Options for `decryptWith` and `decryptFile`. */
export interface DecryptOptions extends DecryptLimits {
  /**
   * The accepted senders (spec §9): a list of cards, or a directory whose
   * `get(id)` returns a card. When given, a signed file's signature is checked
   * at the end of the input and the card that signed is reported.
   */
  verifyWith?: VerifyWith;
  /** Refuse an unsigned file with ERR_SIGNATURE_MISSING. Default: true when `verifyWith` is given. */
  requireSignature?: boolean;
  /**
   * Hold the final chunk's plaintext until the signature verifies, so a reader
   * never receives the end of a forged file. Default: true when `verifyWith` is given.
   * (`decryptFile` holds the whole output until then, always.)
   */
  holdFinalChunk?: boolean;
}

/** One private key, its text form, or several (one per device): whichever the file is for opens it. */
export type Identities = PrivateKey | string | readonly (PrivateKey | string)[];

/**
 * The private keys `identities` names, parsed from text where given as text.
 * @throws TypeError for an empty list or a value that is neither; KeyError ERR_KEY_* for bad key text
 */
export function resolveIdentities(identities: Identities): PrivateKey[] {
  const list = typeof identities === 'string' || identities instanceof PrivateKey ? [identities] : identities;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('privateKey must be a PrivateKey, a private key string, or a non-empty array of them');
  return list.map((key: unknown) => {
    const parsed = typeof key === 'string' ? parsePrivateKey(key) : key;
    if (!(parsed instanceof PrivateKey)) throw new TypeError('privateKey must be a PrivateKey, a private key string, or a non-empty array of them');
    return parsed;
  });
}

/** The checked options. */
export interface DecryptionPolicy {
  maxHeaderBytes: number;
  maxRecipients: number;
  verifier: SignatureVerifier | undefined;
  requireSignature: boolean;
  holdFinalChunk: boolean;
}

/**
 * Checks the options.
 * @throws RangeError for caps outside 1..hard limit, or requireSignature or holdFinalChunk
 *   without verifyWith; TypeError for a malformed verifyWith
 */
export function decryptionPolicy(options: DecryptOptions, backend: CryptoBackend): DecryptionPolicy {
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const maxRecipients = options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS;
  assertInteger(maxHeaderBytes, 'maxHeaderBytes', 1, MAX_HEADER_BYTES);
  assertInteger(maxRecipients, 'maxRecipients', 1, MAX_RECIPIENTS);
  const verifier = options.verifyWith === undefined ? undefined : new SignatureVerifier(options.verifyWith, backend);
  const verifying = verifier !== undefined;
  const requireSignature = options.requireSignature ?? verifying;
  const holdFinalChunk = options.holdFinalChunk ?? verifying;
  // Without senders to check against, either option would promise what the decoder cannot do.
  if (!verifying && (requireSignature || holdFinalChunk)) throw new RangeError('requireSignature and holdFinalChunk need verifyWith');
  return { maxHeaderBytes, maxRecipients, verifier, requireSignature, holdFinalChunk };
}

/** An opened envelope and what the payload needs. {@link Decryption.wipe} clears the keys. */
export interface Decryption {
  header: Header;
  /** The backend of the key that opened the envelope. */
  backend: CryptoBackend;
  chunkSize: number;
  payloadKey: Uint8Array;
  /** Set for a signed file only. */
  signatureKey: Uint8Array | undefined;
  /** Bytes of the signature block after the payload: 0 for an unsigned file. */
  signatureBlockLength: number;
  /** Running for a signed file when senders are to be checked; it costs a hash of every byte, so only then. */
  transcript: Transcript | undefined;
  wipe(): void;
}

/**
 * Opens `envelope` (prefix ‖ header ‖ MAC) with whichever of `keys` it is for
 * and applies the sender rules, before any payload byte is opened (spec §9.5).
 * @throws HeaderError ERR_HEADER_*; LimitError ERR_LIMIT_*; NoMatchError ERR_NO_MATCH;
 *   HeaderMacError ERR_HEADER_MAC; SignatureError ERR_SIGNATURE_MISSING
 */
export function openDecryption(envelope: Uint8Array, keys: readonly PrivateKey[], policy: DecryptionPolicy): Decryption {
  const opened = openEnvelopeWithAny(envelope, keys, policy.maxRecipients);
  wipe(opened.fileKey);
  const signed = opened.header.sender === SENDER_ED25519;
  if (!signed && policy.requireSignature) {
    wipe(opened.payloadKey, opened.signatureKey);
    throw new SignatureError('ERR_SIGNATURE_MISSING', 'the file is not signed, but a sender signature is required');
  }
  const backend = opened.privateKey.backend;
  return {
    header: opened.header,
    backend,
    chunkSize: 2 ** opened.header.chunkExponent,
    payloadKey: opened.payloadKey,
    signatureKey: opened.signatureKey,
    signatureBlockLength: signed ? SIGNATURE_BLOCK_LENGTH : 0,
    transcript: signed && policy.verifier !== undefined ? new Transcript(backend, opened.envelope) : undefined,
    wipe: () => wipe(opened.payloadKey, opened.signatureKey),
  };
}

/**
 * Opens a signed file's signature block, and when senders are given starts
 * checking the signature over the finished transcript (spec §9.5). Undefined
 * when there is nothing to await: an unsigned file, or no senders to check.
 * @throws SignatureError ERR_SIGNATURE_INVALID when the block does not open
 */
export function checkSignature(decryption: Decryption, policy: DecryptionPolicy, block: Uint8Array | undefined): Promise<SenderCard> | undefined {
  if (block === undefined) return undefined;
  const content = openSignatureBlock(decryption.backend, decryption.signatureKey!, block);
  return policy.verifier?.verify(content, decryption.transcript!.digest());
}
