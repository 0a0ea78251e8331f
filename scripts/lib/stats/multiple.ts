/**
 * Many comparisons at once (a history of N commits compares N − 1 neighbours) and what a
 * single series can say about its median. Pure functions.
 *
 * - Holm's step-down correction keeps the chance of any false "significant" among m
 *   tests at alpha, whatever their dependence (Holm 1979): sort the p-values, multiply the
 *   k-th smallest by (m − k + 1), keep the running maximum, cap at 1.
 * - Rank tests have a floor: with n pairs the signed-rank test cannot go below 2^(1−n),
 *   n vs n runs the rank-sum test not below 2 / C(2n, n). `runsForLevel` is the smallest
 *   n whose floor is below a level, so a history measures enough runs that a real step
 *   can pass the corrected level.
 * - The median's distribution-free interval from order statistics: [x(k), x(n−k+1)]
 *   covers the median with probability 1 − 2·P(Binomial(n, ½) < k).
 */
import { rankSumMinimumP } from "./rank-sum.ts";
import { signedRankMinimumP } from "./signed-rank.ts";

/** Holm-adjusted p-values, in the input order; nulls (untested) stay null and do not count. */
export function holmAdjusted(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.flatMap((p, index) => (p === null || !Number.isFinite(p) ? [] : [{ p, index }]));
  tested.sort((a, b) => a.p - b.p || a.index - b.index);
  const m = tested.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, p * (m - rank)));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Smallest number of runs per side (pairs when `paired`) at which the rank test used for
 * such a comparison can reach a p-value below `level`.
 */
export function runsForLevel(level: number, paired: boolean): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1 (got ${level})`);
  let n = 1;
  while ((paired ? signedRankMinimumP(n) : rankSumMinimumP(n, n)) >= level && n < 1000) n += 1;
  return n;
}

/** P(Binomial(n, ½) ≤ k). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 2 ** -n; // C(n, 0) / 2^n
  let total = 0;
  for (let i = 0; i <= k; i += 1) {
    total += term;
    term = (term * (n - i)) / (i + 1);
  }
  return total;
}

export interface MedianInterval {
  low: number;
  high: number;
  /** The interval's actual coverage (at least the asked-for confidence). */
  confidence: number;
}

/**
 * The distribution-free confidence interval of the median: the narrowest symmetric pair of
 * order statistics that covers it with at least `confidence`. Null when n is too small
 * for that (n < 6 at 95%).
 */
export function medianInterval(samples: readonly number[], confidence = 0.95): MedianInterval | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  // Largest k (1-based lower order statistic) with coverage 1 − 2·P(B ≤ k − 1) ≥ confidence.
  let best: number | null = null;
  for (let k = 1; k <= Math.floor((n + 1) / 2); k += 1) {
    const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
    if (coverage >= confidence) best = k;
    else break;
  }
  if (best === null) return null;
  return { low: sorted[best - 1]!, high: sorted[n - best]!, confidence: 1 - 2 * binomialHalfCdf(n, best - 1) };
}
