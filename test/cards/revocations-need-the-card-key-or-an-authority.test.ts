import { expect } from 'chai';
import { REVOCATION_TEXT_PREFIX } from '../../lib/cards/card-text.js';
import { createRevocation, importRevocation, verifyRevocation } from '../../lib/cards/revocation.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { makeHolder, throwsCode } from './support.js';

describe('revocations need the card key or an authority', () => {
  it('the card key revokes its own card, and the record round-trips as text and bytes', () => {
    const { card, keys } = makeHolder('bob', 'phone');
    const revocation = createRevocation(card, keys.privateKey, { reason: 'lost phone', revokedAt: 1_700_000_100 });
    expect(revocation.export().startsWith(REVOCATION_TEXT_PREFIX)).to.equal(true);
    for (const copy of [importRevocation(revocation.export()), importRevocation(revocation.toBytes())]) {
      expect(copy.cardId).to.equal(card.id);
      expect(copy.reason).to.equal('lost phone');
      expect(copy.revokedAt).to.equal(1_700_000_100);
      expect(copy.signerName).to.equal(undefined);
      verifyRevocation(copy, card);
    }
  });

  it('an authority revokes only when the verifier trusts it by name and key', () => {
    const { card } = makeHolder('bob');
    const admin = generateKeyPair();
    const revocation = createRevocation(card, admin.privateKey, { signerName: 'admin' });
    verifyRevocation(revocation, card, { authorities: [{ name: 'admin', publicKey: admin.publicKey }] });
    throwsCode(() => verifyRevocation(revocation, card), 'ERR_CARD_UNTRUSTED');
    throwsCode(() => verifyRevocation(revocation, card, { authorities: [{ name: 'admin', publicKey: generateKeyPair().publicKey }] }), 'ERR_CARD_UNTRUSTED');
    throwsCode(() => verifyRevocation(revocation, card, { authorities: [{ name: 'root', publicKey: admin.publicKey }] }), 'ERR_CARD_UNTRUSTED');
    expect(() => createRevocation(card, admin.privateKey)).to.throw(RangeError);
  });

  it('a revocation of one card does not revoke another', () => {
    const bob = makeHolder('bob');
    const other = makeHolder('bob');
    throwsCode(() => verifyRevocation(createRevocation(bob.card, bob.keys.privateKey), other.card), 'ERR_CARD_ID');
  });

  it('a tampered revocation fails with ERR_CARD_SIGNATURE, a malformed one with ERR_CARD_FORMAT', () => {
    const { card, keys } = makeHolder('bob');
    const bytes = createRevocation(card, keys.privateKey).toBytes();
    bytes[bytes.length - 1]! ^= 1;
    throwsCode(() => verifyRevocation(importRevocation(bytes), card), 'ERR_CARD_SIGNATURE');
    throwsCode(() => importRevocation(bytes.subarray(0, bytes.length - 1)), 'ERR_CARD_FORMAT');
    throwsCode(() => importRevocation(card.export()), 'ERR_CARD_FORMAT');
  });
});
