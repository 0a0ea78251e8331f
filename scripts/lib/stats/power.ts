/**
 * "Could detect": the shift at which a rank test, on data spread like these samples,
 * reaches the requested power. Deterministic: no resampling, no random numbers.
 *
 * The noise model is the samples' own: an empirical distribution G of residuals (paired:
 * the per-round differences minus their Hodges–Lehmann centre, taken with both signs,
 * since under "no difference" d is symmetric; unpaired: both samples' values minus their
 * own centre, pooled). Shifted by δ, the test rejects ("higher") when the count N of
 * negative Walsh averages (signed-rank) or of pairs with y_j < x_i (rank-sum) is at most
 * the critical value c. Its power P(N ≤ c) under G is approximated by a normal law with
 * N's exact mean and variance under G — U-statistic moments, computed from G in
 * O(m log m) per δ — with a continuity correction; the MDE is the smallest δ where that
 * power reaches the target (bisection; the power is 1 once δ exceeds G's range). The
 * moments follow G's shape: a sample with a few large excursions (bursts) yields the
 * larger shifts such a test really needs, unlike a width scaled by a normal factor.
 */
import { normalCdf } from "./normal.ts";

/** Count of atoms strictly below `limit` in ascending `sorted`. */
function countBelow(sorted: Float64Array, limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Values with both signs, sorted: the symmetric distribution of ±r_i, equal weights. */
export function symmetricAtoms(values: readonly number[]): Float64Array {
  const atoms = new Float64Array(values.length * 2);
  values.forEach((value, i) => {
    atoms[2 * i] = Math.abs(value);
    atoms[2 * i + 1] = -Math.abs(value);
  });
  return atoms.sort();
}

export interface Moments {
  mean: number;
  variance: number;
}

/** Normal approximation, continuity corrected, of P(count ≤ critical). */
function probabilityAtMost(moments: Moments, critical: number): number {
  if (critical < 0) return 0;
  if (moments.variance === 0) return moments.mean <= critical + 0.5 ? 1 : 0;
  return normalCdf((critical + 0.5 - moments.mean) / Math.sqrt(moments.variance));
}

/**
 * Mean and variance of the number of negative Walsh averages (i ≤ j) of n values drawn
 * independently from `atoms` (sorted, equal weights) plus δ: singles 1{X_i + δ < 0} and
 * pairs 1{X_i + X_j + 2δ < 0}, with the U-statistic covariances (pairs sharing an index,
 * a single and a pair containing it).
 */
export function signedRankCountMoments(atoms: Float64Array, n: number, delta: number): Moments {
  const m = atoms.length;
  // X ~ atoms: A = 1{X < −δ}, g(x) = P(x + X' < −2δ).
  let p1 = 0;
  let p2 = 0;
  let g2 = 0;
  let ag = 0;
  for (let i = 0; i < m; i += 1) {
    const x = atoms[i]!;
    const g = countBelow(atoms, -2 * delta - x) / m;
    const a = x < -delta ? 1 : 0;
    p1 += a;
    p2 += g;
    g2 += g * g;
    ag += a * g;
  }
  p1 /= m;
  p2 /= m;
  g2 /= m;
  ag /= m;
  const pairs = (n * (n - 1)) / 2;
  const mean = n * p1 + pairs * p2;
  const variance = Math.max(
    0,
    n * p1 * (1 - p1) + pairs * p2 * (1 - p2) + n * (n - 1) * (n - 2) * (g2 - p2 * p2) + 2 * n * (n - 1) * (ag - p1 * p2),
  );
  return { mean, variance };
}

/**
 * Approximate probability that the signed-rank test of n values drawn from `atoms` + δ
 * finds the shift (negative Walsh averages ≤ c). Atoms: sorted, equal weights.
 */
export function signedRankPower(atoms: Float64Array, n: number, critical: number, delta: number): number {
  if (atoms.length === 0 || critical < 0) return 0;
  return probabilityAtMost(signedRankCountMoments(atoms, n, delta), critical);
}

/**
 * Mean and variance of N = #{(i, j): Y_j < X_i} for X_1..X_n1 from `atoms` (sorted, equal
 * weights) and Y_1..Y_n2 from `atoms` + δ, all independent.
 */
export function rankSumCountMoments(atoms: Float64Array, n1: number, n2: number, delta: number): Moments {
  const m = atoms.length;
  // N = Σ 1{Y_j < X_i}, Y = X' + δ. h1(x) = P(Y < x) = P(X' < x − δ); h2(y) = P(X > y).
  let q = 0;
  let h1sq = 0;
  let h2sq = 0;
  for (let i = 0; i < m; i += 1) {
    const x = atoms[i]!;
    const h1 = countBelow(atoms, x - delta) / m;
    // y = atom + δ: P(X > y) = 1 − P(X ≤ y).
    const y = x + delta;
    const h2 = 1 - countAtMost(atoms, y) / m;
    q += h1;
    h1sq += h1 * h1;
    h2sq += h2 * h2;
  }
  q /= m;
  h1sq /= m;
  h2sq /= m;
  const pairs = n1 * n2;
  const mean = pairs * q;
  const variance = Math.max(0, pairs * q * (1 - q) + pairs * (n2 - 1) * (h1sq - q * q) + pairs * (n1 - 1) * (h2sq - q * q));
  return { mean, variance };
}

/**
 * Approximate probability that the rank-sum test of samples of n1 (from `atoms`) and n2
 * (from `atoms` + δ) finds the shift: pairs with y_j < x_i at most c.
 */
export function rankSumPower(atoms: Float64Array, n1: number, n2: number, critical: number, delta: number): number {
  if (atoms.length === 0 || critical < 0) return 0;
  return probabilityAtMost(rankSumCountMoments(atoms, n1, n2, delta), critical);
}

function countAtMost(sorted: Float64Array, limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Smallest δ ≥ 0 at which `power(δ)` reaches `target`, by bisection on [0, span] (the
 * power is 1 at span, where the shifted atoms no longer overlap). 0 when reached at 0.
 */
export function solveShift(power: (delta: number) => number, span: number, target: number): number {
  if (!(span > 0) || power(0) >= target) return 0;
  let low = 0;
  let high = span;
  if (power(high) < target) return high;
  for (let step = 0; step < 48; step += 1) {
    const middle = (low + high) / 2;
    if (power(middle) >= target) high = middle;
    else low = middle;
    // A could-detect figure is shown to a tenth of a percent: 1e-5 of the span is plenty.
    if (high - low <= span * 1e-5) break;
  }
  return high;
}

/** MDE of the signed-rank test of n pairs with residuals (or magnitudes) `spread`; critical c as in signedRankCritical. */
export function signedRankMde(spread: readonly number[], critical: number, power: number): number | null {
  if (critical < 0 || spread.length === 0) return null;
  const atoms = symmetricAtoms(spread);
  const span = 2 * Math.max(atoms[atoms.length - 1]!, 0) * 1.000001;
  return solveShift((delta) => signedRankPower(atoms, spread.length, critical, delta), span, power);
}

/** MDE of the rank-sum test of n1 vs n2 values with pooled residuals `spread`. */
export function rankSumMde(spread: readonly number[], n1: number, n2: number, critical: number, power: number): number | null {
  if (critical < 0 || spread.length === 0) return null;
  const atoms = Float64Array.from(spread).sort();
  const span = (atoms[atoms.length - 1]! - atoms[0]!) * 1.000001;
  return solveShift((delta) => rankSumPower(atoms, n1, n2, critical, delta), span, power);
}
