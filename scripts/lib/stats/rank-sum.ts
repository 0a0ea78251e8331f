/**
 * The Mann–Whitney (Wilcoxon rank-sum) test for unpaired samples, exact, and the
 * Hodges–Lehmann shift with Moses' exact confidence interval.
 *
 * - Statistic: U of the first sample, #(x_i > y_j) + ½ #(x_i = y_j).
 * - Null distribution, exact and conditional on the ties: every split of the pooled
 *   midranks into groups of n1 and n2 equally likely. Without ties it is the Gaussian
 *   binomial coefficient [N choose n1]_q (Mann & Whitney 1947), computed as
 *   Π (1 − q^(n2+i)) / (1 − q^i) on its lower half (no cancellation there) and mirrored:
 *   O(n1² n2). With ties, a DP over the items of the doubled midrank sum of a random
 *   n1-subset, in probabilities. Beyond EXACT_WORK steps (with ties: roughly 45 runs a
 *   side; untied: 1,000 runs combined) the tie-corrected normal approximation, with
 *   `exact: false` in the result.
 * - Two-sided p: P(|U − n1 n2 / 2| ≥ |u − n1 n2 / 2|) under that distribution.
 * - Shift: Hodges–Lehmann, the median of the n1 n2 differences y_j − x_i. Interval
 *   (Moses): [D_(c+1), D_(n1 n2 − c)] with c the largest value of P(U ≤ c) < α/2 in the
 *   untied distribution: the shifts the exact test does not reject.
 */
import { normalQuantile, normalSf } from "./normal.ts";

export const EXACT_WORK = 1.5e8;
/** Untied exact distribution up to this many values combined (C(1000, 500) ≈ 2.7e299 still fits a double). */
export const EXACT_UNTIED_TOTAL = 1000;

/** Doubled midranks (integers) of `values`, and whether any are tied. */
export function doubledMidranks(values: readonly number[]): { doubled: number[]; ties: boolean; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const doubled = new Array<number>(values.length).fill(0);
  let ties = false;
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]!.value === order[start]!.value) end += 1;
    for (let k = start; k < end; k += 1) doubled[order[k]!.index] = start + 1 + end;
    const t = end - start;
    if (t > 1) ties = true;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { doubled, ties, tieTerm };
}

const untiedCache = new Map<string, Float64Array>();

/**
 * P(U = u), u = 0 .. n1 n2, with no ties (cached). Null when the sizes exceed the exact
 * range. The lower half is built from Π (1 − q^(n2+i)) / (1 − q^i), whose terms stay
 * non-negative there, then mirrored (the distribution is symmetric).
 */
export function untiedUDistribution(n1: number, n2: number): Float64Array | null {
  if (n1 > n2) return untiedUDistribution(n2, n1);
  if (n1 + n2 > EXACT_UNTIED_TOTAL || n1 * n1 * n2 > EXACT_WORK) return null;
  const key = `${n1}:${n2}`;
  const cached = untiedCache.get(key);
  if (cached) return cached;
  const top = n1 * n2;
  const half = Math.floor(top / 2);
  const f = new Float64Array(half + 1);
  f[0] = 1;
  for (let i = 1; i <= n1; i += 1) {
    const a = n2 + i;
    for (let k = half; k >= a; k -= 1) f[k] = f[k]! - f[k - a]!;
    for (let k = i; k <= half; k += 1) f[k] = f[k]! + f[k - i]!;
  }
  const p = new Float64Array(top + 1);
  let total = 0;
  for (let u = 0; u <= half; u += 1) {
    p[u] = f[u]!;
    p[top - u] = f[u]!;
  }
  for (let u = 0; u <= top; u += 1) total += p[u]!;
  for (let u = 0; u <= top; u += 1) p[u] = p[u]! / total;
  if (untiedCache.size > 64) untiedCache.clear();
  untiedCache.set(key, p);
  return p;
}

/**
 * Distribution of the sum of `n1` of the `weights` chosen at random (all subsets equally
 * likely): P[s] for s = 0 .. sum of the n1 largest. Weights are non-negative integers.
 * Null when the DP would exceed EXACT_WORK steps.
 */
export function subsetSumDistribution(weights: readonly number[], n1: number): Float64Array | null {
  const total = weights.length;
  const sorted = [...weights].sort((a, b) => b - a);
  let top = 0;
  for (let i = 0; i < n1; i += 1) top += sorted[i]!;
  if (total * (n1 + 1) * (top + 1) > EXACT_WORK) return null;
  const width = top + 1;
  // q[k][s]: probability that a random k-subset of the items seen so far sums to s.
  let q = new Float64Array((n1 + 1) * width);
  let next = new Float64Array((n1 + 1) * width);
  q[0] = 1;
  let reach = 0;
  for (let i = 1; i <= total; i += 1) {
    const w = weights[i - 1]!;
    reach = Math.min(top, reach + w);
    next.fill(0);
    const kMax = Math.min(i, n1);
    const kMin = Math.max(0, n1 - (total - i));
    for (let k = kMin; k <= kMax; k += 1) {
      const stay = (i - k) / i;
      const take = k / i;
      const row = k * width;
      const previous = (k - 1) * width;
      for (let s = 0; s <= reach; s += 1) {
        let value = 0;
        if (k < i) value += stay * q[row + s]!;
        if (k > 0 && s >= w) value += take * q[previous + s - w]!;
        next[row + s] = value;
      }
    }
    [q, next] = [next, q];
  }
  return q.slice(n1 * width, (n1 + 1) * width);
}

export interface MannWhitneyExact {
  /** U of the first sample: #(x > y) + ½ #(x = y). */
  u1: number;
  /** Two-sided p-value. */
  pValue: number;
  ties: boolean;
  /** False when the sizes forced the normal approximation. */
  exact: boolean;
}

/** Two-sided Mann–Whitney test of x against y, exact (conditional on ties) where feasible. */
export function mannWhitneyExact(x: readonly number[], y: readonly number[]): MannWhitneyExact {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u1: 0, pValue: 1, ties: false, exact: true };
  const { doubled, ties, tieTerm } = doubledMidranks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i += 1) r1 += doubled[i]!;
  // Doubled: 2 U1 = 2 R1 − n1 (n1 + 1).
  const u2 = r1 - n1 * (n1 + 1);
  const u1 = u2 / 2;
  const centre2 = n1 * n2; // 2 × mean of U
  const distance = Math.abs(u2 - centre2);
  if (!ties) {
    const p = untiedUDistribution(n1, n2);
    if (p) {
      let inside = 0;
      for (let u = 0; u < p.length; u += 1) if (Math.abs(2 * u - centre2) < distance) inside += p[u]!;
      return { u1, pValue: Math.min(1, Math.max(0, 1 - inside)), ties, exact: true };
    }
  } else {
    // Work with the smaller group: the split is symmetric in which group is "chosen".
    const small = n1 <= n2;
    const weights = small ? doubled : [...doubled.slice(n1), ...doubled.slice(0, n1)];
    const m = small ? n1 : n2;
    const distribution = subsetSumDistribution(weights, m);
    if (distribution) {
      const mean2 = m * (n1 + n2 + 1); // doubled rank-sum mean of the chosen group
      const observed = small ? r1 : doubled.slice(n1).reduce((sum, r) => sum + r, 0);
      const observedDistance = Math.abs(observed - mean2);
      let inside = 0;
      for (let s = 0; s < distribution.length; s += 1) if (Math.abs(s - mean2) < observedDistance) inside += distribution[s]!;
      return { u1, pValue: Math.min(1, Math.max(0, 1 - inside)), ties, exact: true };
    }
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u1, pValue: 1, ties, exact: false };
  const z = Math.max(distance / 2 - 0.5, 0) / Math.sqrt(variance);
  return { u1, pValue: Math.min(1, 2 * normalSf(z)), ties, exact: false };
}

/** Smallest two-sided p the rank-sum test can give with these sizes: 2 / C(n1 + n2, n1). */
export function rankSumMinimumP(n1: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  let logChoose = 0;
  for (let i = 1; i <= n1; i += 1) logChoose += Math.log(n2 + i) - Math.log(i);
  return Math.min(1, 2 * Math.exp(-logChoose));
}

const criticalCache = new Map<string, number>();

/** The largest c with P(U ≤ c) < alpha/2 for untied sizes n1, n2; −1 when there is none. */
export function rankSumCritical(n1: number, n2: number, alpha: number): number {
  const key = `${Math.min(n1, n2)}:${Math.max(n1, n2)}:${alpha}`;
  const cached = criticalCache.get(key);
  if (cached !== undefined) return cached;
  let c = -1;
  const p = untiedUDistribution(n1, n2);
  if (p) {
    let cumulative = 0;
    for (let u = 0; u < p.length; u += 1) {
      cumulative += p[u]!;
      if (cumulative < alpha / 2) c = u;
      else break;
    }
  } else {
    const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
    c = Math.max(-1, Math.floor((n1 * n2) / 2 - normalQuantile(1 - alpha / 2) * sd - 0.5));
  }
  if (criticalCache.size > 256) criticalCache.clear();
  criticalCache.set(key, c);
  return c;
}

/** Every difference y_j − x_i, sorted ascending. */
export function sortedDifferences(x: readonly number[], y: readonly number[]): Float64Array {
  const out = new Float64Array(x.length * y.length);
  let k = 0;
  for (const b of y) for (const a of x) out[k++] = b - a;
  return out.sort();
}

export interface ShiftCi {
  /** Hodges–Lehmann estimate of the shift of y relative to x: median of y_j − x_i. */
  estimate: number;
  /** Moses' exact 1 − alpha interval, or null when the sizes are too small for one. */
  ci: { low: number; high: number } | null;
  /** The c of rankSumCritical (−1: no interval). */
  critical: number;
}

/** Hodges–Lehmann shift of y against x (y − x) with Moses' exact interval. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[], alpha: number): ShiftCi {
  const differences = sortedDifferences(x, y);
  const m = differences.length;
  if (m === 0) return { estimate: Number.NaN, ci: null, critical: -1 };
  const half = Math.floor(m / 2);
  const estimate = m % 2 ? differences[half]! : (differences[half - 1]! + differences[half]!) / 2;
  const critical = rankSumCritical(x.length, y.length, alpha);
  if (critical < 0) return { estimate, ci: null, critical };
  return { estimate, ci: { low: differences[critical]!, high: differences[m - 1 - critical]! }, critical };
}
