import { describe, expect, test } from "bun:test";
import type { BisectStep } from "../../scripts/lib/model/history.ts";
import { setsPace } from "../../scripts/lib/history/bisect.ts";
import { progressLine } from "../../scripts/lib/render/bisect-terminal.ts";

// Only the fields progressLine reads; the rest of a step does not enter the line.
const step = (kind: "check" | "step", number: number, stepsLeft: number) => ({ kind, number, stepsLeft }) as BisectStep;

describe("bisect progress", () => {
  test("after the ends are checked, before any step is timed: no time to go is promised", () => {
    const line = progressLine(step("check", 0, 7), [], 4_000);
    expect(line).toBe("  0 steps done, at most 7 steps left (4s so far)");
  });
  test("after timed steps: the time to go at the steps' median pace", () => {
    const line = progressLine(step("step", 2, 5), [10_000, 30_000, 20_000], 64_000);
    expect(line).toContain("2 steps done, at most 5 steps left");
    expect(line).toContain("about 1m40s to go");
  });
  test("the last step: nothing left, no time to go", () => {
    expect(progressLine(step("step", 7, 0), [10_000], 70_000)).not.toContain("to go");
  });
});

describe("bisect pace", () => {
  test("only a step measured now sets the pace: not the check, not a step read from the cache", () => {
    expect(setsPace({ kind: "step", cached: false })).toBe(true);
    expect(setsPace({ kind: "step", cached: true })).toBe(false);
    expect(setsPace({ kind: "check", cached: false })).toBe(false);
  });
});
