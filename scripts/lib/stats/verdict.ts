/**
 * The verdict on one quantity (import time, memory, ...): is the candidate lower, higher,
 * or not measurably different from the baseline?
 *
 * Typical case (the verdict), one procedure whatever the test: the test is an object
 * implementing `VerdictTest` (verdict-test.ts), taken from a table keyed by `paired`:
 * - Paired rounds (the branch runner runs every ref once per round): the exact Wilcoxon
 *   signed-rank test of the per-round log ratios d_i = ln(candidate_i / baseline_i)
 *   (Pratt's zeros, midranks, exact conditional distribution; see signed-rank.ts), with
 *   the Hodges–Lehmann estimate and its exact interval from the Walsh averages (paired.ts).
 * - Unpaired (files from different invocations): the exact Mann–Whitney test, with the
 *   Hodges–Lehmann shift of the log values and Moses' exact interval (unpaired.ts).
 * - Any sample ≤ 0 (a near-empty import can time 0.000 ms): no logarithms; the same tests
 *   on plain differences in the unit, converted to % of the baseline median
 *   (`scale: "difference"`).
 * - Significant: p < alpha AND the interval excludes 0. Without ties the two are the same
 *   statement; with ties or zeros the test (exact, conditional) and the interval (exact
 *   for untied data) can disagree at the margin, and the verdict then claims no change,
 *   so it never claims one its interval does not show (the level only gets smaller).
 * - Too few runs: when even the most extreme data could not give p < alpha (signed-rank:
 *   n ≤ 5 pairs; rank-sum: 2 / C(n1 + n2, n1) ≥ alpha, e.g. 3 vs 3), "inconclusive".
 *
 * Could detect (MDE, power 0.8): the shift at which this test reaches that power on data
 * spread like these samples' own residuals (power.ts; calibrated by
 * scripts/selfbench/simulation.ts).
 *
 * Best case (a second, labelled result): the exact permutation test of the difference of
 * minima (minimum.ts), unchanged from before.
 *
 * Sign convention: estimates are (baseline − candidate), in % of `reference` and in the
 * unit: positive = candidate lower. Every number is finite or null. Pure, deterministic.
 */
import { median } from "./describe.ts";
import { minimumTest, minimumTestMinimumP } from "./minimum.ts";
import { PAIRED } from "./paired.ts";
import { UNPAIRED } from "./unpaired.ts";
import { runsFor, type VerdictTest } from "./verdict-test.ts";

// The lower-level functions, for callers that want one import.
export { normalCdf, normalQuantile, normalSf } from "./normal.ts";
export { minimumTest } from "./minimum.ts";
export { hodgesLehmannShift, mannWhitneyExact } from "./rank-sum.ts";
export { signedRankTest, walshCi } from "./signed-rank.ts";
export type { Detectable, DetectContext, ShiftInterval, VerdictTest, VerdictTestName } from "./verdict-test.ts";

export const ALPHA = 0.05;
export const POWER = 0.8;

export type Direction = "lower" | "higher" | "no-change" | "inconclusive";
export type InconclusiveReason =
  /** Either side has no samples. */
  | { kind: "no-samples" }
  /** No p below alpha is attainable with this many runs; `needed` runs per side (pairs) would make it so. */
  | { kind: "too-few-runs"; n: number; needed: number };

export interface TestOutcome {
  test: "wilcoxon-signed-rank" | "mann-whitney" | "minimum-permutation";
  paired: boolean;
  /** "lower": candidate significantly lower (faster/smaller); "higher"; "no-change"; "inconclusive". */
  direction: Direction;
  /** Two-sided p; null when not tested (no samples). Given even when too few runs. */
  pValue: number | null;
  /** (baseline − candidate) as % of `reference`: positive = candidate lower. */
  estimatePct: number | null;
  /** Same sign convention, low <= high; null when too few runs for an interval. */
  ciPct: { low: number; high: number } | null;
  /** The same in the quantity's unit (estimatePct × reference / 100). */
  estimate: number | null;
  ci: { low: number; high: number } | null;
  /** Could detect ± this, % of `reference`, at power 0.8 (the slower side: e^m − 1 on the log scale). */
  mdePct: number | null;
  /** In the unit. */
  mde: number | null;
  /** 1 − alpha. */
  confidence: number;
  reason: InconclusiveReason | null;
  n: { baseline: number; candidate: number };
  /** What the % are of: the baseline median (typical case) or the baseline minimum (best case). */
  reference: number | null;
  /** "difference" when a sample is ≤ 0 (no logarithms), and always for the best case. */
  scale: "log-ratio" | "difference";
}

export interface QuantityVerdict extends TestOutcome {
  /** The fastest-run test; null when a side has no samples. */
  bestCase: TestOutcome | null;
  /** Typical and best case both significant, in opposite directions. */
  shapeChanged: boolean;
}

export interface CompareOptions {
  paired: boolean;
  alpha?: number;
  power?: number;
  /** Compute "could detect" (default true); a report that does not show it can skip the cost. */
  mde?: boolean;
}

function checkLevels(alpha: number, power: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (got ${alpha})`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1 (got ${power})`);
}

function checkSamples(name: string, samples: readonly number[]): void {
  for (const value of samples) {
    if (!Number.isFinite(value)) throw new RangeError(`${name} has a sample that is not a finite number (${value})`);
  }
}

const finiteOrNull = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value + 0; // + 0: no −0 in JSON

interface Scaled {
  /** Shift of the candidate against the baseline in the test's scale (log or unit). */
  shift: number;
  ci: { low: number; high: number } | null;
  /** Could-detect shift on the same scale (≥ 0), or null. */
  mde: number | null;
}

/** Converts a shift on the test's scale (candidate vs baseline) to (baseline − candidate) in % and unit. */
function converter(scale: TestOutcome["scale"], reference: number | null) {
  const pctOk = reference !== null && reference > 0;
  const pct = (shift: number): number | null =>
    scale === "log-ratio" ? (1 - Math.exp(shift)) * 100 : pctOk ? (-shift / reference!) * 100 : null;
  const unit = (shift: number): number | null =>
    scale === "log-ratio" ? (pctOk ? (1 - Math.exp(shift)) * reference! : null) : -shift;
  const magnitudePct = (size: number): number | null =>
    scale === "log-ratio" ? (Math.exp(size) - 1) * 100 : pctOk ? (size / reference!) * 100 : null;
  const magnitude = (size: number): number | null =>
    scale === "log-ratio" ? (pctOk ? (Math.exp(size) - 1) * reference! : null) : size;
  return { pct, unit, magnitudePct, magnitude };
}

function emptyOutcome(
  test: TestOutcome["test"], paired: boolean, alpha: number, n: TestOutcome["n"], reference: number | null,
  scale: TestOutcome["scale"], reason: InconclusiveReason,
): TestOutcome {
  return {
    test, paired, direction: "inconclusive", pValue: null, estimatePct: null, ciPct: null, estimate: null, ci: null,
    mdePct: null, mde: null, confidence: 1 - alpha, reason, n, reference, scale,
  };
}

/** The verdict tests, keyed by whether the rounds are paired. */
export const VERDICT_TESTS: { readonly paired: VerdictTest; readonly unpaired: VerdictTest } = { paired: PAIRED, unpaired: UNPAIRED };

/** The test a comparison uses: signed-rank for paired rounds, rank-sum otherwise. */
export function verdictTest(paired: boolean): VerdictTest {
  return VERDICT_TESTS[paired ? "paired" : "unpaired"];
}

function checkPairs(test: VerdictTest, baseline: readonly number[], candidate: readonly number[]): void {
  if (test.paired && baseline.length !== candidate.length) {
    throw new RangeError(`paired comparison needs as many baseline as candidate samples (${baseline.length} vs ${candidate.length})`);
  }
}

/** The typical-case comparison alone (the verdict without the best case). */
export function compareTypical(baseline: readonly number[], candidate: readonly number[], options: CompareOptions): TestOutcome {
  const alpha = options.alpha ?? ALPHA;
  const power = options.power ?? POWER;
  const verdict = verdictTest(options.paired);
  const paired = verdict.paired;
  checkLevels(alpha, power);
  checkSamples("baseline", baseline);
  checkSamples("candidate", candidate);
  checkPairs(verdict, baseline, candidate);
  const test = verdict.name;
  const n = { baseline: baseline.length, candidate: candidate.length };
  const scale: TestOutcome["scale"] = [...baseline, ...candidate].every((value) => value > 0) ? "log-ratio" : "difference";
  const reference = baseline.length ? median(baseline) : null;
  if (!baseline.length || !candidate.length) return emptyOutcome(test, paired, alpha, n, reference, scale, { kind: "no-samples" });

  const transform = scale === "log-ratio" ? Math.log : (value: number) => value;
  const x = baseline.map(transform);
  const y = candidate.map(transform);
  const pValue = verdict.test(x, y);
  const shift = verdict.interval(x, y, alpha);
  const detectable = options.mde === false ? null : verdict.couldDetect(x, y, shift, power, { baseline, candidate, scale, resolution: null });
  const scaled: Scaled = { shift: shift.estimate, ci: shift.ci, mde: detectable?.size ?? null };
  const minimumP = verdict.minimumP(n.baseline, n.candidate);
  const needed = verdict.runsNeeded(alpha);

  const convert = converter(scale, reference);
  const estimatePct = finiteOrNull(convert.pct(scaled.shift));
  const estimate = finiteOrNull(convert.unit(scaled.shift));
  const tooFew = minimumP >= alpha;
  const interval = (low: number | null, high: number | null) =>
    low === null || high === null ? null : { low: Math.min(low, high), high: Math.max(low, high) };
  const ci = tooFew || !scaled.ci ? null : scaled.ci;
  const ciPct = ci ? interval(finiteOrNull(convert.pct(ci.high)), finiteOrNull(convert.pct(ci.low))) : null;
  const ciUnit = ci ? interval(finiteOrNull(convert.unit(ci.high)), finiteOrNull(convert.unit(ci.low))) : null;
  const size = !tooFew ? scaled.mde : null;
  const mdePct = size === null ? null : finiteOrNull(convert.magnitudePct(size));
  const mde = size === null ? null : finiteOrNull(convert.magnitude(size));

  let direction: Direction;
  if (tooFew) direction = "inconclusive";
  else if (pValue < alpha && ci && ci.low > 0) direction = "higher";
  else if (pValue < alpha && ci && ci.high < 0) direction = "lower";
  else direction = "no-change";
  return {
    test, paired, direction, pValue: finiteOrNull(pValue), estimatePct, ciPct, estimate, ci: ciUnit, mdePct, mde,
    confidence: 1 - alpha,
    reason: tooFew ? { kind: "too-few-runs", n: Math.min(n.baseline, n.candidate), needed } : null,
    n, reference: finiteOrNull(reference), scale,
  };
}

/** The best-case (fastest-run) comparison: the exact permutation test of the difference of minima. */
export function compareBestCase(baseline: readonly number[], candidate: readonly number[], options: Omit<CompareOptions, "paired">): TestOutcome | null {
  const alpha = options.alpha ?? ALPHA;
  const power = options.power ?? POWER;
  if (!baseline.length || !candidate.length) return null;
  const n = { baseline: baseline.length, candidate: candidate.length };
  const reference = Math.min(...baseline);
  const scale = "difference" as const;
  const convert = converter(scale, reference);
  if (minimumTestMinimumP(n.baseline, n.candidate) >= alpha) {
    const needed = runsFor((m) => minimumTestMinimumP(m, m), alpha);
    return emptyOutcome("minimum-permutation", false, alpha, n, reference, scale, {
      kind: "too-few-runs", n: Math.min(n.baseline, n.candidate), needed,
    });
  }
  const result = minimumTest(baseline, candidate, alpha, power);
  let direction: Direction = "no-change";
  if (result.pValue < alpha && result.shift !== 0) direction = result.shift > 0 ? "lower" : "higher";
  // On this test's scale the unit value is (baseline − candidate) already: shift = −(candidate − baseline).
  const pctOf = (value: number) => finiteOrNull(convert.pct(-value));
  // The test's interval may reach past the baseline's fastest run, which would mean a
  // candidate run below zero: with positive samples the shift is at most that run.
  const positive = [...baseline, ...candidate].every((value) => value > 0);
  const ci = result.ci ? { low: result.ci.low, high: positive ? Math.min(result.ci.high, reference) : result.ci.high } : null;
  const ciLow = ci ? pctOf(ci.low) : null;
  const ciHigh = ci ? pctOf(ci.high) : null;
  return {
    test: "minimum-permutation", paired: false, direction, pValue: finiteOrNull(result.pValue),
    estimatePct: pctOf(result.shift), ciPct: ciLow !== null && ciHigh !== null ? { low: ciLow, high: ciHigh } : null,
    estimate: finiteOrNull(result.shift), ci, mdePct: result.mde === null ? null : finiteOrNull(convert.magnitudePct(result.mde)),
    mde: finiteOrNull(result.mde), confidence: 1 - alpha, reason: null, n, reference: finiteOrNull(reference), scale,
  };
}

/** The verdict on one quantity: the typical-case test, with the best case beside it. */
export function compareQuantity(
  baseline: readonly number[], candidate: readonly number[], options: CompareOptions,
): QuantityVerdict {
  const typical = compareTypical(baseline, candidate, options);
  const bestCase = compareBestCase(baseline, candidate, options);
  const significant = (outcome: TestOutcome | null) => outcome?.direction === "lower" || outcome?.direction === "higher";
  const shapeChanged = significant(typical) && significant(bestCase) && typical.direction !== bestCase!.direction;
  return { ...typical, bestCase, shapeChanged };
}

/**
 * Could-detect (% of the baseline median) a comparison would have, computed without
 * looking at which side is which: paired, from the magnitudes |d_i| alone (signs hidden;
 * under "no difference" the signs are independent of them, so continuing while this is
 * too large leaves the signed-rank test exact); unpaired, from the pooled samples alone.
 * Null when not computable: no samples on a side, or too few runs for any verdict (the
 * scheduler should go on), or a % of a baseline median ≤ 0.
 */
export function stoppingPrecisionPct(
  baseline: readonly number[], candidate: readonly number[], options: { paired: boolean; alpha?: number; power?: number },
): number | null {
  const alpha = options.alpha ?? ALPHA;
  const power = options.power ?? POWER;
  const verdict = verdictTest(options.paired);
  checkLevels(alpha, power);
  checkSamples("baseline", baseline);
  checkSamples("candidate", candidate);
  checkPairs(verdict, baseline, candidate);
  if (!baseline.length || !candidate.length) return null;
  const log = [...baseline, ...candidate].every((value) => value > 0);
  const transform = log ? Math.log : (value: number) => value;
  const size = verdict.stoppingPrecision(baseline.map(transform), candidate.map(transform), alpha, power);
  if (size === null) return null;
  const convert = converter(log ? "log-ratio" : "difference", median(baseline));
  return finiteOrNull(convert.magnitudePct(size));
}
