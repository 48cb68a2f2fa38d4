import { expect } from 'chai';
import { closeSync, openSync, writeSync } from 'node:fs';
import { startWriteBehind } from '../../lib/io/write-behind.js';
import { scratchFolder } from '../scratch.js';

describe('write-behind', () => {
  const files = scratchFolder();

  it('keeps syncing while writes go on, and stop() waits for the sync in flight', async () => {
    const fd = openSync(files.path('out'), 'w');
    const behind = startWriteBehind(fd);
    const deadline = Date.now() + 10_000;
    for (let i = 0; behind.syncs < 3 && Date.now() < deadline; i++) {
      writeSync(fd, Buffer.alloc(64 * 1024, i));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(behind.syncs).to.be.at.least(3);
    await behind.stop();
    const after = behind.syncs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(behind.syncs, 'no sync after stop()').to.equal(after);
    closeSync(fd);
  });

  it('stops by itself, without an unhandled rejection, when the descriptor fails', async () => {
    const fd = openSync(files.path('out'), 'w');
    closeSync(fd);
    const behind = startWriteBehind(fd);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await behind.stop()).to.equal(undefined);
    expect(behind.syncs).to.equal(0);
  });
});
