/**
 * The targets of the benchmark issue, checked against a run's figures: met,
 * missed and by how much, or not measured and why. Where a target is missed,
 * the detail says what the figures show about the cause.
 */
import { formatBytes, formatNumber, formatRatio } from './format.js';
import type { BenchResults } from './results.js';
import type { ComparisonResults, ComparisonRow } from './sections/compare.js';
import { DEFAULT_CHUNK_SIZE } from './sections/throughput.js';

/** One target's verdict. */
export interface TargetVerdict {
  target: string;
  measured: string;
  /** `info` marks a figure shown for reference, with no goal of its own. */
  status: 'met' | 'missed' | 'not measured' | 'info';
  /** How much it was missed by, and what the figures say about why; or why it was not measured. */
  detail: string;
}

const RATIO_GOAL_AGE = 1.0;
const RATIO_GOAL_CEILING = 0.8;
const BUILD_GOAL_MS = 1000;
const FIND_GOAL_MS = 20;
const RSS_GOAL_MIB = 100;

/** Joins the sentences of a detail, leaving out empty ones. */
function sentences(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join(' ');
}

function atLeast(target: string, measured: number, goal: number, why: () => string): TargetVerdict {
  if (measured >= goal) return { target, measured: formatRatio(measured), status: 'met', detail: '' };
  const shortBy = (goal - measured) / goal;
  return { target, measured: formatRatio(measured), status: 'missed', detail: sentences(`missed by ${formatNumber(shortBy * 100)}% (${formatRatio(measured)} against ${formatRatio(goal)}).`, why()) };
}

function below(target: string, measured: number, goal: number, unit: string, why: () => string): TargetVerdict {
  const shown = `${formatNumber(measured, measured < 100 ? 1 : 0)} ${unit}`;
  if (measured < goal) return { target, measured: shown, status: 'met', detail: '' };
  const over = measured - goal;
  return {
    target,
    measured: shown,
    status: 'missed',
    detail: sentences(`missed by ${formatNumber(over, over < 100 ? 1 : 0)} ${unit} (+${formatNumber((over / goal) * 100)}%).`, why()),
  };
}

function notMeasured(target: string, reason: string): TargetVerdict {
  return { target, measured: '—', status: 'not measured', detail: reason };
}

function findRow(comparison: ComparisonResults | undefined, peerId: string, recipients: number): ComparisonRow | undefined {
  return comparison?.rows.find((row) => row.peerId === peerId && row.recipients === recipients);
}

function skipReason(comparison: ComparisonResults | undefined, peerIds: string[], section: string): string {
  if (comparison === undefined) return `the ${section} measurement did not run`;
  const skip = comparison.skipped.find((s) => peerIds.includes(s.peerId));
  return skip === undefined ? 'no figures' : `${skip.label} skipped: ${skip.reason}`;
}

type Operation = 'encrypt' | 'decrypt';

/** How the cipher alone compares with age: the raw single-core loop of measurement 1. */
function explainCipher(results: BenchResults, operation: Operation, ageRate: number): string {
  const ceiling = results.throughput?.ceilings.find((c) => c.chunkSize === DEFAULT_CHUNK_SIZE);
  if (ceiling === undefined) return '';
  const raw = operation === 'encrypt' ? ceiling.seal.median : ceiling.open.median;
  return `The raw single-core node:crypto loop at ${formatBytes(DEFAULT_CHUNK_SIZE)} chunks runs at ${formatNumber(raw)} MB/s here, against age's ${formatNumber(ageRate)} MB/s with its file I/O.`;
}

/** For the file API: what one thread does, and what the second core adds. */
function explainCores(comparison: ComparisonResults, ours: ComparisonRow, age: ComparisonRow, operation: Operation): string {
  const one = findRow(comparison, 'cardseal-1t', ours.recipients);
  if (one === undefined) return '';
  const gain = ours[operation].median / one[operation].median;
  return `On one thread the file API reaches ${formatRatio(one[operation].median / age[operation].median)} age; this machine's two cores together give ${formatRatio(gain)} of one.`;
}

/** For the CLI: how much of cardseal's time per run is start-up, and how it fares against age writing as durably. */
function explainCli(results: BenchResults, comparison: ComparisonResults, reference: ComparisonRow, operation: Operation): string {
  const startupMs = results.cli?.startup?.median;
  const runMs = comparison.inputBytes / reference[operation].median / 1000;
  const startup = startupMs === undefined ? '' : `Start-up alone (Node, the command's modules and the header, timed on an empty file) takes ${formatNumber(startupMs)} ms of cardseal's ${formatNumber(runMs)} ms per run.`;
  const synced = findRow(comparison, 'age-sync', reference.recipients);
  const durable = synced === undefined ? '' : `cardseal fsyncs its output before renaming it into place and age does not: against age followed by \`sync OUT\`, as durable, ${formatRatio(synced[`${operation}Ratio`].median)}.`;
  return sentences(startup, durable);
}

function versusAge(results: BenchResults, comparison: ComparisonResults | undefined, section: string, subject: string, reference: string, recipients: number): TargetVerdict[] {
  return (['encrypt', 'decrypt'] as const).map((operation) => {
    const size = comparison === undefined ? '' : `${formatBytes(comparison.inputBytes)}, `;
    const target = `${subject} ${operation} ≥ 1.0× age (${size}${recipients} recipient${recipients === 1 ? '' : 's'})`;
    const age = findRow(comparison, 'age', recipients);
    const ours = findRow(comparison, reference, recipients);
    if (comparison === undefined || age === undefined || ours === undefined) return notMeasured(target, skipReason(comparison, ['age', reference], section));
    const ratio = operation === 'encrypt' ? age.encryptRatio.median : age.decryptRatio.median;
    const why = (): string =>
      reference === 'cardseal-cli'
        ? explainCli(results, comparison, ours, operation)
        : sentences(explainCores(comparison, ours, age, operation), explainCipher(results, operation, age[operation].median));
    return atLeast(target, ratio, RATIO_GOAL_AGE, why);
  });
}

/** Informational rows: the other ways of using the library, against age in the same rounds. */
function otherApis(comparison: ComparisonResults | undefined, recipients: number): TargetVerdict[] {
  const age = findRow(comparison, 'age', recipients);
  if (age === undefined) return [];
  return (['cardseal-1t', 'cardseal-stream'] as const).flatMap((peerId) => {
    const row = findRow(comparison, peerId, recipients);
    if (row === undefined) return [];
    return (['encrypt', 'decrypt'] as const).map((operation) => {
      const ratio = row[operation].median / age[operation].median;
      return { target: `${row.label} ${operation} against age (${recipients} recipient${recipients === 1 ? '' : 's'}), for reference`, measured: formatRatio(ratio), status: 'info' as const, detail: peerId === 'cardseal-stream' ? STREAM_NOTE : ONE_THREAD_NOTE };
    });
  });
}

const ONE_THREAD_NOTE = 'What one core does: the file engine on the calling thread alone.';
const STREAM_NOTE = "encryptFor/decryptWith between fs.createReadStream and fs.createWriteStream with Node's defaults: every 64 KiB read and every write is a round trip through libuv's thread pool, which caps any such pipeline whatever it computes (section 4 has those streams alone, copying).";

function checkCeiling(results: BenchResults): TargetVerdict {
  const target = `In-process stream encrypt ≥ 0.8× the raw single-core cipher (${formatBytes(DEFAULT_CHUNK_SIZE)} chunks)`;
  const row = results.throughput?.streams.find((s) => s.backend === 'node' && s.chunkSize === DEFAULT_CHUNK_SIZE);
  if (row === undefined) return notMeasured(target, 'the throughput measurement did not run');
  const ratio = row.encryptRatio.median;
  return atLeast(target, ratio, RATIO_GOAL_CEILING, () => `The stream spends about ${formatNumber((1 - ratio) * 100)}% of its time outside the cipher calls (stream plumbing, copies, allocation).`);
}

function checkRecipients(results: BenchResults): TargetVerdict[] {
  const row = results.recipients?.rows.find((r) => r.recipients === 10_000);
  const targets = ['10,000 recipients: header built < 1 s', '10,000 recipients: last entry found < 20 ms (warm)', '10,000 recipients: last entry found < 20 ms (cold, fresh process)'];
  if (row === undefined) return targets.map((t) => notMeasured(t, 'the recipients measurement did not run'));
  const perRecipient = (row.build.median * 1000) / row.recipients;
  const parseShare = row.parse.median / row.openLast.median;
  return [
    below(targets[0]!, row.build.median, BUILD_GOAL_MS, 'ms', () => `Each recipient costs ${formatNumber(perRecipient)} µs: one X25519 agreement, one HKDF and one seal.`),
    below(targets[1]!, row.openLast.median, FIND_GOAL_MS, 'ms', () => `Parsing the header takes ${formatNumber(parseShare * 100)}% of it.`),
    below(targets[2]!, row.coldLast.median, FIND_GOAL_MS, 'ms', () => `A fresh process pays for compiling the parser as it runs; warm, the same lookup takes ${formatNumber(row.openLast.median, 1)} ms.`),
  ];
}

function checkMemory(results: BenchResults): TargetVerdict[] {
  const largest = results.memory?.rows[results.memory.rows.length - 1];
  const size = largest === undefined ? '4 GiB' : formatBytes(largest.bytes);
  const quick = largest !== undefined && results.mode === 'quick' ? ' (quick mode; the full run goes to 4 GiB)' : '';
  const targets = [`Peak RSS < 100 MiB at ${size}, encrypt (worst run)${quick}`, `Peak RSS < 100 MiB at ${size}, encrypt then decrypt (worst run)${quick}`];
  if (largest === undefined) return targets.map((t) => notMeasured(t, 'the memory measurement did not run'));
  const { bareRss, baselineRss } = results.memory!;
  const why = (peak: number) => (): string =>
    `Node alone peaks at ${formatNumber(bareRss.median)} MiB; importing the library adds ${formatNumber(baselineRss.median - bareRss.median)} MiB and the stream ${formatNumber(peak - baselineRss.median)} MiB.`;
  return [
    below(targets[0]!, largest.encryptRss.max, RSS_GOAL_MIB, 'MiB', why(largest.encryptRss.max)),
    below(targets[1]!, largest.roundTripRss.max, RSS_GOAL_MIB, 'MiB', why(largest.roundTripRss.max)),
  ];
}

function checkDirectory(results: BenchResults): TargetVerdict {
  const directory = results.directory;
  const load = directory === undefined ? '' : ` (${formatNumber(directory.plan.requests)} requests, ${formatNumber(directory.plan.clients)} clients)`;
  const target = `Directory server under load: answers not as prescribed = 0${load}`;
  if (directory === undefined) return notMeasured(target, 'the directory measurement did not run');
  const measured = formatNumber(directory.problemCount);
  if (directory.problemCount === 0) return { target, measured, status: 'met', detail: '' };
  return { target, measured, status: 'missed', detail: `First: ${directory.problems[0] ?? 'not recorded'}; the rest are listed in section 6.` };
}

/** Checks every target against the run's figures, in the issue's order. */
export function evaluateTargets(results: BenchResults): TargetVerdict[] {
  return [
    ...versusAge(results, results.cli?.devNull, 'end-to-end', 'CLI, to /dev/null,', 'cardseal-cli', 10),
    ...versusAge(results, results.cli, 'end-to-end', 'CLI, file to file,', 'cardseal-cli', 10),
    ...versusAge(results, results.peers, 'peers', 'API (encryptFile, decryptFile)', 'cardseal', 1),
    ...versusAge(results, results.peers, 'peers', 'API (encryptFile, decryptFile)', 'cardseal', 10),
    ...otherApis(results.peers, 1),
    ...otherApis(results.peers, 10),
    checkCeiling(results),
    ...checkRecipients(results),
    ...checkMemory(results),
    checkDirectory(results),
  ];
}
