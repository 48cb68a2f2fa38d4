/**
 * Measurement 3: peak RSS of a separate process that streams 64 MiB to 4 GiB
 * through encryptFor, and through encryptFor then decryptWith. Flat figures
 * mean memory does not grow with the input. Two processes that stream nothing,
 * one without and one with the library loaded, show what Node and the
 * library's import cost before any stream.
 */
import { type WorkerReport, runWorker } from '../child.js';
import { MiB } from '../data.js';
import { type Summary, megabytesPerSecond, summarize } from '../stats.js';

/** Peak RSS (MiB) and throughput (MB/s) of one input size. */
export interface MemoryFigures {
  bytes: number;
  encryptRss: Summary;
  roundTripRss: Summary;
  encryptRate: Summary;
  roundTripRate: Summary;
}

/** Everything measurement 3 produces. */
export interface MemoryResults {
  /** A Node process that streams nothing and has not loaded the library. */
  bareRss: Summary;
  /** The same process with the library loaded. */
  baselineRss: Summary;
  rows: MemoryFigures[];
}

/** How much to measure. */
export interface MemoryPlan {
  sizes: number[];
  runs: number;
}

function rssMiB(report: WorkerReport): number {
  return report.maxRssKiB / 1024;
}

/**
 * Runs measurement 3.
 * @throws Error when a worker fails or loses bytes
 */
export async function measureMemory(plan: MemoryPlan, log: (message: string) => void): Promise<MemoryResults> {
  const bare: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < plan.runs; run++) {
    bare.push(rssMiB(await runWorker<WorkerReport>('memory', ['bare', '0'])));
    baseline.push(rssMiB(await runWorker<WorkerReport>('memory', ['baseline', '0'])));
  }
  // The round trip checks its byte count; its content is checked by measurement 1 before any timing.
  const rows: MemoryFigures[] = [];
  for (const bytes of plan.sizes) {
    log(`memory: ${bytes / MiB} MiB`);
    const encrypt: WorkerReport[] = [];
    const roundTrip: WorkerReport[] = [];
    for (let run = 0; run < plan.runs; run++) {
      encrypt.push(await runWorker<WorkerReport>('memory', ['encrypt', String(bytes)]));
      roundTrip.push(await runWorker<WorkerReport>('memory', ['roundtrip', String(bytes)]));
    }
    rows.push({
      bytes,
      encryptRss: summarize(encrypt.map(rssMiB)),
      roundTripRss: summarize(roundTrip.map(rssMiB)),
      encryptRate: summarize(encrypt.map((r) => megabytesPerSecond(bytes, r.ms))),
      roundTripRate: summarize(roundTrip.map((r) => megabytesPerSecond(bytes, r.ms))),
    });
  }
  return { bareRss: summarize(bare), baselineRss: summarize(baseline), rows };
}
