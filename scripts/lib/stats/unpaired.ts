/**
 * The unpaired verdict test: files of different invocations, whose runs have no rounds in
 * common. The exact Mann–Whitney test (conditional on ties), the Hodges–Lehmann shift of
 * y against x and Moses' exact interval from the pairwise differences (rank-sum.ts), and
 * the could-detect of that test on both samples' residuals, pooled (power.ts, calibrated in
 * detect.ts).
 */
import { median } from "./describe.ts";
import { needsResampling, smallSampleFactor, unpairedResampled } from "./detect.ts";
import { rankSumMde } from "./power.ts";
import { hodgesLehmannShift, mannWhitneyExact, rankSumCritical, rankSumMinimumP } from "./rank-sum.ts";
import { type DetectContext, type Detectable, runsFor, type ShiftInterval, type VerdictTest } from "./verdict-test.ts";

export const UNPAIRED: VerdictTest = {
  name: "mann-whitney",
  label: "rank-sum",
  paired: false,
  minimumP: rankSumMinimumP,
  runsNeeded: (alpha) => runsFor((m) => rankSumMinimumP(m, m), alpha),
  test: (x, y) => mannWhitneyExact(x, y).pValue,
  interval(x, y, alpha): ShiftInterval {
    return hodgesLehmannShift(x, y, alpha);
  },
  couldDetect(x, y, shift, alpha, power, context: DetectContext): Detectable {
    // Residual spread: both samples aligned by the estimated shift, pooled.
    const pooled = [...x, ...y.map((value) => value - shift.estimate)];
    const centre = median(x);
    const { coarse, bursts } = needsResampling(pooled.map((value) => value - centre), context);
    const found: Detectable = coarse || bursts
      ? unpairedResampled(x, y, shift, power, context, coarse)
      : { size: rankSumMde(pooled, x.length, y.length, shift.critical, power), lowerBound: false, model: "moments" };
    // Student's allowance is the moments model's; on a coarse grid the resampled model needs none (detect.ts).
    const factor = coarse ? 1 : smallSampleFactor(x.length + y.length - 2, alpha, power);
    return { ...found, size: found.size === null ? null : found.size * factor };
  },
  stoppingPrecision(x, y, alpha, power) {
    const pooled = [...x, ...y];
    const [n1, n2] = [x.length, y.length];
    const critical = rankSumCritical(n1, n2, alpha);
    // A real change splits the pooled values into two clusters, which read as noise; the
    // spread within the best split into groups of n1 and n2 (either way round) does not.
    // Both look at the pooled values alone, never the labels, so the test stays exact.
    const sorted = [...pooled].sort((a, b) => a - b);
    const splits = [n1, n2].map((cut) => {
      const low = sorted.slice(0, cut);
      const high = sorted.slice(cut);
      const [ml, mh] = [median(low), median(high)];
      return [...low.map((v) => v - ml), ...high.map((v) => v - mh)];
    });
    const sizes = [pooled, ...splits].map((values) => rankSumMde(values, n1, n2, critical, power)).filter((v): v is number => v !== null);
    return sizes.length ? Math.min(...sizes) : null;
  },
};
