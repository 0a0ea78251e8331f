import { describe, expect, test } from "bun:test";
import expected from "../fixtures/stats/expected.json" with { type: "json" };
import { MinimumTest, minimumDetectableEffect, minimumTest, minimumTestMinimumP } from "../../scripts/lib/stats/minimum.ts";
import { compareBestCase } from "../../scripts/lib/stats/verdict.ts";

// Reference values: test/fixtures/stats/expected.json (gen_expected.py enumerates every
// split of the pooled samples).

describe("the best-case test (difference of minima) against an enumeration of every split", () => {
  for (const [name, c] of Object.entries(expected.minimum)) {
    test(name, () => {
      const result = minimumTest(c.x, c.y, 0.05, 0.8);
      expect(result.shift).toBeCloseTo(c.shift, 12);
      expect(result.pValue).toBeCloseTo(c.p_value, 10);
      if (result.ci) {
        expect(result.ci.low).toBeLessThanOrEqual(result.shift);
        expect(result.ci.high).toBeGreaterThanOrEqual(result.shift);
      }
      expect(result.mde).toBeGreaterThan(0);
    });
  }
  test("the same-floor case: the fastest runs tie, so the test sees nothing", () => {
    expect(expected.minimum.same_floor.p_value).toBe(1);
  });
  test("smallest attainable p", () => {
    expect(minimumTestMinimumP(3, 3)).toBeCloseTo(0.1, 12);
    expect(minimumTestMinimumP(3, 4)).toBeCloseTo(1 / 35, 12);
    expect(minimumTestMinimumP(4, 4)).toBeCloseTo(2 / 70, 12);
  });
  test("MDE is the critical difference scaled by 1 + z_0.8 / z_0.975", () => {
    const factor = 1 + 0.8416212335729143 / 1.959963984540054;
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const mde = minimumDetectableEffect(values, values, 0.05, 0.8);
    expect(mde / factor).toBeCloseTo(Math.round(mde / factor), 9);
    expect(new MinimumTest(values, values).criticalValue(0.05)).toBe(Math.round(mde / factor));
  });
});

/** Deterministic skewed samples: a floor plus a quantile-spread exponential tail. */
function timings(n: number, floor: number, scale: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (((i * 7 + phase) % n) + 0.5) / n;
    return floor - Math.log(1 - u) * scale;
  });
}

describe("best-case verdicts (as significance.ts gave them)", () => {
  const base = timings(20, 100, 5);
  test("identical distributions: no change, interval around 0", () => {
    const result = compareBestCase(base, timings(20, 100, 5, 3).map((v) => v + 0.01), {})!;
    expect(result.direction).toBe("no-change");
    expect(result.pValue!).toBeGreaterThan(0.2);
    expect(result.ci!.low).toBeLessThan(0);
    expect(result.ci!.high).toBeGreaterThan(0);
  });
  test("bursts of noise on a few runs do not hide a 10% slowdown", () => {
    const noisy = (values: number[]) => values.map((v, i) => (i % 4 === 1 ? v * 1.8 : v));
    expect(compareBestCase(noisy(base), noisy(base.map((v) => v * 1.1)).reverse(), {})!.direction).toBe("higher");
  });
  test("candidate 10% faster: lower, shift near 10 ms, in % of the baseline's fastest run", () => {
    const result = compareBestCase(base, base.map((v) => v * 0.9), {})!;
    expect(result.direction).toBe("lower");
    expect(result.test).toBe("minimum-permutation");
    expect(result.scale).toBe("difference");
    expect(result.estimate!).toBeGreaterThan(8);
    expect(result.ci!.low).toBeGreaterThan(0);
    expect(result.reference).toBe(Math.min(...base));
    expect(result.estimatePct!).toBeCloseTo((result.estimate! / result.reference!) * 100, 12);
  });
  test("candidate 10% slower: higher", () => {
    const result = compareBestCase(base, base.map((v) => v * 1.1), {})!;
    expect(result.direction).toBe("higher");
    expect(result.estimate!).toBeLessThan(-8);
    expect(result.ci!.high).toBeLessThan(0);
  });
  test("all samples equal: no change, p = 1, MDE 0", () => {
    const result = compareBestCase([5, 5, 5, 5], [5, 5, 5, 5], {})!;
    expect(result.direction).toBe("no-change");
    expect(result.pValue).toBe(1);
    expect(result.mde).toBe(0);
  });
  test("no samples: null; too few: inconclusive", () => {
    expect(compareBestCase([], [1, 2, 3], {})).toBeNull();
    expect(compareBestCase([1, 2], [3, 4], {})!.reason).toEqual({ kind: "too-few-runs", n: 2, needed: 4 });
  });
});
