/**
 * The node and noble backends are interchangeable on the wire: with the same
 * per-file randomness, `new EncryptStream(recipients, options, { randomness })`
 * writes byte-identical files on both, and each backend decrypts the other's.
 */
import { expect } from 'chai';
import { toHex } from '../../lib/bytes.js';
import { generateKeyPair, parsePrivateKey } from '../../lib/keys/keys.js';
import { C, MIB, decryptPiped, encryptPiped, expectSameBytes, fixedRandomness, patternBytes } from './support.js';

const LENGTHS = [0, 1, C - 1, C, C + 1, 3 * C + 7];

describe('backends write identical bytes for identical randomness', () => {
  const people = Array.from({ length: 3 }, () => generateKeyPair());
  const onNoble = people.map((p) => parsePrivateKey(p.privateKey.export(), { backend: 'noble' }));

  for (const recipients of [1, 3]) {
    for (const length of LENGTHS) {
      it(`${length} bytes to ${recipients} recipient${recipients > 1 ? 's' : ''}: same file from node and noble, each opens the other's`, async () => {
        const publicKeys = people.slice(0, recipients).map((p) => p.publicKey);
        const plaintext = patternBytes(length, length + recipients);
        const seed = length * 10 + recipients;
        const fromNode = await encryptPiped(publicKeys, plaintext, [7, C, 1], { chunkSize: C, backend: 'node' }, fixedRandomness(seed));
        const fromNoble = await encryptPiped(publicKeys, plaintext, MIB, { chunkSize: C, backend: 'noble' }, fixedRandomness(seed));
        expectSameBytes(fromNoble, fromNode, 'files from the two backends');
        for (const [i, nobleKey] of onNoble.slice(0, recipients).entries()) {
          const byNoble = await decryptPiped(nobleKey, fromNode, C + 17);
          const byNode = await decryptPiped(people[i]!.privateKey, fromNoble, 5);
          for (const { output, error } of [byNoble, byNode]) {
            expect(error).to.equal(undefined);
            expectSameBytes(output, plaintext, 'plaintext');
          }
        }
      });
    }
  }

  it('also at the default 64 KiB chunk size, over two chunks', async () => {
    const plaintext = patternBytes(65536 + 100, 5);
    const publicKeys = people.map((p) => p.publicKey);
    const fromNode = await encryptPiped(publicKeys, plaintext, MIB, { backend: 'node' }, fixedRandomness(5));
    const fromNoble = await encryptPiped(publicKeys, plaintext, 65536, { backend: 'noble' }, fixedRandomness(5));
    expectSameBytes(fromNoble, fromNode, 'files from the two backends');
    const { output, error } = await decryptPiped(onNoble[2]!, fromNode, MIB);
    expect(error).to.equal(undefined);
    expectSameBytes(output, plaintext, 'plaintext');
  });

  it('differs in every file when the randomness differs (the fixed randomness is what makes them equal)', async () => {
    const publicKeys = [people[0]!.publicKey];
    const a = await encryptPiped(publicKeys, patternBytes(10), 10, { chunkSize: C }, fixedRandomness(1));
    const b = await encryptPiped(publicKeys, patternBytes(10), 10, { chunkSize: C }, fixedRandomness(2));
    const c = await encryptPiped(publicKeys, patternBytes(10), 10, { chunkSize: C });
    expect(new Set([toHex(a), toHex(b), toHex(c)]).size).to.equal(3);
  });
});
