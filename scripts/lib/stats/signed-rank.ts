/**
 * The Wilcoxon signed-rank test for paired rounds, exact, and its Hodges–Lehmann estimate
 * with the exact (Tukey) confidence interval from the Walsh averages.
 *
 * Input: per-round differences d_i (log ratios or plain differences; the caller decides).
 *
 * - Zeros (Pratt, 1959): every |d_i| is ranked, zeros included (they take the lowest
 *   ranks), then the zeros' signed contributions are dropped. Under "no difference" each
 *   non-zero d_i is as likely positive as negative given the magnitudes, so the
 *   conditional distribution of T+ (sum of the ranks of the positive d_i) over the 2^m
 *   sign patterns of the m non-zero ones is the exact null distribution. Pratt rather than
 *   Wilcoxon's dropping of zeros, because T+ then equals the count of positive Walsh
 *   averages, the quantity the interval is built on, so test and interval agree.
 * - Ties among |d_i|: midranks. Doubled midranks are integers, so a DP over the m signs
 *   (probabilities, halved at each step) gives the exact distribution in O(m · n²): fast
 *   for n up to several hundred (beyond EXACT_WORK, a normal approximation with the
 *   conditional variance; never reached by the branch runner's round counts).
 * - Magnitudes within 1e-9 of the largest |d| of each other count as tied, and as zero
 *   near 0: floating-point noise in log ratios (ln(a/b) vs ln(c/d) of equal ratios) must
 *   not decide the rank of a difference.
 * - Two-sided p: P(|T+ − E| ≥ |t − E|) under that distribution (symmetric about E).
 * - Estimate: Hodges–Lehmann, the median of the n(n+1)/2 Walsh averages (d_i + d_j)/2,
 *   i ≤ j. Interval: [W_(c+1), W_(N−c)] with c the largest value of P(T+ ≤ c) < α/2 in the
 *   untied distribution of n (Hollander & Wolfe): the shifts the exact test does not
 *   reject (for untied data exactly; with ties it is the usual approximation).
 */
import { normalQuantile, normalSf } from "./normal.ts";

/** Above this many DP steps (non-zero count × doubled rank total) the normal approximation is used. */
export const EXACT_WORK = 2e8;

export interface SignedRankResult {
  /** Number of pairs (zeros included). */
  n: number;
  /** Differences counted as zero (no sign). */
  zeros: number;
  /** Whether non-zero magnitudes share ranks. */
  ties: boolean;
  /** T+: sum of the (Pratt mid)ranks of the positive differences. */
  statistic: number;
  /** Its mean under no difference: half the ranks of the non-zero differences. */
  expected: number;
  /** Two-sided p-value. */
  pValue: number;
  /** False when the normal approximation was used (very large n). */
  exact: boolean;
}

/** Tolerance below which two magnitudes are the same (relative to the largest). */
export function tieTolerance(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i += 1) largest = Math.max(largest, Math.abs(values[i]!));
  return largest * 1e-9;
}

/**
 * Pratt ranks: the doubled midrank (an integer) of each |d_i| among all n, zeros ranked
 * lowest, and whether each d_i counts as zero.
 */
export function prattRanks(d: readonly number[]): { doubled: number[]; zero: boolean[]; ties: boolean } {
  const tolerance = tieTolerance(d);
  const order = d.map((value, index) => ({ size: Math.abs(value), index })).sort((a, b) => a.size - b.size);
  const doubled = new Array<number>(d.length).fill(0);
  const zero = d.map((value) => Math.abs(value) <= tolerance);
  let ties = false;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]!.size - order[start]!.size <= tolerance) end += 1;
    // Positions start+1 .. end (1-based): doubled midrank start+1+end.
    for (let k = start; k < end; k += 1) doubled[order[k]!.index] = start + 1 + end;
    if (end - start > 1 && !zero[order[start]!.index]) ties = true;
    start = end;
  }
  return { doubled, zero, ties };
}

/**
 * Distribution of the sum of a random subset of `weights` (each in with probability 1/2):
 * P[s] for s = 0 .. sum(weights). Weights are non-negative integers.
 */
export function signSumDistribution(weights: readonly number[]): number[] {
  let total = 0;
  for (const w of weights) total += w;
  // A plain array: the comparer runs this before the JIT warms up, where a typed array's element costs several times more.
  const p = new Array<number>(total + 1).fill(0);
  p[0] = 1;
  let reach = 0;
  for (const w of weights) {
    reach += w;
    for (let s = reach; s >= w; s -= 1) p[s] = 0.5 * (p[s]! + p[s - w]!);
    for (let s = Math.min(w - 1, reach); s >= 0; s -= 1) p[s] = 0.5 * p[s]!;
  }
  return p;
}

const untiedCache = new Map<number, number[]>();

/** P(T+ = t), t = 0 .. n(n+1)/2, for n untied non-zero differences (ranks 1..n). Cached. */
export function untiedSignedRankDistribution(n: number): number[] {
  let cached = untiedCache.get(n);
  if (!cached) {
    cached = signSumDistribution(Array.from({ length: n }, (_, i) => i + 1));
    if (untiedCache.size > 64) untiedCache.clear();
    untiedCache.set(n, cached);
  }
  return cached;
}

/** Two-sided p from a distribution symmetric about total/2, for an observed (integer) statistic. */
function twoSidedFromSymmetric(p: readonly number[], observed: number): number {
  const total = p.length - 1;
  const distance = Math.abs(2 * observed - total);
  // Sum the outcomes strictly closer to the centre: keeps p = 1 exact when none is.
  let inside = 0;
  for (let s = 0; s <= total; s += 1) if (Math.abs(2 * s - total) < distance) inside += p[s]!;
  return Math.min(1, Math.max(0, 1 - inside));
}

/** Exact two-sided Wilcoxon signed-rank test of d against 0 (Pratt zeros, midranks). */
export function signedRankTest(d: readonly number[]): SignedRankResult {
  const n = d.length;
  const { doubled, zero, ties } = prattRanks(d);
  const weights: number[] = [];
  let observed = 0;
  for (let i = 0; i < n; i += 1) {
    if (zero[i]) continue;
    weights.push(doubled[i]!);
    if (d[i]! > 0) observed += doubled[i]!;
  }
  const zeros = n - weights.length;
  const total = weights.reduce((sum, w) => sum + w, 0);
  const base = { n, zeros, ties, statistic: observed / 2, expected: total / 4 };
  if (weights.length === 0) return { ...base, pValue: 1, exact: true };
  if (weights.length * total > EXACT_WORK) {
    let variance = 0;
    for (const w of weights) variance += (w * w) / 4;
    const distance = Math.max(Math.abs(observed - total / 2) - 1, 0);
    return { ...base, pValue: Math.min(1, 2 * normalSf(distance / Math.sqrt(variance))), exact: false };
  }
  let pValue: number;
  if (!ties && zeros === 0) {
    // Doubled ranks 2, 4, .. 2n: the untied distribution of n, in rank units.
    pValue = twoSidedFromSymmetric(untiedSignedRankDistribution(n), observed / 2);
  } else {
    pValue = twoSidedFromSymmetric(signSumDistribution(weights), observed);
  }
  return { ...base, pValue, exact: true };
}

/** Smallest two-sided p the signed-rank test can give with n pairs (all signs alike): 2^(1−n). */
export function signedRankMinimumP(n: number): number {
  return n <= 0 ? 1 : Math.min(1, 2 ** (1 - n));
}

const criticalCache = new Map<string, number>();

/**
 * The largest c with P(T+ ≤ c) < alpha/2 in the untied distribution of n pairs, or −1
 * when even P(T+ = 0) = 2^−n is not below alpha/2 (no interval at this level).
 */
export function signedRankCritical(n: number, alpha: number): number {
  const key = `${n}:${alpha}`;
  const cached = criticalCache.get(key);
  if (cached !== undefined) return cached;
  let c = -1;
  const total = (n * (n + 1)) / 2;
  if (n * total <= EXACT_WORK) {
    const p = untiedSignedRankDistribution(n);
    let cumulative = 0;
    for (let t = 0; t <= total; t += 1) {
      cumulative += p[t]!;
      if (cumulative < alpha / 2) c = t;
      else break;
    }
  } else {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    c = Math.max(-1, Math.floor(total / 2 - normalQuantile(1 - alpha / 2) * sd - 0.5));
  }
  if (criticalCache.size > 256) criticalCache.clear();
  criticalCache.set(key, c);
  return c;
}

/** All n(n+1)/2 Walsh averages (d_i + d_j)/2, i ≤ j, sorted ascending. */
export function walshAverages(d: readonly number[]): Float64Array {
  const n = d.length;
  const out = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i += 1) for (let j = i; j < n; j += 1) out[k++] = (d[i]! + d[j]!) / 2;
  return out.sort();
}

function medianOfSorted(sorted: Float64Array): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const half = Math.floor(m / 2);
  return m % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

export interface WalshCi {
  /** Hodges–Lehmann estimate: median of the Walsh averages. */
  estimate: number;
  /** Exact 1 − alpha interval, or null when n is too small for one. */
  ci: { low: number; high: number } | null;
  /** The c of signedRankCritical (−1: no interval). */
  critical: number;
}

/** Hodges–Lehmann estimate of the centre of d and its exact (Tukey) interval. */
export function walshCi(d: readonly number[], alpha: number): WalshCi {
  const n = d.length;
  if (n === 0) return { estimate: Number.NaN, ci: null, critical: -1 };
  const walsh = walshAverages(d);
  const estimate = medianOfSorted(walsh);
  const critical = signedRankCritical(n, alpha);
  if (critical < 0) return { estimate, ci: null, critical };
  return { estimate, ci: { low: walsh[critical]!, high: walsh[walsh.length - 1 - critical]! }, critical };
}
