/**
 * Verifying against a real card directory (the embedded local directory, on
 * its own data folder): a signer's card is looked up by the id the signature
 * block names, so a revoked card is refused and an unknown one is not trusted
 * (spec/format.md §9.5).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCard } from '../../lib/cards/card.js';
import type { CardDirectory } from '../../lib/directory/directory.js';
import { openLocalDirectory } from '../../lib/directory/local.js';
import { hasCode } from '../../lib/errors.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt, decryptAndVerify, encrypt } from '../../lib/oneshot.js';
import { restrictToIdentity } from '../../lib/signing/verifier.js';
import { C, decryptPiped, expectCode, patternBytes } from '../core/support.js';
import { encryptSigned, makeSender, signedBy } from './support.js';

describe('signatures by revoked or unknown cards are refused (spec §9.5)', () => {
  let dataDir: string;
  let directory: CardDirectory;
  const bob = generateKeyPair();

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cardseal-signing-'));
    directory = await openLocalDirectory(dataDir);
  });

  afterEach(async () => {
    await directory.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies a signer the directory knows, and names its card', async () => {
    const alice = makeSender('alice');
    await directory.publish(alice.card);
    const opened = await decryptAndVerify(await encrypt('hello', [bob.publicKey], signedBy(alice)), bob.privateKey, { verifyWith: directory });
    expect(opened.signer.id).to.equal(alice.card.id);
    expect(opened.signer.identity).to.equal('alice');
  });

  it('refuses a file whose signer was revoked, with ERR_SIGNATURE_SIGNER_REVOKED, releasing no final chunk', async () => {
    const alice = makeSender('alice', { device: 'lost phone' });
    await directory.publish(alice.card);
    const plaintext = patternBytes(C + 9);
    const file = await encryptSigned(alice, [bob.publicKey], plaintext);
    await decryptAndVerify(file, bob.privateKey, { verifyWith: directory });
    await directory.revoke(alice.card, alice.keys.privateKey, { reason: 'lost' });
    const { output, error } = await decryptPiped(bob.privateKey, file, C, { verifyWith: directory });
    expectCode(error, 'ERR_SIGNATURE_SIGNER_REVOKED');
    expect(hasCode((error as Error).cause, 'ERR_CARD_REVOKED')).to.equal(true);
    expect(output.length).to.equal(C);
    expectCode(await decrypt(file, bob.privateKey, { verifyWith: directory }).catch((e: unknown) => e), 'ERR_SIGNATURE_SIGNER_REVOKED');
  });

  it('refuses a signer the directory has never seen, with ERR_SIGNATURE_UNKNOWN_SIGNER', async () => {
    const stranger = makeSender('stranger');
    const file = await encrypt('from nowhere', [bob.publicKey], signedBy(stranger));
    const error = await decrypt(file, bob.privateKey, { verifyWith: directory }).catch((e: unknown) => e);
    expectCode(error, 'ERR_SIGNATURE_UNKNOWN_SIGNER');
    expect(hasCode((error as Error).cause, 'ERR_CARD_NOT_FOUND')).to.equal(true);
  });

  it('restricted to identities, refuses a card of another identity as unknown, and still reports revocation', async () => {
    const alice = makeSender('alice');
    const carol = makeSender('carol');
    await directory.publish(alice.card);
    await directory.publish(carol.card);
    const fromAlice = restrictToIdentity(directory, 'alice');
    const opened = await decryptAndVerify(await encrypt('a', [bob.publicKey], signedBy(alice)), bob.privateKey, { verifyWith: fromAlice });
    expect(opened.signer.identity).to.equal('alice');
    const byCarol = await encryptSigned(carol, [bob.publicKey], patternBytes(C + 1));
    const { output, error } = await decryptPiped(bob.privateKey, byCarol, C, { verifyWith: fromAlice });
    expectCode(error, 'ERR_SIGNATURE_UNKNOWN_SIGNER');
    expect(output.length).to.equal(C);
    const fromEither = restrictToIdentity(directory, ['alice', 'carol']);
    expect((await decryptAndVerify(byCarol, bob.privateKey, { verifyWith: fromEither })).signer.identity).to.equal('carol');
    await directory.revoke(alice.card, alice.keys.privateKey);
    expectCode(await decrypt(await encrypt('b', [bob.publicKey], signedBy(alice)), bob.privateKey, { verifyWith: fromAlice }).catch((e: unknown) => e), 'ERR_SIGNATURE_SIGNER_REVOKED');
  });

  it('still verifies files signed before the signer rotated to a new card', async () => {
    const alice = makeSender('alice');
    await directory.publish(alice.card);
    const file = await encrypt('signed with the old card', [bob.publicKey], signedBy(alice));
    const newKeys = generateKeyPair();
    await directory.publish(createCard(newKeys, { identity: 'alice', previous: alice.card, previousKey: alice.keys.privateKey }));
    const opened = await decryptAndVerify(file, bob.privateKey, { verifyWith: directory });
    expect(opened.signer.id).to.equal(alice.card.id);
  });
});
