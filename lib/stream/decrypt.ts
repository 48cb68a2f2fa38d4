/**
 * The decrypting Transform (spec/format.md §7.4, the decoder rules).
 *
 * It reads the prefix, checks the header length against its cap before
 * buffering the header, opens the envelope (MAC checked before any payload
 * byte), then opens chunks in order. A chunk's plaintext is pushed only after
 * its tag verifies. One sealed chunk is held back until more input proves it
 * is not the last; at the end of input the held chunk must open as the last.
 * After an error nothing more is pushed.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { assertInteger, wipe } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { envelopeLength, openEnvelope } from '../envelope.js';
import { HeaderError, PayloadError } from '../errors.js';
import {
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_RECIPIENTS,
  type DecryptLimits,
  MAX_HEADER_BYTES,
  MAX_RECIPIENTS,
} from '../format/limits.js';
import { PREFIX_LENGTH, couldBeMagic, parsePrefix } from '../format/prefix.js';
import type { Header } from '../format/header.js';
import { PrivateKey, parsePrivateKey } from '../keys/keys.js';
import { ByteQueue } from './byte-queue.js';
import { TAG_LENGTH, chunkNonce } from './frame.js';

/** Options for {@link decryptWith}. */
export interface DecryptOptions extends DecryptLimits {}

type Phase = 'prefix' | 'envelope' | 'payload';

/** The decrypting Transform. Create it with {@link decryptWith}. */
export class DecryptStream extends Transform {
  readonly #privateKey: PrivateKey;
  readonly #backend: CryptoBackend;
  readonly #maxHeaderBytes: number;
  readonly #maxRecipients: number;
  readonly #queue = new ByteQueue();
  #phase: Phase = 'prefix';
  #envelopeLength = 0;
  #header: Header | undefined;
  #payloadKey: Uint8Array | undefined;
  #frameLength = 0;
  #index = 0;

  constructor(privateKey: PrivateKey, options: DecryptOptions = {}) {
    super();
    this.#privateKey = privateKey;
    this.#backend = privateKey.backend;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.#maxRecipients = options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS;
    assertInteger(this.#maxHeaderBytes, 'maxHeaderBytes', 1, MAX_HEADER_BYTES);
    assertInteger(this.#maxRecipients, 'maxRecipients', 1, MAX_RECIPIENTS);
  }

  /** The parsed header, once the envelope has been opened and its MAC verified. */
  get header(): Header | undefined {
    return this.#header;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#queue.push(chunk);
    try {
      this.#advance();
      callback();
    } catch (error) {
      this.#release();
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#advance();
      this.#finish();
      this.#release();
      callback();
    } catch (error) {
      this.#release();
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#release();
    callback(error);
  }

  #advance(): void {
    if (this.#phase === 'prefix') {
      if (!couldBeMagic(this.#queue.peek(Math.min(this.#queue.length, PREFIX_LENGTH)))) {
        parsePrefix(this.#queue.peek(Math.min(this.#queue.length, PREFIX_LENGTH)).slice(), this.#maxHeaderBytes);
      }
      if (this.#queue.length < PREFIX_LENGTH) return;
      this.#envelopeLength = envelopeLength(parsePrefix(this.#queue.peek(PREFIX_LENGTH), this.#maxHeaderBytes));
      this.#phase = 'envelope';
    }
    if (this.#phase === 'envelope') {
      if (this.#queue.length < this.#envelopeLength) return;
      const opened = openEnvelope(this.#queue.take(this.#envelopeLength), this.#privateKey, this.#maxRecipients);
      wipe(opened.fileKey);
      this.#header = opened.header;
      this.#payloadKey = opened.payloadKey;
      this.#frameLength = 2 ** opened.header.chunkExponent + TAG_LENGTH;
      this.#phase = 'payload';
      this.emit('header', opened.header);
    }
    // More than one frame queued: the first is certainly not the last.
    while (this.#queue.length > this.#frameLength) this.#open(this.#queue.take(this.#frameLength), false);
  }

  #finish(): void {
    if (this.#phase !== 'payload') {
      throw new HeaderError('ERR_HEADER_TRUNCATED', 'input ended inside the header');
    }
    const rest = this.#queue.length;
    if (rest < TAG_LENGTH) throw new PayloadError('ERR_PAYLOAD_TRUNCATED', `payload ended before its final chunk (chunk ${this.#index})`);
    this.#open(this.#queue.takeAll(), true);
  }

  #open(frame: Uint8Array, last: boolean): void {
    const split = frame.length - TAG_LENGTH;
    const ciphertext = frame.subarray(0, split);
    const tag = frame.subarray(split);
    const key = this.#payloadKey!;
    const plaintext = this.#backend.openParts(key, chunkNonce(this.#index, last), ciphertext, tag);
    if (plaintext === undefined) throw this.#diagnose(ciphertext, tag, last);
    // An empty last chunk is allowed only as the sole chunk (spec §7.2): one encoding per length.
    if (last && plaintext.length === 0 && this.#index > 0) {
      throw new PayloadError('ERR_PAYLOAD_EMPTY_CHUNK', `empty final chunk ${this.#index} after a full chunk`);
    }
    this.#index++;
    if (plaintext.length > 0) this.push(plaintext);
  }

  /** Names why a chunk failed, by trying the other flag: the answer tells truncation from extension. */
  #diagnose(ciphertext: Uint8Array, tag: Uint8Array, last: boolean): PayloadError {
    const index = this.#index;
    const otherFlag = this.#backend.openParts(this.#payloadKey!, chunkNonce(index, !last), ciphertext, tag);
    if (otherFlag !== undefined) {
      wipe(otherFlag);
      return last
        ? new PayloadError('ERR_PAYLOAD_TRUNCATED', `payload ended after chunk ${index}, which is not the final chunk`)
        : new PayloadError('ERR_PAYLOAD_TRAILING_DATA', `data follows the final chunk ${index}`);
    }
    return new PayloadError('ERR_PAYLOAD_AUTH', `chunk ${index} failed authentication (altered, reordered, or cut inside the chunk)`);
  }

  #release(): void {
    this.#queue.clear();
    wipe(this.#payloadKey);
  }
}

/**
 * A Transform that decrypts a cardseal stream with `privateKey` (a PrivateKey
 * or its text form). Plaintext is released chunk by chunk, each only after it
 * authenticates; truncation is detected at the end of input.
 * @throws RangeError for caps outside 1..hard limit. Stream errors carry
 *   ERR_HEADER_*, ERR_LIMIT_*, ERR_NO_MATCH, ERR_HEADER_MAC, ERR_PAYLOAD_*.
 */
export function decryptWith(privateKey: PrivateKey | string, options: DecryptOptions = {}): DecryptStream {
  const key = typeof privateKey === 'string' ? parsePrivateKey(privateKey) : privateKey;
  if (!(key instanceof PrivateKey)) throw new TypeError('privateKey must be a PrivateKey or a private key string');
  return new DecryptStream(key, options);
}
