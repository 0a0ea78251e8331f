/**
 * Significance of a difference between two sets of timing samples. Timing data is skewed
 * (a floor, a long right tail, the odd outlier), so everything here is rank based and
 * distribution free:
 *
 * - Mann–Whitney U test, two-sided, normal approximation with tie correction and
 *   continuity correction (as scipy.stats.mannwhitneyu(method="asymptotic")).
 * - Hodges–Lehmann estimate of the shift (median of all pairwise differences) with its
 *   distribution-free confidence interval by Moses' method (order statistics of the
 *   pairwise differences; the rank K from the normal approximation of U).
 * - Minimum detectable effect (MDE) at the sample sizes used: the shift this test would
 *   detect with probability `power` at level `alpha`:
 *       MDE = (z_{1-alpha/2} + z_{power}) * sigma * sqrt(1/n1 + 1/n2) / sqrt(3/pi)
 *   where sigma is the pooled robust standard deviation (1.4826 * MAD of each sample,
 *   pooled by degrees of freedom; the sample stddev when a MAD is 0) and sqrt(3/pi)
 *   accounts for the Mann–Whitney test's asymptotic relative efficiency against the
 *   t-test (3/pi on normal data). With alpha 0.05 and power 0.8 the factor is 2.80.
 *
 * Sign convention (the seed's): differences are baseline − candidate, so a positive shift
 * means the candidate is faster. Pure and deterministic.
 */
import { absoluteDeviationMedian, meanAndVariance, quantileSorted } from "./stats.ts";

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;
/** Fewer samples than this on either side: no test at all (a verdict would be noise). */
export const MIN_SAMPLES = 3;
/** MAD to standard deviation for normal data. */
const MAD_TO_SIGMA = 1.482602218505602;

// ---------------------------------------------------------------------------------------
// The normal distribution.

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Upper tail P(Z > x) of the standard normal. Marsaglia's Taylor series (2004) near the
 * centre, a Laplace continued fraction in the tails; relative error below 1e-13.
 */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 1 - normalSf(-x);
  if (x > 40) return 0;
  if (x < 3) {
    // Phi(x) = 1/2 + phi(x) * (x + x^3/3 + x^5/(3*5) + ...)
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 3; k < 400; k += 2) {
      term *= x2 / k;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return 0.5 - normalPdf(x) * sum;
  }
  // Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated bottom-up.
  let fraction = x;
  for (let k = 80; k >= 1; k -= 1) fraction = x + k / fraction;
  return normalPdf(x) / fraction;
}

/** Standard normal cumulative distribution P(Z <= x). */
export function normalCdf(x: number): number {
  return normalSf(-x);
}

/**
 * Standard normal quantile (inverse CDF): Acklam's rational approximation refined by
 * two Newton steps on `normalCdf`, accurate to about 1e-12 for p in (1e-300, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let step = 0; step < 2; step += 1) {
    const density = normalPdf(x);
    if (density === 0) break;
    // Newton on the tail that keeps precision: d/dx cdf = density, d/dx sf = -density.
    x = p < 0.5 ? x - (normalCdf(x) - p) / density : x + (normalSf(x) - (1 - p)) / density;
  }
  return x;
}

// ---------------------------------------------------------------------------------------
// Mann–Whitney U.

/** Midranks (1-based) of `values`, and the tie term sum(t^3 - t) over groups of ties. */
export function midranks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]!.value === order[start]!.value) end += 1;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) ranks[order[k]!.index] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

export interface MannWhitneyResult {
  /** U statistic of the first sample (number of pairs where x > y, ties counting 1/2). */
  u1: number;
  /** Standardized statistic, continuity corrected, signed: > 0 means x tends to be larger. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/** Two-sided Mann–Whitney U test of x against y (normal approximation, tie and continuity corrected). */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u1: Number.NaN, z: Number.NaN, pValue: Number.NaN };
  const { ranks, tieTerm } = midranks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i += 1) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u1, z: 0, pValue: 1 };
  const sigma = Math.sqrt(variance);
  const distance = Math.max(Math.abs(u1 - mu) - 0.5, 0);
  const z = (Math.sign(u1 - mu) * distance) / sigma;
  const pValue = Math.min(1, 2 * normalSf(distance / sigma));
  return { u1, z, pValue };
}

// ---------------------------------------------------------------------------------------
// Hodges–Lehmann shift and Moses' confidence interval.

/** Every difference x_i − y_j, sorted ascending. */
export function pairwiseDifferences(x: readonly number[], y: readonly number[]): number[] {
  const differences: number[] = [];
  for (const a of x) for (const b of y) differences.push(a - b);
  return differences.sort((p, q) => p - q);
}

export interface ShiftEstimate {
  /** Hodges–Lehmann estimate: median of x_i − y_j. */
  estimate: number;
  /** Moses' confidence interval of the shift, or null when the samples are too small for one. */
  ci: { low: number; high: number } | null;
}

/**
 * Hodges–Lehmann shift of x against y with a `confidence` interval by Moses' method:
 * K = floor(n1 n2 / 2 − z_{1−α/2} sqrt(n1 n2 (n1 + n2 + 1) / 12)); the interval runs from
 * the K-th smallest to the K-th largest pairwise difference (1-based). K < 1: no interval.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 1 - DEFAULT_ALPHA): ShiftEstimate {
  const differences = pairwiseDifferences(x, y);
  if (differences.length === 0) return { estimate: Number.NaN, ci: null };
  const estimate = quantileSorted(differences, 0.5);
  const n1 = x.length;
  const n2 = y.length;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12));
  if (k < 1) return { estimate, ci: null };
  const total = differences.length;
  return { estimate, ci: { low: differences[k - 1]!, high: differences[total - k]! } };
}

// ---------------------------------------------------------------------------------------
// Minimum detectable effect.

/** Robust standard deviation: 1.4826 × MAD, or the sample stddev when the MAD is 0. */
export function robustSigma(values: readonly number[]): number {
  const mad = absoluteDeviationMedian(values) * MAD_TO_SIGMA;
  if (mad > 0) return mad;
  return Math.sqrt(meanAndVariance(values).variance);
}

/**
 * Smallest shift (ms, both directions) the Mann–Whitney test detects with probability
 * `power` at level `alpha` with these sample sizes; see the module comment.
 */
export function minimumDetectableEffect(
  x: readonly number[],
  y: readonly number[],
  alpha = DEFAULT_ALPHA,
  power = DEFAULT_POWER,
): number {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 < 2 || n2 < 2) return Number.NaN;
  const s1 = robustSigma(x);
  const s2 = robustSigma(y);
  const sigma = Math.sqrt(((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / (n1 + n2 - 2));
  const factor = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return (factor * sigma * Math.sqrt(1 / n1 + 1 / n2)) / Math.sqrt(3 / Math.PI);
}

// ---------------------------------------------------------------------------------------
// The verdict.

export type Verdict = "faster" | "slower" | "no-change" | "unknown";

export interface SignificanceResult {
  verdict: Verdict;
  /** Two-sided Mann–Whitney p-value; null when not tested. */
  pValue: number | null;
  /** Hodges–Lehmann shift, baseline − candidate, ms (> 0: candidate faster); null when not tested. */
  shiftMs: number | null;
  /** Confidence interval of the shift, ms; null when the samples are too few for one. */
  ci: { low: number; high: number } | null;
  /** Confidence level of `ci`, e.g. 0.95. */
  confidence: number;
  /** Minimum detectable effect, ms (±); null when not tested. */
  mdeMs: number | null;
  /** Why there is no verdict, when `verdict` is "unknown". */
  reason?: string;
}

/**
 * Compares baseline samples with candidate samples. Significant (p < alpha) with the
 * baseline tending larger: "faster"; smaller: "slower"; otherwise "no-change".
 */
export function compareSamples(
  baseline: readonly number[] | undefined,
  candidate: readonly number[] | undefined,
  alpha = DEFAULT_ALPHA,
  power = DEFAULT_POWER,
): SignificanceResult {
  const confidence = 1 - alpha;
  const none = (reason: string): SignificanceResult => ({
    verdict: "unknown", pValue: null, shiftMs: null, ci: null, confidence, mdeMs: null, reason,
  });
  if (!baseline?.length || !candidate?.length) return none("significance needs samples in both files");
  if (baseline.length < MIN_SAMPLES || candidate.length < MIN_SAMPLES) {
    return none(`significance needs at least ${MIN_SAMPLES} samples on each side`);
  }
  const test = mannWhitneyU(baseline, candidate);
  const shift = hodgesLehmann(baseline, candidate, confidence);
  const mde = minimumDetectableEffect(baseline, candidate, alpha, power);
  let verdict: Verdict = "no-change";
  if (test.pValue < alpha && test.z !== 0) verdict = test.z > 0 ? "faster" : "slower";
  return {
    verdict,
    pValue: test.pValue,
    shiftMs: shift.estimate,
    ci: shift.ci,
    confidence,
    mdeMs: Number.isFinite(mde) ? mde : null,
  };
}
