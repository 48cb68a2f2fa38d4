/**
 * Runs the fuzz families in a worker thread watched from this thread. A case
 * that never returns (a loop, a promise that never settles) stops the worker's
 * heartbeat; the watchdog then ends the worker and reports the input it was
 * fed, which the worker copies into shared memory before every case.
 */
import { Worker } from 'node:worker_threads';
import { toHex } from '../../lib/bytes.js';
import { describeError } from './outcome.js';

/** What one family did. */
export interface FamilyReport {
  name: string;
  runs: number;
  /** How often each outcome (`ok`, an error code, or several joined by `/`) occurred. */
  outcomes: Record<string, number>;
  slowestCaseMs: number;
  /** Largest growth of heap plus array buffers across one case. */
  largestGrowthBytes: number;
  elapsedMs: number;
  /** Set when a case broke an invariant: the shrunk counterexample and how to replay it. */
  failure?: string;
}

/** What a campaign did. */
export interface CampaignReport {
  seed: number;
  families: FamilyReport[];
  /** Every failure: broken invariants, hangs and crashes. */
  failures: string[];
  /** High-water mark of the process's resident set. */
  maxRssBytes: number;
}

/** Parameters of a campaign. */
export interface CampaignOptions {
  seed: number;
  /** Fraction of each family's `npm run fuzz` run count. */
  scale: number;
  /** Runs per family at least, whatever the scale. */
  minRuns: number;
  /** Family names to run; all when absent. */
  only?: string[];
  /** A case slower than this fails. */
  maxCaseMs: number;
  /** A case that grows heap plus array buffers by more than this fails. */
  maxGrowthBytes: number;
  /** No heartbeat for this long means a hang. */
  stallMs: number;
  /** Stop a family after this long, counting what ran (a bound on slow machines); none when absent. */
  familyTimeLimitMs?: number;
  /** Called as each family finishes. */
  onFamily?: (report: FamilyReport) => void;
}

/** Layout of the shared heartbeat: case counter, family index, input length, then the input bytes. */
export const HEARTBEAT_HEADER_BYTES = 16;
export const HEARTBEAT_INPUT_BYTES = 64 * 1024;

/** The message the worker posts after each family, and once at the end. */
export type WorkerMessage = { type: 'family'; report: FamilyReport } | { type: 'done'; maxRssBytes: number };

/** Runs a campaign to the end; never rejects, every problem lands in `failures`. */
export function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const shared = new SharedArrayBuffer(HEARTBEAT_HEADER_BYTES + HEARTBEAT_INPUT_BYTES);
  const beat = new Int32Array(shared, 0, 4);
  const { onFamily, ...workerOptions } = options;
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
    workerData: { ...workerOptions, shared },
    // A case that builds a huge JS structure from a declared count dies here instead of taking the machine.
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  const report: CampaignReport = { seed: options.seed, families: [], failures: [], maxRssBytes: 0 };
  let finished = false;

  const currentInput = (): string => {
    const length = Math.min(Atomics.load(beat, 2), HEARTBEAT_INPUT_BYTES);
    return toHex(new Uint8Array(shared, HEARTBEAT_HEADER_BYTES, length));
  };

  return new Promise((resolve) => {
    let lastCount = -1;
    let lastChange = Date.now();
    const watchdog = setInterval(() => {
      const count = Atomics.load(beat, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > options.stallMs) {
        report.failures.push(`hang: case ${count} of family ${Atomics.load(beat, 1)} ran over ${options.stallMs} ms on input ${currentInput()}`);
        void worker.terminate();
      }
    }, 200);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'done') {
        finished = true;
        report.maxRssBytes = message.maxRssBytes;
        return;
      }
      report.families.push(message.report);
      if (message.report.failure !== undefined) report.failures.push(`${message.report.name}: ${message.report.failure}`);
      onFamily?.(message.report);
    });
    worker.on('error', (error) => report.failures.push(`crash: ${describeError(error)} on input ${currentInput()}`));
    worker.on('exit', (code) => {
      clearInterval(watchdog);
      if (!finished && report.failures.length === 0) {
        // The event loop ran dry mid-case: a promise that can never settle.
        report.failures.push(`worker exited (code ${code}) mid-case on input ${currentInput()}`);
      }
      resolve(report);
    });
  });
}
