/**
 * The slow runs: the change of an upper quantile (p90 by default) with a distribution-free
 * interval — the third part of a verdict, beside the typical change (verdict.ts) and the
 * best case (minimum.ts), so that a report can say which part of the distribution moved
 * (shape.ts). A candidate whose median stays put while its slow half stretches is seen
 * here, not by the typical shift.
 *
 * Estimate: the ratio of the two q-quantiles (type 7, numpy's default), on logarithms:
 * estimatePct = (1 − Q_c/Q_b) × 100, positive = the candidate's slow runs faster
 * (TestOutcome's convention). Samples ≤ 0: the difference Q_c − Q_b, % of Q_b.
 *
 * Interval: the percentile interval of RESAMPLES bootstrap replicates of
 * ln(Q_q(candidate*) / Q_q(baseline*)), whole rounds resampled when paired (a round's two
 * runs share the machine's state), each sample on its own otherwise; shown from
 * TAIL_RUNS_ABOVE runs expected above the quantile on (p90: 30 runs; p75: 12).
 *
 * The method was chosen by the seeded simulation (`bun scripts/selfbench/simulation.ts
 * --tail-methods --reps 500`: 500 paired comparisons per cell, 8 noise shapes and the
 * stretched slow half, every method at n = 10, 15, 20, 30 with the interval forced; A/A
 * false alarms and coverage of the true change over +0/+3/+10%):
 * - "bootstrap-type7" (the default): A/A false alarms 0.2–4.2% and coverage 95.1–97.9% in
 *   every shape at n = 30; 0.2–5.2% and 94.9–97.5% at n = 20; at n = 10 up to 12.2% and
 *   down to 87.6% (bursts), at n = 15 up to 9.8% (round-bursts) — a bootstrap cannot see
 *   beyond the largest runs it has. Hence three runs expected above the quantile: at p90,
 *   n ≥ 30, where every shape holds the level with room (at p75, spot checks at n = 12
 *   and 15: 0–6.8% and 92–97.7%). Power at +10%, n = 30: 19.6% (bursts) to 100%; the
 *   stretched slow half (true p90 change +9.75%) is called slower in 76.8% at n = 30,
 *   its coverage 92.2% (type 7 is biased on so skewed a tail at 30 runs).
 * - "bootstrap-hd" (the Harrell–Davis quantile, a Beta-weighted average of every order
 *   statistic): smoother and more powerful, but its percentile interval is too narrow: at
 *   n = 30 false alarms of 0.8–9.2% (exp-tail 8.6%, bursts 9.2%) and coverage down to
 *   90.8%; 15–17% false alarms at n = 10 (ticks 5%).
 * - "order-statistic": exact and distribution-free — each quantile's binomial interval
 *   from order statistics at level 1 − α/2 (Bonferroni, valid for paired samples too),
 *   the ratio interval [L_c/U_b, U_c/L_b]. Never below its level, but at p90 it needs
 *   0.9^n ≤ α/4, n ≥ 42 runs (none at the branch runner's 10–30), and it is wide: at 45
 *   and 60 runs (300 comparisons) it found +10% in 88%/80% (lognormal), 57%/55% (ticks)
 *   and 7%/4% (round-bursts) of comparisons, the type-7 bootstrap in 100%, 99–100% and
 *   37–48%.
 *
 * The verdict is the interval's: "higher" when it lies wholly on the slower side of 0
 * (after the edge rule: an end within a quarter of the timer's resolution of 0 is 0),
 * "lower" on the faster side, else "no-change"; "insufficient" (with the runs it needs,
 * and still the estimate) below the method's minimum. Pure and deterministic: the
 * bootstrap is seeded by the samples (random.ts).
 */
import { regularizedBeta } from "./beta.ts";
import { quantileSorted } from "./describe.ts";
import { mulberry32, seedOf } from "./random.ts";
import { detectResolution, edgeTolerance } from "./resolution.ts";

export type TailMethod = "bootstrap-hd" | "bootstrap-type7" | "order-statistic";
export const TAIL_METHODS: readonly TailMethod[] = ["bootstrap-hd", "bootstrap-type7", "order-statistic"];
/** The default method (see above for the simulation's evidence). */
export const TAIL_METHOD: TailMethod = "bootstrap-type7";
/** The default quantile (`--tail Q`). */
export const TAIL_Q = 0.9;
/** Runs expected above the quantile, n(1 − q), before a bootstrap interval is shown. */
export const TAIL_RUNS_ABOVE = 3;
/** Bootstrap replicates. */
export const RESAMPLES = 2000;

export type TailVerdict = "lower" | "higher" | "no-change" | "insufficient";

export type TailReason =
  | { kind: "no-samples" }
  /** Too few runs for an interval of this quantile: `needed` runs per side (pairs) would do. */
  | { kind: "too-few-runs"; n: number; needed: number; q: number };

export interface TailOutcome {
  /** The quantile compared (0.9: the slowest tenth of runs). */
  q: number;
  verdict: TailVerdict;
  /** (Q_baseline − Q_candidate) / Q_baseline × 100: positive = the candidate's slow runs faster. */
  estimatePct: number | null;
  /** Same convention, low ≤ high; null when insufficient. */
  ciPct: { low: number; high: number } | null;
  /** The two quantiles in the unit. */
  baseline: number | null;
  candidate: number | null;
  method: TailMethod;
  paired: boolean;
  n: { baseline: number; candidate: number };
  confidence: number;
  reason: TailReason | null;
  /**
   * How much more the quantile moved than the median (the two shifts' difference, from the
   * same bootstrap replicates), same % convention: negative = the slow runs slowed more
   * than the middle. An interval excluding 0 says the distribution changed shape (shape.ts).
   * Null when insufficient or for the order-statistic method.
   */
  beyondMedian: { estimatePct: number | null; ciPct: { low: number; high: number } | null } | null;
  /** The edge rule: "snapped" when an interval end within a quarter tick of 0 was set to 0. */
  edge: "none" | "snapped";
  scale: "log-ratio" | "difference";
}

export interface TailOptions {
  paired: boolean;
  /** Default TAIL_Q. */
  q?: number;
  alpha?: number;
  method?: TailMethod;
  resamples?: number;
  /** For studies of the methods: show an interval from this many runs on (default tailRunsNeeded). */
  minimumRuns?: number;
}

/** Harrell–Davis weights of the n order statistics for quantile q (cached): W_i = I_{i/n}(a, b) − I_{(i−1)/n}(a, b). */
const hdCache = new Map<string, Float64Array>();
export function harrellDavisCdf(n: number, q: number): Float64Array {
  const key = `${n}:${q}`;
  let cdf = hdCache.get(key);
  if (!cdf) {
    const a = (n + 1) * q;
    const b = (n + 1) * (1 - q);
    cdf = new Float64Array(n + 1);
    for (let k = 0; k <= n; k += 1) cdf[k] = regularizedBeta(k / n, a, b);
    if (hdCache.size > 128) hdCache.clear();
    hdCache.set(key, cdf);
  }
  return cdf;
}

/** The Harrell–Davis q-quantile of `values`. */
export function harrellDavis(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cdf = harrellDavisCdf(sorted.length, q);
  let sum = 0;
  for (let i = 0; i < sorted.length; i += 1) sum += (cdf[i + 1]! - cdf[i]!) * sorted[i]!;
  return sum;
}

/** P(Binomial(n, p) ≤ k). */
function binomialCdf(n: number, p: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let term = (1 - p) ** n;
  let total = 0;
  for (let i = 0; i <= k; i += 1) {
    total += term;
    term = (term * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.min(1, total);
}

/**
 * Order statistics (1-based l < u) whose interval [x_(l), x_(u)] covers the q-quantile with
 * both tails ≤ tail: P(B < l) ≤ tail and P(B ≥ u) ≤ tail, B ~ Binomial(n, q), as narrow as
 * that allows. Null when n is too small.
 */
export function orderStatisticBounds(n: number, q: number, tail: number): { low: number; high: number } | null {
  let low = 0;
  // Largest l with P(B ≤ l − 1) ≤ tail.
  for (let l = 1; l <= n; l += 1) {
    if (binomialCdf(n, q, l - 1) <= tail) low = l;
    else break;
  }
  let high = 0;
  // Smallest u with P(B ≥ u) = 1 − P(B ≤ u − 1) ≤ tail.
  for (let u = n; u >= 1; u -= 1) {
    if (1 - binomialCdf(n, q, u - 1) <= tail) high = u;
    else break;
  }
  if (low === 0 || high === 0 || low >= high) return null;
  return { low, high };
}

/** Runs per side (pairs) the method needs for an interval of quantile q at level alpha. */
export function tailRunsNeeded(q: number, method: TailMethod = TAIL_METHOD, alpha = 0.05): number {
  if (method !== "order-statistic") return Math.ceil(TAIL_RUNS_ABOVE / (1 - q) - 1e-9);
  for (let n = 2; n < 100_000; n += 1) if (orderStatisticBounds(n, q, alpha / 4)) return n;
  return Infinity;
}

function checkQ(q: number): void {
  if (!(q > 0 && q < 1)) throw new RangeError(`the tail quantile must be between 0 and 1 (got ${q})`);
}

/** The q-quantile of each sample's bootstrap replicates, as a function of the replicate's counts. */
function quantileOfCounts(sortedValues: Float64Array, order: Int32Array, counts: Int32Array, n: number, q: number, cdf: Float64Array | null): number {
  if (cdf) {
    let seen = 0;
    let sum = 0;
    for (let j = 0; j < sortedValues.length; j += 1) {
      const c = counts[order[j]!]!;
      if (c === 0) continue;
      sum += (cdf[seen + c]! - cdf[seen]!) * sortedValues[j]!;
      seen += c;
    }
    return sum;
  }
  // Type 7: position (n − 1)q between the floor and the ceiling order statistics.
  const position = (n - 1) * q;
  const lowRank = Math.floor(position);
  const highRank = Math.ceil(position);
  let seen = 0;
  let low = Number.NaN;
  let high = Number.NaN;
  for (let j = 0; j < sortedValues.length; j += 1) {
    const c = counts[order[j]!]!;
    if (c === 0) continue;
    if (Number.isNaN(low) && seen + c > lowRank) low = sortedValues[j]!;
    if (seen + c > highRank) {
      high = sortedValues[j]!;
      break;
    }
    seen += c;
  }
  return low + (high - low) * (position - lowRank);
}

/** Sorted copy and, per sorted position, the index of the value in the input. */
function sortWithOrder(values: readonly number[]): { sorted: Float64Array; order: Int32Array } {
  const indices = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  return { sorted: Float64Array.from(indices.map((i) => values[i]!)), order: Int32Array.from(indices) };
}

function pointQuantile(values: readonly number[], q: number, method: TailMethod): number {
  return method === "bootstrap-type7" ? quantileSorted([...values].sort((a, b) => a - b), q) : harrellDavis(values, q);
}

/** The percentile interval of the bootstrap replicates of the shift (candidate vs baseline, test scale). */
function bootstrapInterval(
  baseline: readonly number[], candidate: readonly number[], options: { q: number; paired: boolean; alpha: number; method: TailMethod; resamples: number },
  transform: (value: number) => number,
): { low: number; high: number; beyond: { low: number; high: number } } {
  const { q, paired, alpha, method, resamples } = options;
  const [n1, n2] = [baseline.length, candidate.length];
  const b = sortWithOrder(baseline);
  const c = sortWithOrder(candidate);
  const random = mulberry32(seedOf([...baseline, ...candidate, q]));
  const countsB = new Int32Array(n1);
  const countsC = new Int32Array(n2);
  const replicates = new Float64Array(resamples);
  const beyond = new Float64Array(resamples);
  const cdfB = method === "bootstrap-hd" ? harrellDavisCdf(n1, q) : null;
  const cdfC = method === "bootstrap-hd" ? harrellDavisCdf(n2, q) : null;
  for (let r = 0; r < resamples; r += 1) {
    countsB.fill(0);
    countsC.fill(0);
    if (paired) {
      for (let i = 0; i < n1; i += 1) {
        const round = Math.floor(random() * n1);
        countsB[round]! += 1;
        countsC[round]! += 1;
      }
    } else {
      for (let i = 0; i < n1; i += 1) countsB[Math.floor(random() * n1)]! += 1;
      for (let i = 0; i < n2; i += 1) countsC[Math.floor(random() * n2)]! += 1;
    }
    const qb = quantileOfCounts(b.sorted, b.order, countsB, n1, q, cdfB);
    const qc = quantileOfCounts(c.sorted, c.order, countsC, n2, q, cdfC);
    replicates[r] = transform(qc) - transform(qb);
    // The same replicate's median shift (type 7): how much more the quantile moved than the middle.
    const mb = quantileOfCounts(b.sorted, b.order, countsB, n1, 0.5, null);
    const mc = quantileOfCounts(c.sorted, c.order, countsC, n2, 0.5, null);
    beyond[r] = replicates[r]! - (transform(mc) - transform(mb));
  }
  replicates.sort();
  beyond.sort();
  const percentile = (values: Float64Array) => ({ low: quantileSorted(values, alpha / 2), high: quantileSorted(values, 1 - alpha / 2) });
  return { ...percentile(replicates), beyond: percentile(beyond) };
}

/** The exact Bonferroni interval of the shift from each quantile's order-statistic interval at 1 − α/2. */
function orderStatisticInterval(baseline: readonly number[], candidate: readonly number[], q: number, alpha: number, transform: (value: number) => number) {
  const sb = [...baseline].sort((a, b) => a - b);
  const sc = [...candidate].sort((a, b) => a - b);
  const bb = orderStatisticBounds(sb.length, q, alpha / 4);
  const bc = orderStatisticBounds(sc.length, q, alpha / 4);
  if (!bb || !bc) return null;
  return {
    low: transform(sc[bc.low - 1]!) - transform(sb[bb.high - 1]!),
    high: transform(sc[bc.high - 1]!) - transform(sb[bb.low - 1]!),
  };
}

/** The slow-runs comparison: the change of the q-quantile with its interval (see the file's comment). */
export function compareTail(baseline: readonly number[], candidate: readonly number[], options: TailOptions): TailOutcome {
  const q = options.q ?? TAIL_Q;
  const alpha = options.alpha ?? 0.05;
  const method = options.method ?? TAIL_METHOD;
  const resamples = options.resamples ?? RESAMPLES;
  checkQ(q);
  for (const value of [...baseline, ...candidate]) {
    if (!Number.isFinite(value)) throw new RangeError(`a sample is not a finite number (${value})`);
  }
  const paired = options.paired;
  if (paired && baseline.length !== candidate.length) {
    throw new RangeError(`paired comparison needs as many baseline as candidate samples (${baseline.length} vs ${candidate.length})`);
  }
  const n = { baseline: baseline.length, candidate: candidate.length };
  const scale: TailOutcome["scale"] = [...baseline, ...candidate].every((value) => value > 0) ? "log-ratio" : "difference";
  const base: TailOutcome = {
    q, verdict: "insufficient", estimatePct: null, ciPct: null, baseline: null, candidate: null, method, paired, n,
    confidence: 1 - alpha, reason: null, beyondMedian: null, edge: "none", scale,
  };
  if (!baseline.length || !candidate.length) return { ...base, reason: { kind: "no-samples" } };
  const qb = pointQuantile(baseline, q, method);
  const qc = pointQuantile(candidate, q, method);
  const transform = scale === "log-ratio" ? Math.log : (value: number) => value;
  // Shift s on the test scale -> (Q_b − Q_c) / Q_b × 100.
  const pct = (s: number): number | null =>
    scale === "log-ratio" ? (1 - Math.exp(s)) * 100 : qb > 0 ? (-s / qb) * 100 : null;
  const unit = (s: number): number => (scale === "log-ratio" ? (1 - Math.exp(s)) * qb : -s);
  const shift = transform(qc) - transform(qb);
  const estimatePct = finite(pct(shift));
  const needed = options.minimumRuns ?? tailRunsNeeded(q, method, alpha);
  const runs = Math.min(n.baseline, n.candidate);
  const measured = { ...base, estimatePct, baseline: qb, candidate: qc };
  if (runs < needed) return { ...measured, reason: { kind: "too-few-runs", n: runs, needed, q } };
  const interval: { low: number; high: number; beyond?: { low: number; high: number } } | null = method === "order-statistic"
    ? orderStatisticInterval(baseline, candidate, q, alpha, transform)
    : bootstrapInterval(baseline, candidate, { q, paired, alpha, method, resamples }, transform);
  if (!interval) return { ...measured, reason: { kind: "too-few-runs", n: runs, needed, q } };
  // The edge rule: an end within a quarter tick of 0 (in the unit) is 0.
  const tolerance = edgeTolerance(detectResolution(baseline, candidate), qb);
  let { low, high } = interval;
  let edge: TailOutcome["edge"] = "none";
  if (low !== 0 && Math.abs(unit(low)) <= tolerance) [low, edge] = [0, "snapped"];
  if (high !== 0 && Math.abs(unit(high)) <= tolerance) [high, edge] = [0, "snapped"];
  const [first, second] = [finite(pct(low)), finite(pct(high))];
  const ciPct = first === null || second === null ? null : { low: Math.min(first, second) + 0, high: Math.max(first, second) + 0 };
  let verdict: TailVerdict = "no-change";
  if (ciPct && ciPct.high < 0) verdict = "higher";
  else if (ciPct && ciPct.low > 0) verdict = "lower";
  let beyondMedian: TailOutcome["beyondMedian"] = null;
  if (interval.beyond) {
    const middle = transform(quantileSorted([...candidate].sort((a, b) => a - b), 0.5)) - transform(quantileSorted([...baseline].sort((a, b) => a - b), 0.5));
    // On the difference scale the % is of Q_b too, so the middle's shift counts in the same unit.
    const [a, b] = [finite(pct(interval.beyond.low)), finite(pct(interval.beyond.high))];
    beyondMedian = {
      estimatePct: finite(pct(shift - middle)),
      ciPct: a === null || b === null ? null : { low: Math.min(a, b) + 0, high: Math.max(a, b) + 0 },
    };
  }
  return { ...measured, verdict, ciPct, beyondMedian, edge };
}

function finite(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value + 0;
}
