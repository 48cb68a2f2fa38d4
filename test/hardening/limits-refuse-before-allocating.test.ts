/**
 * Limits (spec/format.md §8) are refused from the declared numbers alone,
 * before the memory they would need is allocated: a header claiming 10^9
 * recipients, a 2 GiB header length, chunk exponents out of range, and
 * enormous CBOR counts. Each must fail with its code, at once, and with almost
 * no memory growth, even repeated many times.
 */
import { expect } from 'chai';
import { concatBytes } from '../../lib/bytes.js';
import { parseHeader } from '../../lib/format/header.js';
import { MAX_HEADER_BYTES, MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { PREFIX_LENGTH, encodePrefix } from '../../lib/format/prefix.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { type CborNode, readTree, writeTree } from '../fuzz/cbor-tree.js';
import { type SealedSample, replaceHeader, sealSample } from '../fuzz/corpus.js';
import { decryptInOneShot, decryptInPieces } from '../fuzz/decrypt-run.js';
import { watchProcessHealth } from './process-health.js';

/** Repetitions per attack and form. */
const REPEATS = 50;
/**
 * Growth of heap plus array buffers allowed across one refusal. An attempt
 * leaves a few MiB of garbage at most (streams fed in small pieces); the
 * smallest allocation any of these claims would need is 32 MiB (one chunk at
 * exponent 25), the others a GiB or more, measured before a later collection
 * could hide it.
 */
const MAX_GROWTH_BYTES = 16 * 2 ** 20;
/** Mean time allowed for one refusal on a busy machine. */
const MAX_MS_PER_CASE = 25;

function memoryInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Decrypts `bytes` REPEATS times in both forms and checks the code each time,
 * the memory growth across each attempt, and the mean time per attempt.
 */
async function expectPromptRefusal(sample: SealedSample, bytes: Uint8Array, code: string, options: { maxRecipients?: number; maxHeaderBytes?: number } = {}): Promise<void> {
  let largestGrowth = 0;
  const start = performance.now();
  for (let i = 0; i < REPEATS; i++) {
    for (const form of ['one-shot', 'streamed']) {
      const before = memoryInUse();
      const result = form === 'one-shot' ? await decryptInOneShot(bytes, sample.privateKey, options) : await decryptInPieces(bytes, sample.privateKey, [1 + (i % 64) * 16], options);
      largestGrowth = Math.max(largestGrowth, memoryInUse() - before);
      expect(result.error, form).to.have.property('code', code);
      expect(result.released.length, `${form} released bytes`).to.equal(0);
    }
  }
  expect((performance.now() - start) / (2 * REPEATS), 'mean ms per refusal').to.be.below(MAX_MS_PER_CASE);
  expect(largestGrowth, 'largest memory growth across one refusal').to.be.below(MAX_GROWTH_BYTES);
}

/** The header of `sample` with the node at `path` (indexes into arrays and map values) replaced. */
function headerWith(sample: SealedSample, path: number[], replace: (node: CborNode) => CborNode): Uint8Array {
  const root = readTree(sample.header);
  const parents: CborNode[] = [root];
  for (const step of path.slice(0, -1)) {
    const node = parents.at(-1)!;
    parents.push(node.kind === 'map' ? node.entries[step]![1] : node.kind === 'array' ? node.items[step]! : node);
  }
  const parent = parents.at(-1)!;
  const last = path.at(-1)!;
  if (parent.kind === 'map') parent.entries[last]![1] = replace(parent.entries[last]![1]);
  else if (parent.kind === 'array') parent.items[last] = replace(parent.items[last]!);
  return writeTree(root);
}

// The header map: 0 suite, 1 chunk exponent, 2 payload nonce, 3 stanzas; stanza 0 is [1, E, entries].
const CHUNK_EXPONENT = [1];
const STANZAS = [3];
const ENTRIES = [3, 0, 2];

describe('limits are refused before anything is allocated', () => {
  watchProcessHealth();
  let sample: SealedSample;

  before(async () => {
    sample = await sealSample({ name: 'limits', plaintextLength: 5000, chunkSize: 4096, recipients: 1 });
  });

  it('a header claiming 10^9 recipients fails ERR_LIMIT_RECIPIENTS, even with the cap at its hard maximum', async () => {
    for (const remac of [false, true]) {
      const header = headerWith(sample, ENTRIES, (entries) => ({ ...entries, declared: 1_000_000_000n }));
      const file = replaceHeader(sample, header, remac);
      await expectPromptRefusal(sample, file, 'ERR_LIMIT_RECIPIENTS');
      await expectPromptRefusal(sample, file, 'ERR_LIMIT_RECIPIENTS', { maxRecipients: MAX_RECIPIENTS });
    }
  });

  it('a 2 GiB header length fails ERR_LIMIT_HEADER_SIZE from the 16-byte prefix alone', async () => {
    for (const length of [2 ** 31, 2 ** 32 - 1, MAX_HEADER_BYTES + 1]) {
      const file = concatBytes(encodePrefix(length), sample.bytes.subarray(PREFIX_LENGTH));
      await expectPromptRefusal(sample, file, 'ERR_LIMIT_HEADER_SIZE', { maxHeaderBytes: MAX_HEADER_BYTES });
      // A stream refuses it as soon as the prefix is in, without waiting for (or buffering) more input.
      const stream = decryptWith(sample.privateKey);
      const failed = new Promise<unknown>((resolve) => stream.once('error', resolve));
      stream.write(encodePrefix(length));
      expect(await failed).to.have.property('code', 'ERR_LIMIT_HEADER_SIZE');
      expect(stream.destroyed).to.equal(true);
    }
  });

  it('a chunk exponent out of 12..24 fails ERR_LIMIT_CHUNK_SIZE, even under a valid MAC', async () => {
    for (const exponent of [0n, 11n, 25n, 64n, 1024n, 2n ** 32n - 1n, 2n ** 53n - 1n]) {
      const header = headerWith(sample, CHUNK_EXPONENT, () => ({ kind: 'int', major: 0, argument: exponent }));
      await expectPromptRefusal(sample, replaceHeader(sample, header, true), 'ERR_LIMIT_CHUNK_SIZE');
    }
  });

  it('an enormous CBOR array or map count fails ERR_LIMIT_RECIPIENTS, or ERR_HEADER_CBOR from 2^53 up (spec §3.2 rule 4 comes first)', async () => {
    const claims: [bigint, string][] = [
      [70_000n, 'ERR_LIMIT_RECIPIENTS'],
      [2n ** 32n - 1n, 'ERR_LIMIT_RECIPIENTS'],
      [2n ** 53n - 1n, 'ERR_LIMIT_RECIPIENTS'],
      [2n ** 53n, 'ERR_HEADER_CBOR'],
      [2n ** 64n - 1n, 'ERR_HEADER_CBOR'],
    ];
    for (const [count, code] of claims) {
      const stanzas = headerWith(sample, STANZAS, (node) => ({ ...node, declared: count }));
      const map: CborNode = { ...readTree(sample.header), declared: count };
      for (const header of [stanzas, writeTree(map)]) {
        expect(() => parseHeader(header, { maxRecipients: MAX_RECIPIENTS })).to.throw().with.property('code', code);
        await expectPromptRefusal(sample, replaceHeader(sample, header, true), code);
      }
    }
  });

  it('a byte string claiming 2^32 bytes fails ERR_HEADER_CBOR without reading past the header', async () => {
    const header = headerWith(sample, [2], (nonce) => ({ ...nonce, declared: 2n ** 32n }));
    await expectPromptRefusal(sample, replaceHeader(sample, header, true), 'ERR_HEADER_CBOR');
  });

  it('arrays nested 10,000 deep fail ERR_LIMIT_CBOR_DEPTH at the ninth level', async () => {
    const depth = 10_000;
    const nested = concatBytes(new Uint8Array(depth).fill(0x81), new Uint8Array([0x00]));
    // An extension field (key -1) holding the nest, appended to the header map.
    const map = readTree(sample.header);
    const header = concatBytes(writeTree({ ...map, declared: BigInt((map.kind === 'map' ? map.entries.length : 0) + 1) }), new Uint8Array([0x20]), nested);
    await expectPromptRefusal(sample, replaceHeader(sample, header, true), 'ERR_LIMIT_CBOR_DEPTH');
  });
});
