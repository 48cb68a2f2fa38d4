import { expect } from 'chai';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CARD_TEXT_PREFIX, encodeRecordText } from '../../lib/cards/card-text.js';
import { addSignature, createCard, importCard } from '../../lib/cards/card.js';
import { createRevocation } from '../../lib/cards/revocation.js';
import type { CardDirectory } from '../../lib/directory/directory.js';
import { openCardFolder, openLocalDirectory } from '../../lib/directory/local.js';
import { decrypt, encrypt, generateKeyPair } from '../../lib/index.js';
import { makeHolder, rejectsCode } from '../cards/support.js';
import { makeTempDir, removeTempDirs } from './support.js';

const kinds: [string, (dir: string) => Promise<CardDirectory>][] = [
  ['the local directory', (dir) => openLocalDirectory(dir)],
  ['the card folder', (dir) => openCardFolder(dir)],
];

describe('in-process directories answer like the server', () => {
  after(removeTempDirs);

  for (const [name, open] of kinds) {
    it(`${name}: find, encrypt for every device, revoke, rotate, and the same answers after reopening`, async () => {
      const dir = await makeTempDir();
      let directory = await open(dir);
      const bob = ['laptop', 'phone', 'tablet'].map((device) => makeHolder('bob', device));
      const carol = makeHolder('carol');
      for (const holder of [...bob, carol]) await directory.publish(holder.card);
      const found = await directory.findMany(['bob', 'carol']);
      expect(found.get('bob')).to.have.length(3);
      const ciphertext = await encrypt('hello', [...found.get('bob')!, ...found.get('carol')!]);
      for (const holder of [...bob, carol]) expect(new TextDecoder().decode(await decrypt(ciphertext, holder.keys.privateKey))).to.equal('hello');

      await directory.revoke(bob[1]!.card, bob[1]!.keys.privateKey, { reason: 'lost' });
      const rotated = createCard(generateKeyPair(), { identity: 'bob', previous: bob[0]!.card, previousKey: bob[0]!.keys.privateKey });
      await directory.publish(rotated);
      const live = (await directory.find('bob')).map((c) => c.id).sort();
      expect(live).to.deep.equal([rotated.id, bob[2]!.card.id].sort());
      await rejectsCode(directory.get(bob[1]!.card.id), 'ERR_CARD_REVOKED');
      await rejectsCode(directory.get('f'.repeat(64)), 'ERR_CARD_NOT_FOUND');
      expect((await directory.get(bob[0]!.card.id)).id).to.equal(bob[0]!.card.id);
      await rejectsCode(directory.publish(createCard(generateKeyPair(), { identity: 'bob', previous: bob[0]!.card, previousKey: bob[0]!.keys.privateKey })), 'ERR_CARD_SUPERSEDED');
      const tampered = makeHolder('bob').card.toBytes();
      tampered[tampered.length - 1]! ^= 1;
      await rejectsCode(directory.publish(importCard(tampered)), 'ERR_CARD_SIGNATURE');

      await directory.close();
      directory = await open(dir);
      expect((await directory.find('bob')).map((c) => c.id).sort()).to.deep.equal(live);
      await rejectsCode(directory.get(bob[1]!.card.id), 'ERR_CARD_REVOKED');
      await directory.close();
    });
  }

  it('the local directory enforces required endorsements and one process per data directory', async () => {
    const dir = await makeTempDir();
    const admin = generateKeyPair();
    const authorities = [{ name: 'admin', publicKey: admin.publicKey }];
    const directory = await openLocalDirectory(dir, { authorities, trustedSigners: authorities, requireEndorsement: true });
    try {
      await rejectsCode(openLocalDirectory(dir), 'ERR_DIRECTORY_STORAGE');
      const bob = makeHolder('bob');
      await rejectsCode(directory.publish(bob.card), 'ERR_CARD_UNTRUSTED');
      await directory.publish(addSignature(bob.card, 'admin', admin.privateKey));
      expect(await directory.find('bob')).to.have.length(1);
      await directory.revoke(bob.card, admin.privateKey, { signerName: 'admin' });
      expect(await directory.find('bob')).to.deep.equal([]);
    } finally {
      await directory.close();
    }
  });

  it('the card folder reads hand-placed files, checks every one, and names a bad file', async () => {
    const dir = await makeTempDir();
    const bob = makeHolder('bob');
    const carol = makeHolder('carol');
    await writeFile(join(dir, 'bob-laptop.card'), `${bob.card.export()}\n`);
    await writeFile(join(dir, 'README.txt'), 'not a card');
    // A revocation of a card the folder does not hold changes nothing.
    await writeFile(join(dir, 'other.revocation'), createRevocation(makeHolder('dave').card, generateKeyPair().privateKey, { signerName: 'x' }).export());
    const folder = await openCardFolder(dir);
    try {
      expect((await folder.find('bob')).map((c) => c.id)).to.deep.equal([bob.card.id]);
      await folder.publish(carol.card);
      expect(await readdir(dir)).to.include(`${carol.card.id}.card`);

      await writeFile(join(dir, 'forged.revocation'), createRevocation(bob.card, generateKeyPair().privateKey, { signerName: 'admin' }).export());
      const untrusted = await rejectsCode(folder.find('bob'), 'ERR_CARD_UNTRUSTED');
      expect(untrusted.message).to.include('forged.revocation');
      await writeFile(join(dir, 'forged.revocation'), createRevocation(bob.card, bob.keys.privateKey).export());
      expect(await folder.find('bob')).to.deep.equal([]);

      const bytes = carol.card.toBytes();
      bytes[bytes.length - 1]! ^= 1;
      await writeFile(join(dir, 'tampered.card'), encodeRecordText(CARD_TEXT_PREFIX, bytes));
      const bad = await rejectsCode(folder.find('carol'), 'ERR_CARD_SIGNATURE');
      expect(bad.message).to.include('tampered.card');
    } finally {
      await folder.close();
    }
  });
});
