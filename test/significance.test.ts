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

describe("Mann–Whitney U, Hodges–Lehmann, Moses CI and MDE against scipy/numpy", () => {
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
      expect(minimumDetectableEffect(c.x, c.y)).toBeCloseTo(c.mde, 9);
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
  test("MDE factor is (1.95996 + 0.84162) / sqrt(3/pi) = 2.86694", () => {
    // sigma = 1.4826 * MAD; MAD of [0, 1, 2, 3, 4] is 1.
    const mde = minimumDetectableEffect([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
    expect(mde).toBeCloseTo(2.866937 * 1.4826022 * Math.sqrt(2 / 5), 4);
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
    const result = compareSamples(base, timings(20, 100, 5, 3));
    expect(result.verdict).toBe("no-change");
    expect(result.pValue!).toBeGreaterThan(0.5);
    expect(result.ci!.low).toBeLessThan(0);
    expect(result.ci!.high).toBeGreaterThan(0);
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
