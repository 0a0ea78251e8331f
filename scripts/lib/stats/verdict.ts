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
 * - EDGE RULE (ties at the edge; one rule for the typical and the best case): a change is
 *   claimed only when the test's p < alpha AND the interval excludes 0, where an interval
 *   end within a quarter of the timer's resolution of 0 (resolution.ts: read from the
 *   samples; floating-point noise for continuous ones) counts as 0. When no change is
 *   claimed, the interval reaches 0: an end within that tolerance is set to 0, one beyond
 *   it on the wrong side of 0 is moved to 0 (the interval only widens). So a verdict and
 *   its interval never contradict each other; when the test alone rejects (p < alpha with
 *   an interval reaching 0: ties or zeros at the timer's resolution, where the exact
 *   conditional test and the interval built for untied data disagree), the interval
 *   decides, and `VerdictDetail.testRejects` says so for the report's words.
 * - Too few runs: when even the most extreme data could not give p < alpha (signed-rank:
 *   n ≤ 5 pairs; rank-sum: 2 / C(n1 + n2, n1) ≥ alpha, e.g. 3 vs 3), "inconclusive".
 *
 * Could detect (MDE, power 0.8): the shift at which this test reaches that power on data
 * spread like these samples' own residuals (power.ts), calibrated for small n, coarse
 * timers and bursts (detect.ts; checked by scripts/selfbench/simulation.ts); a lower bound
 * ("could detect ≥ X") where the noise model cannot reach the power.
 *
 * Best case (a second, labelled result): the exact permutation test of the difference of
 * minima (minimum.ts), its interval under the same edge rule.
 *
 * Sign convention: estimates are (baseline − candidate), in % of `reference` and in the
 * unit: positive = candidate lower. Every number is finite or null. Pure, deterministic.
 */
import { median } from "./describe.ts";
import { minimumTest, minimumTestMinimumP } from "./minimum.ts";
import { detectGrid, detectResolution, edgeTolerance } from "./resolution.ts";
import { PAIRED } from "./paired.ts";
import { shapeOf, type ShapeAgreement } from "./shape.ts";
import { compareTail, type TailMethod, type TailOutcome } from "./tail.ts";
import { UNPAIRED } from "./unpaired.ts";
import { type Detectable, runsFor, type VerdictTest } from "./verdict-test.ts";

// The lower-level functions, for callers that want one import.
export { normalCdf, normalQuantile, normalSf } from "./normal.ts";
export { minimumTest } from "./minimum.ts";
export { hodgesLehmannShift, mannWhitneyExact } from "./rank-sum.ts";
export { signedRankTest, walshCi } from "./signed-rank.ts";
export type { Detectable, DetectContext, ShiftInterval, VerdictTest, VerdictTestName } from "./verdict-test.ts";
export type { ShapeAgreement } from "./shape.ts";
export type { TailMethod, TailOutcome } from "./tail.ts";

export const ALPHA = 0.05;
export const POWER = 0.8;

export type { Direction, InconclusiveReason, TestOutcome } from "./outcome.ts";
import type { Direction, InconclusiveReason, TestOutcome } from "./outcome.ts";

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

/**
 * What the verdict did besides its figures: the timer's resolution it read from the
 * samples, how the edge rule touched the interval, and how could-detect was found.
 */
export interface VerdictDetail {
  /** The timer's resolution in the unit (resolution.ts), or null for continuous values. */
  resolution: number | null;
  /**
   * The edge rule (EDGE RULE in this file's header): "snapped", an end within a quarter of the
   * resolution of 0 was set to 0; "widened", no change is claimed and an end was moved to
   * 0 so the interval reaches it; "none".
   */
  edge: "none" | "snapped" | "widened";
  /** The test's p is below alpha. With a no-change verdict: the interval reaches 0 (ties at the edge), and that decides. */
  testRejects: boolean;
  /** "could detect ≥ X": the figure is a lower bound (detect.ts). */
  mdeLowerBound: boolean;
  /** How could-detect was computed; null when it was not. */
  mdeModel: Detectable["model"] | null;
}

export interface Verdict {
  outcome: TestOutcome;
  detail: VerdictDetail;
}

interface EdgeInput {
  pValue: number;
  alpha: number;
  /** Shift on the test's scale, as the test's direction reads it: > 0 means "higher" (candidate slower) for the typical case. */
  estimate: number;
  ci: { low: number; high: number } | null;
  /** The shift in the unit (for the tolerance). */
  unit: (shift: number) => number | null;
  tolerance: number;
}

/**
 * The edge rule on an interval of a shift (test scale, "higher" = above 0): ends within
 * `tolerance` (in the unit) of 0 are 0; significant only when the test rejects and the
 * interval then excludes 0; otherwise the interval is widened to reach 0. Returns the
 * interval, the estimate clamped into it, the sign of a significant shift (1 higher, −1
 * lower, 0 none) and what was done.
 */
function edgeRule(input: EdgeInput): { ci: { low: number; high: number } | null; estimate: number; sign: -1 | 0 | 1; edge: VerdictDetail["edge"] } {
  const { ci, tolerance, unit } = input;
  if (!ci) {
    const rejects = input.pValue < input.alpha && input.estimate !== 0;
    return { ci: null, estimate: input.estimate, sign: rejects ? (input.estimate > 0 ? 1 : -1) : 0, edge: "none" };
  }
  const near = (value: number) => {
    const inUnit = unit(value);
    return inUnit !== null && Math.abs(inUnit) <= tolerance;
  };
  let { low, high } = ci;
  let edge: VerdictDetail["edge"] = "none";
  if (low !== 0 && near(low)) [low, edge] = [0, "snapped"];
  if (high !== 0 && near(high)) [high, edge] = [0, "snapped"];
  let sign: -1 | 0 | 1 = 0;
  if (input.pValue < input.alpha && low > 0) sign = 1;
  else if (input.pValue < input.alpha && high < 0) sign = -1;
  else if (low > 0 || high < 0) {
    [low, high, edge] = [Math.min(low, 0), Math.max(high, 0), "widened"];
  }
  return { ci: { low, high }, estimate: Math.min(Math.max(input.estimate, low), high), sign, edge };
}

/** The typical-case comparison alone (the verdict without the best case), with what it did. */
export function typicalVerdict(baseline: readonly number[], candidate: readonly number[], options: CompareOptions): Verdict {
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
  const grid = detectGrid(baseline, candidate);
  const resolution = grid?.step ?? null;
  const none: VerdictDetail = { resolution, edge: "none", testRejects: false, mdeLowerBound: false, mdeModel: null };
  if (!baseline.length || !candidate.length) return { outcome: emptyOutcome(test, paired, alpha, n, reference, scale, { kind: "no-samples" }), detail: none };

  const transform = scale === "log-ratio" ? Math.log : (value: number) => value;
  const x = baseline.map(transform);
  const y = candidate.map(transform);
  const pValue = verdict.test(x, y);
  const shift = verdict.interval(x, y, alpha);
  const minimumP = verdict.minimumP(n.baseline, n.candidate);
  const needed = verdict.runsNeeded(alpha);
  const tooFew = minimumP >= alpha;
  const detectable = options.mde === false || tooFew ? null : verdict.couldDetect(x, y, shift, alpha, power, { baseline, candidate, scale, grid });

  const convert = converter(scale, reference);
  const edged = edgeRule({
    pValue, alpha, estimate: shift.estimate, ci: tooFew ? null : shift.ci, unit: convert.unit,
    tolerance: edgeTolerance(resolution, reference ?? 0),
  });
  const estimatePct = finiteOrNull(convert.pct(edged.estimate));
  const estimate = finiteOrNull(convert.unit(edged.estimate));
  const interval = (low: number | null, high: number | null) =>
    low === null || high === null ? null : { low: Math.min(low, high), high: Math.max(low, high) };
  const ci = edged.ci;
  const ciPct = ci ? interval(finiteOrNull(convert.pct(ci.high)), finiteOrNull(convert.pct(ci.low))) : null;
  const ciUnit = ci ? interval(finiteOrNull(convert.unit(ci.high)), finiteOrNull(convert.unit(ci.low))) : null;
  const size = detectable?.size ?? null;
  const mdePct = size === null ? null : finiteOrNull(convert.magnitudePct(size));
  const mde = size === null ? null : finiteOrNull(convert.magnitude(size));

  let direction: Direction;
  if (tooFew) direction = "inconclusive";
  else if (edged.sign > 0) direction = "higher";
  else if (edged.sign < 0) direction = "lower";
  else direction = "no-change";
  const outcome: TestOutcome = {
    test, paired, direction, pValue: finiteOrNull(pValue), estimatePct, ciPct, estimate, ci: ciUnit, mdePct, mde,
    confidence: 1 - alpha,
    reason: tooFew ? { kind: "too-few-runs", n: Math.min(n.baseline, n.candidate), needed } : null,
    n, reference: finiteOrNull(reference), scale,
  };
  return {
    outcome,
    detail: { resolution, edge: edged.edge, testRejects: pValue < alpha, mdeLowerBound: detectable?.lowerBound ?? false, mdeModel: detectable?.model ?? null },
  };
}

/** The typical-case comparison alone (the verdict without the best case). */
export function compareTypical(baseline: readonly number[], candidate: readonly number[], options: CompareOptions): TestOutcome {
  return typicalVerdict(baseline, candidate, options).outcome;
}

/** The best-case (fastest-run) comparison, with what it did; null when a side has no samples. */
export function bestCaseVerdict(baseline: readonly number[], candidate: readonly number[], options: Omit<CompareOptions, "paired">): Verdict | null {
  const alpha = options.alpha ?? ALPHA;
  const power = options.power ?? POWER;
  if (!baseline.length || !candidate.length) return null;
  const n = { baseline: baseline.length, candidate: candidate.length };
  const reference = Math.min(...baseline);
  const scale = "difference" as const;
  const convert = converter(scale, reference);
  const resolution = detectResolution(baseline, candidate);
  const detail: VerdictDetail = { resolution, edge: "none", testRejects: false, mdeLowerBound: false, mdeModel: null };
  if (minimumTestMinimumP(n.baseline, n.candidate) >= alpha) {
    const needed = runsFor((m) => minimumTestMinimumP(m, m), alpha);
    return {
      outcome: emptyOutcome("minimum-permutation", false, alpha, n, reference, scale, { kind: "too-few-runs", n: Math.min(n.baseline, n.candidate), needed }),
      detail,
    };
  }
  const result = minimumTest(baseline, candidate, alpha, power);
  // The test's interval may reach past the baseline's fastest run, which would mean a
  // candidate run below zero: with positive samples the shift is at most that run.
  const positive = [...baseline, ...candidate].every((value) => value > 0);
  const raw = result.ci ? { low: result.ci.low, high: positive ? Math.min(result.ci.high, reference) : result.ci.high } : null;
  // On this test's scale the unit value is (baseline − candidate) already; the edge rule reads
  // "higher" as above 0, so it gets the candidate's shift, −(baseline − candidate).
  const edged = edgeRule({
    pValue: result.shift !== 0 ? result.pValue : 1, alpha, estimate: -result.shift,
    ci: raw ? { low: -raw.high, high: -raw.low } : null, unit: (shift) => -shift, tolerance: edgeTolerance(resolution, reference),
  });
  let direction: Direction = "no-change";
  if (edged.sign !== 0) direction = edged.sign > 0 ? "higher" : "lower";
  const ci = edged.ci ? { low: -edged.ci.high + 0, high: -edged.ci.low + 0 } : null;
  const pctOf = (value: number) => finiteOrNull(convert.pct(-value));
  const ciLow = ci ? pctOf(ci.low) : null;
  const ciHigh = ci ? pctOf(ci.high) : null;
  return {
    outcome: {
      test: "minimum-permutation", paired: false, direction, pValue: finiteOrNull(result.pValue),
      estimatePct: pctOf(result.shift), ciPct: ciLow !== null && ciHigh !== null ? { low: ciLow, high: ciHigh } : null,
      estimate: finiteOrNull(result.shift), ci, mdePct: result.mde === null ? null : finiteOrNull(convert.magnitudePct(result.mde)),
      mde: finiteOrNull(result.mde), confidence: 1 - alpha, reason: null, n, reference: finiteOrNull(reference), scale,
    },
    detail: { ...detail, edge: edged.edge, testRejects: result.pValue < alpha },
  };
}

/** The best-case (fastest-run) comparison: the exact permutation test of the difference of minima. */
export function compareBestCase(baseline: readonly number[], candidate: readonly number[], options: Omit<CompareOptions, "paired">): TestOutcome | null {
  return bestCaseVerdict(baseline, candidate, options)?.outcome ?? null;
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

export interface PartsOptions extends CompareOptions {
  /** The slow-runs quantile (`--tail Q`, default 0.9) and interval method; null: no slow-runs line. */
  tail?: { q?: number; method?: TailMethod } | null;
}

/** Every part of a verdict on one quantity: typical, best case, slow runs, and whether they agree. */
export interface Parts {
  typical: Verdict;
  /** Null when a side has no samples. */
  bestCase: Verdict | null;
  /** Null when not asked for (options.tail === null). */
  tail: TailOutcome | null;
  shape: ShapeAgreement;
}

/**
 * The verdict on one quantity with all its parts (what compare/build.ts needs for a
 * headline row): the typical change, the best case, the slow runs (tail.ts), and which of
 * them moved (shape.ts).
 */
export function compareParts(baseline: readonly number[], candidate: readonly number[], options: PartsOptions): Parts {
  const typical = typicalVerdict(baseline, candidate, options);
  const bestCase = bestCaseVerdict(baseline, candidate, options);
  const tail = options.tail === null ? null : compareTail(baseline, candidate, {
    paired: typical.outcome.paired, alpha: options.alpha, q: options.tail?.q, method: options.tail?.method,
  });
  return { typical, bestCase, tail, shape: shapeOf(typical.outcome, bestCase?.outcome ?? null, tail) };
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
