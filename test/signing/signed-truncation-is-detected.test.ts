/**
 * A signed file cut short or extended anywhere near its end fails with a code
 * and never releases its final chunk (spec/format.md §9.5). A cut that removes
 * the whole signature block is ERR_PAYLOAD_TRUNCATED; a cut inside the block
 * reads as a damaged final chunk, ERR_PAYLOAD_AUTH, as a cut inside a chunk
 * does, unless fewer bytes than a tag remain before the block's place.
 */
import { expect } from 'chai';
import { concatBytes } from '../../lib/bytes.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt } from '../../lib/oneshot.js';
import { SIGNATURE_BLOCK_LENGTH, TAG_LENGTH } from '../../lib/stream/frame.js';
import { C, decryptPiped, expectCode, expectSomeCode, isPrefixOf, patternBytes } from '../core/support.js';
import { encryptSigned, makeSender, signatureBlockOf, withoutBlock } from './support.js';

describe('truncation and extension of signed files are detected (spec §9.5)', () => {
  const alice = makeSender('alice');
  const bob = generateKeyPair();
  const verifyWith = [alice.card];

  for (const length of [0, 7, C, C + 7, 2 * C + 100]) {
    it(`${length} bytes: every cut into the block fails without releasing the final chunk, read whole or byte by byte`, async () => {
      const plaintext = patternBytes(length, 40 + length);
      const file = await encryptSigned(alice, [bob.publicKey], plaintext);
      const finalChunkLength = length === 0 ? 0 : length % C || C;
      for (let cut = 1; cut <= SIGNATURE_BLOCK_LENGTH; cut++) {
        const { output, error } = await decryptPiped(bob.privateKey, file.subarray(0, file.length - cut), cut % 2 === 0 ? 1 : C, { verifyWith });
        const code = expectSomeCode(error);
        if (cut === SIGNATURE_BLOCK_LENGTH) expect(code).to.equal('ERR_PAYLOAD_TRUNCATED');
        // Fewer bytes than a tag left before the block's place reads as truncation; otherwise as a damaged final chunk.
        else expect(['ERR_PAYLOAD_AUTH', 'ERR_PAYLOAD_TRUNCATED']).to.include(code);
        if (cut === 1 && finalChunkLength > 0) expect(code).to.equal('ERR_PAYLOAD_AUTH');
        expect(isPrefixOf(output, plaintext)).to.equal(true);
        expect(output.length).to.be.at.most(length - finalChunkLength);
      }
      expectCode(await decrypt(withoutBlock(file), bob.privateKey).catch((e: unknown) => e), 'ERR_PAYLOAD_TRUNCATED');
    });
  }

  it('every cut into the final chunk and the block fails with a payload code and releases no final chunk', async () => {
    const plaintext = patternBytes(2 * C + 300, 2);
    const file = await encryptSigned(alice, [bob.publicKey], plaintext);
    for (let cut = SIGNATURE_BLOCK_LENGTH + 1; cut <= SIGNATURE_BLOCK_LENGTH + 300 + TAG_LENGTH; cut += 7) {
      const { output, error } = await decryptPiped(bob.privateKey, file.subarray(0, file.length - cut), C, { verifyWith });
      expect(['ERR_PAYLOAD_TRUNCATED', 'ERR_PAYLOAD_AUTH']).to.include(expectSomeCode(error));
      expect(isPrefixOf(output, plaintext)).to.equal(true);
      expect(output.length).to.be.at.most(2 * C);
    }
  });

  it('a cut at a chunk boundary, with the final chunk and the block gone, is ERR_PAYLOAD_TRUNCATED', async () => {
    const file = await encryptSigned(alice, [bob.publicKey], patternBytes(2 * C + 300, 3));
    const afterChunk1 = file.length - SIGNATURE_BLOCK_LENGTH - (300 + TAG_LENGTH);
    const { output, error } = await decryptPiped(bob.privateKey, file.subarray(0, afterChunk1), 1000, { verifyWith });
    expectCode(error, 'ERR_PAYLOAD_TRUNCATED');
    expect(output.length).to.equal(C);
  });

  it('a flipped byte of the block is ERR_SIGNATURE_INVALID, whether or not the reader verifies', async () => {
    const file = await encryptSigned(alice, [bob.publicKey], patternBytes(C + 1, 4));
    for (const offset of [0, 31, 32, 95, 96, 111]) {
      const damaged = file.slice();
      damaged[file.length - SIGNATURE_BLOCK_LENGTH + offset]! ^= 0x80;
      expectCode(await decrypt(damaged, bob.privateKey, { verifyWith }).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
      expectCode(await decrypt(damaged, bob.privateKey).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
    }
  });

  it('bytes after the block: ERR_PAYLOAD_TRAILING_DATA after a full final chunk, ERR_PAYLOAD_AUTH after a short one', async () => {
    const full = await encryptSigned(alice, [bob.publicKey], patternBytes(2 * C, 5));
    const short = await encryptSigned(alice, [bob.publicKey], patternBytes(C + 1, 5));
    for (const extra of [1, 200, C + 200]) {
      expectCode(await decrypt(concatBytes(full, new Uint8Array(extra)), bob.privateKey, { verifyWith }).catch((e: unknown) => e), 'ERR_PAYLOAD_TRAILING_DATA');
      expectCode(await decrypt(concatBytes(short, new Uint8Array(extra)), bob.privateKey, { verifyWith }).catch((e: unknown) => e), 'ERR_PAYLOAD_AUTH');
    }
  });

  it('two blocks, or the block of another file, are refused', async () => {
    const file = await encryptSigned(alice, [bob.publicKey], patternBytes(100, 6));
    const other = await encryptSigned(alice, [bob.publicKey], patternBytes(100, 6));
    expectCode(await decrypt(concatBytes(file, signatureBlockOf(file)), bob.privateKey, { verifyWith }).catch((e: unknown) => e), 'ERR_PAYLOAD_AUTH');
    expectCode(await decrypt(concatBytes(withoutBlock(file), signatureBlockOf(other)), bob.privateKey, { verifyWith }).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
  });
});
