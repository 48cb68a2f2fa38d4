/**
 * lib/recipients/recipient.ts and x25519.ts, seen through encryptFor:
 * duplicates in any form fold into one entry (spec/format.md §5.1), and keys
 * that would make a file some recipient cannot open are refused with a code:
 * low-order points, non-canonical encodings, no recipients, too many.
 */
import { expect } from 'chai';
import { toHex } from '../../lib/bytes.js';
import { createCard } from '../../lib/cards/card.js';
import { MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { PublicKey, generateKeyPair, parsePublicKey } from '../../lib/keys/keys.js';
import { decrypt, encrypt } from '../../lib/oneshot.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { encryptFor } from '../../lib/stream/encrypt.js';
import { FIELD_PRIME_POINT, LOW_ORDER_POINTS, expectCode, hexBytes, strangerKeys, thrownBy } from './support.js';

/** p, p + 1 (and below, a key with the top bit set) are not canonical: their owner could never find the entry. */
const NON_CANONICAL_POINTS = [FIELD_PRIME_POINT, 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'];

function keyWithX25519(hex: string): PublicKey {
  return new PublicKey(hexBytes(hex), new Uint8Array(32));
}

describe('recipients (lib/recipients)', () => {
  const bob = generateKeyPair();
  const carol = generateKeyPair();

  it('folds one key given as an object, its text, a re-parsed copy and a card into one entry', async () => {
    const card = createCard(bob, { identity: 'bob@example.org', createdAt: 1_700_000_000 });
    const recipients = [bob.publicKey, bob.publicKey.toString(), parsePublicKey(bob.publicKey.toString()), card, bob.publicKey];
    const stream = encryptFor(recipients);
    stream.destroy();
    expect(stream.envelope.length + 16).to.equal(ciphertextSize(0, { recipients: 1 }));
    const ciphertext = await encrypt('hi', [...recipients, carol.publicKey, carol.publicKey.toString()]);
    expect(ciphertext.length).to.equal(ciphertextSize(2, { recipients: 2 }));
    for (const key of [bob, carol]) expect(new TextDecoder().decode(await decrypt(ciphertext, key.privateKey))).to.equal('hi');
  });

  it('accepts any iterable of recipients: a Set and a generator', async () => {
    expect((await encrypt('x', new Set([bob.publicKey, carol.publicKey]))).length).to.equal(ciphertextSize(1, { recipients: 2 }));
    function* both(): Generator<PublicKey> {
      yield bob.publicKey;
      yield carol.publicKey;
    }
    expect((await encrypt('x', both())).length).to.equal(ciphertextSize(1, { recipients: 2 }));
  });

  for (const backend of ['node', 'noble'] as const) {
    it(`refuses every low-order recipient key with ERR_KEY_LOW_ORDER (${backend})`, () => {
      for (const hex of LOW_ORDER_POINTS) {
        expectCode(thrownBy(() => encryptFor([bob.publicKey, keyWithX25519(hex)], { backend })), 'ERR_KEY_LOW_ORDER');
      }
    });

    it(`refuses non-canonical recipient encodings with ERR_KEY_FORMAT (${backend})`, () => {
      const highBit = bob.publicKey.x25519.slice();
      highBit[31] = highBit[31]! | 0x80;
      for (const hex of [...NON_CANONICAL_POINTS, toHex(highBit)]) {
        expectCode(thrownBy(() => encryptFor([keyWithX25519(hex)], { backend })), 'ERR_KEY_FORMAT');
      }
    });
  }

  it('refuses an empty list, an empty Set and an empty generator with ERR_KEY_NO_RECIPIENTS', () => {
    function* none(): Generator<PublicKey> {}
    for (const empty of [[], new Set<PublicKey>(), none()]) expectCode(thrownBy(() => encryptFor(empty)), 'ERR_KEY_NO_RECIPIENTS');
  });

  it('refuses more distinct recipients than any decoder accepts with ERR_LIMIT_RECIPIENTS, before wrapping', () => {
    const started = performance.now();
    expectCode(thrownBy(() => encryptFor(strangerKeys(MAX_RECIPIENTS + 1))), 'ERR_LIMIT_RECIPIENTS');
    // Wrapping 65,536 entries would take seconds; the refusal comes first.
    expect(performance.now() - started).to.be.below(2000);
  });

  it('refuses malformed key text with its key code, and other values with TypeError', () => {
    expectCode(thrownBy(() => encryptFor(['cardseal_pub1_tooshort'])), 'ERR_KEY_FORMAT');
    expect(thrownBy(() => encryptFor([42 as unknown as PublicKey]))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => encryptFor(bob.publicKey as unknown as PublicKey[]))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => encryptFor('cardseal_pub1_x' as unknown as string[]))).to.be.instanceOf(TypeError);
  });
});
