/**
 * The simulation's goals for the new test and its markdown table (old / new side by side).
 */
import { signedRankCritical, untiedSignedRankDistribution } from "../lib/stats/signed-rank.ts";
import { ALPHA } from "../lib/stats/verdict.ts";
import type { SimulationRow, TestFigures } from "./simulation.ts";


/** One-sided 99% Monte Carlo allowance above 5% for `reps` A/A comparisons of an exact 5% test. */
export const falseAlarmLimit = (reps: number) => ALPHA + 2.326 * Math.sqrt((ALPHA * (1 - ALPHA)) / reps);

/** "≤ 5%" is met unless the rate is significantly above 5%: an exact test shows a little more in some cells by chance. */
export const falseAlarmGoalMet = (rate: number, reps: number) => rate <= falseAlarmLimit(reps);

export interface Goal {
  name: string;
  met: boolean;
  failures: string[];
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
