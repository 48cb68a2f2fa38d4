/**
 * The decrypting Transform (spec/format.md §7.4, the decoder rules; §9.5 for
 * signed files).
 *
 * It reads the prefix, checks the header length against its cap before
 * buffering the header, opens the envelope (MAC checked before any payload
 * byte), then opens chunks in order. A chunk's plaintext is pushed only after
 * its tag verifies. One sealed chunk is held back until more input proves it
 * is not the last; at the end of input the held chunk must open as the last.
 * After an error nothing more is pushed.
 *
 * A signed file ends with a fixed-size signature block, held back behind the
 * last chunk in the same way. When accepted senders are given, each chunk is
 * folded into the transcript as it opens and the signature is checked at the
 * end of input; 'end' comes only after it verifies, and by default the final
 * chunk's plaintext is held until then too.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { wipe } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { type DecryptOptions, type Decryption, type DecryptionPolicy, type Identities, checkSignature, decryptionPolicy, openDecryption, resolveIdentities } from '../decryption.js';
import { envelopeLength } from '../envelope.js';
import { HeaderError } from '../errors.js';
import { PREFIX_LENGTH, couldBeMagic, parsePrefix } from '../format/prefix.js';
import type { Header } from '../format/header.js';
import type { PrivateKey } from '../keys/keys.js';
import type { SenderCard } from '../signing/sender-card.js';
import { ARMOR_SNIFF_LENGTH, ArmorReader, detectArmor } from '../armor/armor.js';
import { ByteQueue } from './byte-queue.js';
import { STREAM_BUFFER_BYTES } from './stream-buffer.js';
import { openChunk } from './chunk-cipher.js';
import { type OpenedTail, openPayloadTail } from './payload-tail.js';
import { TAG_LENGTH } from './frame.js';

export type { DecryptOptions, Identities } from '../decryption.js';

type Phase = 'prefix' | 'envelope' | 'payload';

/** The decrypting Transform. Create it with {@link decryptWith}. */
export class DecryptStream extends Transform {
  readonly #privateKeys: readonly PrivateKey[];
  /** The backend of the key that opened the envelope; until then the first key's. */
  #backend: CryptoBackend;
  readonly #policy: DecryptionPolicy;
  readonly #queue = new ByteQueue();
  #phase: Phase = 'prefix';
  /** Undefined until the first bytes show whether the input is armored (spec §10); null for binary. */
  #dearmor: ArmorReader | null | undefined;
  #envelopeLength = 0;
  /** Set once the envelope has opened. */
  #decryption: Decryption | undefined;
  #frameLength = 0;
  /** Bytes held back until more input or the end: one frame, plus a signed file's signature block. */
  #holdBackLength = 0;
  #index = 0;
  #signer: SenderCard | undefined;

  constructor(privateKey: Identities, options: DecryptOptions = {}) {
    super({ readableHighWaterMark: STREAM_BUFFER_BYTES, writableHighWaterMark: STREAM_BUFFER_BYTES });
    const privateKeys = resolveIdentities(privateKey);
    this.#privateKeys = privateKeys;
    this.#backend = privateKeys[0]!.backend;
    this.#policy = decryptionPolicy(options, this.#backend);
  }

  /** The parsed header, once the envelope has been opened and its MAC verified. */
  get header(): Header | undefined {
    return this.#decryption?.header;
  }

  /** The card whose signature verified, once it has (before 'end'); undefined for an unverified file. */
  get signer(): SenderCard | undefined {
    return this.#signer;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#accept(chunk);
      this.#advance();
      callback();
    } catch (error) {
      this.#release();
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    let finalPlaintext: Uint8Array[];
    let verification: Promise<SenderCard> | undefined;
    try {
      this.#dearmor ??= null;
      this.#dearmor?.end();
      this.#advance();
      const tail = this.#openTail();
      finalPlaintext = tail.plaintext;
      verification = checkSignature(this.#decryption!, this.#policy, tail.block);
    } catch (error) {
      this.#release();
      callback(error as Error);
      return;
    }
    this.#release();
    if (verification === undefined) {
      this.#pushPlaintext(finalPlaintext);
      callback();
      return;
    }
    const hold = this.#policy.holdFinalChunk;
    if (!hold) this.#pushPlaintext(finalPlaintext);
    // The stream ends, or fails, only once the signature is settled (spec §9.5, rule S9).
    verification.then(
      (signer) => {
        if (this.destroyed) return;
        this.#signer = signer;
        this.emit('signer', signer);
        if (hold) this.#pushPlaintext(finalPlaintext);
        callback();
      },
      (error: Error) => {
        if (hold) wipe(...finalPlaintext);
        if (!this.destroyed) callback(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#release();
    callback(error);
  }

  /** Queues input, decoding armor when the first bytes are the BEGIN line (spec §10). */
  #accept(chunk: Uint8Array): void {
    if (this.#dearmor === undefined) {
      this.#queue.push(chunk);
      const verdict = detectArmor(this.#queue.peek(Math.min(this.#queue.length, ARMOR_SNIFF_LENGTH)));
      if (verdict === 'undecided') return;
      this.#dearmor = verdict === 'armor' ? new ArmorReader() : null;
      if (this.#dearmor === null) return;
      chunk = this.#queue.takeAll();
    }
    if (this.#dearmor === null) this.#queue.push(chunk);
    else for (const part of this.#dearmor.write(chunk)) this.#queue.push(part);
  }

  #advance(): void {
    // While armor detection waits for more bytes, the queue may hold armor text.
    if (this.#dearmor === undefined) return;
    if (this.#phase === 'prefix') {
      const head = this.#queue.peek(Math.min(this.#queue.length, PREFIX_LENGTH));
      // Bad magic fails on the first bytes that rule it out, before the prefix is complete.
      if (head.length < PREFIX_LENGTH && couldBeMagic(head)) return;
      this.#envelopeLength = envelopeLength(parsePrefix(head, this.#policy.maxHeaderBytes));
      this.#phase = 'envelope';
    }
    if (this.#phase === 'envelope') {
      if (this.#queue.length < this.#envelopeLength) return;
      const decryption = openDecryption(this.#queue.take(this.#envelopeLength), this.#privateKeys, this.#policy);
      this.#decryption = decryption;
      this.#backend = decryption.backend;
      this.#frameLength = decryption.chunkSize + TAG_LENGTH;
      this.#holdBackLength = this.#frameLength + decryption.signatureBlockLength;
      this.#phase = 'payload';
      this.emit('header', decryption.header);
    }
    // More than the hold-back queued: the first frame is certainly not the last.
    // The ciphertext is taken as views of the arrays it arrived in, never joined: a frame
    // (C + 16 bytes) nearly always spans two reads, and joining it was a copy per chunk.
    while (this.#queue.length > this.#holdBackLength) {
      const ciphertext = this.#queue.takeParts(this.#frameLength - TAG_LENGTH);
      this.#pushPlaintext(this.#open(ciphertext, this.#queue.take(TAG_LENGTH)));
    }
  }

  /** Opens what is left at the end of input: the final chunk, then a signed file's block (spec §7.4, §9.5). */
  #openTail(): OpenedTail {
    if (this.#phase !== 'payload') {
      throw new HeaderError('ERR_HEADER_TRUNCATED', 'input ended inside the header');
    }
    const decryption = this.#decryption!;
    const layout = { backend: this.#backend, payloadKey: decryption.payloadKey, index: this.#index, frameLength: this.#frameLength, signed: decryption.signatureBlockLength > 0 };
    const tail = openPayloadTail(layout, this.#queue.takeAll());
    decryption.transcript?.addChunk([tail.sealedFinal]);
    this.#index++;
    return tail;
  }

  #pushPlaintext(plaintext: Uint8Array[]): void {
    for (const piece of plaintext) if (piece.length > 0) this.push(piece);
  }

  #open(ciphertext: readonly Uint8Array[], tag: Uint8Array): Uint8Array[] {
    const decryption = this.#decryption!;
    const plaintext = openChunk(this.#backend, decryption.payloadKey, this.#index, false, ciphertext, tag);
    decryption.transcript?.addChunk([...ciphertext, tag]);
    this.#index++;
    return plaintext;
  }

  #release(): void {
    this.#queue.clear();
    this.#decryption?.wipe();
  }
}

/**
 * A Transform that decrypts a cardseal stream with `privateKey`: a PrivateKey,
 * its text form, or several of them (one per device), of which the one the
 * file is encrypted to is used, at the cost of one X25519 per key tried.
 * Plaintext is released chunk by chunk, each only after it authenticates;
 * truncation is detected at the end of input.
 *
 * With `verifyWith`, the sender's signature (spec §9) is checked at the end of
 * input: 'signer' is emitted with the card that signed, then the final chunk's
 * plaintext (held until then unless `holdFinalChunk: false`), then 'end'.
 * Every earlier chunk is released as it authenticates, before the signature
 * is known: a caller that must not act on unverified data waits for 'end'.
 * @throws RangeError for caps outside 1..hard limit, or requireSignature or
 *   holdFinalChunk without verifyWith; TypeError for a malformed verifyWith or key list;
 *   KeyError ERR_KEY_* for bad key text.
 *   Stream errors carry ERR_ARMOR_FORMAT (armored input is detected from its first
 *   bytes, spec §10), ERR_HEADER_*, ERR_LIMIT_*, ERR_NO_MATCH, ERR_HEADER_MAC,
 *   ERR_PAYLOAD_*, ERR_SIGNATURE_*, and from the card checks ERR_CARD_* and ERR_DIRECTORY_*.
 */
export function decryptWith(privateKey: Identities, options: DecryptOptions = {}): DecryptStream {
  return new DecryptStream(privateKey, options);
}
