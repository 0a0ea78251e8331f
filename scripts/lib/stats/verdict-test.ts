/**
 * One verdict test, one interface. The typical-case verdict (verdict.ts) is the same
 * procedure whichever test it uses — transform the samples, test, estimate with an
 * interval, say what the runs could detect, and tell the scheduler when to stop — so each
 * test is one object implementing `VerdictTest`, in a file of its own:
 *
 * - paired.ts: rounds of one invocation; exact Wilcoxon signed-rank on the per-round
 *   differences d_i = y_i − x_i (log ratios when the caller passes logs), Hodges–Lehmann
 *   and Tukey's interval from the Walsh averages.
 * - unpaired.ts: files of different invocations; exact Mann–Whitney, the Hodges–Lehmann
 *   shift and Moses' interval from the pairwise differences.
 *
 * verdict.ts picks one from a table keyed by `paired`; it never branches on the test.
 *
 * Every method works on the test's scale: `x` (baseline) and `y` (candidate) already
 * transformed (logarithms, or the values themselves when a sample is ≤ 0), and every shift
 * returned is y against x on that scale (positive: the candidate is higher).
 */

import type { Grid } from "./resolution.ts";

export type VerdictTestName = "wilcoxon-signed-rank" | "mann-whitney";

export interface ShiftInterval {
  /** Hodges–Lehmann estimate of the shift of y against x. */
  estimate: number;
  /** The exact 1 − alpha interval of that shift, or null when the runs are too few for one. */
  ci: { low: number; high: number } | null;
  /** The order-statistic index behind the interval (−1: no interval). */
  critical: number;
}

/** What could-detect needs besides the two samples: the raw values and how they were transformed. */
export interface DetectContext {
  /** Samples as measured (not transformed), in run order. */
  baseline: readonly number[];
  candidate: readonly number[];
  /** "log-ratio": x, y are logarithms of the samples; "difference": the samples themselves. */
  scale: "log-ratio" | "difference";
  /** The samples' timer grid when the caller has read it already (resolution.ts; null: continuous); undefined: read it here. */
  grid?: Grid | null;
}

export interface Detectable {
  /** The shift (≥ 0, on the test's scale) found with the requested power; null when none is computable. */
  size: number | null;
  /**
   * True when `size` is only a lower bound ("could detect ≥ X"): the runs' own noise model
   * reaches the power only past the search span, or its figure rests on a burst rate that
   * so few runs cannot pin down (see detect.ts).
   */
  lowerBound: boolean;
  /** How the figure was computed: the closed-form moments (power.ts) or the seeded noise model (detect.ts). */
  model: "moments" | "resampled";
}

export interface VerdictTest {
  name: VerdictTestName;
  /** Short plain name for a report: "signed-rank", "rank-sum". */
  label: string;
  paired: boolean;
  /** Smallest two-sided p the test can give with n1 and n2 runs (pairs: n1 = n2). */
  minimumP(n1: number, n2: number): number;
  /** Runs per side (pairs) at which a p below alpha becomes attainable. */
  runsNeeded(alpha: number): number;
  /** Two-sided p-value of "no difference". */
  test(x: readonly number[], y: readonly number[]): number;
  /** Hodges–Lehmann shift of y against x with its exact interval. */
  interval(x: readonly number[], y: readonly number[], alpha: number): ShiftInterval;
  /**
   * The shift this test finds with probability `power` at level alpha, on data spread like
   * these samples (their residuals about `shift.estimate`), calibrated (detect.ts).
   */
  couldDetect(x: readonly number[], y: readonly number[], shift: ShiftInterval, alpha: number, power: number, context: DetectContext): Detectable;
  /**
   * Could-detect computed without looking at which side is which (the scheduler's
   * stopping rule, so that continuing while it is too large leaves the test exact).
   */
  stoppingPrecision(x: readonly number[], y: readonly number[], alpha: number, power: number): number | null;
}

/** Smallest runs per side (or pairs) at which `minimumP` drops below alpha. */
export function runsFor(minimumP: (n: number) => number, alpha: number): number {
  let n = 1;
  while (minimumP(n) >= alpha && n < 10_000) n += 1;
  return n;
}
