/**
 * Bar and line charts as standalone SVG, with axes, tick labels, a legend and
 * min–max whiskers. Categories sit on the x axis at even spacing (chunk sizes
 * and recipient counts are powers, so even spacing is a log scale already);
 * values go up the y axis, linear from zero or logarithmic by decades.
 *
 * No dependency: the charts must render under the Node version the project
 * supports, and the charting libraries that draw SVG in Node want a newer one.
 */

/** One line, or one bar per category. */
export interface ChartSeries {
  name: string;
  /** One value per category; undefined leaves a gap. */
  values: readonly (number | undefined)[];
  /** Lowest and highest run per category, drawn as a whisker. */
  low?: readonly (number | undefined)[];
  high?: readonly (number | undefined)[];
  /** Draws the line dashed: for reference lines such as a target or a ceiling. */
  dashed?: boolean;
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  categories: readonly string[];
  series: readonly ChartSeries[];
  xLabel: string;
  yLabel: string;
  /** A logarithmic value axis, for figures that span several decades. */
  logScale?: boolean;
  width?: number;
  height?: number;
}

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];
const MARGIN = { top: 48, right: 200, bottom: 64, left: 80 };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  band: number;
  /** y pixel of a value. */
  y(value: number): number;
  /** x pixel of the centre of category `i`. */
  x(i: number): number;
  ticks: number[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length]!;
}

/** A round step near range/targetTicks: 1, 2 or 5 times a power of ten. */
function niceStep(range: number, targetTicks: number): number {
  const raw = range / targetTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Splits a label at spaces into lines of about `maxChars`, so long category names do not overlap. */
function wrapLabel(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= maxChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(magnitude)));
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function allValues(spec: ChartSpec): number[] {
  const values: number[] = [];
  for (const series of spec.series) {
    for (const list of [series.values, series.low ?? [], series.high ?? []]) {
      for (const value of list) if (value !== undefined && Number.isFinite(value)) values.push(value);
    }
  }
  return values;
}

function layOut(spec: ChartSpec): Frame {
  const width = spec.width ?? 760;
  const height = spec.height ?? 420;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const band = (right - left) / Math.max(1, spec.categories.length);
  const values = allValues(spec);
  const x = (i: number): number => left + band * (i + 0.5);
  if (spec.logScale === true) {
    const positive = values.filter((v) => v > 0);
    const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, low * 10)));
    const ticks: number[] = [];
    for (let t = low; t <= high * 1.0001; t *= 10) ticks.push(t);
    const span = Math.log10(high) - Math.log10(low);
    const y = (value: number): number => bottom - ((Math.log10(Math.max(value, low)) - Math.log10(low)) / span) * (bottom - top);
    return { width, height, left, right, top, bottom, band, x, y, ticks };
  }
  const max = Math.max(...values, 0);
  const step = max === 0 ? 1 : niceStep(max, 5);
  const ceiling = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= ceiling + step / 2; t += step) ticks.push(t);
  const y = (value: number): number => bottom - (value / ceiling) * (bottom - top);
  return { width, height, left, right, top, bottom, band, x, y, ticks };
}

function drawAxes(spec: ChartSpec, frame: Frame): string[] {
  const parts: string[] = [];
  for (const tick of frame.ticks) {
    const y = frame.y(tick).toFixed(1);
    parts.push(`<line x1="${frame.left}" y1="${y}" x2="${frame.right}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${frame.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11" ${FONT}>${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${frame.left}" y1="${frame.bottom}" x2="${frame.right}" y2="${frame.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${frame.left}" y1="${frame.top}" x2="${frame.left}" y2="${frame.bottom}" stroke="#333"/>`);
  // About 6.5 pixels per character at 11 px.
  const maxChars = Math.max(6, Math.floor(frame.band / 6.5));
  spec.categories.forEach((category, i) => {
    const x = frame.x(i).toFixed(1);
    parts.push(`<line x1="${x}" y1="${frame.bottom}" x2="${x}" y2="${frame.bottom + 5}" stroke="#333"/>`);
    const lines = wrapLabel(category, maxChars).map((line, n) => `<tspan x="${x}" dy="${n === 0 ? 0 : 13}">${escapeXml(line)}</tspan>`);
    parts.push(`<text x="${x}" y="${frame.bottom + 18}" text-anchor="middle" font-size="11" ${FONT}>${lines.join('')}</text>`);
  });
  const middleX = ((frame.left + frame.right) / 2).toFixed(1);
  const middleY = ((frame.top + frame.bottom) / 2).toFixed(1);
  parts.push(`<text x="${middleX}" y="${frame.height - 20}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(spec.xLabel)}</text>`);
  parts.push(
    `<text x="18" y="${middleY}" text-anchor="middle" font-size="12" ${FONT} transform="rotate(-90 18 ${middleY})">${escapeXml(spec.yLabel)}</text>`,
  );
  parts.push(`<text x="${frame.left}" y="26" font-size="15" font-weight="bold" ${FONT}>${escapeXml(spec.title)}</text>`);
  return parts;
}

function drawLegend(spec: ChartSpec, frame: Frame, kind: 'line' | 'bar'): string[] {
  const parts: string[] = [];
  const x = frame.right + 18;
  spec.series.forEach((series, i) => {
    const y = frame.top + 8 + i * 20;
    const colour = colourOf(i);
    if (kind === 'bar') parts.push(`<rect x="${x}" y="${y - 6}" width="14" height="12" fill="${colour}"/>`);
    else parts.push(`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${colour}" stroke-width="2.5"${series.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${x + 24}" y="${y}" dominant-baseline="middle" font-size="11" ${FONT}>${escapeXml(series.name)}</text>`);
  });
  return parts;
}

function drawWhisker(frame: Frame, x: number, low: number | undefined, high: number | undefined, colour: string): string {
  if (low === undefined || high === undefined || high <= low) return '';
  const top = frame.y(high).toFixed(1);
  const bottom = frame.y(low).toFixed(1);
  const cap = (y: string): string => `<line x1="${(x - 3).toFixed(1)}" y1="${y}" x2="${(x + 3).toFixed(1)}" y2="${y}" stroke="${colour}"/>`;
  return `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${colour}"/>${cap(top)}${cap(bottom)}`;
}

function wrapSvg(frame: Frame, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Renders a line chart: one polyline per series, points marked, gaps left open. */
export function renderLineChart(spec: ChartSpec): string {
  const frame = layOut(spec);
  const parts = drawAxes(spec, frame);
  spec.series.forEach((series, s) => {
    const colour = colourOf(s);
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    let segment: string[] = [];
    const flush = (): void => {
      if (segment.length > 1) parts.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5"${dash}/>`);
      segment = [];
    };
    series.values.forEach((value, i) => {
      if (value === undefined) return flush();
      const x = frame.x(i);
      const y = frame.y(value);
      segment.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      parts.push(drawWhisker(frame, x, series.low?.[i], series.high?.[i], colour));
      if (series.dashed !== true) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${colour}"/>`);
    });
    flush();
  });
  return wrapSvg(frame, [...parts, ...drawLegend(spec, frame, 'line')]);
}

/** Renders a grouped bar chart: one group per category, one bar per series, value on top. */
export function renderBarChart(spec: ChartSpec): string {
  const frame = layOut(spec);
  const parts = drawAxes(spec, frame);
  const group = frame.band * 0.8;
  const barWidth = group / Math.max(1, spec.series.length);
  spec.series.forEach((series, s) => {
    const colour = colourOf(s);
    series.values.forEach((value, i) => {
      if (value === undefined) return;
      const x = frame.x(i) - group / 2 + s * barWidth;
      const y = frame.y(value);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(frame.bottom - y).toFixed(1)}" fill="${colour}"/>`);
      const centre = x + (barWidth - 1) / 2;
      parts.push(drawWhisker(frame, centre, series.low?.[i], series.high?.[i], '#333'));
      const labelY = Math.min(y, series.high?.[i] === undefined ? y : frame.y(series.high[i]!)) - 4;
      parts.push(`<text x="${centre.toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="middle" font-size="9" ${FONT}>${formatTick(value >= 10 ? Math.round(value) : Number(value.toPrecision(2)))}</text>`);
    });
  });
  return wrapSvg(frame, [...parts, ...drawLegend(spec, frame, 'bar')]);
}
