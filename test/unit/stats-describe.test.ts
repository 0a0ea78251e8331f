import { describe, expect, test } from "bun:test";
import {
  absoluteDeviationMedian, describe as summarize, meanAndVariance, modifiedZScores, outlierIndices, quantileSorted, roundTo, toSeries,
} from "../../scripts/lib/stats/describe.ts";
import { sampleWarnings } from "../../scripts/lib/stats/warnings.ts";

describe("summarize", () => {
  test("pins min, max, mean, median, stddev on fixed samples", () => {
    // Values checked by hand and against numpy: mean 5, sample stddev sqrt(32/7).
    const stats = summarize([2, 4, 4, 4, 5, 5, 7, 9])!;
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
    const stats = summarize([3.5])!;
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

test("roundTo rounds like the seed's round(x, 2)", () => {
  expect(roundTo(273.2949, 2)).toBe(273.29);
  expect(roundTo(12.345678, 2)).toBe(12.35);
});

test("one statistics shape everywhere: describe() and the stored series agree", () => {
  expect(summarize([])).toBeNull();
  const series = toSeries([1.23456, 2.5, 3.75], 3, 2)!;
  expect(series.samples).toEqual([1.235, 2.5, 3.75]);
  expect(series.n).toBe(3);
  expect(series.median).toBe(2.5);
  expect(series.p25).toBe(1.87);
  expect(toSeries([])).toBeNull();
});

describe("sample warnings", () => {
  test("a slow first run is named, with a relative and an absolute floor", () => {
    expect(sampleWarnings([50, 20, 20.2, 19.9, 20.1, 20])).toEqual([{ kind: "slow-first", first: 50, median: 20.05 }]);
    // 0.08 ms above a 0.3 ms median stands out robustly, but means nothing.
    expect(sampleWarnings([0.38, 0.3, 0.3, 0.301, 0.299, 0.3]).filter((w) => w.kind === "slow-first")).toEqual([]);
    // 1.5 ms above a 100 ms median is under the relative floor.
    expect(sampleWarnings([101.5, 100, 100.01, 99.99, 100, 100]).filter((w) => w.kind === "slow-first")).toEqual([]);
  });
  test("outliers are flagged by run number, never dropped", () => {
    expect(sampleWarnings([10, 10.2, 9.9, 10.1, 10, 30])).toEqual([{ kind: "outliers", runs: [6] }]);
    expect(sampleWarnings([1, 2])).toEqual([]);
  });
});
