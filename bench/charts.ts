/**
 * The charts of bench/RESULTS.md, drawn from a run's figures with vega-chart.ts
 * and written to bench/charts/. A section missing from the run has no chart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes, formatNumber } from './format.js';
import type { BenchResults } from './results.js';
import type { ComparisonResults, ComparisonRow } from './sections/compare.js';
import type { StreamFigures } from './sections/throughput.js';
import type { Summary } from './stats.js';
import { type ChartSeries, type ChartSpec, renderBarChart, renderLineChart } from './vega-chart.js';

/** One chart: its file name under bench/charts/ and what it shows. */
export interface ChartFile {
  file: string;
  title: string;
}

/** A chart to draw: where, how, and what. */
interface PlannedChart {
  file: string;
  kind: 'line' | 'bar';
  spec: ChartSpec;
}

function seriesOf(name: string, summaries: readonly (Summary | undefined)[], dashed = false): ChartSeries {
  return {
    name,
    values: summaries.map((s) => s?.median),
    low: summaries.map((s) => s?.min),
    high: summaries.map((s) => s?.max),
    dashed,
  };
}

function throughputCharts(results: BenchResults): PlannedChart[] {
  const throughput = results.throughput;
  if (throughput === undefined) return [];
  const categories = throughput.ceilings.map((c) => formatBytes(c.chunkSize));
  const streamsOf = (backend: StreamFigures['backend']): StreamFigures[] => throughput.streams.filter((s) => s.backend === backend);
  const node = streamsOf('node');
  const noble = streamsOf('noble');
  return [
    {
      file: 'throughput-node.svg',
      kind: 'line',
      spec: {
        title: `Stream throughput by chunk size, node:crypto backend (${formatBytes(throughput.inputBytes.node)} per run)`,
        categories,
        xLabel: 'chunk size',
        yLabel: 'MB/s',
        series: [
          seriesOf('encrypt', node.map((s) => s.encrypt)),
          seriesOf('decrypt', node.map((s) => s.decrypt)),
          seriesOf('raw seal loop', throughput.ceilings.map((c) => c.seal), true),
          seriesOf('raw open loop', throughput.ceilings.map((c) => c.open), true),
        ],
      },
    },
    {
      file: 'throughput-noble.svg',
      kind: 'line',
      spec: {
        title: `Stream throughput by chunk size, noble backend (${formatBytes(throughput.inputBytes.noble)} per run)`,
        categories,
        xLabel: 'chunk size',
        yLabel: 'MB/s',
        series: [seriesOf('encrypt', noble.map((s) => s.encrypt)), seriesOf('decrypt', noble.map((s) => s.decrypt))],
      },
    },
  ];
}

function recipientChart(results: BenchResults): PlannedChart[] {
  const rows = results.recipients?.rows;
  if (rows === undefined) return [];
  return [
    {
      file: 'recipients.svg',
      kind: 'line',
      spec: {
        title: 'Header time by number of recipients (log scale)',
        categories: rows.map((r) => formatNumber(r.recipients)),
        xLabel: 'recipients',
        yLabel: 'ms',
        logScale: true,
        series: [
          seriesOf('build', rows.map((r) => r.build)),
          seriesOf('find last entry, cold', rows.map((r) => r.coldLast)),
          seriesOf('find last entry, warm', rows.map((r) => r.openLast)),
          seriesOf('parse only, warm', rows.map((r) => r.parse)),
        ],
      },
    },
  ];
}

function memoryChart(results: BenchResults): PlannedChart[] {
  const memory = results.memory;
  if (memory === undefined) return [];
  const flat = (value: number): Summary[] => memory.rows.map(() => ({ median: value, min: value, max: value, runs: 1 }));
  return [
    {
      file: 'memory.svg',
      kind: 'line',
      spec: {
        title: 'Peak RSS of a process streaming the input',
        categories: memory.rows.map((r) => formatBytes(r.bytes)),
        xLabel: 'input size',
        yLabel: 'peak RSS (MiB)',
        series: [
          seriesOf('encrypt', memory.rows.map((r) => r.encryptRss)),
          seriesOf('encrypt then decrypt', memory.rows.map((r) => r.roundTripRss)),
          seriesOf('Node + library, idle', flat(memory.baselineRss.median), true),
          seriesOf('Node alone, idle', flat(memory.bareRss.median), true),
          seriesOf('target', flat(100), true),
        ],
      },
    },
  ];
}

function comparisonCharts(name: string, title: string, comparison: ComparisonResults | undefined): PlannedChart[] {
  if (comparison === undefined || comparison.rows.length === 0) return [];
  const labels = [...new Set(comparison.rows.map((r) => r.label))];
  const counts = [...new Set(comparison.rows.map((r) => r.recipients))];
  const pick = (label: string, recipients: number): ComparisonRow | undefined => comparison.rows.find((r) => r.label === label && r.recipients === recipients);
  const suffix = (recipients: number): string => `${recipients} recipient${recipients === 1 ? '' : 's'}`;
  const throughput: ChartSeries[] = counts.flatMap((n) => [
    seriesOf(`encrypt, ${suffix(n)}`, labels.map((l) => pick(l, n)?.encrypt)),
    seriesOf(`decrypt, ${suffix(n)}`, labels.map((l) => pick(l, n)?.decrypt)),
  ]);
  const rss: ChartSeries[] = counts.flatMap((n) => [
    seriesOf(`encrypt, ${suffix(n)}`, labels.map((l) => pick(l, n)?.encryptRss)),
    seriesOf(`decrypt, ${suffix(n)}`, labels.map((l) => pick(l, n)?.decryptRss)),
  ]);
  const size = formatBytes(comparison.inputBytes);
  return [
    { file: `${name}-throughput.svg`, kind: 'bar', spec: { title: `${title}: throughput, ${size} file`, categories: labels, xLabel: '', yLabel: 'MB/s', series: throughput } },
    { file: `${name}-rss.svg`, kind: 'bar', spec: { title: `${title}: peak RSS, ${size} file (log scale)`, categories: labels, xLabel: '', yLabel: 'MiB', series: rss, logScale: true } },
  ];
}

/** One rendered chart. */
export interface RenderedChart extends ChartFile {
  svg: string;
}

/** Renders every chart the run has figures for, in the order of RESULTS.md; a chart with no value at all is left out. */
export async function renderCharts(results: BenchResults): Promise<RenderedChart[]> {
  const charts: PlannedChart[] = [
    ...throughputCharts(results),
    ...recipientChart(results),
    ...memoryChart(results),
    ...comparisonCharts('peers', 'Peers', results.peers),
    ...comparisonCharts('devnull-cli', 'End to end, to /dev/null', results.cli?.devNull),
    ...comparisonCharts('cli', 'End to end, file to file', results.cli),
  ];
  const rendered: RenderedChart[] = [];
  for (const { file, kind, spec } of charts.filter((c) => c.spec.series.some((s) => s.values.some((v) => v !== undefined)))) {
    rendered.push({ file, title: spec.title, svg: await (kind === 'bar' ? renderBarChart(spec) : renderLineChart(spec)) });
  }
  return rendered;
}

/** Renders every chart the run has figures for into `dir`; returns what was written. */
export async function writeCharts(results: BenchResults, dir: string): Promise<ChartFile[]> {
  await mkdir(dir, { recursive: true });
  const written: ChartFile[] = [];
  for (const { file, title, svg } of await renderCharts(results)) {
    await writeFile(join(dir, file), svg);
    written.push({ file, title });
  }
  return written;
}
