import { describe, expect, test } from "bun:test";
import reference from "../fixtures/stats/verdicts2.json" with { type: "json" };
import { BURST_Z, burstIndices, needsResampling, smallSampleFactor, solve, solveFromThresholds } from "../../scripts/lib/stats/detect.ts";
import { normalQuantile } from "../../scripts/lib/stats/normal.ts";
import { PAIRED } from "../../scripts/lib/stats/paired.ts";
import { mulberry32, normal } from "../../scripts/lib/stats/random.ts";
import { typicalVerdict } from "../../scripts/lib/stats/verdict.ts";

// Could-detect calibrated (the issue "Verdicts II", gap 2). Its calibration is the
// simulation's (power at the figure, scripts/selfbench/simulation.ts); these are the parts.

const tQuantile = (p: number, df: number) => reference.t.find((c) => c.p === p && c.df === df)!.value;

describe("Student's allowance for few runs", () => {
  test("(t(0.975, ν) + t(0.8, ν)) / (z(0.975) + z(0.8)), against scipy's t", () => {
    const z = normalQuantile(0.975) + normalQuantile(0.8);
    for (const df of [9, 14, 29, 38]) {
      expect(smallSampleFactor(df, 0.05, 0.8)).toBeCloseTo((tQuantile(0.975, df) + tQuantile(0.8, df)) / z, 9);
    }
    expect(smallSampleFactor(9, 0.05, 0.8)).toBeCloseTo(1.1225, 3);
    expect(smallSampleFactor(2000, 0.05, 0.8)).toBe(1);
    expect(smallSampleFactor(0, 0.05, 0.8)).toBe(1);
  });
});

describe("which noise model", () => {
  const random = mulberry32(3);
  const continuous = Array.from({ length: 12 }, () => 30 * Math.exp(0.03 * normal(random)));
  test("bursts: residuals far beyond the core's spread", () => {
    expect(BURST_Z).toBe(6);
    const residuals = [0.01, -0.012, 0.004, 0.0, -0.006, 0.009, -0.003, 0.35, 0.002, -0.008];
    expect(burstIndices(residuals)).toEqual([7]);
    expect(burstIndices([0, 0, 0, 0, 1])).toEqual([]); // no spread: no burst can be told
  });
  test("a coarse timer needs the resampled model; result files' 0.001 ms does not", () => {
    const ticks = continuous.map((value) => Math.round((value / 15) * 10) / 10);
    const residuals = ticks.map((value, i) => Math.log(ticks[(i + 1) % ticks.length]! / value));
    expect(needsResampling(residuals, { baseline: ticks, candidate: ticks, scale: "log-ratio" }).coarse).not.toBeNull();
    const fine = continuous.map((value) => Math.round(value * 1000) / 1000);
    const fineResiduals = fine.map((value, i) => Math.log(fine[(i + 1) % fine.length]! / value));
    expect(needsResampling(fineResiduals, { baseline: fine, candidate: fine, scale: "log-ratio" })).toEqual({ coarse: null, bursts: false });
  });
});

describe("could-detect on a 0.1 ms timer", () => {
  const random = mulberry32(21);
  const tick = (value: number) => Math.round(value * 10) / 10;
  const baseline = Array.from({ length: 15 }, () => tick(2 * Math.exp(0.05 * normal(random))));
  const candidate = Array.from({ length: 15 }, () => tick(2 * Math.exp(0.05 * normal(random))));

  test("the resampled model, seeded by the data: the same samples give the same figure", () => {
    const first = typicalVerdict(baseline, candidate, { paired: true });
    expect(first.detail.mdeModel).toBe("resampled");
    expect(first.detail.resolution!).toBeCloseTo(0.1, 12);
    expect(first.detail.mdeLowerBound).toBe(false);
    expect(typicalVerdict(baseline, candidate, { paired: true }).outcome.mdePct).toBe(first.outcome.mdePct);
    expect(first.outcome.mdePct!).toBeGreaterThan(0);
  });
  test("more power asks for a larger shift; the figure is at least the moments model's on the same residuals", () => {
    const x = baseline.map(Math.log);
    const y = candidate.map(Math.log);
    const shift = PAIRED.interval(x, y, 0.05);
    const context = { baseline, candidate, scale: "log-ratio" as const };
    const at80 = PAIRED.couldDetect(x, y, shift, 0.05, 0.8, context).size!;
    const at90 = PAIRED.couldDetect(x, y, shift, 0.05, 0.9, context).size!;
    expect(at90).toBeGreaterThan(at80);
    const unpaired = typicalVerdict(baseline, candidate, { paired: false });
    expect(unpaired.detail.mdeModel).toBe("resampled");
    expect(unpaired.outcome.mdePct!).toBeGreaterThan(0);
  });
});

describe("the resampled figure without a grid, read off thresholds", () => {
  // Each resampled comparison is found for every shift above its own threshold, so the power
  // at δ is the share of thresholds below δ. Reading the figure off the sorted thresholds
  // must give what bisecting that power gives, to the bisection's own precision.
  test("equals bisection of the same power curve, never above it", () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial += 1) {
      const count = 50 + Math.floor(random() * 400);
      const thresholds = Float64Array.from({ length: count }, () => (random() < 0.1 ? Number.NEGATIVE_INFINITY : normal(random) * 3 + 2));
      const span = 4 + random() * 20;
      const target = 0.5 + random() * 0.45;
      const power = (delta: number) => thresholds.filter((t) => t < delta).length / count;
      const bisected = solve(power, span, target);
      const read = solveFromThresholds(Float64Array.from(thresholds), span, target);
      expect(read === null).toBe(bisected === null);
      if (read === null || bisected === null) continue;
      expect(read).toBeLessThanOrEqual(bisected);
      expect(bisected - read).toBeLessThanOrEqual(span * 1e-4 + 1e-12);
      // Just above the figure the power reaches the target; just below it does not (unless 0).
      expect(power(read + 1e-9)).toBeGreaterThanOrEqual(target);
      if (read > 0) expect(power(read)).toBeLessThan(target);
    }
  });
});
