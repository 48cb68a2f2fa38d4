/**
 * lib/stream/frame.ts: nonces, chunk counts, payload lengths, offsets and the
 * inverse length function (spec/format.md §7), checked by value and against a
 * real ciphertext, where chunk k must open on its own at its computed offset.
 */
import { expect } from 'chai';
import { toHex } from '../../lib/bytes.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { LABELS, hkdf } from '../../lib/crypto/kdf.js';
import {
  LAST_CHUNK_FLAG,
  TAG_LENGTH,
  chunkCount,
  chunkExponentOf,
  chunkNonce,
  chunkOffset,
  payloadLength,
  plaintextLengthOf,
} from '../../lib/stream/frame.js';
import { C, encryptPiped, fixedRandomness, patternBytes, thrownBy } from './support.js';
import { generateKeyPair } from '../../lib/keys/keys.js';

describe('frame math (lib/stream/frame.ts)', () => {
  describe('chunkNonce', () => {
    it('is the 11-byte big-endian index followed by the last-chunk flag', () => {
      expect(toHex(chunkNonce(0, false))).to.equal('000000000000000000000000');
      expect(toHex(chunkNonce(0, true))).to.equal('000000000000000000000001');
      expect(toHex(chunkNonce(1, false))).to.equal('000000000000000000000100');
      expect(toHex(chunkNonce(0x0102, true))).to.equal('000000000000000000010201');
      expect(LAST_CHUNK_FLAG).to.equal(1);
    });

    it('carries indices past 2^32 into the high bytes, up to 2^53 − 1', () => {
      expect(toHex(chunkNonce(2 ** 32, false))).to.equal('000000000000010000000000');
      expect(toHex(chunkNonce(2 ** 32 + 5, true))).to.equal('000000000000010000000501');
      expect(toHex(chunkNonce(Number.MAX_SAFE_INTEGER, true))).to.equal('000000001fffffffffffff01');
    });

    it('gives distinct nonces to every (index, flag) pair around the 32-bit boundary', () => {
      const seen = new Set<string>();
      for (const base of [0, 255, 65535, 2 ** 32 - 2]) {
        for (let i = base; i < base + 4; i++) for (const last of [false, true]) seen.add(toHex(chunkNonce(i, last)));
      }
      expect(seen.size).to.equal(4 * 4 * 2);
    });
  });

  describe('chunkExponentOf', () => {
    it('accepts every power of two from 4 KiB to 16 MiB', () => {
      for (let k = 12; k <= 24; k++) expect(chunkExponentOf(2 ** k)).to.equal(k);
    });

    it('throws RangeError for sizes out of range or not a power of two, TypeError for non-integers', () => {
      for (const bad of [2048, 4095, 6000, 2 ** 25, 0, -4096]) expect(thrownBy(() => chunkExponentOf(bad))).to.be.instanceOf(RangeError);
      for (const bad of [4096.5, Number.NaN, '4096' as unknown as number]) expect(thrownBy(() => chunkExponentOf(bad))).to.be.instanceOf(TypeError);
    });
  });

  describe('chunkCount and payloadLength', () => {
    it('counts one chunk for the empty plaintext and one more for each started chunk', () => {
      const cases: [number, number][] = [[0, 1], [1, 1], [C - 1, 1], [C, 1], [C + 1, 2], [3 * C, 3], [3 * C + 7, 4]];
      for (const [length, chunks] of cases) {
        expect(chunkCount(length, C), `chunkCount(${length})`).to.equal(chunks);
        expect(payloadLength(length, C), `payloadLength(${length})`).to.equal(length + TAG_LENGTH * chunks);
      }
    });
  });

  describe('plaintextLengthOf', () => {
    it('inverts payloadLength for lengths around every boundary', () => {
      for (const base of [0, C, 2 * C, 5 * C]) {
        for (let delta = -2; delta <= 2; delta++) {
          const length = base + delta;
          if (length < 0) continue;
          expect(plaintextLengthOf(payloadLength(length, C), C), `length ${length}`).to.equal(length);
        }
      }
    });

    it('rejects every sealed length no plaintext produces', () => {
      const frame = C + TAG_LENGTH;
      // Shorter than one tag; a short last frame without a byte; an empty last chunk after full ones.
      const impossible = [0, 1, TAG_LENGTH - 1, frame + 1, frame + TAG_LENGTH - 1, frame + TAG_LENGTH, 2 * frame + TAG_LENGTH, 3 * frame + 5];
      for (const sealed of impossible) expect(plaintextLengthOf(sealed, C), `sealed ${sealed}`).to.equal(undefined);
      expect(plaintextLengthOf(TAG_LENGTH, C)).to.equal(0);
      expect(plaintextLengthOf(frame + TAG_LENGTH + 1, C)).to.equal(C + 1);
    });

    it('has exactly one preimage per length: the sealed lengths of 0..3C+1 are distinct and all invert', () => {
      const seen = new Map<number, number>();
      for (let length = 0; length <= 3 * C + 1; length++) {
        const sealed = payloadLength(length, C);
        expect(seen.has(sealed)).to.equal(false);
        seen.set(sealed, length);
      }
      for (let sealed = 0; sealed <= payloadLength(3 * C + 1, C); sealed++) {
        expect(plaintextLengthOf(sealed, C)).to.equal(seen.get(sealed));
      }
    });
  });

  describe('chunkOffset', () => {
    it('is index × (C + 16) from the start of the payload', () => {
      expect(chunkOffset(0, C)).to.equal(0);
      expect(chunkOffset(3, C)).to.equal(3 * (C + TAG_LENGTH));
      expect(chunkOffset(2, 65536)).to.equal(2 * 65552);
    });

    it('locates chunk k of a real file so that it opens alone with nonce k (seeking)', async () => {
      const bob = generateKeyPair();
      const plaintext = patternBytes(3 * C + 7, 11);
      const randomness = fixedRandomness(11);
      const payloadKey = hkdf(nodeBackend, randomness.fileKey, randomness.payloadNonce, LABELS.payload, 32);
      const ciphertext = await encryptPiped([bob.publicKey], plaintext, C, { chunkSize: C }, randomness);
      const payload = ciphertext.subarray(ciphertext.length - payloadLength(plaintext.length, C));
      const chunks = chunkCount(plaintext.length, C);
      for (let k = 0; k < chunks; k++) {
        const last = k === chunks - 1;
        const start = chunkOffset(k, C);
        const sealed = payload.subarray(start, last ? payload.length : start + C + TAG_LENGTH);
        const opened = nodeBackend.open(payloadKey, chunkNonce(k, last), sealed);
        expect(opened, `chunk ${k}`).to.deep.equal(plaintext.subarray(k * C, Math.min((k + 1) * C, plaintext.length)));
      }
    });
  });
});
