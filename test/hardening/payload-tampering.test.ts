/**
 * Payload attacks (spec/format.md §7.4): flipped bits, swapped, duplicated,
 * dropped and spliced chunks, truncation at every offset of the last two
 * chunks, and appended data. Each fails with its code, in one shot and as a
 * stream, and the stream releases exactly the chunks before the damage.
 */
import { expect } from 'chai';
import { concatBytes } from '../../lib/bytes.js';
import { expectSameBytes } from '../core/support.js';
import { type SealedSample, sealSample } from '../fuzz/corpus.js';
import { checkEveryBitFlip, sealThreeChunkFile } from '../fuzz/bit-flips.js';
import { type DecryptResult, decryptInOneShot, decryptInPieces } from '../fuzz/decrypt-run.js';
import { expectCut, frameLength, splitFrames } from '../fuzz/expectations.js';
import { watchProcessHealth } from './process-health.js';

/** Decrypts `bytes` both ways and checks the code and the exact bytes the stream released. */
async function expectFailure(sample: SealedSample, bytes: Uint8Array, code: string, releasedChunks: number, pieceSize = 1000): Promise<void> {
  const results: [string, DecryptResult][] = [
    ['one-shot', await decryptInOneShot(bytes, sample.privateKey)],
    ['streamed', await decryptInPieces(bytes, sample.privateKey, [pieceSize])],
  ];
  for (const [form, result] of results) {
    expect(result.error, `${form} error`).to.have.property('code', code);
    const released = form === 'one-shot' ? 0 : releasedChunks * sample.chunkSize;
    expectSameBytes(result.released, sample.plaintext.subarray(0, released), `${form} released bytes`);
  }
}

function withPayload(sample: SealedSample, frames: Uint8Array[]): Uint8Array {
  return concatBytes(sample.bytes.subarray(0, sample.envelopeLength), ...frames);
}

/**
 * What bytes after the final chunk give: a full final chunk has a known end, so
 * the extra is trailing data; a short one absorbs the extra and fails its tag (spec §7.4).
 */
function trailingCode(sample: SealedSample): string {
  return (sample.bytes.length - sample.envelopeLength) % frameLength(sample) === 0 ? 'ERR_PAYLOAD_TRAILING_DATA' : 'ERR_PAYLOAD_AUTH';
}

/** Cuts `sample` at each offset and checks the code and the released chunks the cut dictates. */
async function expectCuts(sample: SealedSample, cuts: Iterable<number>): Promise<void> {
  for (const cut of cuts) {
    const expected = expectCut(sample, cut);
    // Piece sizes move with the cut, so the stream sees every split.
    await expectFailure(sample, sample.bytes.subarray(0, cut), expected.codes[0]!, expected.releasedChunks, 1 + (cut % 3000));
  }
}

describe('payload tampering', () => {
  watchProcessHealth();
  /** Two full chunks and a 1,000-byte last chunk. */
  let short: SealedSample;
  /** Three full chunks: the last one is as long as the others. */
  let full: SealedSample;

  before(async () => {
    short = await sealThreeChunkFile();
    full = await sealSample({ name: 'three-full-chunks', plaintextLength: 3 * 4096, chunkSize: 4096, recipients: 1 });
  });

  it('every bit flip of the envelope, and of chunk edges, tags and every 97th payload bit, fails with its code and releases only earlier chunks', async function () {
    this.timeout(120_000);
    const report = await checkEveryBitFlip({ payloadStride: 97 });
    expect(report.failures).to.deep.equal([]);
    expect(report.cases).to.be.greaterThan(3000);
    for (const code of ['ERR_HEADER_MAGIC', 'ERR_HEADER_VERSION', 'ERR_HEADER_CBOR', 'ERR_NO_MATCH', 'ERR_HEADER_MAC', 'ERR_PAYLOAD_AUTH']) {
      expect(report.codes, code).to.have.property(code).greaterThan(0);
    }
  });

  it('swapped chunks fail ERR_PAYLOAD_AUTH at the first moved chunk', async () => {
    for (const sample of [full, short]) {
      const frames = splitFrames(sample);
      for (const [i, j] of [[0, 1], [1, 2], [0, 2]] as const) {
        const swapped = [...frames];
        [swapped[i], swapped[j]] = [frames[j]!, frames[i]!];
        await expectFailure(sample, withPayload(sample, swapped), 'ERR_PAYLOAD_AUTH', i);
      }
    }
  });

  it('a duplicated chunk fails ERR_PAYLOAD_AUTH after it; a duplicated final chunk reads as trailing data when full', async () => {
    for (const sample of [full, short]) {
      const frames = splitFrames(sample);
      for (let i = 0; i < frames.length; i++) {
        const duplicated = [...frames.slice(0, i + 1), frames[i]!, ...frames.slice(i + 1)];
        const last = i === frames.length - 1;
        await expectFailure(sample, withPayload(sample, duplicated), last ? trailingCode(sample) : 'ERR_PAYLOAD_AUTH', last ? i : i + 1);
      }
      await expectFailure(sample, withPayload(sample, [...frames, ...frames]), trailingCode(sample), frames.length - 1);
    }
  });

  it('a dropped chunk, and chunks spliced from another file to the same key, fail ERR_PAYLOAD_AUTH', async () => {
    const frames = splitFrames(full);
    await expectFailure(full, withPayload(full, [frames[0]!, frames[2]!]), 'ERR_PAYLOAD_AUTH', 1);
    // Same recipient, same plaintext, another file: its payload key differs, so no chunk carries over.
    const other = await sealSample({ name: 'three-full-chunks-again', plaintextLength: 3 * 4096, chunkSize: 4096, recipients: 1 });
    const otherFrames = splitFrames(other);
    const spliced = concatBytes(full.bytes.subarray(0, full.envelopeLength), frames[0]!, otherFrames[1]!, frames[2]!);
    await expectFailure(full, spliced, 'ERR_PAYLOAD_AUTH', 1);
  });

  it('truncation at every byte offset of the last two chunks fails with the code the cut dictates', async function () {
    this.timeout(120_000);
    const start = short.envelopeLength + frameLength(short);
    await expectCuts(short, Array.from({ length: short.bytes.length - start }, (_, i) => start + i));
  });

  it('truncation around every chunk boundary of a file whose final chunk is full fails with the code the cut dictates', async () => {
    const near = new Set<number>();
    for (let boundary = full.envelopeLength; boundary <= full.bytes.length; boundary += frameLength(full)) {
      for (let d = -20; d <= 20; d++) if (boundary + d >= full.envelopeLength && boundary + d < full.bytes.length) near.add(boundary + d);
    }
    await expectCuts(full, near);
  });

  it('truncation inside the envelope fails ERR_HEADER_TRUNCATED and releases nothing', async () => {
    for (let cut = 0; cut < short.envelopeLength; cut++) await expectFailure(short, short.bytes.subarray(0, cut), 'ERR_HEADER_TRUNCATED', 0, 7);
  });

  it('appended data fails ERR_PAYLOAD_TRAILING_DATA after a full final chunk, and ERR_PAYLOAD_AUTH after a short one', async () => {
    const lastFrame = (sample: SealedSample): Uint8Array => splitFrames(sample).at(-1)!;
    for (const extra of [new Uint8Array(1), new Uint8Array(15).fill(0xaa), new Uint8Array(16), new Uint8Array(4112).fill(7), lastFrame(full), short.bytes]) {
      for (const sample of [full, short]) await expectFailure(sample, concatBytes(sample.bytes, extra), trailingCode(sample), 2);
    }
  });
});
