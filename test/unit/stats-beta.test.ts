import { describe, expect, test } from "bun:test";
import reference from "../fixtures/stats/verdicts2.json" with { type: "json" };
import { logGamma, regularizedBeta, studentTCdf, studentTQuantile } from "../../scripts/lib/stats/beta.ts";

// Reference values: test/fixtures/stats/verdicts2.json, from gen_verdicts2.py (scipy.special, scipy.stats.t).

describe("the regularized incomplete beta against scipy.special.betainc", () => {
  for (const c of reference.betainc) {
    test(`I_${c.x}(${c.a}, ${c.b})`, () => {
      expect(regularizedBeta(c.x, c.a, c.b)).toBeCloseTo(c.value, 12);
    });
  }
  test("ends, symmetry and bad parameters", () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(0.3, 2, 5) + regularizedBeta(0.7, 5, 2)).toBeCloseTo(1, 14);
    expect(() => regularizedBeta(0.5, 0, 1)).toThrow(RangeError);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
  });
});

describe("Student's t against scipy.stats.t.ppf", () => {
  for (const c of reference.t) {
    test(`t(${c.p}, ${c.df})`, () => {
      expect(studentTQuantile(c.p, c.df)).toBeCloseTo(c.value, 9);
      expect(studentTCdf(c.value, c.df)).toBeCloseTo(c.p, 12);
    });
  }
  test("symmetry and ends", () => {
    expect(studentTQuantile(0.2, 9)).toBeCloseTo(-studentTQuantile(0.8, 9), 12);
    expect(studentTQuantile(0.5, 9)).toBeCloseTo(0, 12);
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
  });
});
