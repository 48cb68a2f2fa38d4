/**
 * Directory server under load: 1,000 requests from 50 concurrent clients, 65%
 * valid (publish, read, search) and 35% hostile (oversized, wrong types, bad
 * signatures, stalled and trickled bodies), against a real server in a child
 * process. Every answer is checked first; then it prints requests/s, latency
 * quantiles and the server's peak RSS as a markdown section for
 * bench/RESULTS.md. Exits 1 if any answer was not the prescribed one.
 *
 *   npm run build && node dist/bench/load-directory.js [--requests N] [--clients N] [--timeout-ms N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type RequestOutcome, VALID_KINDS, quantile, runLoad, startServerProcess } from '../test/hardening/directory-load.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '50' },
    'timeout-ms': { type: 'string', default: '2000' },
  },
});
const requests = Number(values.requests);
const clients = Number(values.clients);
const timeoutMs = Number(values['timeout-ms']);

function milliseconds(outcomes: readonly RequestOutcome[], fraction: number): string {
  return outcomes.length === 0 ? '—' : quantile(outcomes.map((o) => o.ms), fraction).toFixed(1);
}

const dataDir = await mkdtemp(join(tmpdir(), 'cardseal-load-bench-'));
const server = await startServerProcess(dataDir, timeoutMs);
try {
  const report = await runLoad({ url: server.url, requests, clients, requestTimeoutMs: timeoutMs, identityPrefix: 'bench' });
  const seconds = report.elapsedMs / 1000;
  const valid = report.outcomes.filter((o) => VALID_KINDS.includes(o.kind));
  const hostile = report.outcomes.filter((o) => !VALID_KINDS.includes(o.kind) && o.kind !== 'slow-body');
  const slow = report.outcomes.filter((o) => o.kind === 'slow-body');
  const problems = report.outcomes.flatMap((o) => (o.problem === undefined ? [] : [o.problem]));
  const peak = server.peakRss();
  const rows = [
    ['requests, clients', `${requests}, ${clients} concurrent`],
    ['mix', `${valid.length} valid, ${hostile.length} malformed, ${slow.length} stalled or trickled bodies`],
    ['wall time', `${seconds.toFixed(2)} s`],
    ['requests/s held (all)', (report.outcomes.length / seconds).toFixed(0)],
    ['valid requests/s', (valid.length / seconds).toFixed(0)],
    ['valid latency p50 / p99', `${milliseconds(valid, 0.5)} / ${milliseconds(valid, 0.99)} ms`],
    ['malformed latency p99', `${milliseconds(hostile, 0.99)} ms`],
    ['stalled bodies answered 408 after (p50)', `${milliseconds(slow, 0.5)} ms (deadline ${timeoutMs} ms)`],
    ['cards acknowledged', String(report.acknowledged.length)],
    ['server peak RSS', peak === undefined ? 'not measured (no /proc)' : `${(peak / 2 ** 20).toFixed(0)} MiB`],
    ['answers not as prescribed', String(problems.length)],
    ['machine', `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} at end, Node ${process.version}, ${new Date().toISOString()}`],
  ];
  process.stdout.write(['## Directory server under load', '', '| measure | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''].join('\n'));
  if (problems.length > 0) {
    process.stdout.write(`\n${problems.slice(0, 20).map((p) => `- ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  }
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
}
