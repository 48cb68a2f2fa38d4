/**
 * The benchmark entry point: `npm run bench` (full, under 20 minutes on two
 * cores) or `npm run bench -- --quick` (small inputs, under 2 minutes).
 *
 * Options:
 *   --quick            small inputs and fewer runs, for development
 *   --only=a,b         run only these sections: throughput, recipients, memory, peers, cli, directory
 *   --report-only      re-render RESULTS.md and the charts from bench/results.json
 *   --out=DIR          read and write results.json, RESULTS.md and charts/ in DIR instead of bench/,
 *                      so a trial run leaves the committed figures alone
 *
 * Writes bench/RESULTS.md, bench/results.json and bench/charts/*.svg. A section
 * that fails is reported in RESULTS.md and makes the exit status non-zero;
 * the others still run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCharts } from './charts.js';
import { GiB, MiB, createPattern } from './data.js';
import { describeMachine, readLoad } from './machine.js';
import { PEERS } from './peers/index.js';
import { renderResults } from './report.js';
import { type BenchResults, SECTIONS, type SectionName } from './results.js';
import { measureCli } from './sections/cli.js';
import { comparePeers } from './sections/compare.js';
import { measureDirectory } from './sections/directory.js';
import { measureMemory } from './sections/memory.js';
import { measureRecipients } from './sections/recipients.js';
import { measureThroughput } from './sections/throughput.js';
import { type Workspace, createWorkspace, makeSubdirectory, removeWorkspace } from './workspace.js';

/** Where the results go by default: the bench/ folder of the source tree, whatever the build folder. */
const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));

interface RunOptions {
  quick: boolean;
  only: Set<SectionName>;
  reportOnly: boolean;
  /** The folder of results.json, RESULTS.md and charts/, ending in a separator. */
  outDir: string;
}

/** Input sizes and run counts of each mode. */
const PLANS = {
  quick: {
    throughput: { nodeBytes: 32 * MiB, nobleBytes: 4 * MiB, runs: 3 },
    recipients: { runs: 3, coldRuns: 2 },
    memory: { sizes: [64 * MiB, 256 * MiB], runs: 2 },
    fileBytes: 32 * MiB,
    fileRuns: 3,
    directory: { requests: 300, clients: 50, timeoutMs: 2000 },
  },
  full: {
    throughput: { nodeBytes: 256 * MiB, nobleBytes: 32 * MiB, runs: 5 },
    recipients: { runs: 5, coldRuns: 5 },
    memory: { sizes: [64 * MiB, 256 * MiB, GiB, 4 * GiB], runs: 3 },
    fileBytes: GiB,
    fileRuns: 3,
    directory: { requests: 1000, clients: 50, timeoutMs: 2000 },
  },
};

function parseOptions(argv: readonly string[]): RunOptions {
  const options: RunOptions = { quick: false, only: new Set(SECTIONS), reportOnly: false, outDir: BENCH_DIR };
  for (const argument of argv) {
    if (argument === '--quick') options.quick = true;
    else if (argument === '--report-only') options.reportOnly = true;
    else if (argument.startsWith('--out=')) options.outDir = `${resolve(argument.slice('--out='.length))}/`;
    else if (argument.startsWith('--only=')) {
      const names = argument.slice('--only='.length).split(',');
      for (const name of names) if (!(SECTIONS as readonly string[]).includes(name)) throw new RangeError(`unknown section ${name}; known: ${SECTIONS.join(', ')}`);
      options.only = new Set(names as SectionName[]);
    } else throw new RangeError(`unknown option ${argument}; use --quick, --only=SECTIONS, --report-only or --out=DIR`);
  }
  return options;
}

const started = performance.now();
function log(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
}

async function writeOutputs(results: BenchResults, outDir: string): Promise<void> {
  const charts = await writeCharts(results, `${outDir}charts`);
  await writeFile(`${outDir}RESULTS.md`, renderResults(results, charts));
  log(`wrote ${outDir}RESULTS.md and ${charts.length} charts in ${outDir}charts/`);
}

/** Sections that failed in this run; any makes the exit status non-zero. */
const failures: SectionName[] = [];

/** Runs one section; a failure becomes a note instead of ending the run. */
async function runSection<T>(name: SectionName, results: BenchResults, options: RunOptions, measure: () => Promise<T>): Promise<T | undefined> {
  if (!options.only.has(name)) return undefined;
  const sectionStarted = performance.now();
  try {
    return await measure();
  } catch (error) {
    failures.push(name);
    results.notes.push(`The ${name} measurement failed: ${error instanceof Error ? error.message : String(error)}`);
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return undefined;
  } finally {
    log(`${name}: done in ${((performance.now() - sectionStarted) / 1000).toFixed(0)} s`);
  }
}

async function runBench(options: RunOptions): Promise<BenchResults> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const results: BenchResults = { mode: options.quick ? 'quick' : 'full', machine: describeMachine(), durationSeconds: 0, notes: [] };
  log(`${results.mode} run on ${results.machine.cpuModel} (${results.machine.cores} cores), load ${results.machine.loadAtStart.map((v) => v.toFixed(2)).join(' ')}`);
  const pattern = createPattern();
  results.throughput = await runSection('throughput', results, options, () => measureThroughput(plan.throughput, pattern, log));
  results.memory = await runSection('memory', results, options, () => measureMemory(plan.memory, log));
  let workspace: Workspace | undefined;
  const removeOnSignal = (): void => {
    if (workspace !== undefined) void removeWorkspace(workspace).finally(() => process.exit(130));
    else process.exit(130);
  };
  process.once('SIGINT', removeOnSignal);
  try {
    const needsInput = options.only.has('peers') || options.only.has('cli');
    if (needsInput) log(`writing a ${plan.fileBytes / MiB} MiB input file`);
    workspace = await createWorkspace(needsInput ? plan.fileBytes : 0, pattern);
    const ws = workspace;
    const scratch = await makeSubdirectory(ws, 'recipients');
    results.recipients = await runSection('recipients', results, options, () => measureRecipients(plan.recipients, scratch, log));
    results.peers = await runSection('peers', results, options, () =>
      comparePeers({ name: 'peers', peers: PEERS, recipientCounts: [1, 10], runs: plan.fileRuns, sink: 'null' }, ws, log),
    );
    results.cli = await runSection('cli', results, options, () => measureCli({ runs: plan.fileRuns }, ws, log));
  } finally {
    if (workspace !== undefined) await removeWorkspace(workspace);
    process.removeListener('SIGINT', removeOnSignal);
  }
  // Last, so the server's child process does not share the cores with any other measurement.
  results.directory = await runSection('directory', results, options, () => measureDirectory(plan.directory, log));
  results.machine.loadAtEnd = readLoad();
  results.durationSeconds = (performance.now() - started) / 1000;
  return results;
}

const options = parseOptions(process.argv.slice(2));
const resultsFile = `${options.outDir}results.json`;
const results = options.reportOnly ? (JSON.parse(await readFile(resultsFile, 'utf8')) as BenchResults) : await runBench(options);
await mkdir(options.outDir, { recursive: true });
if (!options.reportOnly) await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
await writeOutputs(results, options.outDir);
log(`finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) process.exitCode = 1;
