import { describe, expect, test } from "bun:test";
import { detectGrid, detectResolution, EDGE_TICKS, edgeTolerance, onGrid } from "../../scripts/lib/stats/resolution.ts";

// The timer's resolution read from the samples: the greatest common step of the values.

describe("timer resolution from the samples", () => {
  test("a 0.1 ms tick (the issue's tie example)", () => {
    const grid = detectGrid([2.0, 1.8, 2.2, 2.1, 1.7], [2.4, 2.1, 2.4, 2.1, 2.3])!;
    expect(grid.step).toBeCloseTo(0.1, 12);
    expect(grid.origin).toBe(1.7);
    expect(onGrid(grid, 2.04)).toBeCloseTo(2.0, 12);
  });
  test("result files' 0.001 ms rounding over values near 100, despite floating-point gaps", () => {
    expect(detectResolution([97.393, 99.301, 106.655, 102.637, 93.434], [103.558, 106.395, 105.299])).toBeCloseTo(0.001, 12);
  });
  test("continuous values, one distinct value, too few: null", () => {
    expect(detectResolution([1, 2, 3].map((v) => v * Math.PI), [Math.E])).toBeNull();
    expect(detectResolution([5, 5, 5], [5])).toBeNull();
    expect(detectResolution([1])).toBeNull();
  });
  test("counts (instructions): a step of their common divisor", () => {
    expect(detectResolution([230.89e6, 230.9e6, 230.88e6])).toBe(10000);
    expect(detectResolution([0, 0.02, 0.01, 0.03])).toBeCloseTo(0.01, 12);
  });
  test("an interval end counts as 0 within a quarter tick, else within floating-point noise", () => {
    expect(EDGE_TICKS).toBe(0.25);
    expect(edgeTolerance(0.1, 2)).toBeCloseTo(0.025, 12);
    expect(edgeTolerance(null, 100)).toBeCloseTo(1e-7, 15);
    expect(edgeTolerance(1e-12, 100)).toBeCloseTo(1e-7, 15);
  });
});
