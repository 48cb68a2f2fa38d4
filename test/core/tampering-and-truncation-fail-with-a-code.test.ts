/**
 * fast-check and exhaustive sweeps: any single altered byte anywhere in a file
 * (prefix, header, MAC or payload), and any truncation, makes decryption fail
 * with a CardsealError code from the table, never a TypeError or RangeError;
 * and whatever plaintext was released before the failure is a prefix of the
 * true plaintext.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { envelopeLength } from '../../lib/envelope.js';
import { type KeyPair, generateKeyPair } from '../../lib/keys/keys.js';
import { C, TAG, decryptPiped, encryptPiped, expectCode, expectSomeCode, isPrefixOf, patternBytes } from './support.js';

interface Sample {
  plaintext: Uint8Array;
  ciphertext: Uint8Array;
  /** Bytes before the payload. */
  envelope: number;
}

async function sealSample(length: number, recipients: KeyPair[]): Promise<Sample> {
  const plaintext = patternBytes(length, length);
  const ciphertext = await encryptPiped(recipients.map((r) => r.publicKey), plaintext, C, { chunkSize: C });
  const headerLength = new DataView(ciphertext.buffer, ciphertext.byteOffset).getUint32(12);
  return { plaintext, ciphertext, envelope: envelopeLength(headerLength) };
}

describe('tampering and truncation fail with a code (fast-check and sweeps)', () => {
  const reader = generateKeyPair();
  const others = [generateKeyPair(), generateKeyPair()];
  const samples: Sample[] = [];

  before(async () => {
    for (const [length, count] of [[1, 1], [C + 1, 2], [2 * C + 5, 3]] as const) {
      samples.push(await sealSample(length, [reader, ...others].slice(0, count)));
    }
  });

  /** Decrypts `bytes` as the reader and checks the failure and what was released before it. */
  async function expectFailure(sample: Sample, bytes: Uint8Array, readSize: number): Promise<string> {
    const { output, error } = await decryptPiped(reader.privateKey, bytes, readSize);
    const code = expectSomeCode(error);
    expect(isPrefixOf(output, sample.plaintext), `released ${output.length} bytes that are not a prefix of the plaintext`).to.equal(true);
    return code;
  }

  it('any single flipped byte anywhere fails with a code, releasing only a prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(samples.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom(1, 7, 100, C + TAG, 1 << 20), async (which, at, mask, readSize) => {
        const sample = samples[which]!;
        const bytes = sample.ciphertext.slice();
        bytes[at % bytes.length] ^= mask;
        await expectFailure(sample, bytes, readSize);
      }),
      { numRuns: 400 },
    );
  });

  it('every byte of a small file fails with a code when flipped, for low, high and full masks', async () => {
    const sample = samples[0]!;
    const seen = new Set<string>();
    for (let at = 0; at < sample.ciphertext.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bytes = sample.ciphertext.slice();
        bytes[at] ^= mask;
        seen.add(await expectFailure(sample, bytes, 64));
      }
    }
    // The sweep reaches every layer: magic, header structure, entries, MAC and payload.
    for (const code of ['ERR_HEADER_MAGIC', 'ERR_HEADER_CBOR', 'ERR_NO_MATCH', 'ERR_HEADER_MAC', 'ERR_PAYLOAD_AUTH']) expect([...seen]).to.include(code);
  });

  it('truncation fails with the code of where it was cut: every cut of a one-chunk file, and every cut near a two-chunk file\'s boundaries', async () => {
    const frame = C + TAG;
    const cases: [Sample, number][] = [];
    const [small, twoChunks] = [samples[0]!, samples[1]!];
    for (let cut = 0; cut < small.ciphertext.length; cut++) cases.push([small, cut]);
    // The whole envelope, and 40 bytes each side of every frame boundary; elsewhere a stride.
    for (let cut = 0; cut < twoChunks.ciphertext.length; cut++) {
      const intoPayload = cut - twoChunks.envelope;
      const nearBoundary = intoPayload < 40 || Math.abs(intoPayload - frame) < 40 || twoChunks.ciphertext.length - cut < 40;
      if (nearBoundary || cut % 61 === 0) cases.push([twoChunks, cut]);
    }
    for (const [sample, cut] of cases) {
      const code = await expectFailure(sample, sample.ciphertext.subarray(0, cut), 997);
      const intoPayload = cut - sample.envelope;
      if (intoPayload < 0) expect(code, `cut at ${cut}`).to.equal('ERR_HEADER_TRUNCATED');
      else if (intoPayload % frame === 0) expect(code, `cut at ${cut}`).to.equal('ERR_PAYLOAD_TRUNCATED');
      else expect(['ERR_PAYLOAD_TRUNCATED', 'ERR_PAYLOAD_AUTH'], `cut at ${cut}`).to.include(code);
    }
  });

  it('truncation at a random byte of a three-chunk file fails with a code, releasing only a prefix', async () => {
    const sample = samples[2]!;
    await fc.assert(
      fc.asyncProperty(fc.nat(sample.ciphertext.length - 1), fc.constantFrom(1, 13, C + TAG + 1, 1 << 20), async (cut, readSize) => {
        await expectFailure(sample, sample.ciphertext.subarray(0, cut), readSize);
      }),
      { numRuns: 150 },
    );
  });

  it('releases every whole chunk before a damaged one, and nothing of it', async () => {
    const sample = samples[2]!;
    const bytes = sample.ciphertext.slice();
    // Damage the last chunk: chunks 0 and 1 were sound and come out first.
    bytes[bytes.length - 1] ^= 1;
    const { output, error } = await decryptPiped(reader.privateKey, bytes, 1 << 20);
    expectCode(error, 'ERR_PAYLOAD_AUTH');
    expect(output.length).to.equal(2 * C);
    expect(isPrefixOf(output, sample.plaintext)).to.equal(true);
  });
});
