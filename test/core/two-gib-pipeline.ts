/**
 * Child program for memory-stays-bounded-over-2-gib.test.ts: pushes 2 GiB of
 * generated data through encryptFor → decryptWith in one stream.pipeline, and
 * prints one JSON line with the byte counts, the SHA-256 of what went in and of
 * what came out, and the peak resident set size.
 *
 * It runs in its own process so that the peak RSS is the pipeline's alone.
 * Run it by hand to see the figures: node <outDir>/test/core/two-gib-pipeline.js
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
// The stream modules, not the package entry: the entry also loads the directory
// client's HTTP stack (about 12 MiB of RSS at import), which is not the pipeline's.
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { encryptFor } from '../../lib/stream/encrypt.js';

const PIECE = 1 << 20;
const TOTAL = 2 ** 31;
// A ring of input buffers, rewritten in turn. Eight is far more than the source
// buffer, the encryptor's held-back chunk and the write in progress can hold at
// once, so no buffer is rewritten while the pipeline still reads it; it also keeps
// the generator from adding 2 GiB of its own garbage to the measurement.
const RING = Array.from({ length: 8 }, () => Buffer.alloc(PIECE));

const bob = generateKeyPair();
const inputHash = createHash('sha256');
const outputHash = createHash('sha256');
let produced = 0;
let received = 0;
let index = 0;

const source = new Readable({
  highWaterMark: PIECE,
  read() {
    if (produced >= TOTAL) {
      this.push(null);
      return;
    }
    // Each piece differs: its index in the first four bytes, then a byte pattern that moves with it.
    const piece = RING[index % RING.length]!.fill(index & 0xff);
    piece.writeUInt32BE(index++, 0);
    inputHash.update(piece);
    produced += piece.length;
    this.push(piece);
  },
});

const sink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    received += chunk.length;
    outputHash.update(chunk);
    callback();
  },
});

const started = performance.now();
await pipeline(source, encryptFor([bob.publicKey]), decryptWith(bob.privateKey), sink);
process.stdout.write(
  `${JSON.stringify({
    produced,
    received,
    inputSha256: inputHash.digest('hex'),
    outputSha256: outputHash.digest('hex'),
    // resourceUsage().maxRSS is in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    seconds: (performance.now() - started) / 1000,
  })}\n`,
);
