/**
 * The paired verdict test: rounds of one invocation (every ref ran once per round), so
 * round i's baseline and candidate share the machine's state. The exact Wilcoxon
 * signed-rank test of the per-round differences d_i = y_i − x_i (log ratios when x, y are
 * logarithms; Pratt's zeros, midranks, the exact conditional distribution: signed-rank.ts),
 * the Hodges–Lehmann estimate and Tukey's exact interval from the Walsh averages, and the
 * could-detect of that test on the rounds' own residuals (power.ts, calibrated in detect.ts).
 */
import { median } from "./describe.ts";
import { needsResampling, pairedResampled, smallSampleFactor } from "./detect.ts";
import { signedRankMde } from "./power.ts";
import { signedRankCritical, signedRankMinimumP, signedRankTest, walshCi } from "./signed-rank.ts";
import { type DetectContext, type Detectable, runsFor, type ShiftInterval, type VerdictTest } from "./verdict-test.ts";

/** Spread of |e| relative to e's for normal e: √(1 − 2/π). */
const FOLDED_SPREAD = Math.sqrt(1 - 2 / Math.PI);

function differences(x: readonly number[], y: readonly number[]): number[] {
  if (x.length !== y.length) {
    throw new RangeError(`paired comparison needs as many baseline as candidate samples (${x.length} vs ${y.length})`);
  }
  return x.map((value, i) => y[i]! - value);
}

export const PAIRED: VerdictTest = {
  name: "wilcoxon-signed-rank",
  label: "signed-rank",
  paired: true,
  minimumP: (n1, n2) => signedRankMinimumP(Math.min(n1, n2)),
  runsNeeded: (alpha) => runsFor(signedRankMinimumP, alpha),
  test: (x, y) => signedRankTest(differences(x, y)).pValue,
  interval(x, y, alpha): ShiftInterval {
    return walshCi(differences(x, y), alpha);
  },
  couldDetect(x, y, shift, alpha, power, context: DetectContext): Detectable {
    const residuals = differences(x, y).map((value) => value - shift.estimate);
    const { coarse, bursts } = needsResampling(residuals, context);
    const found: Detectable = coarse || bursts
      ? pairedResampled(x, y, shift, power, context, coarse)
      : { size: signedRankMde(residuals, shift.critical, power), lowerBound: false, model: "moments" };
    // Student's allowance is the moments model's; on a coarse grid the resampled model needs none (detect.ts).
    const factor = coarse ? 1 : smallSampleFactor(x.length - 1, alpha, power);
    return { ...found, size: found.size === null ? null : found.size * factor };
  },
  stoppingPrecision(x, y, alpha, power) {
    const magnitudes = differences(x, y).map(Math.abs);
    const critical = signedRankCritical(magnitudes.length, alpha);
    // A real change moves every |d_i| away from 0 together, which ±|d_i| reads as noise (a 99%
    // faster branch would "need" thousands of rounds). The spread of the |d_i| about their
    // median does not move with it; for normal noise it is √(1 − 2/π) ≈ 0.603 of d's spread.
    // Both are functions of the |d_i| alone, so taking the smaller keeps the test exact.
    const middle = median(magnitudes);
    const spread = magnitudes.map((m) => (m - middle) / FOLDED_SPREAD);
    const sizes = [signedRankMde(magnitudes, critical, power), signedRankMde(spread, critical, power)].filter((v): v is number => v !== null);
    return sizes.length ? Math.min(...sizes) : null;
  },
};
