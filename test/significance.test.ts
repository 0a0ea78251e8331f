import { describe, expect, test } from "bun:test";
import expected from "./fixtures/stats_expected.json" with { type: "json" };
import {
  compareSamples, hodgesLehmann, mannWhitneyU, midranks, minimumDetectableEffect, normalQuantile, normalSf,
} from "../scripts/lib/significance.ts";

// Reference values: test/fixtures/stats_expected.json, generated once by
// test/fixtures/gen_stats_expected.py with scipy (an independent implementation).

describe("normal distribution against scipy.stats.norm", () => {
  for (const [x, sf] of Object.entries(expected.normal.sf)) {
    test(`sf(${x})`, () => {
      const value = normalSf(Number(x));
      expect(Math.abs(value - sf)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(sf)) + Math.abs(sf) * 1e-10);
    });
  }
  for (const [p, q] of Object.entries(expected.normal.ppf)) {
    test(`ppf(${p})`, () => {
      expect(normalQuantile(Number(p))).toBeCloseTo(q, 9);
    });
  }
});

describe("Mann–Whitney U, Hodges–Lehmann and Moses CI against scipy/numpy", () => {
  for (const [name, c] of Object.entries(expected.cases)) {
    test(name, () => {
      const u = mannWhitneyU(c.x, c.y);
      expect(u.u1).toBe(c.u1);
      expect(u.pValue).toBeCloseTo(c.p_value, 10);
      const shift = hodgesLehmann(c.x, c.y);
      expect(shift.estimate).toBeCloseTo(c.hodges_lehmann, 9);
      if (c.ci === null) expect(shift.ci).toBeNull();
      else {
        expect(shift.ci!.low).toBeCloseTo(c.ci[0]!, 9);
        expect(shift.ci!.high).toBeCloseTo(c.ci[1]!, 9);
      }
    });
  }
});

describe("the permutation test of minima against an exact enumeration (numpy, every split)", () => {
  for (const [name, c] of Object.entries(expected.cases)) {
    test(name, () => {
      const result = compareSamples(c.x, c.y);
      expect(result.shiftMs!).toBeCloseTo(c.min_shift, 9);
      // Our closed form against numpy's enumeration of every split.
      expect(result.pValue!).toBeCloseTo(c.min_p_exact, 10);
      if (c.min_p_exact < 0.01) expect(result.verdict).toBe(c.min_shift > 0 ? "faster" : "slower");
      if (c.min_p_exact > 0.2) expect(result.verdict).toBe("no-change");
    });
  }
});

describe("pinned textbook values", () => {
  test("midranks of a tied list", () => {
    expect(midranks([3, 1, 3, 2])).toEqual({ ranks: [3.5, 1, 3.5, 2], tieTerm: 6 });
  });
  test("complete separation of 5 and 5: U = 25, p = 0.0122 (normal approx., continuity)", () => {
    const result = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(result.u1).toBe(25);
    // z = (12.5 - 0.5) / sqrt(25 * 11 / 12) = 2.50672; p = 2 * Q(z) = 0.012186
    expect(result.pValue).toBeCloseTo(0.012186, 5);
  });
  test("Hodges–Lehmann of a pure shift is the shift", () => {
    expect(hodgesLehmann([11, 12, 13, 14], [1, 2, 3, 4]).estimate).toBe(10);
  });
  test("MDE is the critical difference of minima scaled to 80% power: 1 + 0.84162 / 1.95996", () => {
    // On whole numbers every permuted |difference of minima| is whole, so is its 95th
    // percentile c, and the MDE is c times the power factor (z quantiles from scipy).
    const factor = 1 + 0.8416212335729143 / 1.959963984540054;
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const mde = minimumDetectableEffect(values, values);
    expect(mde / factor).toBeCloseTo(Math.round(mde / factor), 9);
    expect(mde).toBeGreaterThan(0);
    expect(minimumDetectableEffect([5, 5, 5], [5, 5, 5])).toBe(0);
  });
  test("the same samples give the same answer every time", () => {
    const x = [26.1, 27.3, 26.4, 31.0, 26.9, 26.2];
    const y = [27.0, 27.9, 27.2, 45.1, 27.5, 28.8];
    expect(compareSamples(x, y)).toEqual(compareSamples(x, y));
  });
});

/** Deterministic skewed samples: a floor plus a quantile-spread exponential tail. */
function timings(n: number, floor: number, scale: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = ((i * 7 + phase) % n + 0.5) / n;
    return floor - Math.log(1 - u) * scale;
  });
}

describe("verdicts", () => {
  const base = timings(20, 100, 5);
  test("identical distributions: no significant change", () => {
    const result = compareSamples(base, timings(20, 100, 5, 3).map((v) => v + 0.01));
    expect(result.verdict).toBe("no-change");
    expect(result.pValue!).toBeGreaterThan(0.2);
    expect(result.ci!.low).toBeLessThan(0);
    expect(result.ci!.high).toBeGreaterThan(0);
  });
  test("bursts of noise on a few runs do not hide a 10% slowdown", () => {
    const noisy = (values: number[]) => values.map((v, i) => (i % 4 === 1 ? v * 1.8 : v));
    const result = compareSamples(noisy(base), noisy(base.map((v) => v * 1.1)).reverse());
    expect(result.verdict).toBe("slower");
  });
  test("candidate 10% faster: faster, shift near 10 ms", () => {
    const result = compareSamples(base, base.map((v) => v * 0.9));
    expect(result.verdict).toBe("faster");
    expect(result.shiftMs!).toBeGreaterThan(8);
    expect(result.ci!.low).toBeGreaterThan(0);
  });
  test("candidate 10% slower: slower", () => {
    const result = compareSamples(base, base.map((v) => v * 1.1));
    expect(result.verdict).toBe("slower");
    expect(result.shiftMs!).toBeLessThan(-8);
    expect(result.ci!.high).toBeLessThan(0);
  });
  test("no samples or too few: unknown with a reason", () => {
    expect(compareSamples(undefined, [1, 2, 3]).verdict).toBe("unknown");
    const few = compareSamples([1, 2], [3, 4]);
    expect(few.verdict).toBe("unknown");
    expect(few.reason).toContain("at least 3");
  });
  test("all samples equal: no change, p = 1", () => {
    const result = compareSamples([5, 5, 5, 5], [5, 5, 5, 5]);
    expect(result.verdict).toBe("no-change");
    expect(result.pValue).toBe(1);
    expect(result.mdeMs).toBe(0);
  });
});
