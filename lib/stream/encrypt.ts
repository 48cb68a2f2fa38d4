/**
 * The encrypting Transform (spec/format.md §7): envelope first, then each
 * chunk of C plaintext bytes sealed in order, the last one flagged.
 *
 * A chunk is sealed only once the Transform knows whether more input follows,
 * so it keeps at most C bytes plus the current write. Full chunks inside a
 * large write are sealed straight from the caller's buffer without a copy; the
 * ciphertext and tag are pushed as two arrays rather than concatenated.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { wipe } from '../bytes.js';
import { type BackendName, type CryptoBackend, resolveBackend } from '../crypto/index.js';
import { type EnvelopeRandomness, drawRandomness, sealEnvelope } from '../envelope.js';
import { DEFAULT_CHUNK_EXPONENT } from '../format/limits.js';
import { type Recipient, resolveRecipients } from '../recipients/recipient.js';
import { ByteQueue } from './byte-queue.js';
import { chunkExponentOf, chunkNonce } from './frame.js';

/** Options for {@link encryptFor}. */
export interface EncryptOptions {
  /** Plaintext bytes per chunk: a power of two from 4 KiB to 16 MiB. Default 64 KiB. */
  chunkSize?: number;
  /** Crypto backend. Default `node`. */
  backend?: BackendName | CryptoBackend;
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
  #payloadKey: Uint8Array;
  #fileKey: Uint8Array;
  #index = 0;

  constructor(recipients: Iterable<Recipient>, options: EncryptOptions = {}, internals: EncryptInternals = {}) {
    super();
    this.#backend = resolveBackend(options.backend);
    const chunkExponent = options.chunkSize === undefined ? DEFAULT_CHUNK_EXPONENT : chunkExponentOf(options.chunkSize);
    this.chunkSize = 2 ** chunkExponent;
    const sealed = sealEnvelope({
      backend: this.#backend,
      recipients: resolveRecipients(recipients),
      chunkExponent,
      signed: false,
      randomness: internals.randomness ?? drawRandomness(this.#backend),
    });
    this.envelope = sealed.envelope;
    this.#payloadKey = sealed.payloadKey;
    this.#fileKey = sealed.fileKey;
    this.push(this.envelope);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#queue.push(chunk);
    // Strictly more than one chunk queued: the first is certainly not the last.
    while (this.#queue.length > this.chunkSize) this.#seal(this.#queue.take(this.chunkSize), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#seal(this.#queue.takeAll(), true);
    this.#wipeKeys();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#queue.clear();
    this.#wipeKeys();
    callback(error);
  }

  #seal(plaintext: Uint8Array, last: boolean): void {
    const [ciphertext, tag] = this.#backend.sealParts(this.#payloadKey, chunkNonce(this.#index++, last), plaintext);
    if (ciphertext.length > 0) this.push(ciphertext);
    this.push(tag);
  }

  #wipeKeys(): void {
    wipe(this.#payloadKey, this.#fileKey);
  }
}

/**
 * A Transform that encrypts a byte stream to every recipient: public keys,
 * their text forms, or verified cards. Duplicate recipients fold into one entry.
 * Memory stays at about one chunk plus the current write, whatever the input size.
 * @throws KeyError ERR_KEY_NO_RECIPIENTS, ERR_KEY_FORMAT, ERR_KEY_CHECKSUM, ERR_KEY_LOW_ORDER; CardError ERR_CARD_*
 */
export function encryptFor(recipients: Iterable<Recipient>, options: EncryptOptions = {}): EncryptStream {
  return new EncryptStream(recipients, options);
}
