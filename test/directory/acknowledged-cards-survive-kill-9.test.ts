import { expect } from 'chai';
import type { Card } from '../../lib/cards/card.js';
import { openDirectory } from '../../lib/directory/client.js';
import { startDirectory } from '../../lib/directory/server.js';
import { makeHolder } from '../cards/support.js';
import { makeTempDir, removeTempDirs, startChildServer } from './support.js';

const CONCURRENT = 200;
const KILL_AFTER_ACKS = 100;
const IDENTITIES = 50;

describe('acknowledged cards survive kill -9', () => {
  after(removeTempDirs);

  it(`every card acknowledged before SIGKILL amid ${CONCURRENT} concurrent publishes is there after a restart`, async () => {
    const dataDir = await makeTempDir();
    const child = await startChildServer(dataDir);
    const client = openDirectory(child.url, { retries: 0 });
    const acknowledged: Card[] = [];
    const failures: unknown[] = [];
    let attempted = 0;
    // Each worker publishes card after card, so CONCURRENT publishes are always in flight
    // when the kill lands, however the server batches its flushes.
    const worker = async (): Promise<void> => {
      for (;;) {
        const { card } = makeHolder(`user${attempted % IDENTITIES}`, `device${attempted}`);
        attempted++;
        try {
          await client.publish(card);
        } catch (error) {
          failures.push(error);
          return;
        }
        acknowledged.push(card);
        if (acknowledged.length === KILL_AFTER_ACKS) child.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT }, worker));
    await child.exited;
    await client.close();
    expect(child.child.signalCode).to.equal('SIGKILL');
    expect(acknowledged.length).to.be.at.least(KILL_AFTER_ACKS);
    expect(failures).to.have.length(CONCURRENT);
    for (const failure of failures) expect(failure).to.have.property('code').that.is.oneOf(['ERR_DIRECTORY_UNREACHABLE', 'ERR_DIRECTORY_TIMEOUT']);

    // The restart takes over the dead child's lock and truncates any unacknowledged tail.
    const server = await startDirectory({ dataDir, port: 0 });
    const reader = openDirectory(server.url);
    try {
      // Nothing was revoked or replaced, so every stored card is live and one search finds them all.
      const live = await reader.findMany(Array.from({ length: IDENTITIES }, (_, i) => `user${i}`));
      const stored = new Set([...live.values()].flat().map((card) => card.id));
      expect(acknowledged.filter((card) => !stored.has(card.id))).to.deep.equal([]);
      expect(stored.size).to.be.within(acknowledged.length, attempted);
      expect((await reader.get(acknowledged.at(-1)!.id)).id).to.equal(acknowledged.at(-1)!.id);
    } finally {
      await reader.close();
      await server.close();
    }
  });
});
