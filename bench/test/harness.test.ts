import { expect } from 'chai';
import { MiB, createPattern } from '../data.js';
import { cardsealPeer } from '../peers/cardseal.js';
import type { CommandPeer } from '../peers/peer.js';
import { comparePeers } from '../sections/compare.js';
import { type Workspace, createWorkspace, removeWorkspace } from '../workspace.js';

/** A real program that fails: stands for a peer that breaks on this machine. */
const failingPeer: CommandPeer = {
  kind: 'command',
  id: 'failing',
  label: 'failing tool',
  suite: 'none',
  findMissing: async () => undefined,
  readVersion: async () => '0',
  createKeys: async () => undefined,
  commandFor: () => ({ file: process.execPath, args: ['-e', 'process.stderr.write("no such key"); process.exit(3)'] }),
};

const absentPeer: CommandPeer = { ...failingPeer, id: 'absent', label: 'absent tool', findMissing: async () => 'not installed here' };

describe('peer comparison harness', function () {
  this.timeout(60_000);
  let workspace: Workspace;

  before(async () => {
    workspace = await createWorkspace(2 * MiB, createPattern());
  });

  after(async () => {
    await removeWorkspace(workspace);
  });

  it('measures cardseal in worker processes and drops a failing or absent peer with its reason', async () => {
    const results = await comparePeers({ name: 'test', peers: [cardsealPeer, failingPeer, absentPeer], recipientCounts: [2], runs: 2, sink: 'null' }, workspace, () => undefined);
    expect(results.rows.map((r) => r.peerId)).to.deep.equal(['cardseal']);
    const row = results.rows[0]!;
    expect(row.encrypt.runs).to.equal(2);
    expect(row.decrypt.median).to.be.greaterThan(0);
    expect(row.encryptRss!.median).to.be.greaterThan(10);
    expect(row.encryptRatio.median).to.equal(1);
    expect(results.skipped).to.deep.equal([
      { peerId: 'absent', label: 'absent tool', reason: 'not installed here' },
      { peerId: 'failing', label: 'failing tool', recipients: 2, reason: 'failing tool encrypt exited with 3: no such key' },
    ]);
  });
});
