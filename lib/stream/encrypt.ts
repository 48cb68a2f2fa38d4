/**
 * The encrypting Transform (spec/format.md §7): envelope first, then each
 * chunk of C plaintext bytes sealed in order, the last one flagged, and for a
 * signed file the sealed signature block over the transcript (§9).
 *
 * A chunk is sealed only once the Transform knows whether more input follows,
 * so it keeps at most C bytes plus the current write. Full chunks inside a
 * large write are sealed straight from the caller's buffer without a copy.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { wipe } from '../bytes.js';
import { type BackendName, type CryptoBackend, resolveBackend } from '../crypto/index.js';
import { type EnvelopeRandomness, drawRandomness, sealEnvelope } from '../envelope.js';
import { DEFAULT_CHUNK_EXPONENT } from '../format/limits.js';
import type { KeyPair, PrivateKey } from '../keys/keys.js';
import { type Recipient, resolveRecipients } from '../recipients/recipient.js';
import type { SenderCard } from '../signing/sender-card.js';
import { FileSigner } from '../signing/signer.js';
import { Transcript } from '../signing/transcript.js';
import { ArmorWriter } from '../armor/armor.js';
import { ByteQueue } from './byte-queue.js';
import { STREAM_BUFFER_BYTES } from './stream-buffer.js';
import { sealChunk } from './chunk-cipher.js';
import { chunkExponentOf } from './frame.js';

/** Options for {@link encryptFor}. */
export interface EncryptOptions {
  /** Plaintext bytes per chunk: a power of two from 4 KiB to 16 MiB. Default 64 KiB. */
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
}

/** The encrypting Transform. Create it with {@link encryptFor}. */
export class EncryptStream extends Transform {
  /** The envelope bytes (prefix ‖ header ‖ MAC) this stream writes first. */
  readonly envelope: Uint8Array;
  readonly chunkSize: number;
  readonly #backend: CryptoBackend;
  readonly #queue = new ByteQueue();
  /** Set when the output is armored: every pushed byte goes through it (spec §10). */
  readonly #armor: ArmorWriter | undefined;
  #payloadKey: Uint8Array;
  #fileKey: Uint8Array;
  #index = 0;
  // Signed files only (spec §9): both undefined on the unsigned path.
  readonly #signer: FileSigner | undefined;
  readonly #transcript: Transcript | undefined;
  readonly #signatureKey: Uint8Array | undefined;

  constructor(recipients: Iterable<Recipient>, options: EncryptOptions = {}, internals: EncryptInternals = {}) {
    super({ readableHighWaterMark: STREAM_BUFFER_BYTES, writableHighWaterMark: STREAM_BUFFER_BYTES });
    this.#backend = resolveBackend(options.backend);
    const chunkExponent = options.chunkSize === undefined ? DEFAULT_CHUNK_EXPONENT : chunkExponentOf(options.chunkSize);
    this.chunkSize = 2 ** chunkExponent;
    const signing = options.signWith !== undefined || options.senderCard !== undefined;
    this.#signer = signing ? new FileSigner(options.signWith, options.senderCard) : undefined;
    const sealed = sealEnvelope({
      backend: this.#backend,
      recipients: resolveRecipients(recipients),
      chunkExponent,
      signed: signing,
      randomness: internals.randomness ?? drawRandomness(this.#backend),
    });
    this.envelope = sealed.envelope;
    this.#payloadKey = sealed.payloadKey;
    this.#fileKey = sealed.fileKey;
    this.#signatureKey = sealed.signatureKey;
    this.#transcript = signing ? new Transcript(this.#backend, this.envelope) : undefined;
    this.#armor = options.armor === true ? new ArmorWriter() : undefined;
    this.#emit(this.envelope);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#queue.push(chunk);
    // Strictly more than one chunk queued: the first is certainly not the last.
    while (this.#queue.length > this.chunkSize) this.#seal(this.#queue.take(this.chunkSize), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    let failure: Error | undefined;
    try {
      this.#seal(this.#queue.takeAll(), true);
      if (this.#signer !== undefined) this.#emit(this.#signer.sealBlock(this.#backend, this.#signatureKey!, this.#transcript!.digest()));
      if (this.#armor !== undefined) this.push(this.#armor.end());
    } catch (error) {
      // Only signing can fail here: the signing key was destroyed while the stream ran.
      failure = error as Error;
    }
    this.#wipeKeys();
    callback(failure);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#queue.clear();
    this.#wipeKeys();
    callback(error);
  }

  #seal(plaintext: Uint8Array, last: boolean): void {
    const sealed = sealChunk(this.#backend, this.#payloadKey, this.#index++, last, plaintext);
    this.#transcript?.addChunk([sealed]);
    this.#emit(sealed);
  }

  #emit(bytes: Uint8Array): void {
    if (this.#armor === undefined) {
      this.push(bytes);
      return;
    }
    const text = this.#armor.write(bytes);
    if (text.length > 0) this.push(text);
  }

  #wipeKeys(): void {
    wipe(this.#payloadKey, this.#fileKey, this.#signatureKey);
  }
}

/**
 * A Transform that encrypts a byte stream to every recipient: public keys,
 * their text forms, or verified cards. Duplicate recipients fold into one entry.
 * Memory stays at about one chunk plus the current write, whatever the input size.
 *
 * With `signWith` and `senderCard` the file is signed (spec §9): the signature
 * covers the whole envelope and every chunk, and travels encrypted with the
 * sender's card id, so only recipients learn who sent the file.
 * @throws KeyError ERR_KEY_NO_RECIPIENTS, ERR_KEY_FORMAT, ERR_KEY_CHECKSUM, ERR_KEY_LOW_ORDER; CardError ERR_CARD_*;
 *   TypeError when only one of signWith and senderCard is given; RangeError when senderCard is not signWith's card
 */
export function encryptFor(recipients: Iterable<Recipient>, options: EncryptOptions = {}): EncryptStream {
  return new EncryptStream(recipients, options);
}
