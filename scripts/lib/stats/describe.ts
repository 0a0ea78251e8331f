/**
 * Descriptive statistics of one quantity's samples: the one statistics shape every part
 * of coldstart uses (result file, comparison, renderers, budgets). Pure functions; the
 * unit is the quantity's own (ms, MB, instructions).
 */
import type { Series, Stats } from "../result/schema.ts";

export type { Series, Stats } from "../result/schema.ts";

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Linear-interpolated quantile (type 7, as numpy and R default) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

export function median(values: readonly number[]): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** Mean and sample variance (n - 1) by Welford's algorithm. */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  let n = 0;
  for (const value of values) {
    n += 1;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  return { mean: n ? mean : Number.NaN, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/** Median absolute deviation from the median (unscaled). */
export function absoluteDeviationMedian(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((value) => Math.abs(value - center)));
}

/** The statistics of `samples`, or null when there are none. */
export function describe(samples: readonly number[]): Stats | null {
  if (samples.length === 0) return null;
  const sorted = sortedCopy(samples);
  const { mean, variance } = meanAndVariance(sorted);
  return {
    n: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean,
    median: quantileSorted(sorted, 0.5),
    stddev: Math.sqrt(variance),
    mad: absoluteDeviationMedian(sorted),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
  };
}

/** Rounds to `decimals` places (result files keep ms to 3 places, statistics to 2, as the seed). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * The series as written to a result file: samples rounded to `sampleDecimals`, statistics
 * (of the rounded samples) to `statDecimals`. Null when there are no samples.
 */
export function toSeries(samples: readonly number[], sampleDecimals = 3, statDecimals = 2): Series | null {
  const rounded = samples.map((value) => roundTo(value, sampleDecimals));
  const stats = describe(rounded);
  if (!stats) return null;
  const r = (value: number) => roundTo(value, statDecimals);
  return {
    n: stats.n, min: r(stats.min), max: r(stats.max), mean: r(stats.mean), median: r(stats.median),
    stddev: r(stats.stddev), mad: r(stats.mad), p25: r(stats.p25), p75: r(stats.p75), samples: rounded,
  };
}

/**
 * Modified Z-scores (Iglewicz & Hoaglin): 0.6745 (x - median) / MAD. |z| > 3.5 is an
 * outlier. When MAD is 0 the scores are 0 (no spread, nothing stands out robustly).
 */
export function modifiedZScores(values: readonly number[]): number[] {
  const center = median(values);
  const mad = absoluteDeviationMedian(values);
  if (mad === 0) return values.map(() => 0);
  return values.map((value) => (0.6745 * (value - center)) / mad);
}

export const OUTLIER_THRESHOLD = 3.5;

/** Indices (run order) of samples whose modified Z-score exceeds the threshold. */
export function outlierIndices(values: readonly number[], threshold = OUTLIER_THRESHOLD): number[] {
  return modifiedZScores(values).flatMap((z, index) => (Math.abs(z) > threshold ? [index] : []));
}
