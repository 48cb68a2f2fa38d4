/**
 * Backpressure (lib/stream/encrypt.ts, decrypt.ts): with a slow consumer, the
 * Transforms stop pulling input. Measured, not assumed: the bytes the source
 * has produced never run more than a few chunks ahead of what the consumer has
 * taken, and the Transforms' own buffers stay within their high-water marks
 * (lib/stream/stream-buffer.ts) and about one write.
 */
import { expect } from 'chai';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { encrypt } from '../../lib/oneshot.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { encryptFor } from '../../lib/stream/encrypt.js';
import { STREAM_BUFFER_BYTES } from '../../lib/stream/stream-buffer.js';
import { DEFAULT_CHUNK_EXPONENT } from '../../lib/format/limits.js';
import { MIB, TAG, patternBytes, splitInto } from './support.js';

const PIECE = 64 * 1024;
/** The default chunk: what a Transform holds while it fills one. */
const CHUNK = 2 ** DEFAULT_CHUNK_EXPONENT;
const TOTAL = 8 * MIB;

/** What a run through a slow consumer measured. */
interface Backpressure {
  /** Most bytes the source had produced beyond what the sink had received. */
  maxAhead: number;
  /** Most bytes waiting in the Transform's readable and writable buffers at once. */
  maxBuffered: number;
  delivered: number;
}

/** Pipes `pieces` through `transform` into a sink that takes one write per event-loop turn. */
async function measure(pieces: Uint8Array[], transform: Transform): Promise<Backpressure> {
  let produced = 0;
  let next = 0;
  const source = new Readable({
    highWaterMark: PIECE,
    read() {
      const piece = pieces[next++];
      if (piece !== undefined) produced += piece.length;
      this.push(piece ?? null);
    },
  });
  const result: Backpressure = { maxAhead: 0, maxBuffered: 0, delivered: 0 };
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Uint8Array, _encoding, callback) {
      result.delivered += chunk.length;
      result.maxAhead = Math.max(result.maxAhead, produced - result.delivered);
      result.maxBuffered = Math.max(result.maxBuffered, transform.readableLength + transform.writableLength);
      // A slow consumer: one write per turn of the event loop.
      setImmediate(callback);
    },
  });
  await pipeline(source, transform, sink);
  return result;
}

describe('streams respect backpressure', () => {
  const bob = generateKeyPair();
  const plaintext = patternBytes(TOTAL, 5);

  it('the encryptor does not run ahead of a slow consumer', async () => {
    const result = await measure([...splitInto(plaintext, PIECE)], encryptFor([bob.publicKey]));
    expect(result.delivered).to.be.greaterThan(TOTAL);
    // Source, Transform and sink buffers hold their high-water marks, the chunk being filled and a
    // piece or two, not the 8 MiB input.
    expect(result.maxAhead).to.be.below(2 * STREAM_BUFFER_BYTES + CHUNK + 4 * PIECE);
    // A sealed chunk is pushed whole, so the readable side may pass its mark by up to one chunk.
    expect(result.maxBuffered).to.be.below(2 * STREAM_BUFFER_BYTES + CHUNK + TAG + PIECE);
  });

  it('the decryptor does not run ahead of a slow consumer', async () => {
    const ciphertext = await encrypt(plaintext, [bob.publicKey]);
    const result = await measure([...splitInto(ciphertext, PIECE)], decryptWith(bob.privateKey));
    expect(result.delivered).to.equal(TOTAL);
    // The decryptor also holds back one sealed chunk until it knows whether it is the last.
    expect(result.maxAhead).to.be.below(2 * STREAM_BUFFER_BYTES + CHUNK + TAG + 4 * PIECE);
    expect(result.maxBuffered).to.be.below(2 * STREAM_BUFFER_BYTES + CHUNK + TAG + PIECE);
  });

  it('large writes stay bounded too: a few writes in flight, not the whole input', async () => {
    // Sixteen 2 MiB writes (32 MiB); the content does not matter here.
    const pieces = Array.from({ length: 16 }, () => plaintext.subarray(0, 2 * MIB));
    const result = await measure(pieces, encryptFor([bob.publicKey]));
    expect(result.delivered).to.be.greaterThan(32 * MIB);
    // One write waiting in the source, one in the Transform, one being consumed; the
    // Transform also fills its readable high-water mark before it stops.
    expect(result.maxAhead).to.be.at.most(3 * 2 * MIB + STREAM_BUFFER_BYTES + PIECE);
    expect(result.maxBuffered).to.be.at.most(2 * 2 * MIB + STREAM_BUFFER_BYTES + PIECE);
  });
});
