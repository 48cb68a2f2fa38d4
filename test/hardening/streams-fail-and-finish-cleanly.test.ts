/**
 * The Transforms under stream pressure: a slow consumer holds memory to a
 * bound (backpressure reaches the source); a source that fails mid-stream and
 * a consumer that gives up mid-stream tear the whole pipeline down with the
 * right error and leave nothing open; 100 concurrent streams, some tampered,
 * stay independent. The suite fails on any unhandled rejection or leaked handle.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { concatBytes } from '../../lib/bytes.js';
import { type PublicKey, generateKeyPair } from '../../lib/keys/keys.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { encryptFor } from '../../lib/stream/encrypt.js';
import { STREAM_BUFFER_BYTES } from '../../lib/stream/stream-buffer.js';
import { deterministicBytes } from '../fuzz/corpus.js';
import { encryptPiped, expectSameBytes, isPrefixOf, splitInto } from '../core/support.js';
import { decryptInOneShot } from '../fuzz/decrypt-run.js';
import { watchProcessHealth } from './process-health.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Yields `total` bytes of a repeating pattern in pieces of `piece`, counting what it has handed out. */
function countingSource(total: number, piece: number, counter: { produced: number }): Readable {
  return Readable.from(
    (function* generate() {
      for (let offset = 0; offset < total; offset += piece) {
        const bytes = new Uint8Array(Math.min(piece, total - offset)).fill(offset / piece);
        counter.produced += bytes.length;
        yield bytes;
      }
    })(),
  );
}

/** Yields `pieces`, then fails with `error`. */
function failingSource(pieces: Uint8Array[], error: Error): Readable {
  return Readable.from(
    (async function* generate() {
      for (const piece of pieces) {
        await nextTurn();
        yield piece;
      }
      throw error;
    })(),
  );
}

/** A sink that keeps what it receives. */
function collectingSink(): { sink: Writable; received: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk: Uint8Array, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return { sink, received: () => concatBytes(...parts) };
}

/** Encrypts `plaintext` through a pipeline, with 4 KiB chunks. */
function encryptWhole(plaintext: Uint8Array, recipient: PublicKey): Promise<Uint8Array> {
  return encryptPiped([recipient], plaintext, 64 * KIB, { chunkSize: 4 * KIB });
}


describe('streams fail and finish cleanly', () => {
  watchProcessHealth();
  const keys = generateKeyPair();

  it('a slow consumer holds the bytes in flight to a few chunks while 32 MiB pass through encrypt and decrypt', async function () {
    this.timeout(60_000);
    const total = 32 * MIB;
    const counter = { produced: 0 };
    let consumed = 0;
    let maxInFlight = 0;
    let writes = 0;
    const hash = createHash('sha256');
    const slowSink = new Writable({
      highWaterMark: 64 * KIB,
      write(chunk: Uint8Array, _encoding, callback) {
        consumed += chunk.length;
        hash.update(chunk);
        maxInFlight = Math.max(maxInFlight, counter.produced - consumed);
        // A consumer that takes a millisecond now and then: far slower than the crypto.
        if (++writes % 4 === 0) setTimeout(callback, 1);
        else callback();
      },
    });
    await pipeline(countingSource(total, 64 * KIB, counter), encryptFor([keys.publicKey]), decryptWith(keys.privateKey), slowSink);
    const expected = createHash('sha256');
    for (let offset = 0; offset < total; offset += 64 * KIB) expected.update(new Uint8Array(64 * KIB).fill(offset / (64 * KIB)));
    expect(consumed).to.equal(total);
    expect(hash.digest('hex')).to.equal(expected.digest('hex'));
    // Each stage buffers at most a chunk or two and its high-water marks (two per Transform);
    // without backpressure this would reach 32 MiB.
    expect(maxInFlight, 'bytes produced but not yet consumed').to.be.below(4 * STREAM_BUFFER_BYTES + 8 * 64 * KIB);
  });

  it('a source that fails mid-stream rejects the encrypting pipeline with its own error, and the cut output never decrypts', async () => {
    const failure = new Error('disk read failed');
    const encrypt = encryptFor([keys.publicKey], { chunkSize: 4 * KIB });
    const { sink, received } = collectingSink();
    const pieces = Array.from({ length: 5 }, (_, i) => deterministicBytes(`piece/${i}`, 3000));
    const error = await pipeline(failingSource(pieces, failure), encrypt, sink).catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(encrypt.destroyed).to.equal(true);
    expect(sink.destroyed).to.equal(true);
    // What was written before the failure is whole chunks without a final one: a cut file.
    const partial = await decryptInOneShot(received(), keys.privateKey);
    expect(partial.error).to.have.property('code', 'ERR_PAYLOAD_TRUNCATED');
  });

  it('a ciphertext source that fails mid-stream rejects the decrypting pipeline with its own error, after whole authentic chunks only', async () => {
    const plaintext = deterministicBytes('source-fails', 20 * KIB);
    const ciphertext = await encryptWhole(plaintext, keys.publicKey);
    const failure = new Error('connection reset');
    const decrypt = decryptWith(keys.privateKey);
    const { sink, received } = collectingSink();
    const error = await pipeline(failingSource([...splitInto(ciphertext.subarray(0, 13 * KIB), 1000)], failure), decrypt, sink).catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(decrypt.destroyed).to.equal(true);
    const released = received();
    expect(released.length % (4 * KIB)).to.equal(0);
    expect(released.length).to.be.at.most(12 * KIB);
    expect(isPrefixOf(released, plaintext)).to.equal(true);
  });

  it('a consumer that stops reading mid-stream destroys the decrypting stream and its source, and nothing stays open', async () => {
    const plaintext = deterministicBytes('consumer-stops', 64 * KIB);
    const ciphertext = await encryptWhole(plaintext, keys.publicKey);
    const source = Readable.from(splitInto(ciphertext, 2000));
    const decrypt = decryptWith(keys.privateKey);
    const closed = new Promise<void>((resolve) => decrypt.once('close', resolve));
    const taken: Uint8Array[] = [];
    const outcome = await pipeline(source, decrypt, async (stream: AsyncIterable<Uint8Array>) => {
      for await (const chunk of stream) {
        taken.push(chunk);
        if (taken.length === 3) break;
      }
    }).then(
      () => 'resolved',
      (error: unknown) => (error as { code?: string }).code,
    );
    await closed;
    expect(outcome).to.be.oneOf(['resolved', 'ERR_STREAM_PREMATURE_CLOSE']);
    expect(decrypt.destroyed).to.equal(true);
    expect(source.destroyed).to.equal(true);
    expect(isPrefixOf(concatBytes(...taken), plaintext)).to.equal(true);
  });

  it('a consumer that destroys the stream with an error fails both pipelines with that error', async () => {
    const plaintext = deterministicBytes('consumer-destroys', 40 * KIB);
    const ciphertext = await encryptWhole(plaintext, keys.publicKey);
    for (const side of ['decrypt', 'encrypt'] as const) {
      const failure = new Error(`${side} consumer gave up`);
      const stream = side === 'decrypt' ? decryptWith(keys.privateKey) : encryptFor([keys.publicKey], { chunkSize: 4 * KIB });
      const source = Readable.from(splitInto(side === 'decrypt' ? ciphertext : plaintext, 1500));
      let seen = 0;
      const sink = new Writable({
        write(chunk: Uint8Array, _encoding, callback) {
          seen += chunk.length;
          callback();
          if (seen > 8 * KIB) stream.destroy(failure);
        },
      });
      const error = await pipeline(source, stream, sink).catch((e: unknown) => e);
      expect(error, side).to.equal(failure);
      expect(source.destroyed, `${side} source destroyed`).to.equal(true);
      expect(sink.destroyed, `${side} sink destroyed`).to.equal(true);
    }
  });

  it('100 concurrent streams, ten of them tampered in flight, each decrypt to their own plaintext or fail alone', async function () {
    this.timeout(60_000);
    const streams = Array.from({ length: 100 }, (_, i) => ({
      keys: generateKeyPair(),
      plaintext: new Uint8Array(randomBytes((i * 7919) % (150 * KIB))),
      chunkSize: i % 2 === 0 ? 4 * KIB : 64 * KIB,
      tampered: i % 10 === 3,
    }));
    const results = await Promise.all(
      streams.map(async (s, i) => {
        const { sink, received } = collectingSink();
        // Flips one byte of the ciphertext past the envelope, as a faulty link would.
        let offset = 0;
        const link = new Transform({
          transform(chunk: Uint8Array, _encoding, callback) {
            const copy = Uint8Array.from(chunk);
            const target = 2000 - offset;
            if (s.tampered && target >= 0 && target < copy.length) copy[target] = copy[target]! ^ 0x01;
            offset += chunk.length;
            callback(null, copy);
          },
        });
        const source = Readable.from(
          (async function* pieces() {
            for (const piece of splitInto(s.plaintext, 1 + ((i * 131) % 9000))) {
              await nextTurn();
              yield piece;
            }
          })(),
        );
        const error = await pipeline(source, encryptFor([s.keys.publicKey], { chunkSize: s.chunkSize }), link, decryptWith(s.keys.privateKey), sink).catch((e: unknown) => e);
        return { error, released: received() };
      }),
    );
    results.forEach(({ error, released }, i) => {
      const s = streams[i]!;
      if (s.tampered) {
        expect(error, `stream ${i}`).to.have.property('code').that.is.oneOf(['ERR_HEADER_MAC', 'ERR_PAYLOAD_AUTH']);
        expect(isPrefixOf(released, s.plaintext), `stream ${i} released a prefix`).to.equal(true);
      } else {
        expect(error, `stream ${i}`).to.equal(undefined);
        expectSameBytes(released, s.plaintext, `stream ${i} plaintext`);
      }
    });
    // A file for one of them is no file for another.
    const ciphertext = await encryptWhole(streams[0]!.plaintext, streams[0]!.keys.publicKey);
    const crossed = await decryptInOneShot(ciphertext, streams[1]!.keys.privateKey);
    expect(crossed.error).to.have.property('code', 'ERR_NO_MATCH');
  });
});
