/**
 * Section 7: the seeded simulation of the verdict statistics (scripts/selfbench/simulation.ts):
 * its goals as rows — the typical verdict's per cell, then Verdicts II's (could-detect at
 * the figure, the slow-runs line, shape warnings, the bisect model) — its tables below.
 */
import { type Bench, type SectionResult } from "../common.ts";
import { runSimulation } from "../simulation.ts";

export async function runSimulated(bench: Bench): Promise<SectionResult> {
  const result = await runSimulation({ quick: bench.quick, log: (text) => bench.log(`  ${text}`) });
  const first = result.rows[0];
  const size = first ? `${first.nullReps} A/A and ${first.reps} per effect per cell` : "";
  return {
    rows: [...result.goals, ...result.verdictsGoals].map((goal) => ({
      figure: `7. Simulation (${size}): ${goal.name}`,
      value: goal.met ? goal.shown ?? "met in every cell" : `not met: ${goal.failures.join("; ")}`,
      goal: goal.scope ?? "every cell",
      met: goal.met,
    })),
    details: [`Section 7, the simulation${bench.quick ? " (--quick)" : ""}:\n\n${result.markdown}`],
  };
}
