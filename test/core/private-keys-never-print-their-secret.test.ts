/**
 * lib/keys/keys.ts: a PrivateKey shows only its public key however it is
 * printed or serialised, and destroy() makes every later use of the secret
 * throw RangeError, on both backends.
 */
import { expect } from 'chai';
import { format, inspect } from 'node:util';
import { toHex } from '../../lib/bytes.js';
import { encodeBase32 } from '../../lib/keys/base32.js';
import { PrivateKey, generateKeyPair, parsePrivateKey } from '../../lib/keys/keys.js';
import { decrypt, encrypt } from '../../lib/oneshot.js';
import { expectCode, thrownBy } from './support.js';

/** Every way the secret could show up in text: hex, base32 either case, the export form, each half alone. */
function secretForms(key: PrivateKey): string[] {
  const secret = key.exportSecretBytes();
  const halves = [secret.subarray(0, 32), secret.subarray(32)];
  const forms = [key.export(), toHex(secret), encodeBase32(secret), ...halves.map(toHex), ...halves.map((h) => Buffer.from(h).toString('base64'))];
  return [...forms, ...forms.map((f) => f.toUpperCase())];
}

describe('private keys (lib/keys/keys.ts)', () => {
  for (const backend of ['node', 'noble'] as const) {
    describe(`on the ${backend} backend`, () => {
      it('never print their secret through String, JSON.stringify, util.inspect or util.format', () => {
        const { privateKey, publicKey } = generateKeyPair({ backend });
        const printed = [
          String(privateKey),
          `${privateKey}`,
          JSON.stringify(privateKey),
          JSON.stringify({ nested: { privateKey } }),
          inspect(privateKey),
          inspect({ nested: [privateKey] }, { depth: 10 }),
          inspect(privateKey, { showHidden: true, depth: 10 }),
          inspect(privateKey, { customInspect: false, showHidden: true, depth: 10 }),
          format('%s %o %O %j', privateKey, privateKey, privateKey, privateKey),
          Object.keys(privateKey).join(','),
        ];
        for (const text of printed) {
          for (const form of secretForms(privateKey)) expect(text.includes(form), `printed form leaks: ${text.slice(0, 60)}`).to.equal(false);
        }
        expect(String(privateKey)).to.include(publicKey.toString());
      });

      it('throw RangeError on every use of the secret after destroy(), and destroy twice is harmless', async () => {
        const { privateKey, publicKey } = generateKeyPair({ backend });
        const ciphertext = await encrypt('before', [publicKey]);
        privateKey.destroy();
        privateKey.destroy();
        for (const use of [() => privateKey.sign(new Uint8Array(1)), () => privateKey.agreement(), () => privateKey.export(), () => privateKey.exportSecretBytes()]) {
          expect(thrownBy(use)).to.be.instanceOf(RangeError);
        }
        expect(await decrypt(ciphertext, privateKey).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
        // The public half stays usable and printable.
        expect(String(privateKey)).to.include(publicKey.toString());
      });

      it('hand out the secret only as a copy the caller owns', () => {
        const { privateKey } = generateKeyPair({ backend });
        const exported = privateKey.export();
        privateKey.exportSecretBytes().fill(0);
        expect(privateKey.export()).to.equal(exported);
        expect(parsePrivateKey(exported, { backend }).publicKey.equals(privateKey.publicKey)).to.equal(true);
      });
    });
  }

  it('refuses a secret of the wrong length with RangeError and a non-array with TypeError', () => {
    expect(thrownBy(() => new PrivateKey(new Uint8Array(31), new Uint8Array(32)))).to.be.instanceOf(RangeError);
    expect(thrownBy(() => new PrivateKey('secret' as unknown as Uint8Array, new Uint8Array(32)))).to.be.instanceOf(TypeError);
    expectCode(thrownBy(() => parsePrivateKey('CARDSEAL_SECRET1_AAAA')), 'ERR_KEY_FORMAT');
  });
});
