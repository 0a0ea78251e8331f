import { describe, expect, test } from "bun:test";
import { shapeOf } from "../../scripts/lib/stats/shape.ts";
import type { TailOutcome } from "../../scripts/lib/stats/tail.ts";
import type { TestOutcome } from "../../scripts/lib/stats/verdict.ts";

// Which part of the distribution moved, and whether the parts disagree.

function outcome(direction: TestOutcome["direction"], estimatePct: number, low: number, high: number): TestOutcome {
  return {
    test: "wilcoxon-signed-rank", paired: true, direction, pValue: 0.01, estimatePct, ciPct: { low, high }, estimate: estimatePct, ci: { low, high },
    mdePct: 3, mde: 3, confidence: 0.95, reason: null, n: { baseline: 30, candidate: 30 }, reference: 100, scale: "log-ratio",
  };
}

function tail(verdict: TailOutcome["verdict"], estimatePct: number, low: number, high: number, beyond: [number, number] | null): TailOutcome {
  return {
    q: 0.9, verdict, estimatePct, ciPct: verdict === "insufficient" ? null : { low, high }, baseline: 105, candidate: 115, method: "bootstrap-type7",
    paired: true, n: { baseline: 30, candidate: 30 }, confidence: 0.95, reason: null,
    beyondMedian: beyond ? { estimatePct: (beyond[0] + beyond[1]) / 2, ciPct: { low: beyond[0], high: beyond[1] } } : null, edge: "none", scale: "log-ratio",
  };
}

describe("which parts moved", () => {
  test("median unchanged, slow runs 9.8% slower: they disagree, the slow runs named", () => {
    const shape = shapeOf(outcome("no-change", -1, -4, 2), outcome("no-change", 0, -3, 3), tail("higher", -9.8, -16, -4, [-13, -2]));
    expect(shape.moved).toEqual(["tail"]);
    expect(shape.unmoved).toEqual(["typical", "best-case"]);
    expect(shape.disagree).toBe(true);
    expect(shape.disagreements).toEqual([
      { slower: "tail", faster: "typical", gapPct: 2 },
      { slower: "tail", faster: "best-case", gapPct: 1 },
    ]);
  });
  test("typical 8% slower, fastest runs unchanged: disagree", () => {
    const shape = shapeOf(outcome("higher", -8, -11, -5), outcome("no-change", 0, -2, 2), null);
    expect(shape.disagreements).toEqual([{ slower: "typical", faster: "best-case", gapPct: 3 }]);
  });
  test("a uniform shift seen by one part and not yet by another: no disagreement", () => {
    const shape = shapeOf(outcome("higher", -10, -13, -7), outcome("no-change", -6, -14, 1), tail("no-change", -9, -20, 0.5, [-8, 7]));
    expect(shape.moved).toEqual(["typical"]);
    expect(shape.disagree).toBe(false);
  });
  test("opposite significant moves (the old shape change) disagree", () => {
    const shape = shapeOf(outcome("higher", -10, -13, -7), outcome("lower", 3, 1, 5), null);
    expect(shape.disagreements).toEqual([{ slower: "typical", faster: "best-case", gapPct: 8 }]);
  });
  test("parts without an interval are unknown and never disagree", () => {
    const inconclusive = { ...outcome("inconclusive", -3, 0, 0), ciPct: null };
    const shape = shapeOf(inconclusive, null, tail("insufficient", -25, 0, 0, null));
    expect(shape.parts.map((part) => part.move)).toEqual(["unknown", "unknown"]);
    expect(shape.disagree).toBe(false);
  });
  test("without the tail's difference interval, the slow runs are compared by overlap", () => {
    expect(shapeOf(outcome("no-change", -1, -4, 2), null, tail("higher", -12, -20, -6, null)).disagreements)
      .toEqual([{ slower: "tail", faster: "typical", gapPct: 2 }]);
  });
});
