/**
 * lib/keys/key-text.ts and the parsers in lib/keys/keys.ts: text forms carry a
 * versioned prefix and a checksum bound to that prefix (spec/format.md §2.1),
 * so a typo, a cut copy, a relabelled key or another version is caught before
 * the key is used.
 */
import { expect } from 'chai';
import { PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX } from '../../lib/keys/key-text.js';
import { generateKeyPair, parsePrivateKey, parsePublicKey } from '../../lib/keys/keys.js';
import { expectCode, thrownBy } from './support.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `text` with the character at `index` replaced by the next one in the alphabet, in the text's case. */
function withTypo(text: string, index: number): string {
  const upper = text === text.toUpperCase();
  const next = ALPHABET[(ALPHABET.indexOf(text[index]!.toLowerCase()) + 1) % ALPHABET.length]!;
  return text.slice(0, index) + (upper ? next.toUpperCase() : next) + text.slice(index + 1);
}

describe('key text forms (lib/keys/key-text.ts)', () => {
  const pair = generateKeyPair();
  const publicText = pair.publicKey.toString();
  const secretText = pair.privateKey.export();

  it('writes public keys as cardseal_pub1_ + lower-case base32 and reads them back', () => {
    expect(publicText.startsWith(PUBLIC_KEY_PREFIX)).to.equal(true);
    expect(publicText).to.equal(publicText.toLowerCase());
    expect(parsePublicKey(publicText).equals(pair.publicKey)).to.equal(true);
    expect(parsePublicKey(`  ${publicText}\n`).equals(pair.publicKey)).to.equal(true);
    expect(JSON.stringify({ key: pair.publicKey })).to.equal(JSON.stringify({ key: publicText }));
  });

  it('writes private keys as CARDSEAL_SECRET1_ + upper-case base32 and reads them back', () => {
    expect(secretText.startsWith(SECRET_KEY_PREFIX)).to.equal(true);
    expect(secretText).to.equal(secretText.toUpperCase());
    expect(parsePrivateKey(secretText).publicKey.equals(pair.publicKey)).to.equal(true);
  });

  it('catches a one-character typo anywhere in the body with ERR_KEY_CHECKSUM', () => {
    for (const [text, prefix, parse] of [
      [publicText, PUBLIC_KEY_PREFIX, parsePublicKey],
      [secretText, SECRET_KEY_PREFIX, parsePrivateKey],
    ] as const) {
      // The last character also holds spare bits, so a typo there may be a format error instead.
      for (let index = prefix.length; index < text.length - 1; index++) {
        expectCode(thrownBy(() => parse(withTypo(text, index))), 'ERR_KEY_CHECKSUM');
      }
      const last = thrownBy(() => parse(withTypo(text, text.length - 1)));
      expect(['ERR_KEY_CHECKSUM', 'ERR_KEY_FORMAT']).to.include((last as { code: string }).code);
    }
  });

  it('catches two swapped neighbouring characters with ERR_KEY_CHECKSUM', () => {
    const body = publicText.slice(PUBLIC_KEY_PREFIX.length);
    let index = 0;
    while (body[index] === body[index + 1]) index++;
    const swapped = body.slice(0, index) + body[index + 1] + body[index] + body.slice(index + 2);
    expectCode(thrownBy(() => parsePublicKey(PUBLIC_KEY_PREFIX + swapped)), 'ERR_KEY_CHECKSUM');
  });

  it('refuses a cut or extended copy with ERR_KEY_FORMAT', () => {
    expectCode(thrownBy(() => parsePublicKey(publicText.slice(0, -1))), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey(publicText.slice(0, -8))), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey(publicText + 'a')), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey(PUBLIC_KEY_PREFIX)), 'ERR_KEY_FORMAT');
  });

  it('refuses the wrong case and characters outside the alphabet with ERR_KEY_FORMAT', () => {
    const body = publicText.slice(PUBLIC_KEY_PREFIX.length);
    expectCode(thrownBy(() => parsePublicKey(PUBLIC_KEY_PREFIX + body.toUpperCase())), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePrivateKey(secretText.toLowerCase())), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey(PUBLIC_KEY_PREFIX + '1' + body.slice(1))), 'ERR_KEY_FORMAT');
  });

  it('names another key version ERR_KEY_FORMAT with a message about the version', () => {
    const error = thrownBy(() => parsePublicKey(publicText.replace('cardseal_pub1_', 'cardseal_pub2_')));
    expectCode(error, 'ERR_KEY_FORMAT');
    expect((error as Error).message).to.match(/version/);
    expectCode(thrownBy(() => parsePrivateKey(secretText.replace('SECRET1_', 'SECRET2_'))), 'ERR_KEY_FORMAT');
  });

  it('refuses a foreign prefix and a key of the other kind with ERR_KEY_FORMAT', () => {
    expectCode(thrownBy(() => parsePublicKey('age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq')), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey(secretText)), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePrivateKey(publicText)), 'ERR_KEY_FORMAT');
    expectCode(thrownBy(() => parsePublicKey('')), 'ERR_KEY_FORMAT');
  });

  it('binds the checksum to the prefix: a public body relabelled as a secret fails ERR_KEY_CHECKSUM', () => {
    // Both bodies are 64 bytes, so only the checksum can tell them apart.
    const relabelled = SECRET_KEY_PREFIX + publicText.slice(PUBLIC_KEY_PREFIX.length).toUpperCase();
    expectCode(thrownBy(() => parsePrivateKey(relabelled)), 'ERR_KEY_CHECKSUM');
  });

  it('throws TypeError for a non-string', () => {
    expect(thrownBy(() => parsePublicKey(42 as unknown as string))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => parsePrivateKey(undefined as unknown as string))).to.be.instanceOf(TypeError);
  });
});
