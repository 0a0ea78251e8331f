#!/usr/bin/env bun
/**
 * How good are coldstart's verdicts? A seeded simulation (no Python, no processes) of
 * branch comparisons under eight noise shapes, the old fastest-run test beside the new
 * default (paired, exact signed-rank on log ratios, scripts/lib/stats/verdict.ts), with the
 * slow-runs line (tail.ts) and which parts moved (shape.ts); then a stretched slow half
 * with the median unchanged (simulation-stretch.ts) and the bisect model
 * (simulation-bisect.ts).
 *
 *   bun scripts/selfbench/simulation.ts [--quick] [--reps N] [--seed S] [--shape a,b] [--n 10,30] [--unpaired]
 *                                       [--tail-methods] [--bisect-trials N]
 *
 * Full: 3,000 comparisons per effect and 12,000 A/A per cell (under a minute on two
 * cores); --quick: 300 and 1,200. --unpaired adds the unpaired verdict (exact Mann–Whitney)
 * on the same runs for reference: slow (~10 min), as rounded 30-run samples nearly always
 * hold a tie, which takes the exact test to its tie DP (a few ms a call).
 * `runSimulation` is what `bun run bench` calls.
 *
 * Every comparison: `rounds` rounds; in each, one baseline run and one candidate run (the
 * branch runner's interleaving), times in ms around a 30 ms import, rounded to 0.001 ms as
 * result files store them. The candidate is the same noise draw times (1 + effect): an
 * import doing `effect` more work. Noise shapes (per run unless said):
 * - lognormal: 30 · exp(σZ), CV 5%.
 * - exp-tail: floor 30 plus an exponential tail with mean 5% of the floor.
 * - bursts: floor + exponential jitter (mean 1.5%); 10% of runs slowed by +30–60%.
 * - drift: floor + jitter (1.5%); the floor rises 10% halfway through the first n rounds
 *   (both refs alike: it is the machine).
 * - contention: floor + jitter (1.5%); 75% of rounds are in an episode, in which every
 *   run is slowed independently by +30–70% (README: 29 ms imports at 40–50 ms).
 * - rare-fast: floor + jitter (1.5%); 15% of runs take a fast path 3% quicker.
 * - ticks: a 2 ms import, lognormal CV 5%, on a timer with a 0.1 ms tick (every value,
 *   the candidate's after its effect, rounded to 0.1 ms).
 * - round-bursts: floor + jitter (1.5%); 10% of rounds have one of their two runs (either,
 *   at random) hit by a burst 1.2–2× slower.
 *
 * Per cell (shape × n), over `reps` seeded comparisons:
 * - false alarms: share of A/A comparisons (effect 0) called lower or higher; also with
 *   adaptive stopping as the scheduler does it (start at n, add 5 rounds while the
 *   could-detect of the stopping rule is above 5%, up to 30): new, stoppingPrecisionPct;
 *   old, the old rule (minimum test's MDE as % of the pooled median).
 * - power at +3% and +10%: share called "higher".
 * - coverage: share of intervals holding the true change, over effects 0, +3%, +10%. New:
 *   the interval of the % change (−effect exactly, the whole distribution being scaled).
 *   Old: its test not rejecting the true shift of the floor, −effect × floor (the
 *   interval is that test inverted); undefined for lognormal, which has no floor.
 * - calibration: median reported "could detect" on A/A data ÷ the effect at which the
 *   same comparisons are called "higher" 80% of the time (found by bisection on the same
 *   draws). 1 = calibrated; the old test's was 0.34–0.77 on recorded data.
 * - power at the figure (new): the real power at the reported could-detect X — each A/A
 *   comparison's X applied to a fresh comparison (the next draw) made X% slower; the
 *   share called "higher". 0.80 = calibrated; also the share of figures that are lower
 *   bounds ("could detect ≥ X").
 * - slow runs (new, p90): A/A false alarms, coverage of the true change (−effect) and
 *   power at +10% where the line is shown (n ≥ tail.ts's minimum), else "insufficient".
 * - shape warnings (new): share of comparisons whose typical, best-case and slow-runs
 *   intervals disagree (shape.ts) under a uniform change of 0, +3, +10%: false warnings.
 */
import { parseArgs } from "node:util";
import { median } from "../lib/stats/describe.ts";
import { MinimumTest, minimumDetectableEffect } from "../lib/stats/minimum.ts";
import { tailRunsNeeded, TAIL_Q } from "../lib/stats/tail.ts";
import { ALPHA, compareParts, compareTypical, POWER, stoppingPrecisionPct, typicalVerdict } from "../lib/stats/verdict.ts";
import { mulberry32 } from "./random.ts";
import { type BisectFigures, simulateBisect } from "./simulation-bisect.ts";
import {
  type Draw, drawRounds, floorOf, MAX_ROUNDS, PER_MS, seedFor, type Shape, SHAPES, withEffect,
} from "./simulation-shapes.ts";
import {
  evaluateGoals, evaluateVerdictsGoals, type Goal, renderMarkdown, renderVerdictsMarkdown, type SimulationRow, type TestFigures,
} from "./simulation-goals.ts";
import { simulateStretch, simulateTailMethods, type StretchRow, type TailMethodRow } from "./simulation-stretch.ts";

export { drawRounds, SHAPES, type Shape } from "./simulation-shapes.ts";
export const SIZES = [10, 15, 30] as const;
const STEP_ROUNDS = 5;
const PRECISION_PCT = 5;
/** A/A comparisons per cell, as a multiple of `reps`: false alarms need the most (they are cheap). */
const NULL_REPS_FACTOR = 4;

// ---------------------------------------------------------------------------------------
// The two tests as the verdict applies them.

type Call = "lower" | "higher" | "no-change";

function oldCall(baseline: number[], candidate: number[]): Call {
  const test = new MinimumTest(baseline, candidate);
  const shift = Math.min(...baseline) - Math.min(...candidate);
  if (test.pValue() < ALPHA && shift !== 0) return shift > 0 ? "lower" : "higher";
  return "no-change";
}

function oldPrecisionPct(baseline: number[], candidate: number[]): number {
  return (minimumDetectableEffect(baseline, candidate, ALPHA, POWER) / median([...baseline, ...candidate])) * 100;
}

const typicalCall = (paired: boolean) => (baseline: number[], candidate: number[]): Call => {
  const outcome = compareTypical(baseline, candidate, { paired, mde: false });
  return outcome.direction === "inconclusive" ? "no-change" : outcome.direction;
};

/** Rounds the scheduler ends with, starting at n. */
function stoppedRounds(draw: Draw, n: number, precision: (b: number[], c: number[]) => number | null): number {
  let rounds = n;
  for (;;) {
    const { baseline, candidate } = withEffect(draw, 0, rounds);
    const pct = precision(baseline, candidate);
    if (rounds >= MAX_ROUNDS || (pct !== null && pct <= PRECISION_PCT)) return rounds;
    rounds = Math.min(MAX_ROUNDS, rounds + STEP_ROUNDS);
  }
}

/** Smallest effect (fraction) at which `call` says "higher" in ≥ 80% of the draws (bisection). */
function effectAt80(draws: Draw[], n: number, call: (b: number[], c: number[]) => Call): number {
  const power = (effect: number) => {
    let hits = 0;
    for (const draw of draws) {
      const { baseline, candidate } = withEffect(draw, effect, n);
      if (call(baseline, candidate) === "higher") hits += 1;
    }
    return hits / draws.length;
  };
  let [low, high] = [0, 0.02];
  while (power(high) < POWER && high < 8) [low, high] = [high, high * 2];
  for (let step = 0; step < 9; step += 1) {
    const middle = (low + high) / 2;
    if (power(middle) >= POWER) high = middle;
    else low = middle;
  }
  return (low + high) / 2;
}

// ---------------------------------------------------------------------------------------
// One cell.


type Which = "old" | "new" | "unpaired";

export function simulateCell(
  shape: Shape, n: number, reps: number, seed = 20261126, nullReps = reps * NULL_REPS_FACTOR, unpaired = false,
): SimulationRow {
  const total = Math.max(reps, nullReps);
  const draws: Draw[] = [];
  for (let rep = 0; rep < total; rep += 1) {
    draws.push({ ...drawRounds(shape, n, mulberry32(seedFor(seed, SHAPES.indexOf(shape), n, rep))), perMs: PER_MS[shape] });
  }
  const effectDraws = draws.slice(0, reps);
  const floor = floorOf(shape);
  const effects = [0, 0.03, 0.1];
  const needed = tailRunsNeeded(TAIL_Q);
  const tailCounts = { falseAlarm: 0, covered: 0, power10: 0 };
  const shapeCounts = [0, 0, 0];

  const figures = (which: Which): TestFigures => {
    const typical = which !== "old";
    const paired = which === "new";
    const call = typical ? typicalCall(paired) : oldCall;
    const precision = typical ? (b: number[], c: number[]) => stoppingPrecisionPct(b, c, { paired }) : oldPrecisionPct;
    // False alarms: A/A comparisons at n, and as the scheduler would stop them.
    let falseAlarm = 0;
    let falseAlarmStopping = 0;
    let rounds = 0;
    for (const draw of draws.slice(0, nullReps)) {
      const fixed = withEffect(draw, 0, n);
      if (call(fixed.baseline, fixed.candidate) !== "no-change") falseAlarm += 1;
      const stoppedAt = stoppedRounds(draw, n, precision);
      rounds += stoppedAt;
      const stopped = withEffect(draw, 0, stoppedAt);
      if (call(stopped.baseline, stopped.candidate) !== "no-change") falseAlarmStopping += 1;
    }
    // Power, coverage and could-detect on the first `reps` draws.
    const counts = { power3: 0, power10: 0, covered: 0, lowerBounds: 0, atFigure: 0 };
    const mdes: number[] = [];
    const figuresOf: (number | null)[] = [];
    for (const draw of effectDraws) {
      for (const [e, effect] of effects.entries()) {
        const { baseline, candidate } = withEffect(draw, effect, n);
        let called: Call;
        if (typical) {
          const truth = -effect * 100;
          let outcome;
          if (paired) {
            // The new verdict with every part: typical, best case, slow runs, shape.
            const parts = compareParts(baseline, candidate, { paired, mde: effect === 0, tail: { q: TAIL_Q } });
            outcome = parts.typical.outcome;
            if (effect === 0) counts.lowerBounds += parts.typical.detail.mdeLowerBound ? 1 : 0;
            const tail = parts.tail!;
            if (effect === 0 && (tail.verdict === "lower" || tail.verdict === "higher")) tailCounts.falseAlarm += 1;
            if (effect === 0.1 && tail.verdict === "higher") tailCounts.power10 += 1;
            if (tail.ciPct && tail.ciPct.low <= truth && truth <= tail.ciPct.high) tailCounts.covered += 1;
            if (parts.shape.disagree) shapeCounts[e]! += 1;
          } else {
            const verdict = typicalVerdict(baseline, candidate, { paired, mde: effect === 0 });
            outcome = verdict.outcome;
            if (effect === 0) counts.lowerBounds += verdict.detail.mdeLowerBound ? 1 : 0;
          }
          called = outcome.direction === "inconclusive" ? "no-change" : outcome.direction;
          if (outcome.ciPct && outcome.ciPct.low <= truth && truth <= outcome.ciPct.high) counts.covered += 1;
          if (effect === 0) {
            if (outcome.mdePct !== null) mdes.push(outcome.mdePct);
            figuresOf.push(outcome.mdePct);
          }
        } else {
          called = oldCall(baseline, candidate);
          if (floor !== null && new MinimumTest(baseline, candidate).pValue(-effect * floor) >= ALPHA) counts.covered += 1;
          if (effect === 0) mdes.push((minimumDetectableEffect(baseline, candidate, ALPHA, POWER) / Math.min(...baseline)) * 100);
        }
        if (effect === 0.03 && called === "higher") counts.power3 += 1;
        if (effect === 0.1 && called === "higher") counts.power10 += 1;
      }
    }
    // Power at the figure: each A/A comparison's could-detect X, applied to a fresh
    // comparison (the next draw) made X% slower.
    let atFigure: number | null = null;
    if (typical) {
      let hits = 0;
      let counted = 0;
      figuresOf.forEach((pct, i) => {
        if (pct === null) return;
        const fresh = withEffect(effectDraws[(i + 1) % effectDraws.length]!, pct / 100, n);
        counted += 1;
        if (call(fresh.baseline, fresh.candidate) === "higher") hits += 1;
      });
      atFigure = counted ? hits / counted : null;
    }
    const mdePct = mdes.length ? median(mdes) : Number.NaN;
    const shift80Pct = effectAt80(effectDraws, n, call) * 100;
    return {
      falseAlarm: falseAlarm / nullReps,
      falseAlarmStopping: falseAlarmStopping / nullReps,
      meanRoundsStopping: rounds / nullReps,
      power3: counts.power3 / reps,
      power10: counts.power10 / reps,
      coverage: which === "old" && floor === null ? null : counts.covered / (reps * effects.length),
      mdePct,
      shift80Pct,
      calibration: mdePct / shift80Pct,
      powerAtFigure: atFigure,
      lowerBounds: typical ? counts.lowerBounds / reps : null,
    };
  };
  const now = figures("new");
  return {
    shape, n, reps, nullReps, old: figures("old"), new: now, unpaired: unpaired ? figures("unpaired") : null,
    tail: {
      q: TAIL_Q, needed, shown: n >= needed, falseAlarm: tailCounts.falseAlarm / reps,
      coverage: tailCounts.covered / (reps * effects.length), power10: tailCounts.power10 / reps,
    },
    shapeWarnings: { aa: shapeCounts[0]! / reps, plus3: shapeCounts[1]! / reps, plus10: shapeCounts[2]! / reps },
  };
}

export interface SimulationResult {
  markdown: string;
  rows: SimulationRow[];
  /** The four per-cell goals of the typical verdict (false alarms, coverage, calibration, power). */
  goals: Goal[];
  /** Verdicts II: could-detect at the figure, the slow-runs line, shape warnings, the bisect model. */
  verdictsGoals: Goal[];
  stretch: StretchRow[];
  bisect: BisectFigures | null;
  /** The slow-runs interval methods side by side (only with `tailMethods`). */
  tailMethods: TailMethodRow[] | null;
  goalsMet: boolean;
}

export interface SimulationOptions {
  /** Fewer comparisons per cell (300 instead of 3,000). */
  quick: boolean;
  log?: (s: string) => void;
  reps?: number;
  seed?: number;
  shapes?: readonly Shape[];
  sizes?: readonly number[];
  /** Also simulate the unpaired verdict on the same runs (slow; default false). */
  unpaired?: boolean;
  /** Compare the slow-runs interval methods (slow; default false). */
  tailMethods?: boolean;
  /** Bisects of the bisect model (default 1,000, 100 quick, none when `reps` is given: a partial study). */
  bisectTrials?: number;
  /** The stretched-slow-half scenario (default true). */
  stretch?: boolean;
}

export async function runSimulation(opts: SimulationOptions): Promise<SimulationResult> {
  const reps = opts.reps ?? (opts.quick ? 300 : 3000);
  const unpaired = opts.unpaired ?? false;
  const seed = opts.seed ?? 20261126;
  const rows: SimulationRow[] = [];
  const sizes = opts.sizes ?? SIZES;
  for (const shape of opts.shapes ?? SHAPES) {
    for (const n of sizes) {
      const started = performance.now();
      rows.push(simulateCell(shape, n, reps, seed, reps * NULL_REPS_FACTOR, unpaired));
      opts.log?.(`simulation: ${shape} n=${n} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      await Promise.resolve();
    }
  }
  const stretch: StretchRow[] = [];
  if (opts.stretch ?? true) {
    for (const n of sizes) {
      const started = performance.now();
      stretch.push(simulateStretch(n, reps, seed));
      opts.log?.(`simulation: stretched slow half n=${n} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      await Promise.resolve();
    }
  }
  const trials = opts.bisectTrials ?? (opts.reps === undefined ? (opts.quick ? 100 : 1000) : 0);
  let bisect: BisectFigures | null = null;
  if (trials > 0) {
    const started = performance.now();
    bisect = await simulateBisect(trials, seed);
    opts.log?.(`simulation: bisect model, ${trials} bisects (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  let tailMethods: TailMethodRow[] | null = null;
  if (opts.tailMethods) {
    tailMethods = [];
    for (const shape of opts.shapes ?? SHAPES) {
      for (const n of [10, 15, 20, 30]) {
        const started = performance.now();
        tailMethods.push(...simulateTailMethods(shape, n, Math.min(reps, 1000), seed));
        opts.log?.(`simulation: tail methods ${shape} n=${n} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        await Promise.resolve();
      }
    }
  }
  const goals = evaluateGoals(rows);
  const verdictsGoals = evaluateVerdictsGoals(rows, bisect);
  const markdown = [renderMarkdown(rows, goals), renderVerdictsMarkdown(rows, stretch, bisect, tailMethods, verdictsGoals)].join("\n\n");
  return {
    markdown, rows, goals, verdictsGoals, stretch, bisect, tailMethods,
    goalsMet: [...goals, ...verdictsGoals].every((goal) => goal.met),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      quick: { type: "boolean" }, reps: { type: "string" }, seed: { type: "string" }, shape: { type: "string" }, n: { type: "string" },
      unpaired: { type: "boolean" }, "tail-methods": { type: "boolean" }, "bisect-trials": { type: "string" },
    },
  });
  const result = await runSimulation({
    quick: values.quick === true,
    reps: values.reps ? Number(values.reps) : undefined,
    seed: values.seed ? Number(values.seed) : undefined,
    shapes: values.shape ? (values.shape.split(",") as Shape[]) : undefined,
    sizes: values.n ? values.n.split(",").map(Number) : undefined,
    unpaired: values.unpaired === true,
    tailMethods: values["tail-methods"] === true,
    bisectTrials: values["bisect-trials"] !== undefined ? Number(values["bisect-trials"]) : undefined,
    log: (text) => process.stderr.write(`${text}\n`),
  });
  process.stdout.write(`${result.markdown}\n`);
}
