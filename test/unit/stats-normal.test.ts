import { describe, expect, test } from "bun:test";
import expected from "../fixtures/stats/expected.json" with { type: "json" };
import { normalCdf, normalQuantile, normalSf } from "../../scripts/lib/stats/normal.ts";

// Reference values: test/fixtures/stats/expected.json, from test/fixtures/stats/gen_expected.py (scipy).

describe("stats/normal against scipy.stats.norm", () => {
  for (const [x, sf] of Object.entries(expected.normal.sf)) {
    test(`sf(${x}) and cdf(${x})`, () => {
      expect(Math.abs(normalSf(Number(x)) - sf)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(sf)) + Math.abs(sf) * 1e-10);
      expect(normalCdf(Number(x))).toBeCloseTo(1 - sf, 12);
    });
  }
  for (const [p, q] of Object.entries(expected.normal.ppf)) {
    test(`ppf(${p})`, () => {
      expect(normalQuantile(Number(p))).toBeCloseTo(q, 9);
    });
  }
  test("ppf edges", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
