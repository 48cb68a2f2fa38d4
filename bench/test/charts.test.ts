import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { renderCharts } from '../charts.js';
import type { BenchResults } from '../results.js';
import { type ChartSpec, renderBarChart, renderLineChart } from '../vega-chart.js';

const RESULTS_FILE = new URL('../../../bench/results.json', import.meta.url);
const CHART_FILES = [
  'throughput-node.svg',
  'throughput-noble.svg',
  'recipients.svg',
  'memory.svg',
  'peers-throughput.svg',
  'peers-rss.svg',
  'devnull-cli-throughput.svg',
  'devnull-cli-rss.svg',
  'cli-throughput.svg',
  'cli-rss.svg',
];

const spec: ChartSpec = {
  title: 'Speed <by> size & "kind"',
  categories: ['4 KiB', '64 KiB', '1 MiB'],
  xLabel: 'chunk size',
  yLabel: 'MB/s',
  series: [
    { name: 'encrypt', values: [100, 900, 1200], low: [90, 850, 1100], high: [110, 950, 1300] },
    { name: 'ceiling', values: [150, undefined, 1500], dashed: true },
  ],
};

async function readResults(): Promise<BenchResults> {
  return JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as BenchResults;
}

/** The text of every label, title and legend entry, lines of a wrapped label joined by a space. */
function textsOf(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => m[1]!.replace(/<tspan[^>]*>(.*?)<\/tspan>/g, '$1 ').trim());
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** A standalone SVG document whose tags nest and whose text escapes markup. */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (closing === '/') expect(open.pop(), `</${name}>`).to.equal(name);
    else if (selfClosing !== '/') open.push(name!);
  }
  expect(open).to.deep.equal([]);
  expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
  expect(svg.replace(/<[^>]*>/g, '')).not.to.match(/[<>]|&(?!(amp|lt|gt|quot|#\d+);)/);
}

describe('benchmark charts', () => {
  it('renders every chart of the committed results.json as well-formed standalone SVG', async () => {
    const charts = await renderCharts(await readResults());
    expect(charts.map((c) => c.file)).to.deep.equal(CHART_FILES);
    for (const { svg } of charts) expectWellFormedSvg(svg);
  });

  it('writes nothing of the machine that renders: no paths, no dates', async () => {
    const results = await readResults();
    for (const { svg } of await renderCharts(results)) {
      expect(svg).not.to.include(process.cwd());
      expect(svg).not.to.include(results.machine.date);
      // No timestamp of any kind (a year alone could be a measured value, such as 2,026 MB/s).
      expect(svg).not.to.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it('renders the same bytes every time', async () => {
    const results = await readResults();
    const first = await renderCharts(results);
    const second = await renderCharts(results);
    expect(second.map((c) => c.svg)).to.deep.equal(first.map((c) => c.svg));
  });

  it('titles each chart and its axes, units included, and names every series in the legend', async () => {
    const charts = await renderCharts(await readResults());
    const texts = textsOf(charts.find((c) => c.file === 'throughput-node.svg')!.svg);
    expect(texts).to.include.members(['chunk size', 'MB/s', 'encrypt', 'decrypt', 'raw seal loop', 'raw open loop', '4 KiB', '4 MiB']);
    expect(texts.some((t) => t.startsWith('Stream throughput by chunk size, node:crypto backend'))).to.equal(true);
    expect(textsOf(charts.find((c) => c.file === 'memory.svg')!.svg)).to.include.members(['input size', 'peak RSS (MiB)', 'target', 'Node alone, idle']);
    expect(textsOf(charts.find((c) => c.file === 'peers-rss.svg')!.svg)).to.include.members(['MiB', 'encrypt, 1 recipient', 'decrypt, 10 recipients']);
  });

  it('puts a log scale on decade ticks only', async () => {
    const texts = textsOf(await renderLineChart({ ...spec, logScale: true, series: [{ name: 'ms', values: [0.5, 20, 900] }] }));
    expect(texts).to.include.members(['0.1', '1', '10', '100', '1,000']);
    for (const between of ['0.2', '0.5', '2', '20', '200', '500']) expect(texts).not.to.include(between);
  });

  it('runs a linear scale from zero past the highest value', async () => {
    const ticks = textsOf(await renderLineChart(spec))
      .filter((t) => /^[\d,]+$/.test(t))
      .map((t) => Number(t.replace(/,/g, '')));
    expect(Math.min(...ticks)).to.equal(0);
    expect(Math.max(...ticks)).to.be.at.least(1500);
  });

  it('leaves a gap in a line where a value is missing', async () => {
    const svg = await renderLineChart({ ...spec, series: [{ name: 'encrypt', values: [100, undefined, 1200] }, { name: 'decrypt', values: [100, 200, 300] }] });
    const paths = [...svg.matchAll(/aria-roledescription="line mark" d="([^"]*)"/g)].map((m) => m[1]!);
    expect(paths.map((d) => count(d, 'M')).sort()).to.deep.equal([1, 2]);
  });

  it('draws one bar per value present, each labelled with its value', async () => {
    const svg = await renderBarChart(spec);
    expect(count(svg, 'aria-roledescription="bar"')).to.equal(5);
    expect(textsOf(svg)).to.include.members(['100', '900', '1,200', '150', '1,500']);
  });

  it('wraps long category names instead of cutting them short', async () => {
    const name = 'cardseal (API, 1 MiB write buffer)';
    const svg = await renderBarChart({ ...spec, categories: [name, 'b', 'c', 'd', 'e', 'f'], width: 480 });
    expect(svg).to.include('<tspan');
    expect(textsOf(svg)).to.include(name);
  });

  it('escapes text so titles cannot break the markup', async () => {
    const svg = await renderLineChart(spec);
    expect(svg).to.include('Speed &lt;by&gt; size &amp;');
    expect(svg).not.to.include('<by>');
    expectWellFormedSvg(svg);
  });

  it('draws no chart for a section missing from the run', async () => {
    const results = await readResults();
    const partial = { ...results, memory: undefined, peers: undefined, cli: undefined };
    expect((await renderCharts(partial)).map((c) => c.file)).to.deep.equal(['throughput-node.svg', 'throughput-noble.svg', 'recipients.svg']);
    const empty: BenchResults = { mode: 'quick', machine: results.machine, durationSeconds: 1, notes: [] };
    expect(await renderCharts(empty)).to.deep.equal([]);
  });

  it('draws no chart without values: a comparison with no rows, or RSS the platform could not measure', async () => {
    const results = await readResults();
    const peers = results.peers!;
    const unmeasured = { ...peers, rows: peers.rows.map((r) => ({ ...r, encryptRss: undefined, decryptRss: undefined })) };
    const files = (await renderCharts({ ...results, peers: unmeasured, cli: { ...results.cli!, rows: [] } })).map((c) => c.file);
    expect(files).to.include('peers-throughput.svg');
    expect(files).not.to.include('peers-rss.svg');
    expect(files.filter((f) => f.startsWith('cli-'))).to.deep.equal([]);
  });
});
