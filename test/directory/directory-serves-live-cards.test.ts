import { expect } from 'chai';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Card, createCard } from '../../lib/cards/card.js';
import { type DirectoryClient, openDirectory } from '../../lib/directory/client.js';
import { type DirectoryServer, startDirectory } from '../../lib/directory/server.js';
import { decrypt, encrypt, encryptFor, generateKeyPair } from '../../lib/index.js';
import type { PrivateKey } from '../../lib/keys/keys.js';
import { type Holder, makeHolder, rejectsCode } from '../cards/support.js';
import { makeTempDir, removeTempDirs } from './support.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const ids = (cards: Card[]): string[] => cards.map((c) => c.id).sort();

async function decryptsWith(ciphertext: Uint8Array, key: PrivateKey): Promise<string> {
  return text(await decrypt(ciphertext, key));
}

describe('a directory server serves live cards', () => {
  let dataDir: string;
  let server: DirectoryServer;
  let client: DirectoryClient;
  let bob: Holder[];
  let carol: Holder;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    server = await startDirectory({ dataDir, port: 0, host: '127.0.0.1' });
    client = openDirectory(server.url, { timeoutMs: 5000 });
    bob = ['laptop', 'phone', 'tablet'].map((device) => makeHolder('bob', device));
    carol = makeHolder('carol', 'laptop');
    for (const holder of [...bob, carol]) await client.publish(holder.card);
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  after(removeTempDirs);

  it('finds all three of bob\'s devices and carol\'s, and every device decrypts a file for all of them', async () => {
    const bobCards = await client.find('bob');
    const carolCards = await client.find('carol');
    expect(ids(bobCards)).to.deep.equal(ids(bob.map((h) => h.card)));
    expect(ids(carolCards)).to.deep.equal([carol.card.id]);
    const chunks: Uint8Array[] = [];
    await pipeline(Readable.from([Buffer.from('meeting at noon')]), encryptFor([...bobCards, ...carolCards]), async (source: AsyncIterable<Uint8Array>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
    const ciphertext = Buffer.concat(chunks);
    for (const holder of [...bob, carol]) expect(await decryptsWith(ciphertext, holder.keys.privateKey)).to.equal('meeting at noon');
  });

  it('a revoked card leaves find, get refuses it, and its device cannot decrypt new files', async () => {
    const [, lost] = bob;
    await client.revoke(lost!.card, lost!.keys.privateKey, { reason: 'lost phone' });
    const live = await client.find('bob');
    expect(ids(live)).to.deep.equal(ids([bob[0]!.card, bob[2]!.card]));
    await rejectsCode(client.get(lost!.card.id), 'ERR_CARD_REVOKED');
    // Another client, with no memory of the revocation, learns it from the directory too.
    const fresh = openDirectory(server.url);
    await rejectsCode(fresh.get(lost!.card.id), 'ERR_CARD_REVOKED');
    await fresh.close();
    const ciphertext = await encrypt('after the loss', live);
    await rejectsCode(decrypt(ciphertext, lost!.keys.privateKey), 'ERR_NO_MATCH');
    expect(await decryptsWith(ciphertext, bob[0]!.keys.privateKey)).to.equal('after the loss');
    // Revoking twice is not an error.
    await client.revoke(lost!.card, lost!.keys.privateKey);
  });

  it('a rotated card replaces its predecessor in find, and get still returns the old card', async () => {
    const old = bob[0]!;
    const next = generateKeyPair();
    const rotated = createCard(next, { identity: 'bob', device: 'laptop', previous: old.card, previousKey: old.keys.privateKey });
    await client.publish(rotated);
    const live = await client.find('bob');
    expect(ids(live)).to.deep.equal(ids([rotated, bob[1]!.card, bob[2]!.card]));
    expect((await client.get(old.card.id)).id).to.equal(old.card.id);
    const ciphertext = await encrypt('new key', live);
    expect(await decryptsWith(ciphertext, next.privateKey)).to.equal('new key');
    await rejectsCode(decrypt(ciphertext, old.keys.privateKey), 'ERR_NO_MATCH');
  });

  it('refuses a second replacement, the replacement of a revoked card, and a replacement of an unknown card', async () => {
    const [first, second] = bob;
    await client.publish(createCard(generateKeyPair(), { identity: 'bob', previous: first!.card, previousKey: first!.keys.privateKey }));
    const fork = createCard(generateKeyPair(), { identity: 'bob', previous: first!.card, previousKey: first!.keys.privateKey });
    const forkError = await rejectsCode(client.publish(fork), 'ERR_DIRECTORY_HTTP');
    expect(forkError.statusCode).to.equal(409);
    expect(forkError.cause).to.have.property('code', 'ERR_CARD_SUPERSEDED');
    await client.revoke(second!.card, second!.keys.privateKey);
    const afterRevoke = createCard(generateKeyPair(), { identity: 'bob', previous: second!.card, previousKey: second!.keys.privateKey });
    expect((await rejectsCode(client.publish(afterRevoke), 'ERR_DIRECTORY_HTTP')).cause).to.have.property('code', 'ERR_CARD_REVOKED');
    const unknown = makeHolder('bob');
    const orphan = createCard(generateKeyPair(), { identity: 'bob', previous: unknown.card, previousKey: unknown.keys.privateKey });
    expect((await rejectsCode(client.publish(orphan), 'ERR_DIRECTORY_HTTP')).statusCode).to.equal(404);
  });

  it('gives the same answers after a restart', async () => {
    await client.revoke(bob[1]!.card, bob[1]!.keys.privateKey);
    const rotated = createCard(generateKeyPair(), { identity: 'carol', previous: carol.card, previousKey: carol.keys.privateKey });
    await client.publish(rotated);
    const snapshot = async (c: DirectoryClient): Promise<unknown> => ({
      found: Object.fromEntries([...await c.findMany(['bob', 'carol', 'dave'])].map(([k, v]) => [k, ids(v)])),
      gets: await Promise.all([...bob, carol].map((h) => c.get(h.card.id).then((card) => card.id, (e: { code: string }) => e.code))),
    });
    const before = await snapshot(client);
    await client.close();
    await server.close();
    server = await startDirectory({ dataDir, port: 0 });
    client = openDirectory(server.url);
    expect(await snapshot(client)).to.deep.equal(before);
    expect(before).to.have.nested.property('gets[1]', 'ERR_CARD_REVOKED');
  });

  it('findMany keys answers by the identities as given, in normal form for the lookup', async () => {
    const jose = createCard(generateKeyPair(), { identity: 'jos\u00e9' });
    await client.publish(jose);
    const found = await client.findMany(['bob', 'Bob', 'jose\u0301', 'nobody']);
    expect([...found.keys()]).to.deep.equal(['bob', 'Bob', 'jose\u0301', 'nobody']);
    expect(found.get('bob')).to.have.length(3);
    expect(found.get('Bob')).to.deep.equal([]);
    expect(ids(found.get('jose\u0301')!)).to.deep.equal([jose.id]);
    await rejectsCode(client.get('0'.repeat(64)), 'ERR_CARD_NOT_FOUND');
  });

  it('publishing the same card again is not an error and stores nothing new', async () => {
    await client.publish(bob[0]!.card);
    expect(await client.find('bob')).to.have.length(3);
  });
});
