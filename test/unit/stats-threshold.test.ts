import { describe, expect, test } from "bun:test";
import { judge, stepLevel } from "../../scripts/lib/history/bisect.ts";
import type { Figures } from "../../scripts/lib/model/history.ts";
import { gateDecision, thresholdDecision, worstDecision } from "../../scripts/lib/stats/threshold.ts";
import { compareTypical } from "../../scripts/lib/stats/verdict.ts";

// The threshold decides on the whole interval (the issue "Verdicts II", gap 4).

describe("the issue's threshold example", () => {
  const baseline = [97.393, 99.301, 106.655, 102.637, 93.434, 99.979, 97.506, 100.595, 93.567, 100.967, 100.942, 106.303];
  const candidate = [103.558, 106.395, 105.299, 117.479, 90.589, 109.605, 101.03, 101.904, 95.667, 103.166, 107.6, 111.126];

  test("4.3% slower (95% CI 1.5% to 7.7%) against 5%: straddles — undecided (exit 3), 7.7% slower not excluded", () => {
    const outcome = compareTypical(baseline, candidate, { paired: true });
    expect(outcome.direction).toBe("higher");
    expect(-outcome.estimatePct!).toBeCloseTo(4.3, 1);
    expect(-outcome.ciPct!.high).toBeCloseTo(1.5, 1);
    expect(-outcome.ciPct!.low).toBeCloseTo(7.7, 1);
    const decision = thresholdDecision(outcome.ciPct, 5);
    expect(decision.decision).toBe("undecided");
    expect(decision.couldBePct!).toBeCloseTo(-outcome.ciPct!.low, 12);
    expect(decision.atLeastPct!).toBeCloseTo(-outcome.ciPct!.high, 12);
    // The same interval: certainly slower than 1%, certainly less than 8% slower.
    expect(thresholdDecision(outcome.ciPct, 1).decision).toBe("regression");
    expect(thresholdDecision(outcome.ciPct, 8).decision).toBe("ok");
    // The plain flag (T = 0) keeps its meaning: significantly slower fails.
    expect(gateDecision({ ciPct: outcome.ciPct, verdict: "slower" }, 0).decision).toBe("regression");
  });

  test("a bisect step on the same figures is measured again, never counted as good", () => {
    const outcome = compareTypical(baseline, candidate, { paired: true });
    const figures: Figures = {
      measurement: "m", headline: "import_ms", verdict: "slower", reason: null, estimatePct: outcome.estimatePct, ciPct: outcome.ciPct,
      mdePct: outcome.mdePct, pValue: outcome.pValue, paired: true, n: { baseline: 12, candidate: 12 }, baselineMedian: null, candidateMedian: null,
    };
    expect(judge(figures, 5)).toBe("again");
    expect(judge(figures, 1)).toBe("slow");
    expect(judge(figures, 1, stepLevel(16))).toBe(outcome.pValue! <= stepLevel(16) ? "slow" : "again");
    expect(judge(figures, 8)).toBe("good");
    expect(judge(figures, 0)).toBe("slow");
  });
});

describe("the three outcomes", () => {
  test("regression, ok, undecided; edges are undecided", () => {
    // ciPct: (baseline − candidate) / baseline, so slowdowns are negative.
    expect(thresholdDecision({ low: -12, high: -6 }, 5).decision).toBe("regression");
    expect(thresholdDecision({ low: -4, high: 3 }, 5).decision).toBe("ok");
    expect(thresholdDecision({ low: -6, high: 3 }, 5)).toEqual({ decision: "undecided", thresholdPct: 5, couldBePct: 6, atLeastPct: -3 });
    expect(thresholdDecision({ low: -8, high: -5 }, 5).decision).toBe("undecided");
    expect(thresholdDecision({ low: -5, high: 0 }, 5).decision).toBe("undecided");
    expect(thresholdDecision(null, 5)).toEqual({ decision: "undecided", thresholdPct: 5, couldBePct: null, atLeastPct: null });
    expect(() => thresholdDecision({ low: 0, high: 1 }, Number.NaN)).toThrow(RangeError);
  });
  test("T = 0: the plain flag's meaning; inconclusive is undecided at any T", () => {
    expect(gateDecision({ ciPct: { low: -3, high: 2 }, verdict: "no-change" }, 0).decision).toBe("ok");
    expect(gateDecision({ ciPct: { low: 1, high: 4 }, verdict: "faster" }, 0).decision).toBe("ok");
    expect(gateDecision({ ciPct: { low: -9, high: -1 }, verdict: "slower" }, 0).decision).toBe("regression");
    expect(gateDecision({ ciPct: null, verdict: "inconclusive" }, 0).decision).toBe("undecided");
    expect(gateDecision({ ciPct: { low: -3, high: 2 }, verdict: "inconclusive" }, 5).decision).toBe("undecided");
    expect(gateDecision({ ciPct: { low: -3, high: 2 }, verdict: "no-change" }, 5).decision).toBe("ok");
  });
  test("--gate both: the worse decision", () => {
    const ok = thresholdDecision({ low: -1, high: 1 }, 5);
    const undecided = thresholdDecision({ low: -9, high: 1 }, 5);
    const regression = thresholdDecision({ low: -20, high: -9 }, 5);
    expect(worstDecision(ok, undecided)).toBe(undecided);
    expect(worstDecision(undecided, regression, ok)).toBe(regression);
    expect(worstDecision(ok)).toBe(ok);
  });
});
