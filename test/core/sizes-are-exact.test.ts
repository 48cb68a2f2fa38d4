/**
 * lib/sizes.ts: ciphertextSize is exact before encrypting, for any length,
 * recipient count and chunk size, and plaintextSize inverts it, given the
 * envelope length alone (default chunks) or a {headerLength, chunkSize} layout.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { PREFIX_LENGTH } from '../../lib/format/prefix.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { encrypt } from '../../lib/oneshot.js';
import { ciphertextSize, headerLengthFor, plaintextSize } from '../../lib/sizes.js';
import { EncryptStream } from '../../lib/stream/encrypt.js';
import { MAC_LENGTH } from '../../lib/envelope.js';
import { SIGNATURE_BLOCK_LENGTH } from '../../lib/stream/frame.js';
import { C, TAG, expectCode, strangerKeys, thrownBy } from './support.js';

/** The envelope length (prefix ‖ header ‖ MAC) of a file to `recipients` with chunks of `chunkSize`. */
function envelopeOf(recipients: number, chunkSize?: number, signed = false): number {
  return ciphertextSize(0, { recipients, chunkSize, signed }) - TAG - (signed ? SIGNATURE_BLOCK_LENGTH : 0);
}

describe('sizes (lib/sizes.ts)', () => {
  const pool = Array.from({ length: 4 }, () => generateKeyPair().publicKey);

  it('predicts the exact length of real files for random lengths, recipient counts and chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(3 * C + 40), fc.integer({ min: 1, max: pool.length }), fc.integer({ min: 12, max: 14 }), async (length, recipients, exponent) => {
        const chunkSize = 2 ** exponent;
        const ciphertext = await encrypt(new Uint8Array(length), pool.slice(0, recipients), { chunkSize });
        expect(ciphertext.length).to.equal(ciphertextSize(length, { recipients, chunkSize }));
        const headerLength = envelopeOf(recipients, chunkSize);
        expect(plaintextSize(ciphertext.length, { headerLength, chunkSize })).to.equal(length);
      }),
      { numRuns: 60 },
    );
  });

  it('inverts with the default 64 KiB chunks from the envelope length alone', async () => {
    for (const length of [0, 1, 65535, 65536, 65537, 3 * 65536 + 7]) {
      const ciphertext = await encrypt(new Uint8Array(length), pool.slice(0, 2));
      expect(ciphertext.length).to.equal(ciphertextSize(length, { recipients: 2 }));
      expect(plaintextSize(ciphertext.length, envelopeOf(2))).to.equal(length);
    }
  });

  it('counts header bytes exactly where the CBOR entry-count head grows (23/24 and 255/256 recipients)', () => {
    for (const recipients of [1, 23, 24, 255, 256]) {
      const stream = new EncryptStream(strangerKeys(recipients, recipients));
      stream.destroy();
      expect(stream.envelope.length, `${recipients} recipients`).to.equal(PREFIX_LENGTH + headerLengthFor(recipients, 16, false) + MAC_LENGTH);
      expect(stream.envelope.length).to.equal(envelopeOf(recipients));
    }
  });

  it('round-trips arithmetically for lengths up to 2^44, any chunk size and up to 65,535 recipients, signed or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 44 }), fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 12, max: 24 }), fc.boolean(), (length, recipients, exponent, signed) => {
        const chunkSize = 2 ** exponent;
        const size = ciphertextSize(length, { recipients, chunkSize, signed });
        const layout = { headerLength: envelopeOf(recipients, chunkSize, signed), chunkSize, signed };
        expect(plaintextSize(size, layout)).to.equal(length);
        // One more plaintext byte costs one byte, or a byte and a tag when it starts a chunk.
        const grows = ciphertextSize(length + 1, { recipients, chunkSize, signed }) - size;
        expect(grows).to.equal(length > 0 && length % chunkSize === 0 ? 1 + TAG : 1);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every ciphertext length no plaintext has with ERR_PAYLOAD_TRUNCATED', () => {
    const headerLength = envelopeOf(1, C);
    const layout = { headerLength, chunkSize: C };
    const impossible = [0, headerLength - 1, headerLength, headerLength + TAG - 1, headerLength + C + TAG + 1, headerLength + 2 * (C + TAG) + TAG];
    for (const length of impossible) expectCode(thrownBy(() => plaintextSize(length, layout)), 'ERR_PAYLOAD_TRUNCATED');
  });

  it('throws RangeError or TypeError for caller mistakes', () => {
    for (const misuse of [
      () => ciphertextSize(-1),
      () => ciphertextSize(1, { recipients: 0 }),
      () => ciphertextSize(1, { recipients: 65_536 }),
      () => ciphertextSize(1, { chunkSize: 5000 }),
      () => ciphertextSize(Number.MAX_SAFE_INTEGER),
      () => plaintextSize(100_000, { headerLength: 200, chunkSize: 5000 }),
      () => plaintextSize(100_000, { headerLength: 200, chunkSize: 2 ** 25 }),
      () => plaintextSize(100_000, 0),
    ]) {
      expect(thrownBy(misuse), misuse.toString()).to.be.instanceOf(RangeError);
    }
    expect(thrownBy(() => ciphertextSize(1.5))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => plaintextSize('100' as unknown as number, 10))).to.be.instanceOf(TypeError);
  });
});
