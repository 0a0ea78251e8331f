/**
 * Descriptive statistics on timing samples. Pure functions; milliseconds in, milliseconds out.
 */

/** A non-empty list of samples. */
export type Samples = [number, ...number[]];

export function isSamples(values: readonly number[]): values is Samples {
  return values.length > 0;
}

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

export interface Summary {
  min: number;
  max: number;
  mean: number;
  median: number;
  stddev: number;
  /** Median absolute deviation. */
  mad: number;
  p25: number;
  p75: number;
}

export function summarize(samples: Samples): Summary {
  const sorted = sortedCopy(samples);
  const { mean, variance } = meanAndVariance(sorted);
  return {
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

/** Rounds to 2 decimals, as the seed writes its milliseconds. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
