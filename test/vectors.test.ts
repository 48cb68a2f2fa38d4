/**
 * Runs every vector of spec/vectors (format in spec/vectors/README.md) four
 * ways: whole (one-shot decrypt), streamed in one write, and streamed one byte
 * per write on the node backend, and whole on the noble backend. Each run must
 * give the vector's exact outcome; on failure, whatever the stream released
 * must be a prefix of the true plaintext, and nothing at all before the header MAC
 * has verified (spec/format.md §7.4).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type BackendName, CardsealError, type DecryptOptions, ERROR_CODES, decrypt, decryptWith, parsePrivateKey } from '../lib/index.js';

/** This file is built to <outDir>/test/: two levels up is the repository root. */
const VECTORS_DIR = fileURLToPath(new URL('../../spec/vectors/', import.meta.url));
const MIN_VECTORS = 40;
/** Categories whose codes a decoder can raise, so each needs at least one vector. */
const DECODER_CATEGORIES = new Set(['HeaderError', 'NoMatchError', 'HeaderMacError', 'PayloadError', 'LimitError']);

interface Vector {
  name: string;
  description: string;
  expect: string;
  private_key: string;
  limits?: { max_header_bytes?: number; max_recipients?: number };
  file: string;
  plaintext_length?: number;
  plaintext_sha256?: string;
  plaintext?: string;
}

/** What one run gave: `success` or an error code, and every byte released. */
interface Outcome {
  result: string;
  released: Uint8Array;
}

function loadVectors(): { file: string; vector: Vector }[] {
  if (!existsSync(VECTORS_DIR)) return [];
  return readdirSync(VECTORS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(VECTORS_DIR + file, 'utf8')) as Vector }));
}

function optionsOf(vector: Vector): DecryptOptions {
  return { maxHeaderBytes: vector.limits?.max_header_bytes, maxRecipients: vector.limits?.max_recipients };
}

function resultOf(error: unknown): string {
  if (error instanceof CardsealError) return error.code;
  throw error;
}

async function decryptWhole(vector: Vector, backend: BackendName): Promise<Outcome> {
  const key = parsePrivateKey(vector.private_key, { backend });
  try {
    const plaintext = await decrypt(Buffer.from(vector.file, 'base64'), key, optionsOf(vector));
    return { result: 'success', released: plaintext };
  } catch (error) {
    return { result: resultOf(error), released: new Uint8Array(0) };
  }
}

/** Streams the file through decryptWith in writes of `writeSize` bytes, stopping at the first error. */
function decryptStreamed(vector: Vector, writeSize: number): Promise<Outcome> {
  const file = Buffer.from(vector.file, 'base64');
  const stream = decryptWith(vector.private_key, optionsOf(vector));
  const released: Buffer[] = [];
  stream.on('data', (part: Buffer) => released.push(part));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    stream.once('end', () => resolve({ result: 'success', released: Buffer.concat(released) }));
    stream.once('error', (error) => {
      try {
        resolve({ result: resultOf(error), released: Buffer.concat(released) });
      } catch (unexpected) {
        reject(unexpected);
      }
    });
  });
  for (let offset = 0; offset < file.length && !stream.destroyed; offset += writeSize) stream.write(file.subarray(offset, offset + writeSize));
  if (!stream.destroyed) stream.end();
  return outcome;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isPrefix(prefix: Uint8Array, of: Uint8Array): boolean {
  return prefix.length <= of.length && Buffer.compare(prefix, of.subarray(0, prefix.length)) === 0;
}

function assertOutcome(vector: Vector, outcome: Outcome): void {
  expect(outcome.result, vector.description).to.equal(vector.expect);
  if (vector.expect === 'success') {
    expect(outcome.released.length).to.equal(vector.plaintext_length);
    expect(sha256Hex(outcome.released)).to.equal(vector.plaintext_sha256);
    return;
  }
  if (!vector.expect.startsWith('ERR_PAYLOAD_')) {
    // Before the MAC verifies there is no payload key: nothing may have been released.
    expect(outcome.released.length, 'bytes released before a header failure').to.equal(0);
  }
  if (vector.plaintext !== undefined) {
    expect(isPrefix(outcome.released, Buffer.from(vector.plaintext, 'base64')), 'released bytes are a prefix of the plaintext').to.equal(true);
  }
}

const vectors = loadVectors();

describe('spec vectors', () => {
  it(`spec/vectors holds at least ${MIN_VECTORS} vectors`, () => {
    expect(vectors.length).to.be.at.least(MIN_VECTORS);
  });

  it('every vector is well formed and named after its file', () => {
    for (const { file, vector } of vectors) {
      expect(`${vector.name}.json`).to.equal(file);
      expect(vector.description).to.be.a('string').and.not.equal('');
      expect(vector.expect === 'success' || vector.expect in ERROR_CODES, `${file}: expect ${vector.expect}`).to.equal(true);
      expect(vector.private_key).to.match(/^CARDSEAL_SECRET1_[A-Z2-7]+$/);
      expect(Buffer.from(vector.file, 'base64').toString('base64')).to.equal(vector.file);
      if (vector.expect === 'success') {
        expect(vector.plaintext_length).to.be.a('number');
        expect(vector.plaintext_sha256).to.match(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('every error code a decoder can raise has a vector', () => {
    const covered = new Set(vectors.map((v) => v.vector.expect));
    const decoderCodes = Object.entries(ERROR_CODES).filter(([, [category]]) => DECODER_CATEGORIES.has(category)).map(([code]) => code);
    expect(decoderCodes.filter((code) => !covered.has(code))).to.deep.equal([]);
    expect(covered.has('success')).to.equal(true);
  });

  for (const { vector } of vectors) {
    describe(vector.name, () => {
      it('whole, node backend', async () => assertOutcome(vector, await decryptWhole(vector, 'node')));
      it('whole, noble backend', async () => assertOutcome(vector, await decryptWhole(vector, 'noble')));
      it('streamed in one write', async () => assertOutcome(vector, await decryptStreamed(vector, Number.MAX_SAFE_INTEGER)));
      it('streamed one byte per write', async () => assertOutcome(vector, await decryptStreamed(vector, 1)));
    });
  }
});
