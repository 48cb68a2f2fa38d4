/**
 * The directory server under a mixed load of valid and malformed requests
 * (spec/directory.md §5), run as a real server in a child process: it answers
 * every request as the protocol prescribes, keeps serving valid clients while
 * slow bodies time out, stays within a memory bound, and loses no
 * acknowledged card when killed with SIGKILL in the middle of the load.
 * bench/load-directory.ts runs the same load at 1,000 requests for figures.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDirectory } from '../../lib/directory/client.js';
import { startDirectory } from '../../lib/directory/server.js';
import { type ServerProcess, VALID_KINDS, quantile, runLoad, startServerProcess } from './directory-load.js';
import { watchProcessHealth } from './process-health.js';

const REQUEST_TIMEOUT_MS = 1000;
const MIB = 2 ** 20;

describe('directory under load and bad input', () => {
  watchProcessHealth();
  let dataDir: string;
  let server: ServerProcess | undefined;
  const acknowledged: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cardseal-load-'));
  });

  after(async () => {
    if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 400 requests from 20 clients as the protocol says, valid ones promptly, while slow bodies time out, within a memory bound', async function () {
    this.timeout(60_000);
    server = await startServerProcess(dataDir, REQUEST_TIMEOUT_MS);
    const report = await runLoad({ url: server.url, requests: 400, clients: 20, requestTimeoutMs: REQUEST_TIMEOUT_MS, identityPrefix: 'load' });
    expect(report.outcomes.flatMap((o) => (o.problem === undefined ? [] : [o.problem]))).to.deep.equal([]);
    const valid = report.outcomes.filter((o) => VALID_KINDS.includes(o.kind));
    expect(valid.length).to.be.greaterThan(250);
    // Slow bodies hold their own connections until the deadline; valid clients do not wait on them.
    expect(quantile(valid.map((o) => o.ms), 0.99), 'p99 ms of valid requests').to.be.below(REQUEST_TIMEOUT_MS);
    for (const slow of report.outcomes.filter((o) => o.kind === 'slow-body')) expect(slow.ms).to.be.within(REQUEST_TIMEOUT_MS - 50, REQUEST_TIMEOUT_MS + 2000);
    const peak = server.peakRss();
    if (peak !== undefined) expect(peak, 'server peak RSS').to.be.below(200 * MIB);
    acknowledged.push(...report.acknowledged);
  });

  it('loses no acknowledged card when killed with SIGKILL in the middle of a mixed load', async function () {
    this.timeout(60_000);
    const running = server!;
    const report = await runLoad({
      url: running.url,
      requests: 300,
      clients: 20,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      identityPrefix: 'kill',
      onAcknowledged: (count) => {
        if (count === 40) running.child.kill('SIGKILL');
      },
    });
    await running.exited;
    expect(running.child.signalCode).to.equal('SIGKILL');
    expect(report.acknowledged.length).to.be.at.least(40);
    // Every request after the kill fails to connect; none is acknowledged.
    expect(report.outcomes.filter((o) => o.problem?.startsWith('request failed')).length).to.be.greaterThan(0);
    acknowledged.push(...report.acknowledged);

    const restarted = await startDirectory({ dataDir, port: 0 });
    const reader = openDirectory(restarted.url);
    try {
      const stored = await Promise.all(acknowledged.map((id) => reader.get(id)));
      expect(stored.map((card) => card.id)).to.deep.equal(acknowledged);
    } finally {
      await reader.close();
      await restarted.close();
    }
  });
});
