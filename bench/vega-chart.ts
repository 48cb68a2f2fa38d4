/**
 * Line and grouped bar charts as vega-lite specs, compiled by vega-lite and
 * rendered to standalone SVG by vega in Node, headless.
 *
 * Without the optional `canvas` package vega estimates text widths (0.8 em a
 * character, wider than real text), so layouts leave room rather than overlap;
 * label limits are lifted so no label is cut short by the estimate.
 */
import { View, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';

/** One line, or one bar per category. */
export interface ChartSeries {
  name: string;
  /** One value per category; undefined leaves a gap. */
  values: readonly (number | undefined)[];
  /** Lowest and highest run per category, drawn as a whisker. */
  low?: readonly (number | undefined)[];
  high?: readonly (number | undefined)[];
  /** Draws the line dashed and without points: for reference lines such as a target or a ceiling. */
  dashed?: boolean;
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  /** The x axis, evenly spaced in this order (chunk sizes and recipient counts are powers, so this is a log scale already). */
  categories: readonly string[];
  series: readonly ChartSeries[];
  xLabel: string;
  yLabel: string;
  /** A logarithmic value axis, for figures that span several decades. */
  logScale?: boolean;
  width?: number;
  height?: number;
}

/** One data row of the spec: a series at a category. */
interface Point {
  category: string;
  series: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** Where a bar's value label sits: above its whisker. */
  top: number | null;
  /** The value as a bar's label: whole from 1 up, two significant digits below. */
  label: string;
  /** A reference line: dashed, without points. */
  dashed: boolean;
}

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];
const DASH = [6, 4];
const SOLID = [1, 0];

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  title: { anchor: 'start', fontSize: 15, offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 0, gridColor: '#e0e0e0' },
  axisX: { labelAngle: 0, labelExpr: "split(datum.label, '\\n')" },
  legend: { labelFontSize: 11, labelLimit: 0, symbolStrokeWidth: 2.5 },
  view: { stroke: null },
} as const;

/** Splits a label at spaces into lines of about `maxChars`, so long category names do not overlap. */
function wrapLabel(text: string, maxChars: number): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= maxChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** The rows of a chart, categories wrapped to fit their band; a value left undefined becomes null, which vega-lite leaves out. */
function pointsOf(spec: ChartSpec, width: number): { categories: string[]; points: Point[] } {
  // About 6.5 pixels per character of an 11 px label.
  const maxChars = Math.max(6, Math.floor(width / Math.max(1, spec.categories.length) / 6.5));
  const categories = spec.categories.map((c) => wrapLabel(c, maxChars));
  const points = spec.series.flatMap((series) =>
    categories.map((category, i) => {
      const value = series.values[i] ?? null;
      // A whisker of no length (one run, or a reference line) is not drawn.
      const spread = series.low?.[i] !== undefined && series.high?.[i] !== undefined && series.high[i]! > series.low[i]!;
      const low = spread ? series.low![i]! : null;
      const high = spread ? series.high![i]! : null;
      const top = value === null ? null : Math.max(value, high ?? value);
      const label = value === null ? '' : (value >= 1 ? Math.round(value) : Number(value.toPrecision(2))).toLocaleString('en-US');
      return { category, series: series.name, value, low, high, top, label, dashed: series.dashed === true };
    }),
  );
  return { categories, points };
}

/** What every chart shares: title, size, data, the category axis and the series colours. */
function frameOf(spec: ChartSpec, defaultWidth: number) {
  const width = spec.width ?? defaultWidth;
  const { categories, points } = pointsOf(spec, width);
  const names = spec.series.map((s) => s.name);
  return {
    title: spec.title,
    width,
    height: spec.height ?? 320,
    config: CONFIG,
    data: { values: points },
    encoding: {
      x: { field: 'category', type: 'ordinal', title: spec.xLabel || null, scale: { domain: categories } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: COLOURS.slice(0, names.length) } },
    },
  } as const;
}

/** The decades spanning every value, low and high: the domain and the ticks of a log scale. */
function decadesOf(spec: ChartSpec): number[] {
  const values = spec.series.flatMap((s) => [...s.values, ...(s.low ?? []), ...(s.high ?? [])]).filter((v): v is number => v !== undefined && v > 0);
  const low = Math.floor(Math.log10(Math.min(...values, 1)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...values, 1))));
  return Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
}

/** The value axis, fed by `field`: linear from zero, or logarithmic from decade to decade. */
function valueAxis(spec: ChartSpec, field: string) {
  const axis = { field, type: 'quantitative' as const, title: spec.yLabel };
  if (spec.logScale !== true) return { ...axis, scale: { zero: true } };
  const decades = decadesOf(spec);
  return { ...axis, scale: { type: 'log' as const, domain: [decades[0]!, decades.at(-1)!] }, axis: { values: decades } };
}

/** Compiles a vega-lite spec and renders it to SVG without a browser or canvas. */
async function renderSpec(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** The vega-lite spec of a line chart: one line per series, points marked, whiskers, dashed reference lines. */
function lineChartSpec(spec: ChartSpec): TopLevelSpec {
  const chart = frameOf(spec, 520);
  return {
    ...chart,
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2.5, invalid: 'break-paths-show-domains' },
        encoding: {
          y: valueAxis(spec, 'value'),
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: chart.encoding.color.scale.domain, range: spec.series.map((s) => (s.dashed === true ? DASH : SOLID)) },
            legend: { symbolType: 'stroke' },
          },
        },
      },
      { transform: [{ filter: '!datum.dashed' }], mark: { type: 'point', filled: true, size: 40, opacity: 1 }, encoding: { y: valueAxis(spec, 'value') } },
      { mark: { type: 'errorbar', ticks: { size: 7 } }, encoding: { y: valueAxis(spec, 'low'), y2: { field: 'high' } } },
    ],
  };
}

/** The vega-lite spec of a grouped bar chart: one group per category, one bar per series, whiskers, the value on top. */
function barChartSpec(spec: ChartSpec): TopLevelSpec {
  const chart = frameOf(spec, 640);
  const offset = { xOffset: { field: 'series', type: 'nominal' as const, scale: { domain: chart.encoding.color.scale.domain, paddingInner: 0.05 } } };
  // A bar on a log scale starts at the lowest decade: the scale has no zero.
  const base = spec.logScale === true ? { y2: { datum: decadesOf(spec)[0] } } : {};
  return {
    ...chart,
    layer: [
      { mark: 'bar', encoding: { ...offset, ...base, y: valueAxis(spec, 'value') } },
      { mark: { type: 'errorbar', ticks: { size: 5 }, color: '#333' }, encoding: { ...offset, y: valueAxis(spec, 'low'), y2: { field: 'high' }, color: { value: '#333' } } },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 9, color: '#000' },
        encoding: { ...offset, y: valueAxis(spec, 'top'), text: { field: 'label' }, color: { value: '#000' } },
      },
    ],
  };
}

/** Renders a line chart to SVG. */
export function renderLineChart(spec: ChartSpec): Promise<string> {
  return renderSpec(lineChartSpec(spec));
}

/** Renders a grouped bar chart to SVG. */
export function renderBarChart(spec: ChartSpec): Promise<string> {
  return renderSpec(barChartSpec(spec));
}
