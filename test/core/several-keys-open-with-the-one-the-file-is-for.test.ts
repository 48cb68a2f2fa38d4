import { expect } from 'chai';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { decryptPiped, encryptPiped, expectCode, expectSameBytes, patternBytes, runPipeline, thrownBy } from './support.js';

describe('decryptWith several keys', () => {
  const laptop = generateKeyPair();
  const phone = generateKeyPair();
  const stranger = generateKeyPair();
  const plaintext = patternBytes(20_000, 11);

  it('uses whichever key the file is for, wherever it stands in the list', async () => {
    const ciphertext = await encryptPiped([phone.publicKey], plaintext, 4096, { chunkSize: 4096 });
    for (const keys of [[stranger.privateKey, phone.privateKey], [phone.privateKey, stranger.privateKey], [laptop.privateKey.export(), stranger.privateKey, phone.privateKey.export()]]) {
      const { output, error } = await runPipeline(ciphertext, 1000, decryptWith(keys));
      expect(error).to.equal(undefined);
      expectSameBytes(output, plaintext);
    }
  });

  it('fails with ERR_NO_MATCH naming how many keys were tried when none is for the file', async () => {
    const ciphertext = await encryptPiped([phone.publicKey], plaintext, 4096);
    const several = await runPipeline(ciphertext, 4096, decryptWith([laptop.privateKey, stranger.privateKey]));
    expectCode(several.error, 'ERR_NO_MATCH');
    expect((several.error as Error).message).to.equal('the file is not encrypted to any of the 2 given keys');
    const one = await decryptPiped(stranger.privateKey, ciphertext, 4096);
    expectCode(one.error, 'ERR_NO_MATCH');
    expect((one.error as Error).message).to.equal('the file is not encrypted to the given key');
  });

  it('does not move on to the next key when the header itself is bad', async () => {
    const ciphertext = await encryptPiped([phone.publicKey, laptop.publicKey], plaintext, 4096);
    // The last byte of the header MAC: every key that finds its entry must refuse the file.
    const altered = ciphertext.slice();
    const macEnd = 16 + new DataView(altered.buffer).getUint32(12) + 32;
    altered[macEnd - 1]! ^= 1;
    const { output, error } = await runPipeline(altered, 4096, decryptWith([phone.privateKey, laptop.privateKey]));
    expectCode(error, 'ERR_HEADER_MAC');
    expect(output.length).to.equal(0);
  });

  it('refuses an empty list or a value that is not a key with TypeError', () => {
    for (const keys of [[], [phone.privateKey, 42 as never]]) {
      const error = thrownBy(() => decryptWith(keys));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.equal('privateKey must be a PrivateKey, a private key string, or a non-empty array of them');
    }
  });
});
