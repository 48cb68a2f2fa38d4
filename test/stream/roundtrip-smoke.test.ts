import { expect } from 'chai';
import { ciphertextSize, decrypt, encrypt, generateKeyPair } from '../../lib/index.js';

describe('round trip (smoke)', () => {
  it('three recipients each decrypt a short message, and a stranger gets ERR_NO_MATCH', async () => {
    const keys = [generateKeyPair(), generateKeyPair(), generateKeyPair({ backend: 'noble' })];
    const ciphertext = await encrypt('Hey Bob', keys.map((k) => k.publicKey));
    expect(ciphertext.length).to.equal(ciphertextSize(7, { recipients: 3 }));
    for (const key of keys) expect(new TextDecoder().decode(await decrypt(ciphertext, key.privateKey))).to.equal('Hey Bob');
    const error = await decrypt(ciphertext, generateKeyPair().privateKey).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERR_NO_MATCH');
  });
});
