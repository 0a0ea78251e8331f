/**
 * Rounds are planned up front for the level a comparison will be judged at: no plan asks a
 * test for a p it cannot reach (a 5/5 unpaired comparison judged at a bisect step's
 * 0.0071 is impossible by construction), wall time never extends a counted or module
 * comparison, and --iterations applies to the metric that decides.
 */
import { describe, expect, test } from "bun:test";
import { resolveConfig } from "../../scripts/lib/config.ts";
import { planRounds } from "../../scripts/lib/measure/plan.ts";
import { METRICS } from "../../scripts/lib/quantities.ts";
import { rankSumMinimumP } from "../../scripts/lib/stats/rank-sum.ts";
import { signedRankMinimumP } from "../../scripts/lib/stats/signed-rank.ts";

function config(input: Record<string, unknown>, level?: number) {
  return { ...resolveConfig("/nowhere", [{ input, where: "test" }], "pkg"), level };
}

describe("the round planner", () => {
  test("every metric, every level from 0.05 down to a 128-commit bisect's: the planned rounds can reach it", () => {
    for (const metric of METRICS.map((item) => item.name)) {
      for (const level of [0.05, 0.05 / 2, 0.05 / 5, 0.05 / 7, 0.05 / 10]) {
        const plan = planRounds(config({ metric }, level));
        if (metric === "time") expect({ metric, level, p: signedRankMinimumP(plan.timed) < level }).toEqual({ metric, level, p: true });
        if (metric === "instructions") expect({ metric, level, p: rankSumMinimumP(plan.counted, plan.counted) < level }).toEqual({ metric, level, p: true });
        if (metric === "modules") expect(plan).toEqual({ timed: 1, maxTimed: 1, counted: 0, needed: 1 });
      }
    }
  });

  test("the issue's case: a bisect of 121 commits (7 steps, p < 0.0071) counts 6 rounds a side, not 5", () => {
    expect(rankSumMinimumP(5, 5)).toBeGreaterThan(0.05 / 7);
    expect(planRounds(config({ metric: "instructions" }, 0.05 / 7)).counted).toBe(6);
  });

  test("counting: wall time in the same rounds, never extended; --iterations is the counting rounds", () => {
    // 4 a side: the unpaired test's smallest p is 2 / C(8, 4) = 0.029 < 0.05.
    expect(planRounds(config({ metric: "instructions" }))).toEqual({ timed: 4, maxTimed: 4, counted: 4, needed: 4 });
    expect(planRounds(config({ metric: "instructions", iterations: 8, max_iterations: 30 }))).toEqual({ timed: 8, maxTimed: 8, counted: 8, needed: 4 });
  });

  test("fewer --iterations than the test needs: asked for a plain comparison (it will say inconclusive), raised for a bisect step", () => {
    expect(planRounds(config({ metric: "instructions", iterations: 2 }))).toMatchObject({ counted: 2, needed: 4 });
    expect(planRounds(config({ metric: "instructions", iterations: 5 }, 0.05 / 7))).toMatchObject({ counted: 6, needed: 6 });
    expect(planRounds(config({ iterations: 3, max_iterations: 3 }))).toMatchObject({ timed: 3, needed: 6 });
    expect(planRounds(config({ iterations: 3, max_iterations: 3 }, 0.05 / 7))).toMatchObject({ timed: 9, needed: 9 });
  });

  test("one tree is not compared: what was asked", () => {
    expect(planRounds(config({ metric: "instructions", iterations: 2 }), 1)).toMatchObject({ counted: 2, needed: 1 });
  });

  test("one tree of a flow that set the level (a bisect step against GOOD's earlier counts): the level's rounds", () => {
    expect(planRounds(config({ metric: "instructions" }, 0.05 / 7), 1)).toMatchObject({ counted: 6, needed: 6 });
    expect(planRounds(config({ metric: "instructions", iterations: 2 }, 0.05 / 7), 1)).toMatchObject({ counted: 6, needed: 6 });
  });

  test("time: iterations, extended up to max_iterations while noisy", () => {
    expect(planRounds(config({}))).toEqual({ timed: 10, maxTimed: 30, counted: 0, needed: 6 });
  });
});
