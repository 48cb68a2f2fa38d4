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
import type { CryptoBackend } from '../crypto/index.js';
import { type EncryptInternals, type EncryptOptions, type Encryption, startEncryption } from '../encryption.js';
import type { Recipient } from '../recipients/recipient.js';
import { Transcript } from '../signing/transcript.js';
import { ArmorWriter } from '../armor/armor.js';
import { ByteQueue } from './byte-queue.js';
import { STREAM_BUFFER_BYTES } from './stream-buffer.js';
import { sealChunk } from './chunk-cipher.js';

export type { EncryptOptions } from '../encryption.js';

/** The encrypting Transform. Create it with {@link encryptFor}. */
export class EncryptStream extends Transform {
  /** The envelope bytes (prefix ‖ header ‖ MAC) this stream writes first. */
  readonly envelope: Uint8Array;
  readonly chunkSize: number;
  readonly #backend: CryptoBackend;
  readonly #encryption: Encryption;
  readonly #queue = new ByteQueue();
  /** Set when the output is armored: every pushed byte goes through it (spec §10). */
  readonly #armor: ArmorWriter | undefined;
  #index = 0;
  /** Signed files only (spec §9): undefined on the unsigned path. */
  readonly #transcript: Transcript | undefined;

  constructor(recipients: Iterable<Recipient>, options: EncryptOptions = {}, internals: EncryptInternals = {}) {
    super({ readableHighWaterMark: STREAM_BUFFER_BYTES, writableHighWaterMark: STREAM_BUFFER_BYTES });
    this.#encryption = internals.encryption ?? startEncryption(recipients, options, internals);
    this.#backend = this.#encryption.backend;
    this.chunkSize = this.#encryption.chunkSize;
    this.envelope = this.#encryption.envelope;
    this.#transcript = this.#encryption.signer === undefined ? undefined : new Transcript(this.#backend, this.envelope);
    this.#armor = options.armor === true ? new ArmorWriter() : undefined;
    this.#emit(this.envelope);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#queue.push(chunk);
    // Strictly more than one chunk queued: the first is certainly not the last.
    // Taken as views of the writes it arrived in, never joined (see sealChunk).
    while (this.#queue.length > this.chunkSize) this.#seal(this.#queue.takeParts(this.chunkSize), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    let failure: Error | undefined;
    try {
      this.#seal(this.#queue.takeParts(this.#queue.length), true);
      const { signer, signatureKey } = this.#encryption;
      if (signer !== undefined) this.#emit(signer.sealBlock(this.#backend, signatureKey!, this.#transcript!.digest()));
      if (this.#armor !== undefined) this.push(this.#armor.end());
    } catch (error) {
      // Only signing can fail here: the signing key was destroyed while the stream ran.
      failure = error as Error;
    }
    this.#encryption.wipe();
    callback(failure);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#queue.clear();
    this.#encryption.wipe();
    callback(error);
  }

  #seal(plaintext: Uint8Array[], last: boolean): void {
    const sealed = sealChunk(this.#backend, this.#encryption.payloadKey, this.#index++, last, plaintext);
    this.#transcript?.addChunk(sealed);
    for (const piece of sealed) this.#emit(piece);
  }

  #emit(bytes: Uint8Array): void {
    if (this.#armor === undefined) {
      // The empty file's one chunk has no ciphertext, only its tag.
      if (bytes.length > 0) this.push(bytes);
      return;
    }
    const text = this.#armor.write(bytes);
    if (text.length > 0) this.push(text);
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
