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

// ---------------------------------------------------------------------------------------
// Verdicts II: the slow runs, could-detect at the figure, and the bisect model.

import { bisect, type PairSource } from "../../scripts/lib/history/bisect.ts";
import { facts, resultFile, simulateBisect } from "../../scripts/selfbench/simulation-bisect.ts";
import { simulateStretch, stretchTruthPct } from "../../scripts/selfbench/simulation-stretch.ts";

describe("Verdicts II in the simulation", () => {
  test("a cell carries the slow-runs line, could-detect at the figure and shape warnings", () => {
    const row = simulateCell("lognormal", 30, 4, 1, 4);
    expect(row.tail).toMatchObject({ q: 0.9, needed: 30, shown: true });
    for (const value of [row.tail.falseAlarm, row.tail.coverage, row.tail.power10, row.shapeWarnings.aa, row.new.powerAtFigure!, row.new.lowerBounds!]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(row.old.powerAtFigure).toBeNull();
    expect(simulateCell("round-bursts", 10, 4, 1, 4).tail.shown).toBe(false);
  });
  test("the stretched slow half: its true p90 change, and each part's rates", () => {
    expect(stretchTruthPct()).toBeCloseTo(-9.7525, 4);
    const row = simulateStretch(30, 10, 1);
    expect(row.tailInsufficient).toBe(0);
    expect(row.tailNamed).toBeGreaterThanOrEqual(row.tailSlower);
    expect(simulateStretch(10, 5, 1).tailInsufficient).toBe(1);
  });
  test("runSimulation returns the Verdicts II goals and tables", async () => {
    const result = await runSimulation({ quick: true, reps: 10, shapes: ["lognormal"], sizes: [30], bisectTrials: 4 });
    expect(result.verdictsGoals.map((goal) => goal.name)).toEqual([
      "could detect: real power at the figure 0.75–0.85",
      "slow runs (p90): A/A false alarms ≤ 5% where shown",
      "slow runs (p90): coverage ≥ 93% where shown",
      "shape warnings under a uniform change ≤ 5%",
      "bisect model: wrong commit ≤ 3%",
    ]);
    expect(result.markdown).toContain("| lognormal | 30 |");
    expect(result.markdown).toContain("The bisect model: 4 bisects of 16 commits");
    expect(result.stretch).toHaveLength(1);
  });
});

describe("bisect: undecided steps are never counted as good", () => {
  const path = Array.from({ length: 9 }, (_, position) => facts(position));
  /** Deterministic rounds: good ×1 (±0.4%), "ambiguous" ×1.05 (±3%: its interval straddles 5%), slow ×1.5. */
  function source(kind: (position: number) => "good" | "ambiguous" | "slow", measured: number[]): PairSource {
    return {
      attempts: 3,
      async measure(candidate, attempt) {
        const position = candidate.depth! - 1;
        measured.push(position);
        const n = 12 * 2 ** attempt;
        const factor = { good: 1, ambiguous: 1.05, slow: 1.5 }[kind(position)];
        const noise = kind(position) === "ambiguous" ? 0.03 : 0.004;
        const good = Array.from({ length: n }, (_, i) => Number((10 * (1 + 0.004 * Math.sin(i * 2.1))).toFixed(3)));
        const other = good.map((value, i) => Number((value * factor * (1 + noise * Math.sin(i * 1.3 + 0.5))).toFixed(3)));
        const runId = `r${position}-${attempt}`;
        return { baseline: resultFile(path[0]!, good, runId), candidate: resultFile(candidate, other, runId), cached: false };
      },
    };
  }
  const options = { path, thresholdPct: 5, measurement: "pkg_total", metric: "time" as const, metricSource: "asked" as const };

  test("a straddling step is measured again up to the attempts; a later good step settles it: found", async () => {
    const measured: number[] = [];
    const report = await bisect(source((p) => (p >= 6 ? "slow" : p === 4 ? "ambiguous" : "good"), measured), options);
    const step4 = report.steps.find((step) => step.position === 4)!;
    expect(step4.judgement).toBe("undecided");
    expect(step4.attempts).toBe(3);
    expect(measured.filter((p) => p === 4)).toHaveLength(3);
    expect(report.undecidedSteps).toEqual([step4.number]);
    expect(report.outcome).toBe("found");
    expect(report.first!.commit.depth! - 1).toBe(6);
    expect(report.suspects.map((c) => c.depth! - 1)).toEqual([6]);
  });

  test("an undecided step just before the first slow one: inconclusive, both commits suspects, the last good one the parent", async () => {
    const report = await bisect(source((p) => (p >= 6 ? "slow" : p === 5 ? "ambiguous" : "good"), []), options);
    expect(report.outcome).toBe("inconclusive");
    expect(report.undecided).toBe(1);
    expect(report.suspects.map((c) => c.depth! - 1)).toEqual([5, 6]);
    expect(report.first!.commit.depth! - 1).toBe(6);
    expect(report.first!.parent.depth! - 1).toBe(4);
    expect(report.steps.filter((step) => step.judgement === "undecided").map((step) => step.position)).toEqual([5]);
  });

  test("a check that cannot decide: inconclusive, not 'not reproducible'", async () => {
    const report = await bisect(source((p) => (p === 8 ? "ambiguous" : "good"), []), options);
    expect(report.outcome).toBe("inconclusive");
    expect(report.undecidedSteps).toEqual([0]);
    expect(report.first).toBeNull();
  });

  test("the model: seeded, and its outcomes add up", async () => {
    const figures = await simulateBisect(4, 3);
    expect(await simulateBisect(4, 3)).toEqual(figures);
    expect(figures.correct + figures.wrong + figures.inconclusive + figures.notReproducible).toBeCloseTo(1, 12);
    expect(figures.trials).toBe(4);
    expect(figures.meanMeasurements).toBeGreaterThanOrEqual(4);
  });
});
