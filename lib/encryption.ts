/**
 * What every encryption starts with, whichever way the payload then travels
 * (the Transform in lib/stream/encrypt.ts, or the file engine in lib/file/):
 * the options checked, the envelope sealed and the payload keys derived
 * (spec/format.md §4–§7.1), and for a signed file the signer (§9).
 */
import { wipe } from './bytes.js';
import { type BackendName, type CryptoBackend, resolveBackend } from './crypto/index.js';
import { type EnvelopeRandomness, drawRandomness, sealEnvelope } from './envelope.js';
import { DEFAULT_CHUNK_EXPONENT } from './format/limits.js';
import type { KeyPair, PrivateKey } from './keys/keys.js';
import { type Recipient, resolveRecipients } from './recipients/recipient.js';
import type { SenderCard } from './signing/sender-card.js';
import { FileSigner } from './signing/signer.js';
import { chunkExponentOf } from './stream/frame.js';

/** Options for {@link startEncryption}, and so for `encryptFor` and `encryptFile`. */
export interface EncryptOptions {
  /** Plaintext bytes per chunk: a power of two from 4 KiB to 16 MiB. Default 256 KiB. */
  chunkSize?: number;
  /** Crypto backend. Default `node`. */
  backend?: BackendName | CryptoBackend;
  /** Sign the file as its sender (spec §9) with this key; `senderCard` must be given too. */
  signWith?: PrivateKey | KeyPair;
  /** The sender's card, whose Ed25519 key must be the one of `signWith`. */
  senderCard?: SenderCard;
  /** Write the text armor (spec §10) instead of binary. Default false. */
  armor?: boolean;
}

/** Not part of the public API: fixed randomness for test vectors and backend comparisons. */
export interface EncryptInternals {
  randomness?: EnvelopeRandomness;
  /** An envelope already sealed for these recipients and options: a file job that falls back to a stream passes on its own. */
  encryption?: Encryption;
}

/** A sealed envelope and what the payload needs. {@link Encryption.wipe} clears the keys. */
export interface Encryption {
  backend: CryptoBackend;
  chunkSize: number;
  /** prefix ‖ header ‖ MAC, the first bytes of the file. */
  envelope: Uint8Array;
  payloadKey: Uint8Array;
  /** Set for a signed file only (spec §9.2). */
  signatureKey: Uint8Array | undefined;
  /** Set for a signed file only. */
  signer: FileSigner | undefined;
  wipe(): void;
}

/**
 * Checks the options, resolves the recipients and seals the envelope.
 * @throws KeyError ERR_KEY_NO_RECIPIENTS, ERR_KEY_FORMAT, ERR_KEY_CHECKSUM, ERR_KEY_LOW_ORDER; CardError ERR_CARD_*;
 *   TypeError when only one of signWith and senderCard is given; RangeError for a bad chunk size or
 *   backend, or when senderCard is not signWith's card
 */
export function startEncryption(recipients: Iterable<Recipient>, options: EncryptOptions, internals: EncryptInternals = {}): Encryption {
  const backend = resolveBackend(options.backend);
  const chunkExponent = options.chunkSize === undefined ? DEFAULT_CHUNK_EXPONENT : chunkExponentOf(options.chunkSize);
  const signing = options.signWith !== undefined || options.senderCard !== undefined;
  const signer = signing ? new FileSigner(options.signWith, options.senderCard) : undefined;
  const sealed = sealEnvelope({
    backend,
    recipients: resolveRecipients(recipients),
    chunkExponent,
    signed: signing,
    randomness: internals.randomness ?? drawRandomness(backend),
  });
  return {
    backend,
    chunkSize: 2 ** chunkExponent,
    envelope: sealed.envelope,
    payloadKey: sealed.payloadKey,
    signatureKey: sealed.signatureKey,
    signer,
    wipe: () => wipe(sealed.payloadKey, sealed.fileKey, sealed.signatureKey),
  };
}
