import { describe, expect, test } from "bun:test";
import { mulberry32 } from "../../scripts/selfbench/random.ts";
import { drawRounds, runSimulation, simulateCell } from "../../scripts/selfbench/simulation.ts";
import { evaluateGoals, falseAlarmGoalMet } from "../../scripts/selfbench/simulation-goals.ts";

// A smoke run of the seeded simulation (the full one is `bun scripts/selfbench/simulation.ts`).

describe("selfbench simulation", () => {
  test("the generator is seeded: same seed, same draws", () => {
    expect(drawRounds("bursts", 10, mulberry32(7))).toEqual(drawRounds("bursts", 10, mulberry32(7)));
    expect(drawRounds("bursts", 10, mulberry32(7))).not.toEqual(drawRounds("bursts", 10, mulberry32(8)));
  });
  test("one small cell: finite figures, deterministic", () => {
    const row = simulateCell("lognormal", 10, 40, 1, 40);
    expect(simulateCell("lognormal", 10, 40, 1, 40)).toEqual(row);
    for (const figures of [row.old, row.new]) {
      for (const value of [figures.falseAlarm, figures.falseAlarmStopping, figures.power3, figures.power10]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(figures.meanRoundsStopping).toBeGreaterThanOrEqual(10);
      expect(figures.meanRoundsStopping).toBeLessThanOrEqual(30);
      expect(Number.isFinite(figures.calibration)).toBe(true);
    }
    expect(row.old.coverage).toBeNull(); // a lognormal has no floor
    expect(row.new.power10).toBeGreaterThan(row.new.power3);
  });
  test("runSimulation returns a table and the goals", async () => {
    const result = await runSimulation({ quick: true, reps: 20, shapes: ["drift"], sizes: [10] });
    expect(result.rows.length).toBe(1);
    expect(result.markdown).toContain("| drift | 10 |");
    expect(result.goals.map((goal) => goal.name).length).toBe(4);
    expect(typeof result.goalsMet).toBe("boolean");
    expect(evaluateGoals(result.rows)).toEqual(result.goals);
  });
  test("false-alarm goal allows Monte Carlo error only", () => {
    expect(falseAlarmGoalMet(0.05, 8000)).toBe(true);
    expect(falseAlarmGoalMet(0.055, 8000)).toBe(true);
    expect(falseAlarmGoalMet(0.06, 8000)).toBe(false);
  });
});
