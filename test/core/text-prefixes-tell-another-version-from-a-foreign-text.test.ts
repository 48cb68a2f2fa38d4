/**
 * lib/format/text-prefix.ts: every text form opens with a versioned prefix
 * (keys: spec/format.md §2.1; cards and revocations: spec/directory.md §2.5),
 * checked in one place. Each form refuses another version of itself and a
 * foreign text with its own code, and the message says which of the two it met.
 */
import { expect } from 'chai';
import { createCard, importCard } from '../../lib/cards/card.js';
import { createRevocation, importRevocation } from '../../lib/cards/revocation.js';
import type { ErrorCode } from '../../lib/errors.js';
import { stripTextPrefix } from '../../lib/format/text-prefix.js';
import { generateKeyPair, parsePrivateKey, parsePublicKey } from '../../lib/keys/keys.js';
import { importPrivateKey } from '../../lib/keys/passphrase.js';
import { expectCode, thrownBy } from './support.js';

const PREFIX = 'cardseal_card1_';

/** What `stripTextPrefix` throws for `text`, with a marker class so the test sees its own error come back. */
function refusalOf(text: string): Error {
  class Refusal extends Error {}
  const error = thrownBy(() => stripTextPrefix(text, PREFIX, 'card', (message) => new Refusal(message)));
  expect(error).to.be.instanceOf(Refusal);
  return error as Error;
}

/** `text` with its prefix's version digit 1 turned into 2. */
function otherVersion(text: string, prefix: string): string {
  return prefix.replace(/1_$/, '2_') + text.slice(prefix.length);
}

describe('text prefixes tell another version from a foreign text (lib/format/text-prefix.ts)', () => {
  it('returns the body after the prefix, ignoring whitespace around the text', () => {
    expect(stripTextPrefix(`  ${PREFIX}abc\n`, PREFIX, 'card', () => new Error('unexpected'))).to.equal('abc');
    expect(stripTextPrefix(PREFIX, PREFIX, 'card', () => new Error('unexpected'))).to.equal('');
  });

  it('throws the error the caller makes: an unsupported version when only the version differs', () => {
    expect(refusalOf('cardseal_card2_abc').message).to.equal('card has an unsupported version (expected cardseal_card1_…)');
    expect(refusalOf(' cardseal_card12_abc').message).to.equal('card has an unsupported version (expected cardseal_card1_…)');
  });

  it('throws the error the caller makes: a missing prefix for a foreign text, another case or text before it', () => {
    for (const text of ['cardseal_pub1_abc', 'CARDSEAL_CARD1_abc', `x${PREFIX}abc`, '', 'abc']) {
      expect(refusalOf(text).message, JSON.stringify(text)).to.equal('card must start with cardseal_card1_');
    }
  });

  describe('every text form refuses another version and a foreign text with its own code', () => {
    const keys = generateKeyPair();
    const card = createCard(keys, { identity: 'bob' });
    const forms: { name: string; text: string; prefix: string; parse: (text: string) => unknown; code: ErrorCode }[] = [
      { name: 'card', text: card.export(), prefix: 'cardseal_card1_', parse: importCard, code: 'ERR_CARD_FORMAT' },
      { name: 'revocation', text: createRevocation(card, keys.privateKey).export(), prefix: 'cardseal_revocation1_', parse: importRevocation, code: 'ERR_CARD_FORMAT' },
      { name: 'public key', text: keys.publicKey.toString(), prefix: 'cardseal_pub1_', parse: parsePublicKey, code: 'ERR_KEY_FORMAT' },
      { name: 'private key', text: keys.privateKey.export(), prefix: 'CARDSEAL_SECRET1_', parse: parsePrivateKey, code: 'ERR_KEY_FORMAT' },
    ];

    for (const form of forms) {
      it(`${form.name}: ${form.code}`, () => {
        // The genuine text parses, so each refusal below is the prefix's doing.
        form.parse(form.text);
        const versionError = thrownBy(() => form.parse(otherVersion(form.text, form.prefix)));
        expectCode(versionError, form.code);
        expect((versionError as Error).message).to.include(`unsupported version (expected ${form.prefix}…)`);
        for (const other of forms.filter((f) => f !== form)) {
          const foreignError = thrownBy(() => form.parse(other.text));
          expectCode(foreignError, form.code);
          expect((foreignError as Error).message, other.name).to.include(`must start with ${form.prefix}`);
        }
      });
    }

    it('locked private key: ERR_KEY_FORMAT', async () => {
      const version = await importPrivateKey('CARDSEAL_LOCKED2_AAAA').then(() => undefined, (error: unknown) => error);
      expectCode(version, 'ERR_KEY_FORMAT');
      expect((version as Error).message).to.include('unsupported version (expected CARDSEAL_LOCKED1_…)');
      // Neither kind of key file: refused as a private key, the kind a key file most often holds.
      const foreign = await importPrivateKey(card.export()).then(() => undefined, (error: unknown) => error);
      expectCode(foreign, 'ERR_KEY_FORMAT');
      expect((foreign as Error).message).to.equal('private key must start with CARDSEAL_SECRET1_');
    });
  });
});
