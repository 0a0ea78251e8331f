#!/usr/bin/env bun
/**
 * How good are coldstart's verdicts? A seeded simulation (no Python, no processes) of
 * branch comparisons under six noise shapes, the old fastest-run test beside the new
 * default (paired, exact signed-rank on log ratios, scripts/lib/stats/verdict.ts).
 *
 *   bun scripts/selfbench/simulation.ts [--quick] [--reps N] [--seed S] [--shape a,b] [--n 10,30] [--unpaired]
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
 */
import { parseArgs } from "node:util";
import { median } from "../lib/stats/describe.ts";
import { MinimumTest, minimumDetectableEffect } from "../lib/stats/minimum.ts";
import { ALPHA, compareTypical, POWER, stoppingPrecisionPct } from "../lib/stats/verdict.ts";
import { exponential, mulberry32, normal, splitmix32 } from "./random.ts";
import { evaluateGoals, type Goal, renderMarkdown } from "./simulation-goals.ts";

export const SHAPES = ["lognormal", "exp-tail", "bursts", "drift", "contention", "rare-fast"] as const;
export type Shape = (typeof SHAPES)[number];
export const SIZES = [10, 15, 30] as const;
const FLOOR_MS = 30;
const MAX_ROUNDS = 30;
const STEP_ROUNDS = 5;
const PRECISION_PCT = 5;
/** A/A comparisons per cell, as a multiple of `reps`: false alarms need the most (they are cheap). */
const NULL_REPS_FACTOR = 4;

/**
 * One comparison's noise: MAX_ROUNDS rounds of (baseline, candidate) run times in ms with
 * no effect. `n` is the comparison's starting size (the drift happens at n/2).
 */
export function drawRounds(shape: Shape, n: number, random: () => number): { baseline: number[]; candidate: number[] } {
  const sigma = Math.sqrt(Math.log(1 + 0.05 ** 2));
  const jitter = () => FLOOR_MS * (1 + exponential(random, 0.015));
  const run: Record<Shape, (round: number, contended: boolean) => number> = {
    lognormal: () => FLOOR_MS * Math.exp(sigma * normal(random)),
    "exp-tail": () => FLOOR_MS * (1 + exponential(random, 0.05)),
    bursts: () => jitter() * (random() < 0.1 ? 1.3 + 0.3 * random() : 1),
    drift: (round) => jitter() * (round >= Math.floor(n / 2) ? 1.1 : 1),
    contention: (_, contended) => jitter() * (contended ? 1.3 + 0.4 * random() : 1),
    "rare-fast": () => jitter() * (random() < 0.15 ? 0.97 : 1),
  };
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const contended = random() < 0.75;
    baseline.push(run[shape](round, contended));
    candidate.push(run[shape](round, contended));
  }
  return { baseline, candidate };
}

/** The lowest time a run can take (the true floor), or null when there is none. */
function floorOf(shape: Shape): number | null {
  if (shape === "lognormal") return null;
  return shape === "rare-fast" ? FLOOR_MS * 0.97 : FLOOR_MS;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

interface Draw {
  baseline: number[];
  candidate: number[];
}

function withEffect(draw: Draw, effect: number, rounds: number): Draw {
  return {
    baseline: draw.baseline.slice(0, rounds).map(round3),
    candidate: draw.candidate.slice(0, rounds).map((value) => round3(value * (1 + effect))),
  };
}

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
  const outcome = compareTypical(baseline, candidate, { paired });
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
}

function seedFor(base: number, shape: number, n: number, rep: number): number {
  return splitmix32(splitmix32(splitmix32(base ^ (shape * 0x27d4eb2d)) ^ (n * 0x165667b1)) ^ rep);
}

type Which = "old" | "new" | "unpaired";

export function simulateCell(
  shape: Shape, n: number, reps: number, seed = 20261126, nullReps = reps * NULL_REPS_FACTOR, unpaired = false,
): SimulationRow {
  const total = Math.max(reps, nullReps);
  const draws: Draw[] = [];
  for (let rep = 0; rep < total; rep += 1) draws.push(drawRounds(shape, n, mulberry32(seedFor(seed, SHAPES.indexOf(shape), n, rep))));
  const effectDraws = draws.slice(0, reps);
  const floor = floorOf(shape);
  const effects = [0, 0.03, 0.1];

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
    const counts = { power3: 0, power10: 0, covered: 0 };
    const mdes: number[] = [];
    for (const draw of effectDraws) {
      for (const effect of effects) {
        const { baseline, candidate } = withEffect(draw, effect, n);
        let called: Call;
        if (typical) {
          const outcome = compareTypical(baseline, candidate, { paired });
          called = outcome.direction === "inconclusive" ? "no-change" : outcome.direction;
          const truth = -effect * 100;
          if (outcome.ciPct && outcome.ciPct.low <= truth && truth <= outcome.ciPct.high) counts.covered += 1;
          if (effect === 0 && outcome.mdePct !== null) mdes.push(outcome.mdePct);
        } else {
          called = oldCall(baseline, candidate);
          if (floor !== null && new MinimumTest(baseline, candidate).pValue(-effect * floor) >= ALPHA) counts.covered += 1;
          if (effect === 0) mdes.push((minimumDetectableEffect(baseline, candidate, ALPHA, POWER) / Math.min(...baseline)) * 100);
        }
        if (effect === 0.03 && called === "higher") counts.power3 += 1;
        if (effect === 0.1 && called === "higher") counts.power10 += 1;
      }
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
    };
  };
  return { shape, n, reps, nullReps, old: figures("old"), new: figures("new"), unpaired: unpaired ? figures("unpaired") : null };
}

export interface SimulationResult {
  markdown: string;
  rows: SimulationRow[];
  goals: Goal[];
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
}

export async function runSimulation(opts: SimulationOptions): Promise<SimulationResult> {
  const reps = opts.reps ?? (opts.quick ? 300 : 3000);
  const unpaired = opts.unpaired ?? false;
  const rows: SimulationRow[] = [];
  for (const shape of opts.shapes ?? SHAPES) {
    for (const n of opts.sizes ?? SIZES) {
      const started = performance.now();
      rows.push(simulateCell(shape, n, reps, opts.seed, reps * NULL_REPS_FACTOR, unpaired));
      opts.log?.(`simulation: ${shape} n=${n} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      await Promise.resolve();
    }
  }
  const goals = evaluateGoals(rows);
  return { markdown: renderMarkdown(rows, goals), rows, goals, goalsMet: goals.every((goal) => goal.met) };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      quick: { type: "boolean" }, reps: { type: "string" }, seed: { type: "string" }, shape: { type: "string" }, n: { type: "string" },
      unpaired: { type: "boolean" },
    },
  });
  const result = await runSimulation({
    quick: values.quick === true,
    reps: values.reps ? Number(values.reps) : undefined,
    seed: values.seed ? Number(values.seed) : undefined,
    shapes: values.shape ? (values.shape.split(",") as Shape[]) : undefined,
    sizes: values.n ? values.n.split(",").map(Number) : undefined,
    unpaired: values.unpaired === true,
    log: (text) => process.stderr.write(`${text}\n`),
  });
  process.stdout.write(`${result.markdown}\n`);
}
