/**
 * The simulation's goals for the new test and its markdown table (old / new side by side).
 */
import { signedRankCritical, untiedSignedRankDistribution } from "../lib/stats/signed-rank.ts";
import { ALPHA } from "../lib/stats/verdict.ts";
import { stretchTruthPct as stretchTruth } from "./simulation-stretch.ts";
import type { BisectFigures } from "./simulation-bisect.ts";
import type { StretchRow, TailMethodRow } from "./simulation-stretch.ts";
import type { Shape } from "./simulation-shapes.ts";

export interface TestFigures {
  falseAlarm: number;
  falseAlarmStopping: number;
  meanRoundsStopping: number;
  power3: number;
  power10: number;
  /** Null where undefined (the old test on a distribution without a floor). */
  coverage: number | null;
  /** Median could-detect on A/A data, %. */
  mdePct: number;
  /** Effect found 80% of the time, %. */
  shift80Pct: number;
  calibration: number;
  /** Real power at the reported could-detect (a fresh comparison made that much slower); null for the old test. */
  powerAtFigure: number | null;
  /** Share of could-detect figures that are lower bounds ("≥ X"); null for the old test. */
  lowerBounds: number | null;
}

/** The slow-runs line (p90) of the new paired verdict in one cell. */
export interface TailFigures {
  q: number;
  /** Runs the line needs; below it, every comparison is "insufficient". */
  needed: number;
  shown: boolean;
  /** A/A comparisons called lower or higher (of `reps`). */
  falseAlarm: number;
  /** Intervals holding the true change, over effects 0, +3%, +10%. */
  coverage: number;
  power10: number;
}

/** Typical, best case and slow runs disagreeing (shape.ts) under a uniform change: false shape warnings. */
export interface ShapeFigures {
  aa: number;
  plus3: number;
  plus10: number;
}

export interface SimulationRow {
  shape: Shape;
  n: number;
  /** Comparisons per effect (power, coverage, calibration). */
  reps: number;
  /** A/A comparisons (false alarms). */
  nullReps: number;
  old: TestFigures;
  new: TestFigures;
  /** For reference: the unpaired Mann–Whitney verdict on the same runs (null when not run). */
  unpaired: TestFigures | null;
  tail: TailFigures;
  shapeWarnings: ShapeFigures;
}



/** One-sided 99% Monte Carlo allowance above 5% for `reps` A/A comparisons of an exact 5% test. */
export const falseAlarmLimit = (reps: number) => ALPHA + 2.326 * Math.sqrt((ALPHA * (1 - ALPHA)) / reps);

/** "≤ 5%" is met unless the rate is significantly above 5%: an exact test shows a little more in some cells by chance. */
export const falseAlarmGoalMet = (rate: number, reps: number) => rate <= falseAlarmLimit(reps);

export interface Goal {
  name: string;
  met: boolean;
  failures: string[];
  /** What the goal is checked over (default: every cell). */
  scope?: string;
  /** The figure to show when met (default: "met in every cell"). */
  shown?: string;
}

export function evaluateGoals(rows: SimulationRow[]): Goal[] {
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const checks: [string, (row: SimulationRow) => string | null][] = [
    ["false alarms ≤ 5% (fixed n and with stopping)", (row) => {
      const bad = [row.new.falseAlarm, row.new.falseAlarmStopping].filter((rate) => !falseAlarmGoalMet(rate, row.nullReps));
      return bad.length ? bad.map(pct).join(", ") : null;
    }],
    ["CI coverage ≥ 93%", (row) => (row.new.coverage !== null && row.new.coverage < 0.93 ? pct(row.new.coverage) : null)],
    ["calibration 0.8–1.25", (row) => (row.new.calibration >= 0.8 && row.new.calibration <= 1.25 ? null : row.new.calibration.toFixed(2))],
    ["power at +10%, n = 30 ≥ 95% (all shapes but rare-fast)", (row) =>
      row.n === 30 && row.shape !== "rare-fast" && row.new.power10 < 0.95 ? pct(row.new.power10) : null],
  ];
  return checks.map(([name, failing]) => {
    const failures = rows.flatMap((row) => {
      const why = failing(row);
      return why ? [`${row.shape} n=${row.n}: ${why}`] : [];
    });
    return { name, met: failures.length === 0, failures };
  });
}

/** Exact level of the signed-rank test at n pairs (untied): 2 P(T+ ≤ c). */
function exactLevel(n: number): number {
  const p = untiedSignedRankDistribution(n);
  let level = 0;
  for (let t = 0; t <= signedRankCritical(n, ALPHA); t += 1) level += 2 * p[t]!;
  return level;
}

const HEADER = [
  "| shape | n | false alarms | with stopping (mean runs) | power +3% | power +10% | CI coverage | could detect | 80%-power shift | calibration |",
  "|---|---|---|---|---|---|---|---|---|---|",
];

export function renderMarkdown(rows: SimulationRow[], goals: Goal[]): string {
  const p = (value: number | null) => (value === null || Number.isNaN(value) ? "—" : `${(value * 100).toFixed(1)}`);
  const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "—");
  const cells = (t: TestFigures) => [
    p(t.falseAlarm), `${p(t.falseAlarmStopping)} (${f(t.meanRoundsStopping, 1)})`, p(t.power3), p(t.power10), p(t.coverage),
    f(t.mdePct), f(t.shift80Pct), f(t.calibration),
  ];
  const line = (row: SimulationRow, columns: string[]) => `| ${row.shape} | ${row.n} | ${columns.join(" | ")} |`;
  const lines = [
    `Simulated comparisons, **old fastest-run test / new paired signed-rank**: ${rows[0]?.nullReps ?? 0} A/A and ${rows[0]?.reps ?? 0} per effect per cell (seeded). Rates in %; could detect and shifts in % of the baseline; calibration = median could-detect ÷ the shift found 80% of the time.`,
    "",
    ...HEADER,
    ...rows.map((row) => {
      const [old, now] = [cells(row.old), cells(row.new)];
      return line(row, old.map((value, i) => `${value} / ${now[i]}`));
    }),
    "",
    "Goals for the new test:",
    "",
    ...goals.map((goal) => `- ${goal.met ? "met" : "NOT met"}: ${goal.name}${goal.failures.length ? ` — ${goal.failures.join("; ")}` : ""}`),
    "",
    `False alarms count as ≤ 5% unless significantly above it (one-sided 99%: ≤ ${(falseAlarmLimit(rows[0]?.nullReps ?? 1) * 100).toFixed(2)}% at this many comparisons); the signed-rank test's exact level is ${[...new Set(rows.map((row) => row.n))].map((n) => `${(exactLevel(n) * 100).toFixed(2)}% at n = ${n}`).join(", ")}.`,
  ];
  const withUnpaired = rows.filter((row) => row.unpaired);
  if (withUnpaired.length) {
    lines.push("", "For reference, the unpaired verdict (exact Mann–Whitney, Hodges–Lehmann/Moses on log values) on the same runs:", "", ...HEADER);
    for (const row of withUnpaired) lines.push(line(row, cells(row.unpaired!)));
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------
// Verdicts II: could-detect at the figure, the slow-runs line, shape warnings, bisect.

/** The real power at the reported could-detect must be 0.80 ± 0.05. */
export const POWER_AT_FIGURE = { low: 0.75, high: 0.85 } as const;
/** The bisect model may name a wrong commit at most this often. */
export const BISECT_WRONG_LIMIT = 0.03;
/** Typical, best case and slow runs may disagree under a uniform change at most this often. */
export const SHAPE_WARNING_LIMIT = 0.05;

export function evaluateVerdictsGoals(rows: SimulationRow[], bisect: BisectFigures | null): Goal[] {
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const checks: [string, (row: SimulationRow) => string | null][] = [
    [`could detect: real power at the figure ${POWER_AT_FIGURE.low}–${POWER_AT_FIGURE.high}`, (row) => {
      const value = row.new.powerAtFigure;
      if (value === null || (value >= POWER_AT_FIGURE.low && value <= POWER_AT_FIGURE.high)) return null;
      return `${value.toFixed(3)} (± ${Math.sqrt((value * (1 - value)) / row.reps).toFixed(3)} Monte Carlo)`;
    }],
    ["slow runs (p90): A/A false alarms ≤ 5% where shown", (row) =>
      row.tail.shown && !falseAlarmGoalMet(row.tail.falseAlarm, row.reps) ? pct(row.tail.falseAlarm) : null],
    ["slow runs (p90): coverage ≥ 93% where shown", (row) => (row.tail.shown && row.tail.coverage < 0.93 ? pct(row.tail.coverage) : null)],
    [`shape warnings under a uniform change ≤ ${SHAPE_WARNING_LIMIT * 100}%`, (row) => {
      const worst = Math.max(row.shapeWarnings.aa, row.shapeWarnings.plus3, row.shapeWarnings.plus10);
      return worst > SHAPE_WARNING_LIMIT ? pct(worst) : null;
    }],
  ];
  const goals: Goal[] = checks.map(([name, failing]) => {
    const failures = rows.flatMap((row) => {
      const why = failing(row);
      return why ? [`${row.shape} n=${row.n}: ${why}`] : [];
    });
    return { name, met: failures.length === 0, failures };
  });
  if (bisect) {
    goals.push({
      scope: `${bisect.trials} bisects`,
      name: `bisect model: wrong commit ≤ ${BISECT_WRONG_LIMIT * 100}%`,
      met: bisect.wrong <= BISECT_WRONG_LIMIT,
      failures: bisect.wrong <= BISECT_WRONG_LIMIT ? [] : [`${(bisect.wrong * 100).toFixed(1)}% of ${bisect.trials}`],
      ...(bisect.wrong <= BISECT_WRONG_LIMIT ? { shown: `${(bisect.wrong * 100).toFixed(1)}% wrong, ${(bisect.inconclusive * 100).toFixed(1)}% inconclusive (right commit among the suspects), ${(bisect.correct * 100).toFixed(1)}% right` } : {}),
    });
  }
  return goals;
}

export function renderVerdictsMarkdown(
  rows: SimulationRow[], stretch: StretchRow[], bisect: BisectFigures | null, tailMethods: TailMethodRow[] | null, goals: Goal[],
): string {
  const p = (value: number | null, digits = 1) => (value === null || Number.isNaN(value) ? "—" : `${(value * 100).toFixed(digits)}`);
  const lines = [
    "Verdicts II, on the same comparisons (new paired verdict). Power at the figure: the share of fresh comparisons, made as much slower as the A/A comparison's could-detect X said, called slower (0.80 = calibrated; ≥: share of figures that are lower bounds). Slow runs: the p90 line (tail.ts), shown from n ≥ its minimum, else \"insufficient\". Shape warnings: typical, best case and slow runs disagreeing (shape.ts) under a uniform change. Rates in %.",
    "",
    "| shape | n | power at the figure (≥) | slow runs shown | slow runs A/A | slow runs coverage | slow runs power +10% | shape warnings +0 / +3 / +10% |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((row) => {
      const tail = row.tail;
      const shown = tail.shown ? `yes (n ≥ ${tail.needed})` : `insufficient (n < ${tail.needed})`;
      const t = (value: number) => (tail.shown ? p(value) : "—");
      return `| ${row.shape} | ${row.n} | ${row.new.powerAtFigure === null ? "—" : row.new.powerAtFigure.toFixed(3)} (${p(row.new.lowerBounds)}) | ${shown} | ${t(tail.falseAlarm)} | ${t(tail.coverage)} | ${t(tail.power10)} | ${p(row.shapeWarnings.aa)} / ${p(row.shapeWarnings.plus3)} / ${p(row.shapeWarnings.plus10)} |`;
    }),
  ];
  if (stretch.length) {
    lines.push(
      "",
      `The stretched slow half (baseline 100·(1 + 0.04z), candidate 100·(1 + 0.04·(z < 0 ? z : 3z)); the median unchanged, the true p90 change ${(-stretchTruth()).toFixed(2)}% slower), ${stretch[0]!.reps} comparisons per n:`,
      "",
      "| n | typical slower | best case slower | slow runs slower (insufficient) | slow-runs coverage | shape warning | slow runs named |",
      "|---|---|---|---|---|---|---|",
      ...stretch.map((row) => `| ${row.n} | ${p(row.typicalSlower)} | ${p(row.bestCaseSlower)} | ${p(row.tailSlower)} (${p(row.tailInsufficient)}) | ${p(row.tailCoverage)} | ${p(row.shapeWarning)} | ${p(row.tailNamed)} |`),
    );
  }
  if (bisect) {
    const m = bisect.model;
    lines.push(
      "",
      `The bisect model: ${bisect.trials} bisects of ${m.commits} commits, one +${m.stepPct}% step at a random commit, ${m.noisePct}% lognormal noise, threshold ${m.thresholdPct}%, ${m.rounds.join(" / ")} paired rounds per attempt (the real bisect() and judge, a seeded fake source):`,
      "",
      "| right commit | wrong commit (too early / too late) | inconclusive, right commit among the suspects (mean suspects) | not reproducible | measurements per bisect | undecided steps per bisect |",
      "|---|---|---|---|---|---|",
      `| ${p(bisect.correct)} | ${p(bisect.wrong)} ± ${p(bisect.wrongError)} (${p(bisect.wrongEarly)} / ${p(bisect.wrongLate)}) | ${p(bisect.inconclusive)} (${bisect.meanSuspects === null ? "—" : bisect.meanSuspects.toFixed(1)}) | ${p(bisect.notReproducible)} | ${bisect.meanMeasurements.toFixed(1)} | ${bisect.meanUndecided.toFixed(2)} |`,
    );
  }
  if (tailMethods?.length) {
    lines.push(
      "",
      "The slow-runs interval methods (tail.ts) at every n, the interval shown whatever the runs (A/A: false alarms; coverage over +0/+3/+10%, the stretch: its true change; power: +10%, the stretch: called slower; none: no interval possible):",
      "",
      "| shape | n | method | A/A | coverage | power | none |",
      "|---|---|---|---|---|---|---|",
      ...tailMethods.map((row) => `| ${row.shape} | ${row.n} | ${row.method} | ${p(row.falseAlarm)} | ${p(row.coverage)} | ${p(row.power)} | ${p(row.none)} |`),
    );
  }
  lines.push(
    "",
    "Goals (Verdicts II):",
    "",
    ...goals.map((goal) => `- ${goal.met ? "met" : "NOT met"}: ${goal.name}${goal.failures.length ? ` — ${goal.failures.join("; ")}` : ""}`),
  );
  return lines.join("\n");
}
