/**
 * Runs every vector of spec/vectors (format in spec/vectors/README.md) six
 * ways: whole (one-shot decrypt), streamed in one write, and streamed one byte
 * per write on the node backend, whole on the noble backend, and from a file
 * with decryptFile in the calling thread alone and on two worker threads alone. Each run must
 * give the vector's exact outcome, and for a signed file verified against its
 * `senders` report exactly the vector's `signer`. On failure, whatever the
 * stream released must be a prefix of the true plaintext, nothing at all
 * before the header MAC has verified (spec/format.md §7.4), and never the
 * final chunk of a signed file whose signature failed (§9.5). decryptFile
 * must leave no output file at all on failure.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  type BackendName,
  CardsealError,
  type DecryptOptions,
  ERROR_CODES,
  type ErrorCode,
  decrypt,
  decryptAndVerify,
  decryptFile,
  decryptWith,
  importCard,
  parsePrivateKey,
} from '../lib/index.js';
// Type-only: erased when built, so the generator's main() never runs here.
import type { VectorFile } from '../spec/generate-vectors.js';
import { isPrefixOf } from './core/support.js';
import { CALLING_THREAD_ALONE, type Crew, WORKERS_ALONE, crewOptions } from './file/crews.js';

/** This file is built to <outDir>/test/: two levels up is the repository root. */
const VECTORS_DIR = fileURLToPath(new URL('../../spec/vectors/', import.meta.url));
const MIN_VECTORS = 40;
/** Categories whose codes a decoder can raise, so each needs at least one vector. */
const DECODER_CATEGORIES = new Set(['HeaderError', 'NoMatchError', 'HeaderMacError', 'PayloadError', 'LimitError', 'SignatureError']);
/**
 * Only a directory can say that a card was revoked, and a vector names its
 * senders as a list of cards: test/signing/revoked-signers-are-refused.test.ts
 * covers this code instead.
 */
const CODES_WITHOUT_VECTORS: readonly ErrorCode[] = ['ERR_SIGNATURE_SIGNER_REVOKED'];
/** Raised at S1 of spec/format.md §9.5, before any payload byte is opened. */
const BEFORE_PAYLOAD_SIGNATURE_CODES: readonly string[] = ['ERR_SIGNATURE_MISSING'];

/** What one run gave: `success` or an error code, every byte released, and the id of the card reported as signer. */
interface Outcome {
  result: string;
  released: Uint8Array;
  signer?: string;
}

function loadVectors(): { file: string; vector: VectorFile }[] {
  if (!existsSync(VECTORS_DIR)) return [];
  return readdirSync(VECTORS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(VECTORS_DIR + file, 'utf8')) as VectorFile }));
}

function optionsOf(vector: VectorFile): DecryptOptions {
  const limits = { maxHeaderBytes: vector.limits?.max_header_bytes, maxRecipients: vector.limits?.max_recipients };
  return vector.senders === undefined ? limits : { ...limits, verifyWith: vector.senders.map((text) => importCard(text)) };
}

function resultOf(error: unknown): string {
  if (error instanceof CardsealError) return error.code;
  throw error;
}

async function decryptWhole(vector: VectorFile, backend: BackendName): Promise<Outcome> {
  const key = parsePrivateKey(vector.private_key, { backend });
  const file = Buffer.from(vector.file, 'base64');
  const options = optionsOf(vector);
  try {
    if (options.verifyWith === undefined) return { result: 'success', released: await decrypt(file, key, options) };
    const { plaintext, signer } = await decryptAndVerify(file, key, { ...options, verifyWith: options.verifyWith });
    return { result: 'success', released: plaintext, signer: signer.id };
  } catch (error) {
    return { result: resultOf(error), released: new Uint8Array(0) };
  }
}

/** Streams the file through decryptWith in writes of `writeSize` bytes, stopping at the first error. */
function decryptStreamed(vector: VectorFile, writeSize: number): Promise<Outcome> {
  const file = Buffer.from(vector.file, 'base64');
  const stream = decryptWith(vector.private_key, optionsOf(vector));
  const released: Buffer[] = [];
  stream.on('data', (part: Buffer) => released.push(part));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    stream.once('end', () => resolve({ result: 'success', released: Buffer.concat(released), ...(stream.signer === undefined ? {} : { signer: stream.signer.id }) }));
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

/** Decrypts the file with decryptFile from a real file to a real file; a failure must leave no output behind. */
async function decryptFromFile(vector: VectorFile, dir: string, crew: Crew): Promise<Outcome> {
  const input = join(dir, `${vector.name}.cardseal`);
  const output = join(dir, `${vector.name}-${crew.threads}.out`);
  writeFileSync(input, Buffer.from(vector.file, 'base64'));
  try {
    const { signer } = await decryptFile(input, output, vector.private_key, { ...optionsOf(vector), ...crewOptions(crew) });
    return { result: 'success', released: readFileSync(output), ...(signer === undefined ? {} : { signer: signer.id }) };
  } catch (error) {
    const left = readdirSync(dir).filter((name) => name === `${vector.name}-${crew.threads}.out` || name.startsWith(`.${vector.name}-${crew.threads}.out.`));
    expect(left, 'files left by a failed decryptFile').to.deep.equal([]);
    return { result: resultOf(error), released: new Uint8Array(0) };
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True for the codes raised once payload chunks have been opened: payload failures and a signature that fails at the end. */
function isAfterPayloadCode(code: string): boolean {
  return code.startsWith('ERR_PAYLOAD_') || (code.startsWith('ERR_SIGNATURE_') && !BEFORE_PAYLOAD_SIGNATURE_CODES.includes(code));
}

function assertOutcome(vector: VectorFile, outcome: Outcome): void {
  expect(outcome.result, vector.description).to.equal(vector.expect);
  if (vector.expect === 'success') {
    expect(outcome.released.length).to.equal(vector.plaintext_length);
    expect(sha256Hex(outcome.released)).to.equal(vector.plaintext_sha256);
    expect(outcome.signer, 'the card reported as signer').to.equal(vector.signer);
    return;
  }
  if (!isAfterPayloadCode(vector.expect)) {
    // Before the MAC verifies there is no payload key, and S1 refuses before the payload: nothing may have been released.
    expect(outcome.released.length, 'bytes released before the payload').to.equal(0);
  }
  if (vector.plaintext !== undefined) {
    const plaintext = Buffer.from(vector.plaintext, 'base64');
    expect(isPrefixOf(outcome.released, plaintext), 'released bytes are a prefix of the plaintext').to.equal(true);
    if (vector.expect.startsWith('ERR_SIGNATURE_') && plaintext.length > 0) {
      // The final chunk is held until the signature verifies (spec/format.md §9.5, S5 and S9).
      expect(outcome.released.length, 'bytes released of a file whose signature failed').to.be.below(plaintext.length);
    }
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
      if (vector.senders !== undefined) {
        expect(vector.senders.length, `${file}: senders`).to.be.above(0);
        for (const text of vector.senders) expect(importCard(text).export(), `${file}: a sender card in its canonical text form`).to.equal(text);
      }
      // A signer is named exactly when a verifying decoder must report one.
      expect(vector.signer !== undefined, `${file}: signer`).to.equal(vector.expect === 'success' && vector.senders !== undefined);
      if (vector.signer !== undefined) expect(vector.senders!.map((text) => importCard(text).id)).to.include(vector.signer);
    }
  });

  it('every error code a decoder can raise has a vector', () => {
    const covered = new Set(vectors.map((v) => v.vector.expect));
    const decoderCodes = Object.entries(ERROR_CODES)
      .filter(([code, [category]]) => DECODER_CATEGORIES.has(category) && !CODES_WITHOUT_VECTORS.includes(code as ErrorCode))
      .map(([code]) => code);
    expect(decoderCodes.filter((code) => !covered.has(code))).to.deep.equal([]);
    expect(covered.has('success')).to.equal(true);
  });

  it('signed files are covered: verified successes with a signer, and a signed file read without verifying', () => {
    const signed = vectors.map((v) => v.vector).filter((v) => v.name.startsWith('signed-'));
    expect(signed.filter((v) => v.signer !== undefined).length).to.be.at.least(2);
    expect(signed.some((v) => v.expect === 'success' && v.senders === undefined)).to.equal(true);
  });

  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardseal-vectors-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { vector } of vectors) {
    describe(vector.name, () => {
      it('whole, node backend', async () => assertOutcome(vector, await decryptWhole(vector, 'node')));
      it('whole, noble backend', async () => assertOutcome(vector, await decryptWhole(vector, 'noble')));
      it('streamed in one write', async () => assertOutcome(vector, await decryptStreamed(vector, Number.MAX_SAFE_INTEGER)));
      it('streamed one byte per write', async () => assertOutcome(vector, await decryptStreamed(vector, 1)));
      it('from a file, in the calling thread', async () => assertOutcome(vector, await decryptFromFile(vector, dir, CALLING_THREAD_ALONE)));
      it('from a file, on two worker threads alone', async () => assertOutcome(vector, await decryptFromFile(vector, dir, WORKERS_ALONE)));
    });
  }
});
