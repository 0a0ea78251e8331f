import { describe, expect, test } from "bun:test";
import reference from "../fixtures/stats/verdicts2.json" with { type: "json" };
import { mulberry32, normal } from "../../scripts/lib/stats/random.ts";
import { bestCaseVerdict, type TestOutcome, typicalVerdict } from "../../scripts/lib/stats/verdict.ts";

// Ties at the edge (the issue "Verdicts II", gap 3). The rule: a change is claimed only
// when the test rejects AND the interval excludes 0, an end within a quarter of the
// timer's resolution of 0 counting as 0; a no-change interval always reaches 0. So a
// verdict and its interval never read as a contradiction.

/** The verdict and its interval agree: a change excludes 0 on its side, no change reaches 0. */
function expectConsistent(outcome: TestOutcome): void {
  if (!outcome.ciPct) return;
  const { low, high } = outcome.ciPct;
  if (outcome.direction === "lower") expect(low).toBeGreaterThan(0);
  else if (outcome.direction === "higher") expect(high).toBeLessThan(0);
  else {
    expect(low).toBeLessThanOrEqual(0);
    expect(high).toBeGreaterThanOrEqual(0);
  }
  if (outcome.estimatePct !== null) {
    expect(outcome.estimatePct).toBeGreaterThanOrEqual(low - 1e-9);
    expect(outcome.estimatePct).toBeLessThanOrEqual(high + 1e-9);
  }
}

describe("the issue's two examples", () => {
  test("best case, n = 5 on a 0.1 ms timer: no change, and the interval reaches 0 (it ended at −0.0000898%)", () => {
    const baseline = [2.0, 1.8, 2.2, 2.1, 1.7];
    const candidate = [2.4, 2.1, 2.4, 2.1, 2.3];
    const verdict = bestCaseVerdict(baseline, candidate, {})!;
    expect(verdict.outcome.direction).toBe("no-change");
    expect(verdict.outcome.ciPct!.high).toBe(0);
    expect(verdict.outcome.ciPct!.low).toBeCloseTo(-41.18, 1);
    expect(verdict.outcome.ci!.high).toBe(0);
    expect(verdict.detail.resolution!).toBeCloseTo(0.1, 12);
    expect(verdict.detail.edge).toBe("snapped");
    expect(verdict.detail.testRejects).toBe(false);
    expectConsistent(verdict.outcome);
  });

  test("typical, 10 pairs on a 0.1 ms timer: p = 0.0469 but the interval [0, 7.29]% reaches 0 — no change, and the detail says the test alone rejected", () => {
    const c = reference.ties.typical;
    const verdict = typicalVerdict(c.baseline, c.candidate, { paired: true });
    expect(verdict.outcome.pValue!).toBeCloseTo(c.p_value, 12);
    expect(verdict.outcome.ciPct!.low).toBeCloseTo(c.ci_pct[0]!, 9);
    expect(verdict.outcome.ciPct!.high).toBeCloseTo(c.ci_pct[1]!, 9);
    expect(verdict.outcome.ciPct!.low).toBe(0);
    expect(verdict.outcome.direction).toBe("no-change");
    expect(verdict.detail.testRejects).toBe(true);
    expect(verdict.detail.resolution!).toBeCloseTo(0.1, 12);
    expectConsistent(verdict.outcome);
  });
});

describe("the rule on many quantised comparisons", () => {
  test("no verdict contradicts its interval: typical (paired, unpaired) and best case, ticks of 0.1 ms at 2 ms", () => {
    const random = mulberry32(7);
    const tick = (value: number) => Math.round(value * 10) / 10;
    let snapped = 0;
    let testAlone = 0;
    for (let rep = 0; rep < 300; rep += 1) {
      const n = 6 + (rep % 10);
      const effect = [0, 0.03, 0.06][rep % 3]!;
      const baseline = Array.from({ length: n }, () => tick(2 * Math.exp(0.05 * normal(random))));
      const candidate = Array.from({ length: n }, () => tick(2 * (1 + effect) * Math.exp(0.05 * normal(random))));
      for (const paired of [true, false]) {
        const verdict = typicalVerdict(baseline, candidate, { paired, mde: false });
        expectConsistent(verdict.outcome);
        if (verdict.detail.edge !== "none") snapped += 1;
        if (verdict.detail.testRejects && verdict.outcome.direction === "no-change") testAlone += 1;
      }
      expectConsistent(bestCaseVerdict(baseline, candidate, {})!.outcome);
    }
    // The situations the rule is for do occur in such data.
    expect(snapped + testAlone).toBeGreaterThan(0);
  });

  test("continuous values: the rule changes nothing beyond floating-point noise", () => {
    const random = mulberry32(11);
    for (let rep = 0; rep < 50; rep += 1) {
      const baseline = Array.from({ length: 12 }, () => 30 * Math.exp(0.03 * normal(random)));
      const candidate = Array.from({ length: 12 }, () => 30 * 1.02 * Math.exp(0.03 * normal(random)));
      const verdict = typicalVerdict(baseline, candidate, { paired: true, mde: false });
      expect(verdict.detail.resolution).toBeNull();
      expect(verdict.detail.edge).toBe("none");
      expectConsistent(verdict.outcome);
    }
  });
});
