import { describe, expect, test } from "bun:test";
import {
  absoluteDeviationMedian, meanAndVariance, modifiedZScores, outlierIndices, quantileSorted, round2, summarize,
} from "../scripts/lib/stats.ts";

describe("summarize", () => {
  test("pins min, max, mean, median, stddev on fixed samples", () => {
    // Values checked by hand and against numpy: mean 5, sample stddev sqrt(32/7).
    const stats = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stats.min).toBe(2);
    expect(stats.max).toBe(9);
    expect(stats.mean).toBe(5);
    expect(stats.median).toBe(4.5);
    expect(stats.stddev).toBeCloseTo(2.138089935299395, 12);
    expect(stats.mad).toBe(0.5); // deviations .5 x5, 2.5 x2, 4.5
    expect(stats.p25).toBe(4);
    expect(stats.p75).toBe(5.5);
  });

  test("one sample has zero spread", () => {
    const stats = summarize([3.5]);
    expect([stats.min, stats.max, stats.mean, stats.median, stats.stddev]).toEqual([3.5, 3.5, 3.5, 3.5, 0]);
  });

  test("order of samples does not matter", () => {
    expect(summarize([9, 2, 5, 4, 7, 4, 5, 4])).toEqual(summarize([2, 4, 4, 4, 5, 5, 7, 9]));
  });
});

test("quantileSorted interpolates like numpy's default", () => {
  expect(quantileSorted([1, 2, 3, 4], 0.75)).toBe(3.25);
  expect(quantileSorted([10], 0.3)).toBe(10);
});

test("meanAndVariance is numerically stable on large offsets", () => {
  const { mean, variance } = meanAndVariance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
  expect(mean).toBe(1e9 + 10);
  expect(variance).toBe(30);
});

test("modified Z-scores flag the outlier and only it", () => {
  const samples = [10, 10.2, 9.9, 10.1, 10, 30];
  expect(absoluteDeviationMedian(samples)).toBeCloseTo(0.1, 12);
  expect(outlierIndices(samples)).toEqual([5]);
  expect(modifiedZScores([5, 5, 5])).toEqual([0, 0, 0]);
});

test("round2 rounds like the seed's round(x, 2)", () => {
  expect(round2(273.2949)).toBe(273.29);
  expect(round2(12.345678)).toBe(12.35);
});
