/**
 * How many rounds a measurement runs, chosen up front from the metric that decides and the
 * level its comparison will be judged at, so a test is never asked for a level it cannot
 * reach (a bisect step's p < 0.0071 needs six counting rounds a side: five can give
 * 0.0079 at best).
 *
 * - time: `iterations` paired rounds (at least what the level needs), extended five at a
 *   time up to `max_iterations` while the noise hides a `precision`% change.
 * - instructions: the rounds the unpaired rank test needs for the level, or `iterations`
 *   when the user set it; wall time is measured in the same rounds and never extends them.
 * - modules: one round (exact: any difference is real), or `iterations` when set.
 */
import type { Config } from "../config.ts";
import { runsForLevel } from "../stats/multiple.ts";
import { ALPHA } from "../stats/verdict.ts";

export interface RoundPlan {
  /** Timed rounds to start with. */
  timed: number;
  /** Timed rounds at most (more only while the deciding metric is time and noisy). */
  maxTimed: number;
  /** Counting rounds (metric instructions), 0 otherwise. */
  counted: number;
  /** Rounds the deciding test needs to reach the level; the plan has at least these unless the user asked for fewer. */
  needed: number;
}

/** The fewest rounds a side at which the deciding metric's test can give p below `level`. */
export function roundsForLevel(metric: Config["metric"], level: number): number {
  return metric === "time" ? runsForLevel(level, true) : metric === "instructions" ? runsForLevel(level, false) : 1;
}

/**
 * The rounds of a measurement of `trees` trees. One tree is not compared, unless a flow set
 * the level (a bisect step compares it with a file measured before): it gets what was asked. A comparison gets at least what its test needs for `config.level` — always
 * when a flow set that level (a bisect step), and unless the user asked for fewer
 * `--iterations` otherwise (the report then says the comparison could not decide, and
 * how many rounds would).
 */
export function planRounds(config: Pick<Config, "metric" | "iterations" | "max_iterations" | "given" | "level">, trees = 2): RoundPlan {
  // A flow that set a level compares what it measures, a lone tree included (a bisect step
  // measures the candidate alone and compares it with GOOD's earlier counts).
  const needed = trees >= 2 || config.level !== undefined ? roundsForLevel(config.metric, config.level ?? ALPHA) : 1;
  const asked = config.given.includes("iterations") ? config.iterations : null;
  const floor = asked !== null && config.level === undefined ? 1 : needed;
  switch (config.metric) {
    case "time": {
      const timed = Math.max(config.iterations, floor);
      return { timed, maxTimed: Math.max(timed, config.max_iterations), counted: 0, needed };
    }
    case "instructions": {
      const rounds = Math.max(asked ?? 0, floor);
      return { timed: rounds, maxTimed: rounds, counted: rounds, needed };
    }
    case "modules": {
      const rounds = Math.max(asked ?? 1, 1);
      return { timed: rounds, maxTimed: rounds, counted: 0, needed };
    }
  }
}
