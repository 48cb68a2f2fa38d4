/**
 * Summaries of repeated measurements. Every figure in bench/RESULTS.md is a
 * median with its spread (the lowest and highest run), because on a shared
 * machine one slow run says more about the neighbours than about the code.
 */

/** A figure measured `runs` times: the median and the range around it. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * The median of `values`: the middle value, or the mean of the two middle ones.
 * @throws RangeError for an empty list
 */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('values must not be empty');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Summarizes the samples of one figure.
 * @throws RangeError for an empty list
 */
export function summarize(samples: readonly number[]): Summary {
  return { median: medianOf(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length };
}

/** Throughput in MB/s (10^6 bytes per second) of `bytes` processed in `ms`. */
export function megabytesPerSecond(bytes: number, ms: number): number {
  return bytes / ms / 1000;
}

/** Element-wise ratio of two equally long sample lists, for paired (interleaved) runs. */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length) throw new RangeError('paired samples must have equal lengths');
  return numerators.map((value, i) => value / denominators[i]!);
}
