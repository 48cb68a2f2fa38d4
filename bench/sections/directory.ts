/**
 * Measurement 6: the card directory server under load (spec/directory.md §5).
 * Concurrent clients send a mix of valid requests (publish, read, search) and
 * hostile ones (oversized, wrong types, bad signatures, stalled and trickled
 * bodies) to a real server in a child process. Every answer is checked against
 * the one the protocol prescribes before any figure is kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RequestOutcome, VALID_KINDS, quantile, runLoad, startServerProcess } from '../../test/hardening/directory-load.js';

/** How much load to apply. */
export interface DirectoryPlan {
  requests: number;
  clients: number;
  /** The server's request deadline, after which a stalled body is answered 408. */
  timeoutMs: number;
}

/** Everything measurement 6 produces. Latencies in ms; undefined when no request of that group ran. */
export interface DirectoryResults {
  plan: DirectoryPlan;
  validCount: number;
  malformedCount: number;
  stalledCount: number;
  wallSeconds: number;
  requestsPerSecond: number;
  validRequestsPerSecond: number;
  validP50Ms: number | undefined;
  validP99Ms: number | undefined;
  malformedP99Ms: number | undefined;
  /** Median time until a stalled or trickled body was answered 408. */
  stalledP50Ms: number | undefined;
  acknowledged: number;
  /** Peak RSS of the server process in bytes; undefined without /proc. */
  serverPeakRssBytes: number | undefined;
  /** Answers that were not the prescribed ones: the count, and the first few described. */
  problemCount: number;
  problems: string[];
  /** The machine at the end of the load. */
  machine: { cores: number; loadAtEnd: number[]; node: string; date: string };
}

/** How many problem descriptions are kept in the results. */
const KEPT_PROBLEMS = 20;

function quantileMs(outcomes: readonly RequestOutcome[], fraction: number): number | undefined {
  return outcomes.length === 0 ? undefined : quantile(outcomes.map((o) => o.ms), fraction);
}

/**
 * Runs measurement 6 against a fresh server on a temporary data directory,
 * removed afterwards with the server process.
 * @throws Error when the server process cannot start
 */
export async function measureDirectory(plan: DirectoryPlan, log: (message: string) => void): Promise<DirectoryResults> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cardseal-load-bench-'));
  try {
    const server = await startServerProcess(dataDir, plan.timeoutMs);
    try {
      log(`directory: ${plan.requests} requests from ${plan.clients} clients`);
      const report = await runLoad({ url: server.url, requests: plan.requests, clients: plan.clients, requestTimeoutMs: plan.timeoutMs, identityPrefix: 'bench' });
      const seconds = report.elapsedMs / 1000;
      const valid = report.outcomes.filter((o) => VALID_KINDS.includes(o.kind));
      const malformed = report.outcomes.filter((o) => !VALID_KINDS.includes(o.kind) && o.kind !== 'slow-body');
      const stalled = report.outcomes.filter((o) => o.kind === 'slow-body');
      const problems = report.outcomes.flatMap((o) => (o.problem === undefined ? [] : [o.problem]));
      return {
        plan,
        validCount: valid.length,
        malformedCount: malformed.length,
        stalledCount: stalled.length,
        wallSeconds: seconds,
        requestsPerSecond: report.outcomes.length / seconds,
        validRequestsPerSecond: valid.length / seconds,
        validP50Ms: quantileMs(valid, 0.5),
        validP99Ms: quantileMs(valid, 0.99),
        malformedP99Ms: quantileMs(malformed, 0.99),
        stalledP50Ms: quantileMs(stalled, 0.5),
        acknowledged: report.acknowledged.length,
        serverPeakRssBytes: server.peakRss(),
        problemCount: problems.length,
        problems: problems.slice(0, KEPT_PROBLEMS),
        machine: { cores: cpus().length, loadAtEnd: loadavg(), node: process.version, date: new Date().toISOString() },
      };
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
