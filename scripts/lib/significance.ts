/**
 * Significance of a difference between two sets of import-time samples.
 *
 * The verdict compares the fastest run of each side — the import's cost on an undisturbed
 * machine. Noise on a shared machine only ever adds time (another process, a neighbour on
 * the host, a cache miss); it never makes an import faster than its work allows, so the
 * minimum is the most robust estimate of that work (Chen & Revels, "Robust benchmarking
 * in noisy environments", 2016, the basis of BenchmarkTools.jl's judgements). Measured on
 * this project's own two-core VM, it detects a 10% slower import far more often than a
 * rank test on all samples does, at the same false-alarm rate (see `bun run bench`).
 *
 * - Test: two-sided permutation test of min(baseline) − min(candidate), with the exact
 *   permutation distribution (computed in closed form, see MinimumTest): the share of
 *   all splits of the pooled samples whose |difference of minima| is at least the
 *   observed one. Exact in level whatever the distribution, since interleaved runs are
 *   exchangeable under "no difference"; deterministic.
 * - Shift: the observed difference of minima, with a confidence interval by inverting
 *   the test (every shift δ for which "candidate + δ is the baseline" is not rejected).
 * - Minimum detectable effect: the test's critical value c (the 1 − α quantile of the
 *   permuted |difference|) scaled to `power`: MDE ≈ c · (1 + z_power / z_{1−α/2}).
 *
 * Also here, for reports and the bench: the Mann–Whitney U test and the Hodges–Lehmann
 * shift with Moses' interval (rank based, on all samples).
 *
 * Sign convention (the seed's): differences are baseline − candidate, so a positive shift
 * means the candidate is faster. Pure and deterministic.
 */
import { quantileSorted } from "./stats.ts";

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;
/** Fewer samples than this on either side: no test at all (a verdict would be noise). */
export const MIN_SAMPLES = 3;

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
// Permutation test on the minimum, exact.

/**
 * The exact permutation distribution of min(x) − min(y) under "the labels are
 * exchangeable", without enumerating splits: sort the pooled values w₁ ≤ … ≤ w_N. The
 * overall minimum w₁ is in x's group or in y's; if in x's, the statistic is w₁ − w_k where
 * w_k is the first value in y's group, which happens when positions 1..k−1 all go to x
 * and k to y: C(N − k, n₁ − k + 1) of the C(N, n₁) equally likely splits; the other case
 * mirrors it. O(N log N) per shift, deterministic, exact with ties (the statistic is a
 * difference of values, so tied positions give equal outcomes).
 */
class MinimumTest {
  private readonly logFactorial: Float64Array;

  constructor(
    private readonly x: readonly number[],
    private readonly y: readonly number[],
  ) {
    const total = x.length + y.length;
    this.logFactorial = new Float64Array(total + 1);
    for (let i = 1; i <= total; i += 1) this.logFactorial[i] = this.logFactorial[i - 1]! + Math.log(i);
  }

  private logChoose(n: number, k: number): number {
    if (k < 0 || k > n) return -Infinity;
    return this.logFactorial[n]! - this.logFactorial[k]! - this.logFactorial[n - k]!;
  }

  /** Every possible value of the statistic (y shifted by +delta) with its probability. */
  private outcomes(delta: number): { value: number; probability: number }[] {
    const n1 = this.x.length;
    const total = n1 + this.y.length;
    const pooled = [...this.x, ...this.y.map((value) => value + delta)].sort((a, b) => a - b);
    const all = this.logChoose(total, n1);
    const outcomes: { value: number; probability: number }[] = [];
    for (let k = 2; k <= total; k += 1) {
      // Positions 1..k−1 with x and k with y: the statistic is w₁ − w_k.
      const xFirst = Math.exp(this.logChoose(total - k, n1 - (k - 1)) - all);
      if (xFirst > 0) outcomes.push({ value: pooled[0]! - pooled[k - 1]!, probability: xFirst });
      // Positions 1..k−1 with y and k with x: the statistic is w_k − w₁.
      const yFirst = Math.exp(this.logChoose(total - k, n1 - 1) - all);
      if (yFirst > 0) outcomes.push({ value: pooled[k - 1]! - pooled[0]!, probability: yFirst });
    }
    return outcomes;
  }

  /** Two-sided p-value: the probability of a |statistic| at least the observed one. */
  pValue(delta = 0): number {
    const observed = Math.abs(Math.min(...this.x) - Math.min(...this.y) - delta) - 1e-9;
    // Summing the outcomes below the observed size keeps p = 1 exact when none is.
    let below = 0;
    for (const outcome of this.outcomes(delta)) if (Math.abs(outcome.value) < observed) below += outcome.probability;
    return Math.min(1, Math.max(0, 1 - below));
  }

  /** The 1 − alpha quantile of |statistic| under no difference. */
  criticalValue(alpha: number): number {
    const sorted = this.outcomes(0)
      .map((outcome) => ({ size: Math.abs(outcome.value), probability: outcome.probability }))
      .sort((a, b) => a.size - b.size);
    let cumulative = 0;
    for (const outcome of sorted) {
      cumulative += outcome.probability;
      if (cumulative >= 1 - alpha - 1e-12) return outcome.size;
    }
    return sorted[sorted.length - 1]?.size ?? 0;
  }

  /**
   * The shifts δ (baseline − candidate) not rejected at `alpha`, found by bisection from
   * the observed difference outwards over `span`; null when even the observed one is
   * rejected (too few samples for the level).
   */
  interval(alpha: number, span: number): { low: number; high: number } | null {
    const observed = Math.min(...this.x) - Math.min(...this.y);
    if (this.pValue(observed) < alpha) return null;
    const edge = (direction: 1 | -1): number => {
      let inside = observed;
      let outside = observed + direction * span;
      for (let grow = 0; grow < 20 && this.pValue(outside) >= alpha; grow += 1) outside += direction * span;
      for (let step = 0; step < 24; step += 1) {
        const middle = (inside + outside) / 2;
        if (this.pValue(middle) >= alpha) inside = middle;
        else outside = middle;
      }
      return inside;
    };
    return { low: edge(-1), high: edge(1) };
  }
}

/**
 * Smallest shift (ms, both directions) the minimum test detects with probability `power`
 * at level `alpha` with these samples; see the module comment.
 */
export function minimumDetectableEffect(
  x: readonly number[],
  y: readonly number[],
  alpha = DEFAULT_ALPHA,
  power = DEFAULT_POWER,
): number {
  if (x.length < 2 || y.length < 2) return Number.NaN;
  const critical = new MinimumTest(x, y).criticalValue(alpha);
  return critical * (1 + normalQuantile(power) / normalQuantile(1 - alpha / 2));
}

// ---------------------------------------------------------------------------------------
// The verdict.

export type Verdict = "faster" | "slower" | "no-change" | "unknown";

export interface SignificanceResult {
  verdict: Verdict;
  /** Two-sided permutation p-value of the difference of minima; null when not tested. */
  pValue: number | null;
  /** min(baseline) − min(candidate), ms (> 0: candidate faster); null when not tested. */
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
 * baseline's fastest run slower: "faster"; quicker: "slower"; otherwise "no-change".
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
  const test = new MinimumTest(baseline, candidate);
  const shift = Math.min(...baseline) - Math.min(...candidate);
  const pValue = test.pValue();
  const mde = test.criticalValue(alpha) * (1 + normalQuantile(power) / normalQuantile(1 - alpha / 2));
  let verdict: Verdict = "no-change";
  if (pValue < alpha && shift !== 0) verdict = shift > 0 ? "faster" : "slower";
  return {
    verdict,
    pValue,
    shiftMs: shift,
    ci: test.interval(alpha, Math.max(...baseline, ...candidate) - Math.min(...baseline, ...candidate) || Math.abs(shift) || 1),
    confidence,
    mdeMs: Number.isFinite(mde) ? mde : null,
  };
}
