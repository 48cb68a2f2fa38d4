/**
 * `npm run fuzz`: the full format fuzz campaign (over 100,000 cases), then every
 * single-bit flip of a three-chunk file in both decryption forms. Prints a
 * summary and exits 1 on any failure.
 *
 *   npm run fuzz -- [--seed N] [--scale X] [--only "family name"] [--skip-bit-flips]
 */
import { parseArgs } from 'node:util';
import { checkEveryBitFlip } from './bit-flips.js';
import { type CampaignReport, type FamilyReport, runCampaign } from './campaign.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    scale: { type: 'string', default: '1' },
    only: { type: 'string', multiple: true },
    'skip-bit-flips': { type: 'boolean', default: false },
  },
});

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const scale = Number(values.scale);
if (!Number.isSafeInteger(seed) || !(scale > 0)) {
  process.stderr.write('error: --seed must be an integer and --scale a positive number\n');
  process.exit(2);
}

function formatFamily(family: FamilyReport): string {
  const outcomes = Object.entries(family.outcomes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  return (
    `${family.failure === undefined ? 'ok  ' : 'FAIL'} ${family.name.padEnd(40)} ${String(family.runs).padStart(7)} cases ` +
    `${(family.elapsedMs / 1000).toFixed(1).padStart(6)} s  slowest ${family.slowestCaseMs.toFixed(1)} ms  ` +
    `largest growth ${(family.largestGrowthBytes / 2 ** 20).toFixed(1)} MiB\n      ${outcomes}`
  );
}

process.stdout.write(`format fuzz: seed ${seed}, scale ${scale}\n`);
const started = performance.now();
const report: CampaignReport = await runCampaign({
  seed,
  scale,
  minRuns: 1,
  only: values.only,
  maxCaseMs: 2000,
  maxGrowthBytes: 64 * 2 ** 20,
  stallMs: 15_000,
  onFamily: (family) => process.stdout.write(`${formatFamily(family)}\n`),
});
const failures = [...report.failures];
const total = report.families.reduce((sum, f) => sum + f.runs, 0);
process.stdout.write(`\n${total} cases, peak RSS ${(report.maxRssBytes / 2 ** 20).toFixed(0)} MiB\n`);

if (!values['skip-bit-flips'] && values.only === undefined) {
  const flips = await checkEveryBitFlip({ payloadStride: 1 });
  process.stdout.write(
    `every bit flip of a ${flips.fileBytes}-byte three-chunk file: ${flips.cases} cases (one-shot and streamed) in ${(flips.elapsedMs / 1000).toFixed(1)} s\n`,
  );
  failures.push(...flips.failures);
}

process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
if (failures.length > 0) {
  process.stdout.write(`\n${failures.length} failure(s), seed ${seed}:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('no failures\n');
}
