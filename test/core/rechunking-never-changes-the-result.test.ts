/**
 * fast-check: how bytes are cut into writes changes nothing. Any re-chunking of
 * the plaintext gives the same file (for fixed randomness), and any re-chunking
 * of the ciphertext decrypts to the same plaintext, on both backends.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { generateKeyPair, parsePrivateKey } from '../../lib/keys/keys.js';
import { encrypt } from '../../lib/oneshot.js';
import { C, MIB, decryptPiped, encryptPiped, expectSameBytes, fixedRandomness } from './support.js';

/** Piece sizes that often land on and around chunk and frame boundaries. */
const pieceSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: C - 20, max: C + 40 }), fc.constant(MIB)), { minLength: 1, maxLength: 12 });

describe('re-chunking never changes the result (fast-check)', () => {
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const bobOnNoble = parsePrivateKey(bob.privateKey.export(), { backend: 'noble' });

  it('any cut of the plaintext gives the same bytes, and any cut of the ciphertext decrypts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3 * C + 50 }), pieceSizes, pieceSizes, fc.nat(1000), async (plaintext, writes, reads, seed) => {
        const recipients = [alice.publicKey, bob.publicKey];
        const whole = await encryptPiped(recipients, plaintext, MIB, { chunkSize: C }, fixedRandomness(seed));
        const cut = await encryptPiped(recipients, plaintext, writes, { chunkSize: C }, fixedRandomness(seed));
        expectSameBytes(cut, whole, 'ciphertext');
        const { output, error } = await decryptPiped(bob.privateKey, cut, reads);
        expect(error).to.equal(undefined);
        expectSameBytes(output, plaintext, 'plaintext');
      }),
      { numRuns: 80 },
    );
  });

  it('the noble backend decrypts any cut of a node-made file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2 * C + 50 }), pieceSizes, async (plaintext, reads) => {
        const ciphertext = await encrypt(plaintext, [bob.publicKey], { chunkSize: C });
        const { output, error } = await decryptPiped(bobOnNoble, ciphertext, reads);
        expect(error).to.equal(undefined);
        expectSameBytes(output, plaintext, 'plaintext');
      }),
      { numRuns: 30 },
    );
  });
});
