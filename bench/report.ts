/**
 * bench/RESULTS.md, written from a run's figures: the machine, the targets,
 * then one section per measurement with its tables, charts and method.
 */
import type { ChartFile } from './charts.js';
import { formatBytes, formatNumber, formatRatio, formatSummary, formatTable } from './format.js';
import { wasQuiet } from './machine.js';
import { type ChunkRecommendation, TOLERANCE, recommendChunkSize } from './recommend.js';
import type { BenchResults } from './results.js';
import type { CliResults } from './sections/cli.js';
import type { ComparisonResults } from './sections/compare.js';
import type { DirectoryResults } from './sections/directory.js';
import type { MemoryResults } from './sections/memory.js';
import type { RecipientResults } from './sections/recipients.js';
import { DEFAULT_CHUNK_SIZE, type ThroughputResults } from './sections/throughput.js';
import type { Summary } from './stats.js';
import { evaluateTargets } from './targets.js';

function optional(summary: Summary | undefined, digits?: number): string {
  return summary === undefined ? '—' : formatSummary(summary, digits);
}

function ratioOf(summary: Summary): string {
  return Number.isNaN(summary.median) ? '—' : `${formatRatio(summary.median)} (${formatNumber(summary.min, 2)}–${formatNumber(summary.max, 2)})`;
}

function chartLinks(charts: ChartFile[], prefix: string): string {
  return charts
    .filter((c) => c.file.startsWith(prefix))
    .map((c) => `![${c.title}](charts/${c.file})`)
    .join('\n\n');
}

function renderMachine(results: BenchResults): string {
  const { machine } = results;
  const load = (values: number[]): string => values.map((v) => formatNumber(v, 2)).join(', ');
  const rows = [
    ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
    ['Memory', `${machine.memoryGiB} GiB`],
    ['OS', machine.platform],
    ['Node', machine.node],
    ['Date', machine.date],
    ['Mode', results.mode === 'quick' ? 'quick (`npm run bench -- --quick`): small inputs, for development' : 'full (`npm run bench`)'],
    ['Duration', `${formatNumber(results.durationSeconds)} s`],
    ['Load average (1, 5, 15 min)', `at start ${load(machine.loadAtStart)}; at end ${load(machine.loadAtEnd)}`],
  ];
  const warning = wasQuiet(machine.loadAtStart, machine.loadAtEnd, machine.cores)
    ? ''
    : '\n\n> **The machine was busy during this run** (other work kept the 1-minute load above half the cores before the run, or above that plus every core by its end): absolute figures are low and noisy. Ratios between runs taken in the same round hold up better.';
  return `${formatTable(['', ''], rows)}${warning}`;
}

function renderTargets(results: BenchResults): string {
  const verdicts = evaluateTargets(results);
  const mark = { met: '✅ met', missed: '❌ missed', 'not measured': '⏸ not measured', info: 'ℹ️ reference' } as const;
  return formatTable(['target', 'measured', 'status', 'detail'], verdicts.map((v) => [v.target, v.measured, mark[v.status], v.detail || '—']));
}

function renderThroughput(throughput: ThroughputResults, charts: ChartFile[]): string {
  const node = throughput.streams.filter((s) => s.backend === 'node');
  const noble = throughput.streams.filter((s) => s.backend === 'noble');
  const nodeRows = node.map((s, i) => {
    const ceiling = throughput.ceilings[i]!;
    return [formatBytes(s.chunkSize), formatSummary(s.encrypt), formatSummary(ceiling.seal), ratioOf(s.encryptRatio), formatSummary(s.decrypt), formatSummary(ceiling.open), ratioOf(s.decryptRatio)];
  });
  const nobleRows = noble.map((s) => [formatBytes(s.chunkSize), formatSummary(s.encrypt), ratioOf(s.encryptRatio), formatSummary(s.decrypt), ratioOf(s.decryptRatio)]);
  const readRows = throughput.readSizes.map((r) => [formatBytes(r.readSize), formatSummary(r.encrypt), formatSummary(r.decrypt)]);
  const runs = node[0]?.encrypt.runs ?? 0;
  return [
    `Generated input (views of one 4 MiB random block, read ${formatBytes(throughput.readSize)} at a time) → \`encryptFor\` or \`decryptWith\` → a counting sink, through \`stream.pipeline\`; ${formatBytes(throughput.inputBytes.node)} per run with the node backend, ${formatBytes(throughput.inputBytes.noble)} with noble; ${runs} runs each. Decryption replays ciphertext prepared in memory, in reads of the same size.`,
    'The **raw loop** is the ceiling: the same bytes sealed (or opened) in a plain loop, one `createCipheriv` (or `createDecipheriv`) per chunk, nothing else. It runs alternately with the stream, run by run, and the ratio is taken within each pair. Every configuration round-trips a few chunks plus a ragged tail before it is timed. From 256 KiB up the raw loop pays for memory the stream does not: its one call per chunk returns a fresh output of the whole chunk, which past the allocator\'s mmap threshold is new memory the kernel must zero, while the stream seals a chunk in the pieces it was read in. There the stream can beat its ceiling.',
    '### node:crypto backend (MB/s)',
    formatTable(['chunk', 'encrypt', 'raw seal loop', 'encrypt / raw', 'decrypt', 'raw open loop', 'decrypt / raw'], nodeRows),
    '### noble backend (MB/s; ratio to the node:crypto raw loop of the same chunk size)',
    formatTable(['chunk', 'encrypt', 'encrypt / node raw', 'decrypt', 'decrypt / node raw'], nobleRows),
    `### Input read size, at the default ${formatBytes(DEFAULT_CHUNK_SIZE)} chunks (node backend, MB/s)`,
    formatTable(['read size', 'encrypt', 'decrypt'], readRows),
    chartLinks(charts, 'throughput-'),
  ].join('\n\n');
}

function renderRecommendation(recommendation: ChunkRecommendation): string {
  const rows = recommendation.standings.map((s) => [
    formatBytes(s.chunkSize),
    `${formatNumber(s.encrypt)} (${formatNumber(s.encryptShare * 100)}%)`,
    `${formatNumber(s.decrypt)} (${formatNumber(s.decryptShare * 100)}%)`,
    `${Number((s.overhead * 100).toPrecision(2))}%`,
    formatBytes(s.chunkSize),
    s.qualifies ? 'yes' : 'no',
  ]);
  const chosen = formatBytes(recommendation.recommended);
  const defaultSize = formatBytes(recommendation.defaultSize);
  const standing = recommendation.standings.find((s) => s.chunkSize === recommendation.defaultSize);
  const best = (direction: 'encryptShare' | 'decryptShare'): string => formatBytes(recommendation.standings.find((s) => s[direction] === 1)?.chunkSize ?? 0);
  const compromise = `No chunk size is within ${formatNumber(TOLERANCE * 100)}% of the best both ways: encrypt is fastest at ${best('encryptShare')}, decrypt at ${best('decryptShare')}.`;
  const verdict = recommendation.compromise
    ? `${compromise} **The rule picks ${chosen}${recommendation.recommended === recommendation.defaultSize ? ', the default,' : ''}** as the best compromise: the slower of its two directions comes closest to that direction's best.${recommendation.recommended === recommendation.defaultSize ? '' : ` The default is ${defaultSize}; judge over several full runs before changing it.`}`
    : recommendation.recommended === recommendation.defaultSize
      ? `**The figures support the default of ${defaultSize}**: it is the smallest chunk size within ${formatNumber(TOLERANCE * 100)}% of the best for both directions.`
      : recommendation.recommended < recommendation.defaultSize
        ? `**The rule picks ${chosen}, below the default of ${defaultSize}**: ${chosen} is already within ${formatNumber(TOLERANCE * 100)}% of the best, so the default buys little speed for its memory and seek granularity. On a busy machine the boundary moves; judge over several full runs before changing the format default.`
        : `**The rule picks ${chosen}, above the default of ${defaultSize}**: at the default, encrypt reaches ${formatNumber((standing?.encryptShare ?? 0) * 100)}% and decrypt ${formatNumber((standing?.decryptShare ?? 0) * 100)}% of the best chunk size. Either make the fixed cost per chunk smaller or raise the default; on a busy machine, judge over several full runs first.`;
  return [
    `Rule: the smallest chunk size whose encrypt and decrypt medians (node backend) are both within ${formatNumber(TOLERANCE * 100)}% of the best chunk size's, or when there is none, the size whose slower direction comes closest to its best. Past that point a larger chunk buys little speed and costs memory per stream (one chunk buffered on each side), time to the first authenticated plaintext byte, and coarser seeking.`,
    formatTable(['chunk', 'encrypt MB/s (% of best)', 'decrypt MB/s (% of best)', 'tag overhead', 'buffered per stream (about)', 'within tolerance'], rows),
    verdict,
  ].join('\n\n');
}

function renderRecipients(recipients: RecipientResults, charts: ChartFile[]): string {
  const rows = recipients.rows.map((r) => [
    formatNumber(r.recipients),
    formatNumber(r.envelopeBytes),
    formatNumber(r.envelopeBytes / r.recipients, 1),
    formatSummary(r.build),
    formatSummary(r.parse),
    formatSummary(r.openFirst),
    formatSummary(r.openLast),
    formatSummary(r.coldFirst),
    formatSummary(r.coldLast),
  ]);
  return [
    'Build: `encryptFor(recipients)` up to the finished envelope (prefix, header, MAC). Find: `openEnvelope` (lib/envelope.ts) as the first and as the last recipient of the list: strict parse, one X25519, binary search by tag, header MAC. Warm figures come from tinybench in one process; cold figures are the first call in a fresh process per run, as a CLI meets it. Only the first and last recipients are real key pairs; the rest are random X25519 public keys, which cost the sender the same. Times in ms.',
    formatTable(['recipients', 'envelope bytes', 'bytes / recipient', 'build', 'parse only', 'find first (warm)', 'find last (warm)', 'find first (cold)', 'find last (cold)'], rows),
    `Each recipient beyond the first adds **${formatNumber(recipients.bytesPerRecipient, 1)} bytes** to the header (a 16-byte tag and a 48-byte wrapped file key, plus CBOR framing).`,
    chartLinks(charts, 'recipients'),
  ].join('\n\n');
}

function renderMemory(memory: MemoryResults, charts: ChartFile[]): string {
  const rows = memory.rows.map((r) => [formatBytes(r.bytes), formatSummary(r.encryptRss), formatSummary(r.roundTripRss), formatSummary(r.encryptRate), formatSummary(r.roundTripRate)]);
  return [
    'Each run is a fresh Node process streaming generated input through `encryptFor` into a counting sink, or through `encryptFor` then `decryptWith` in one pipeline; the figure is the process peak RSS (`process.resourceUsage().maxRSS`).',
    formatTable(['input', 'encrypt peak RSS (MiB)', 'encrypt → decrypt peak RSS (MiB)', 'encrypt MB/s', 'encrypt → decrypt MB/s'], rows),
    `A process that streams nothing peaks at **${formatSummary(memory.bareRss)} MiB** without the library and **${formatSummary(memory.baselineRss)} MiB** once \`lib/index.js\` is imported (both hold the 4 MiB input block). The rest is the stream's own buffers and the garbage collector's slack for freed ones.`,
    chartLinks(charts, 'memory'),
  ].join('\n\n');
}

function renderComparison(comparison: ComparisonResults, charts: ChartFile[], prefix: string, reference: string): string {
  const peers = formatTable(
    ['peer', 'version', 'configuration'],
    comparison.peers.map((p) => [p.label, p.version, p.suite]),
  );
  const rows = comparison.rows.map((r) => [
    r.label,
    String(r.recipients),
    formatSummary(r.encrypt),
    formatSummary(r.decrypt),
    optional(r.encryptRss),
    optional(r.decryptRss),
    r.peerId === comparison.rows[0]?.peerId ? '1.00×' : ratioOf(r.encryptRatio),
    r.peerId === comparison.rows[0]?.peerId ? '1.00×' : ratioOf(r.decryptRatio),
  ]);
  const skipped = comparison.skipped.map((s) => `- ${s.label}${s.recipients === undefined ? '' : ` (${s.recipients} recipients)`}: ${s.reason}`);
  return [
    peers,
    formatTable(['peer', 'recipients', 'encrypt MB/s', 'decrypt MB/s', 'encrypt peak RSS (MiB)', 'decrypt peak RSS (MiB)', `${reference} / peer, encrypt`, `${reference} / peer, decrypt`], rows),
    skipped.length === 0 ? '' : `Not measured:\n\n${skipped.join('\n')}`,
    chartLinks(charts, prefix),
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

function renderPeers(peers: ComparisonResults, charts: ChartFile[]): string {
  return [
    `Every peer encrypts a ${formatBytes(peers.inputBytes)} random file to 1 and to 10 recipients and decrypts it as the last recipient, writing to /dev/null. Library peers run in a fresh Node process each (so the peak RSS is theirs alone) and time the operation itself: process start-up and library import come first. cardseal is measured three ways: its file API (\`encryptFile\`, \`decryptFile\`: positional reads and writes, one thread per core with the calling thread one of them), the same on the calling thread alone, and its stream API between \`fs.createReadStream\` and \`fs.createWriteStream\` with Node's defaults (64 KiB reads, 16 KiB of write buffering), the way every other library peer is driven. The age CLI is timed from spawn to exit. Every peer round-trips a small file, compared byte by byte, before it is timed; decrypt byte counts are checked on every library run. Runs are interleaved peer by peer, and each ratio (the cardseal file API's throughput over the peer's, above 1 means cardseal is faster) is taken within a round.`,
    renderComparison(peers, charts, 'peers-', 'cardseal'),
  ].join('\n\n');
}

function renderCli(cli: CliResults, charts: ChartFile[]): string {
  const startup =
    cli.startup === undefined
      ? ''
      : `Start-up alone (encrypting an empty file to 10 recipients into /dev/null: Node, every module the command loads, and the header) takes **${formatSummary(cli.startup)} ms** per invocation.`;
  const devNull =
    cli.devNull === undefined
      ? ''
      : [
          `### To /dev/null\n\nThe programs alone: no file system and no fsync on either side. cardseal writes /dev/null at offsets, as it writes a file, so its file engine runs on every core.`,
          renderComparison(cli.devNull, charts, 'devnull-cli-', 'cardseal CLI'),
        ].join('\n\n');
  return [
    `The \`cardseal\` CLI and \`age\` each encrypt a ${formatBytes(cli.inputBytes)} file to 10 recipients and decrypt it, timed from spawn to exit (Node start-up included for cardseal). IN and OUT are both paths, so the cardseal CLI runs its file engine (\`encryptFile\`, \`decryptFile\`).`,
    startup,
    devNull,
    `### File to file\n\nOutputs go to real files in the scratch directory and are deleted between runs. cardseal fsyncs its output before renaming it into place; age does not, so age followed by \`sync OUT\` is the like-for-like figure.`,
    renderComparison(cli, charts, 'cli-', 'cardseal CLI'),
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

/**
 * The body of the directory section: the load, its figures, the machine line,
 * and the first answers that were not as prescribed. Also printed alone by
 * bench/load-directory.ts.
 */
export function renderDirectory(directory: DirectoryResults): string {
  const { plan, machine } = directory;
  const ms = (value: number | undefined): string => (value === undefined ? '—' : formatNumber(value, 1));
  const rows = [
    ['requests, clients', `${formatNumber(plan.requests)}, ${formatNumber(plan.clients)} concurrent`],
    ['mix', `${directory.validCount} valid, ${directory.malformedCount} malformed, ${directory.stalledCount} stalled or trickled bodies`],
    ['wall time', `${formatNumber(directory.wallSeconds, 2)} s`],
    ['requests/s held (all)', formatNumber(directory.requestsPerSecond)],
    ['valid requests/s', formatNumber(directory.validRequestsPerSecond)],
    ['valid latency p50 / p99', `${ms(directory.validP50Ms)} / ${ms(directory.validP99Ms)} ms`],
    ['malformed latency p99', `${ms(directory.malformedP99Ms)} ms`],
    ['stalled bodies answered 408 after (p50)', `${ms(directory.stalledP50Ms)} ms (deadline ${formatNumber(plan.timeoutMs)} ms)`],
    ['cards acknowledged', formatNumber(directory.acknowledged)],
    ['server peak RSS', directory.serverPeakRssBytes === undefined ? 'not measured (no /proc)' : `${formatNumber(directory.serverPeakRssBytes / 2 ** 20)} MiB`],
    ['answers not as prescribed', formatNumber(directory.problemCount)],
    ['machine', `${machine.cores} cores, load average ${machine.loadAtEnd.map((l) => formatNumber(l, 2)).join(', ')} at end, Node ${machine.node}, ${machine.date}`],
  ];
  const problems = directory.problems.map((p) => `- ${p}`);
  return [
    'A real directory server in a child process (test/hardening/fixtures/serve-directory.ts) on a fresh data directory; concurrent clients over undici send 65% valid requests (publish, read, search) and 35% hostile ones (oversized, wrong types, bad signatures, stalled and trickled bodies). Every answer is checked against the one spec/directory.md §5 prescribes. Latencies are nearest-rank quantiles of single requests; the peak RSS is the server\'s VmHWM.',
    formatTable(['measure', 'value'], rows),
    problems.length === 0 ? '' : `Answers not as prescribed (first ${problems.length}):\n\n${problems.join('\n')}`,
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

function section(title: string, body: string | undefined, missing: string): string {
  return `## ${title}\n\n${body ?? missing}`;
}

/** Writes the whole of RESULTS.md. */
export function renderResults(results: BenchResults, charts: ChartFile[]): string {
  const notRun = '_Not run in this invocation._';
  const parts = [
    '# cardseal benchmarks',
    `_Written by \`npm run bench\`${results.mode === 'quick' ? ' -- --quick' : ''}; do not edit by hand. Every figure is the median of its runs with the lowest and highest run in brackets. MB = 10^6 bytes, MiB = 2^20 bytes; throughput counts plaintext bytes. Raw figures: bench/results.json._`,
    renderMachine(results),
    section('Targets', renderTargets(results), ''),
    section('1. Stream throughput', results.throughput && renderThroughput(results.throughput, charts), notRun),
    section('Chunk size', results.throughput && renderRecommendation(recommendChunkSize(results.throughput)), notRun),
    section('2. Recipients', results.recipients && renderRecipients(results.recipients, charts), notRun),
    section('3. Memory', results.memory && renderMemory(results.memory, charts), notRun),
    section('4. Peers', results.peers && renderPeers(results.peers, charts), notRun),
    section('5. End to end: the CLIs', results.cli && renderCli(results.cli, charts), notRun),
    section('6. Directory server under load', results.directory && renderDirectory(results.directory), notRun),
  ];
  if (results.notes.length > 0) parts.push(`## Notes\n\n${results.notes.map((n) => `- ${n}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
