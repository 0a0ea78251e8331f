/**
 * The best-case test: two-sided exact permutation test of the difference of the fastest
 * runs, min(baseline) − min(candidate). Moved unchanged in behaviour from significance.ts
 * (its closed form is checked against an enumeration of every split in
 * test/stats-minimum.test.ts).
 *
 * - Test: the share of all splits of the pooled samples whose |difference of minima| is
 *   at least the observed one, in closed form (see MinimumTest). Exact in level whatever
 *   the distribution, since interleaved runs are exchangeable under "no difference".
 * - Shift: the observed difference of minima, with a confidence interval by inverting
 *   the test (every shift δ for which "candidate + δ is the baseline" is not rejected).
 * - Minimum detectable effect: the test's critical value c (the 1 − α quantile of the
 *   permuted |difference|) scaled to `power`: MDE ≈ c · (1 + z_power / z_{1−α/2}). Not
 *   calibrated: scripts/selfbench/simulation.ts finds it 0.04–1.1 times the shift this
 *   test really detects 80% of the time, depending on the noise.
 *
 * Sign convention: differences are baseline − candidate, so a positive shift means the
 * candidate is lower (faster). Pure and deterministic.
 */
import { normalQuantile } from "./normal.ts";

/**
 * The exact permutation distribution of min(x) − min(y) under "the labels are
 * exchangeable", without enumerating splits: sort the pooled values w₁ ≤ … ≤ w_N. The
 * overall minimum w₁ is in x's group or in y's; if in x's, the statistic is w₁ − w_k where
 * w_k is the first value in y's group, which happens when positions 1..k−1 all go to x
 * and k to y: C(N − k, n₁ − k + 1) of the C(N, n₁) equally likely splits; the other case
 * mirrors it. O(N log N) per shift, deterministic, exact with ties (the statistic is a
 * difference of values, so tied positions give equal outcomes).
 */
export class MinimumTest {
  // Plain arrays, not typed ones: the interval asks for some 35 p-values, before the JIT
  // warms up, where a typed array's element costs several times a plain array's.
  private readonly sortedX: number[];
  private readonly sortedY: number[];
  /** The pooled values for one shift, reused from call to call. */
  private readonly pooled: number[];
  /** By k (2..N): the probability that positions 1..k−1 go to x and k to y, and of the mirror case; the same for every shift. */
  private readonly xFirst: number[];
  private readonly yFirst: number[];

  constructor(x: readonly number[], y: readonly number[]) {
    const n1 = x.length;
    const total = n1 + y.length;
    const logFactorial = new Float64Array(total + 1);
    for (let i = 1; i <= total; i += 1) logFactorial[i] = logFactorial[i - 1]! + Math.log(i);
    const logChoose = (n: number, k: number) => (k < 0 || k > n ? -Infinity : logFactorial[n]! - logFactorial[k]! - logFactorial[n - k]!);
    const all = logChoose(total, n1);
    this.xFirst = new Array(total + 1).fill(0);
    this.yFirst = new Array(total + 1).fill(0);
    for (let k = 2; k <= total; k += 1) {
      this.xFirst[k] = Math.exp(logChoose(total - k, n1 - (k - 1)) - all);
      this.yFirst[k] = Math.exp(logChoose(total - k, n1 - 1) - all);
    }
    this.sortedX = Array.from(Float64Array.from(x).sort());
    this.sortedY = Array.from(Float64Array.from(y).sort());
    this.pooled = new Array(total).fill(0);
  }

  /** x and y + delta merged in ascending order: the values a sort of both gives. */
  private pool(delta: number): number[] {
    const { sortedX: x, sortedY: y, pooled } = this;
    let i = 0;
    let j = 0;
    for (let at = 0; at < pooled.length; at += 1) {
      const fromY = j < y.length ? y[j]! + delta : Infinity;
      if (i < x.length && x[i]! <= fromY) pooled[at] = x[i++]!;
      else {
        pooled[at] = fromY;
        j += 1;
      }
    }
    return pooled;
  }

  /** Every possible value of the statistic (y shifted by +delta) with its probability. */
  private outcomes(delta: number): { value: number; probability: number }[] {
    const pooled = this.pool(delta);
    const outcomes: { value: number; probability: number }[] = [];
    for (let k = 2; k <= pooled.length; k += 1) {
      // Positions 1..k−1 with x and k with y: the statistic is w₁ − w_k; in the mirror case, w_k − w₁.
      if (this.xFirst[k]! > 0) outcomes.push({ value: pooled[0]! - pooled[k - 1]!, probability: this.xFirst[k]! });
      if (this.yFirst[k]! > 0) outcomes.push({ value: pooled[k - 1]! - pooled[0]!, probability: this.yFirst[k]! });
    }
    return outcomes;
  }

  /** Two-sided p-value: the probability of a |statistic| at least the observed one. */
  pValue(delta = 0): number {
    const observed = Math.abs(this.sortedX[0]! - this.sortedY[0]! - delta) - 1e-9;
    const pooled = this.pool(delta);
    const xFirst = this.xFirst;
    const yFirst = this.yFirst;
    // Summing the outcomes below the observed size keeps p = 1 exact when none is. Both
    // outcomes at k have size w_k − w₁, which grows with k: the first one not below ends it.
    let below = 0;
    for (let k = 2; k <= pooled.length; k += 1) {
      if (pooled[k - 1]! - pooled[0]! < observed) {
        below += xFirst[k]!;
        below += yFirst[k]!;
      } else break;
    }
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
    const observed = this.sortedX[0]! - this.sortedY[0]!;
    if (this.pValue(observed) < alpha) return null;
    const edge = (direction: 1 | -1): number => {
      let inside = observed;
      let outside = observed + direction * span;
      for (let grow = 0; grow < 20 && this.pValue(outside) >= alpha; grow += 1) outside += direction * span;
      // 16 halvings: the interval's ends to 1/65536 of the samples' range, finer than any report shows.
      for (let step = 0; step < 16; step += 1) {
        const middle = (inside + outside) / 2;
        if (this.pValue(middle) >= alpha) inside = middle;
        else outside = middle;
      }
      return inside;
    };
    return { low: edge(-1), high: edge(1) };
  }
}

/** Smallest two-sided p the minimum test can give with these sizes, whatever the values. */
export function minimumTestMinimumP(n1: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  let logChoose = 0;
  for (let i = 1; i <= n1; i += 1) logChoose += Math.log(n2 + i) - Math.log(i);
  // Equal sizes: the two most extreme splits mirror each other; otherwise one is alone.
  return Math.min(1, (n1 === n2 ? 2 : 1) * Math.exp(-logChoose));
}

/**
 * Smallest shift (unit, both directions) the minimum test detects with probability
 * `power` at level `alpha` with these samples; NaN with fewer than 2 samples a side.
 */
export function minimumDetectableEffect(x: readonly number[], y: readonly number[], alpha: number, power: number): number {
  if (x.length < 2 || y.length < 2) return Number.NaN;
  const critical = new MinimumTest(x, y).criticalValue(alpha);
  return critical * (1 + normalQuantile(power) / normalQuantile(1 - alpha / 2));
}

export interface MinimumTestResult {
  /** Two-sided exact permutation p-value of the difference of minima. */
  pValue: number;
  /** min(baseline) − min(candidate), unit (> 0: candidate lower). */
  shift: number;
  /** Interval of the shift by inverting the test; null when the samples are too few for one. */
  ci: { low: number; high: number } | null;
  /** Minimum detectable effect (±, unit); null when not finite. */
  mde: number | null;
}

/** The fastest-run comparison, as significance.ts's compareSamples computed it. */
export function minimumTest(baseline: readonly number[], candidate: readonly number[], alpha: number, power: number): MinimumTestResult {
  const test = new MinimumTest(baseline, candidate);
  const shift = Math.min(...baseline) - Math.min(...candidate);
  const pValue = test.pValue();
  const mde = test.criticalValue(alpha) * (1 + normalQuantile(power) / normalQuantile(1 - alpha / 2));
  const span = Math.max(...baseline, ...candidate) - Math.min(...baseline, ...candidate) || Math.abs(shift) || 1;
  return { pValue, shift, ci: test.interval(alpha, span), mde: Number.isFinite(mde) ? mde : null };
}
