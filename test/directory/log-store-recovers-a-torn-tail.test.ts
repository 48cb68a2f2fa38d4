import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCard } from '../../lib/cards/card.js';
import { LOG_FILE_NAME, LOG_MAGIC, encodeLogRecord, openLogStore } from '../../lib/directory/log-store.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { makeHolder, rejectsCode } from '../cards/support.js';
import { makeTempDir, removeTempDirs } from './support.js';

async function storeWithCards(count: number): Promise<{ dataDir: string; ids: string[]; size: number }> {
  const dataDir = await makeTempDir();
  const store = await openLogStore(dataDir);
  const cards = Array.from({ length: count }, (_, i) => makeHolder('bob', `d${i}`).card);
  for (const card of cards) expect(await store.putCard(card)).to.equal('created');
  await store.close();
  return { dataDir, ids: cards.map((c) => c.id), size: (await stat(join(dataDir, LOG_FILE_NAME))).size };
}

async function storedIds(dataDir: string): Promise<string[]> {
  const store = await openLogStore(dataDir);
  try {
    return (await store.findLive('bob')).map((c) => c.id);
  } finally {
    await store.close();
  }
}

describe('the log store recovers a torn tail', () => {
  after(removeTempDirs);

  it('truncates a record cut short by a crash and keeps every earlier record', async () => {
    const { dataDir, ids, size } = await storeWithCards(3);
    const next = encodeLogRecord(1, makeHolder('bob').card.toBytes());
    await appendFile(join(dataDir, LOG_FILE_NAME), next.subarray(0, 40));
    expect((await storedIds(dataDir)).sort()).to.deep.equal([...ids].sort());
    expect((await stat(join(dataDir, LOG_FILE_NAME))).size).to.equal(size);
  });

  it('truncates a complete last record whose checksum fails, and appends after it', async () => {
    const { dataDir, ids } = await storeWithCards(2);
    const bad = encodeLogRecord(1, makeHolder('bob').card.toBytes());
    bad[bad.length - 1]! ^= 0xff;
    await appendFile(join(dataDir, LOG_FILE_NAME), bad);
    const store = await openLogStore(dataDir);
    const added = makeHolder('bob').card;
    await store.putCard(added);
    await store.close();
    expect((await storedIds(dataDir)).sort()).to.deep.equal([...ids, added.id].sort());
  });

  it('drops complete records whose batch has no commit record: they were never acknowledged', async () => {
    const { dataDir, ids, size } = await storeWithCards(2);
    await appendFile(join(dataDir, LOG_FILE_NAME), encodeLogRecord(1, makeHolder('bob').card.toBytes()));
    expect((await storedIds(dataDir)).sort()).to.deep.equal([...ids].sort());
    expect((await stat(join(dataDir, LOG_FILE_NAME))).size).to.equal(size);
  });

  it('drops a final batch torn in its middle even though its commit record reached the disk', async () => {
    const { dataDir, ids, size } = await storeWithCards(2);
    const torn = encodeLogRecord(1, makeHolder('bob').card.toBytes());
    torn.fill(0, 30, 60);
    await appendFile(join(dataDir, LOG_FILE_NAME), Buffer.concat([torn, encodeLogRecord(3, new Uint8Array(0))]));
    expect((await storedIds(dataDir)).sort()).to.deep.equal([...ids].sort());
    expect((await stat(join(dataDir, LOG_FILE_NAME))).size).to.equal(size);
  });

  it('refuses to open a log damaged inside an acknowledged batch, with ERR_DIRECTORY_STORAGE', async () => {
    const { dataDir } = await storeWithCards(3);
    const path = join(dataDir, LOG_FILE_NAME);
    const log = await readFile(path);
    log[LOG_MAGIC.length + 20]! ^= 0xff;
    await writeFile(path, log);
    await rejectsCode(openLogStore(dataDir), 'ERR_DIRECTORY_STORAGE');
  });

  it('refuses a file that is not a card log, and restarts a log cut inside its magic', async () => {
    const { dataDir } = await storeWithCards(1);
    const path = join(dataDir, LOG_FILE_NAME);
    await writeFile(path, 'not a card log at all\n');
    await rejectsCode(openLogStore(dataDir), 'ERR_DIRECTORY_STORAGE');
    await truncate(path, 0);
    await writeFile(path, LOG_MAGIC.subarray(0, 5));
    expect(await storedIds(dataDir)).to.deep.equal([]);
  });

  it('one process at a time: a live holder is refused, a dead one\'s lock is taken over', async () => {
    const dataDir = await makeTempDir();
    const store = await openLogStore(dataDir);
    await rejectsCode(openLogStore(dataDir), 'ERR_DIRECTORY_STORAGE');
    await store.close();
    await writeFile(join(dataDir, 'LOCK'), `${process.ppid}\n`);
    await rejectsCode(openLogStore(dataDir), 'ERR_DIRECTORY_STORAGE');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(join(dataDir, 'LOCK'), `${dead.pid}\n`);
    await (await openLogStore(dataDir)).close();
  });

  it('concurrent writes are serialised: one card per id, one replacement per card', async () => {
    const dataDir = await makeTempDir();
    const store = await openLogStore(dataDir);
    const old = makeHolder('bob');
    await store.putCard(old.card);
    const rotate = (): ReturnType<typeof createCard> => createCard(generateKeyPair(), { identity: 'bob', previous: old.card, previousKey: old.keys.privateKey });
    const results = await Promise.all([store.putCard(rotate()), store.putCard(rotate()), store.putCard(rotate())]);
    expect(results.sort()).to.deep.equal(['conflict', 'conflict', 'created']);
    const twin = makeHolder('carol').card;
    expect((await Promise.all([store.putCard(twin), store.putCard(twin)])).sort()).to.deep.equal(['created', 'exists']);
    const many = Array.from({ length: 100 }, (_, i) => makeHolder('dave', `d${i}`).card);
    await Promise.all(many.map((card) => store.putCard(card)));
    await store.close();
    const reopened = await openLogStore(dataDir);
    expect(reopened.size).to.equal(103);
    await reopened.close();
  });
});
