/**
 * Text for bench/RESULTS.md: numbers with separators, byte sizes, summaries as
 * "median (min–max)", and Markdown tables.
 */
import type { Summary } from './stats.js';

const KiB = 1024;

/** `value` with thousands separators and `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Picks decimals so small values keep about three significant digits. */
function digitsFor(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || magnitude === 0) return 0;
  if (magnitude >= 10) return 1;
  if (magnitude >= 1) return 2;
  return 3;
}

/** A summary as "median (min–max)"; a single run shows only its value. */
export function formatSummary(summary: Summary, digits?: number): string {
  const d = digits ?? digitsFor(summary.median);
  const median = formatNumber(summary.median, d);
  if (summary.runs < 2) return median;
  return `${median} (${formatNumber(summary.min, d)}–${formatNumber(summary.max, d)})`;
}

/** A ratio as "0.93×". */
export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio, 2)}×`;
}

/** A byte count in binary units: "4 KiB", "1 MiB", "4 GiB", or bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= KiB && unit < units.length - 1) {
    value /= KiB;
    unit++;
  }
  return `${formatNumber(value, Number.isInteger(value) ? 0 : 1)} ${units[unit]}`;
}

/** A Markdown table. Cells are used as given, so callers escape `|` themselves. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
