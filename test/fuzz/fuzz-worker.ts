/**
 * The worker side of a campaign: seals the corpus, then runs each family with
 * fast-check, timing every case and measuring its memory growth, and beating
 * the shared heartbeat before each case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { type CampaignOptions, type FamilyReport, HEARTBEAT_HEADER_BYTES, HEARTBEAT_INPUT_BYTES, type WorkerMessage } from './campaign.js';
import { sealCorpus } from './corpus.js';
import { type FuzzCase, createFamilies, createKeyTexts } from './families.js';
import { CaseFailure } from './outcome.js';

type WorkerOptions = Omit<CampaignOptions, 'onFamily'> & { shared: SharedArrayBuffer };

const options = workerData as WorkerOptions;
const beat = new Int32Array(options.shared, 0, 4);
const input = new Uint8Array(options.shared, HEARTBEAT_HEADER_BYTES, HEARTBEAT_INPUT_BYTES);

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

function memoryInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Records `fuzzCase` in the heartbeat, so the watchdog can name it if it never returns. */
function announce(fuzzCase: FuzzCase, familyIndex: number): void {
  const length = Math.min(fuzzCase.input.length, HEARTBEAT_INPUT_BYTES);
  input.set(fuzzCase.input.subarray(0, length));
  Atomics.store(beat, 1, familyIndex);
  Atomics.store(beat, 2, length);
  Atomics.add(beat, 0, 1);
}

async function runFamilies(): Promise<void> {
  const families = createFamilies(await sealCorpus(), await createKeyTexts());
  for (const [index, family] of families.entries()) {
    if (options.only !== undefined && !options.only.includes(family.name)) continue;
    const report: FamilyReport = { name: family.name, runs: 0, outcomes: {}, slowestCaseMs: 0, largestGrowthBytes: 0, elapsedMs: 0 };
    const property = fc.asyncProperty(family.arbitrary, async (fuzzCase) => {
      announce(fuzzCase, index);
      const before = memoryInUse();
      const start = performance.now();
      const outcome = await fuzzCase.run();
      const elapsed = performance.now() - start;
      const growth = memoryInUse() - before;
      report.runs++;
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      report.slowestCaseMs = Math.max(report.slowestCaseMs, elapsed);
      report.largestGrowthBytes = Math.max(report.largestGrowthBytes, growth);
      if (elapsed > options.maxCaseMs) throw new CaseFailure(`case took ${elapsed.toFixed(0)} ms, over ${options.maxCaseMs} ms`);
      if (growth > options.maxGrowthBytes) throw new CaseFailure(`case grew memory by ${growth} bytes, over ${options.maxGrowthBytes}`);
    });
    const seed = options.seed + index;
    const start = performance.now();
    const details = await fc.check(property, {
      numRuns: Math.max(options.minRuns, Math.round(family.runs * options.scale)),
      seed,
      ...(options.familyTimeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.familyTimeLimitMs, markInterruptAsFailure: false }),
    });
    report.elapsedMs = performance.now() - start;
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      report.failure = `${error}\n  counterexample: ${fc.stringify(details.counterexample)}\n  replay: fast-check seed ${seed}, path ${details.counterexamplePath}`;
    }
    post({ type: 'family', report });
  }
  post({ type: 'done', maxRssBytes: process.resourceUsage().maxRSS * 1024 });
}

await runFamilies();
