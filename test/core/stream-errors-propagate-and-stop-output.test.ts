/**
 * Errors and destroy in lib/stream/encrypt.ts and decrypt.ts: an error reaches
 * stream.pipeline with its code, nothing more is delivered after it, errors
 * from the source or the sink tear the Transforms down, and destroy() mid-stream
 * is clean: 'close' comes last, later writes fail, keys are wiped, and the
 * caller's private key stays usable.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAllZero } from '../../lib/bytes.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt, encrypt } from '../../lib/oneshot.js';
import { DecryptStream, decryptWith } from '../../lib/stream/decrypt.js';
import { EncryptStream } from '../../lib/stream/encrypt.js';
import { C, TAG, expectCode, expectSameBytes, fixedRandomness, isPrefixOf, patternBytes, splitInto } from './support.js';

/** Records the events a stream emits, in order, plus each sink write, on one timeline. */
function recordEvents(stream: Transform, timeline: string[]): void {
  for (const name of ['error', 'close', 'end', 'finish']) stream.on(name, () => timeline.push(name));
}

function recordingSink(timeline: string[], parts: Uint8Array[]): Writable {
  return new Writable({
    write(chunk: Uint8Array, _encoding, callback) {
      timeline.push('write');
      parts.push(chunk);
      callback();
    },
  });
}

describe('stream errors propagate and stop output', () => {
  const bob = generateKeyPair();
  const plaintext = patternBytes(4 * C, 8);
  let ciphertext: Uint8Array;

  before(async () => {
    ciphertext = await encrypt(plaintext, [bob.publicKey], { chunkSize: C });
  });

  it('a damaged chunk rejects the pipeline with ERR_PAYLOAD_AUTH, and no data follows the error', async () => {
    const damaged = ciphertext.slice();
    const envelope = ciphertext.length - 4 * (C + TAG);
    damaged[envelope + 2 * (C + TAG) + 5] ^= 1;
    const timeline: string[] = [];
    const parts: Uint8Array[] = [];
    const decryptor = decryptWith(bob.privateKey);
    recordEvents(decryptor, timeline);
    const error = await pipeline(Readable.from(splitInto(damaged, 1000)), decryptor, recordingSink(timeline, parts)).catch((e: unknown) => e);
    expectCode(error, 'ERR_PAYLOAD_AUTH');
    const released = Buffer.concat(parts);
    expect(released.length).to.equal(2 * C);
    expect(isPrefixOf(released, plaintext)).to.equal(true);
    expect(timeline.slice(timeline.indexOf('error'))).to.not.include('write');
    expect(timeline.at(-1)).to.equal('close');
    expect(timeline).to.not.include('end');
  });

  it('a wrong key rejects with ERR_NO_MATCH before any byte is delivered', async () => {
    const timeline: string[] = [];
    const parts: Uint8Array[] = [];
    const error = await pipeline(Readable.from(splitInto(ciphertext, 7)), decryptWith(generateKeyPair().privateKey), recordingSink(timeline, parts)).catch((e: unknown) => e);
    expectCode(error, 'ERR_NO_MATCH');
    expect(parts).to.have.length(0);
  });

  it('a failing source rejects the pipeline with its own error and destroys the encryptor, wiping its file key', async () => {
    const randomness = fixedRandomness(3);
    const encryptor = new EncryptStream([bob.publicKey], { chunkSize: C }, { randomness });
    const failure = new Error('disk read failed');
    let reads = 0;
    const source = new Readable({
      read() {
        // Three pieces arrive, then the read fails mid-stream.
        if (++reads > 3) this.destroy(failure);
        else this.push(patternBytes(C, reads));
      },
    });
    const parts: Uint8Array[] = [];
    const error = await pipeline(source, encryptor, recordingSink([], parts)).catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(encryptor.destroyed).to.equal(true);
    expect(isAllZero(randomness.fileKey)).to.equal(true);
  });

  it('a failing sink rejects the pipeline with its error and destroys the decryptor', async () => {
    const failure = new Error('disk full');
    const decryptor = decryptWith(bob.privateKey);
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        callback(failure);
      },
    });
    const error = await pipeline(Readable.from(splitInto(ciphertext, C)), decryptor, sink).catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(decryptor.destroyed).to.equal(true);
  });

  it('destroy() on the encryptor mid-stream closes it cleanly: no error, no more data, later writes refused, key wiped', async () => {
    const randomness = fixedRandomness(4);
    const encryptor = new EncryptStream([bob.publicKey], { chunkSize: C }, { randomness });
    const timeline: string[] = [];
    recordEvents(encryptor, timeline);
    encryptor.on('data', () => timeline.push('data'));
    encryptor.write(patternBytes(3 * C));
    await new Promise((resolve) => setImmediate(resolve));
    encryptor.destroy();
    await once(encryptor, 'close');
    expect(timeline).to.not.include('error');
    expect(timeline.at(-1)).to.equal('close');
    expect(isAllZero(randomness.fileKey)).to.equal(true);
    const [writeError] = await new Promise<unknown[]>((resolve) => encryptor.write(Uint8Array.of(1), (...args) => resolve(args)));
    expect(writeError).to.have.property('code', 'ERR_STREAM_DESTROYED');
    expect(timeline.slice(timeline.indexOf('close'))).to.deep.equal(['close']);
  });

  it('destroy(error) on the decryptor mid-payload emits that error then close, and the private key still decrypts', async () => {
    const decryptor = new DecryptStream(bob.privateKey);
    const timeline: string[] = [];
    recordEvents(decryptor, timeline);
    const parts: Uint8Array[] = [];
    decryptor.on('data', (part: Uint8Array) => {
      timeline.push('data');
      parts.push(part);
    });
    decryptor.write(ciphertext.subarray(0, ciphertext.length - C));
    await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('caller gave up');
    decryptor.destroy(reason);
    const [error] = await once(decryptor, 'error');
    expect(error).to.equal(reason);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timeline.slice(timeline.indexOf('error'))).to.deep.equal(['error', 'close']);
    expect(isPrefixOf(Buffer.concat(parts), plaintext)).to.equal(true);
    expectSameBytes(await decrypt(ciphertext, bob.privateKey), plaintext, 'plaintext after destroy');
  });

  it('destroy() while the header is still arriving is clean too', async () => {
    const decryptor = new DecryptStream(bob.privateKey);
    const timeline: string[] = [];
    recordEvents(decryptor, timeline);
    decryptor.write(ciphertext.subarray(0, 20));
    decryptor.destroy();
    await once(decryptor, 'close');
    expect(timeline).to.deep.equal(['close']);
    expect(decryptor.header).to.equal(undefined);
  });
});
