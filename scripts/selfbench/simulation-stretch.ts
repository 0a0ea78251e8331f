/**
 * The slow runs in the simulation: (1) a candidate whose slow half is stretched while its
 * median stays put — baseline 100·(1 + 0.04z), candidate 100·(1 + 0.04·(z < 0 ? z : 3z)),
 * z standard normal per run, rounded to 0.001 ms (the issue "Verdicts II", gap 1) — and
 * what each part of the verdict says of it; (2) the slow-runs interval methods side by
 * side on every noise shape and on the stretch, whatever the run count, which is how
 * tail.ts's method and its minimum run count were chosen.
 */
import { normalQuantile } from "../lib/stats/normal.ts";
import { compareTail, TAIL_METHODS, TAIL_Q, type TailMethod } from "../lib/stats/tail.ts";
import { compareParts } from "../lib/stats/verdict.ts";
import { mulberry32, normal, splitmix32 } from "./random.ts";
import { type Draw, drawRounds, MAX_ROUNDS, PER_MS, seedFor, type Shape, SHAPES, withEffect } from "./simulation-shapes.ts";

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The true change of the q-quantile, TestOutcome's convention: (Q_b − Q_c) / Q_b × 100. */
export function stretchTruthPct(q = TAIL_Q): number {
  const z = normalQuantile(q);
  const baseline = 100 * (1 + 0.04 * z);
  const candidate = 100 * (1 + 0.04 * (z < 0 ? z : 3 * z));
  return (1 - candidate / baseline) * 100;
}

/** One comparison of the stretch: `rounds` (MAX_ROUNDS) paired rounds; `stretched` false gives the A/A version. */
export function drawStretch(random: () => number, stretched = true, rounds = MAX_ROUNDS): Draw {
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    baseline.push(100 * (1 + 0.04 * normal(random)));
    const z = normal(random);
    candidate.push(100 * (1 + 0.04 * (z < 0 || !stretched ? z : 3 * z)));
  }
  return { baseline, candidate, perMs: 1000 };
}

const STRETCH_SEED = 0x5eed;

export interface StretchRow {
  n: number;
  reps: number;
  /** Typical called slower. */
  typicalSlower: number;
  /** Best case called slower. */
  bestCaseSlower: number;
  /** Slow runs called slower; insufficient (too few runs for the line). */
  tailSlower: number;
  tailInsufficient: number;
  /** Slow-runs intervals holding the true change (of those shown); null when none was shown. */
  tailCoverage: number | null;
  /** The parts disagree (shape.ts): the shape warning fires. */
  shapeWarning: number;
  /** The report names the slow runs: their line says slower, or a disagreement has them as the slower part. */
  tailNamed: number;
}

export function simulateStretch(n: number, reps: number, seed = 20261126): StretchRow {
  const truth = stretchTruthPct();
  const counts = { typical: 0, best: 0, tail: 0, insufficient: 0, covered: 0, shown: 0, shape: 0, named: 0 };
  for (let rep = 0; rep < reps; rep += 1) {
    const draw = drawStretch(mulberry32(splitmix32(seedFor(seed, STRETCH_SEED, n, rep))));
    const baseline = draw.baseline.slice(0, n).map(round3);
    const candidate = draw.candidate.slice(0, n).map(round3);
    const parts = compareParts(baseline, candidate, { paired: true, mde: false, tail: { q: TAIL_Q } });
    const tail = parts.tail!;
    if (parts.typical.outcome.direction === "higher") counts.typical += 1;
    if (parts.bestCase?.outcome.direction === "higher") counts.best += 1;
    if (tail.verdict === "higher") counts.tail += 1;
    if (tail.verdict === "insufficient") counts.insufficient += 1;
    if (tail.ciPct) {
      counts.shown += 1;
      if (tail.ciPct.low <= truth && truth <= tail.ciPct.high) counts.covered += 1;
    }
    if (parts.shape.disagree) counts.shape += 1;
    if (tail.verdict === "higher" || parts.shape.disagreements.some((d) => d.slower === "tail")) counts.named += 1;
  }
  return {
    n, reps, typicalSlower: counts.typical / reps, bestCaseSlower: counts.best / reps, tailSlower: counts.tail / reps,
    tailInsufficient: counts.insufficient / reps, tailCoverage: counts.shown ? counts.covered / counts.shown : null,
    shapeWarning: counts.shape / reps, tailNamed: counts.named / reps,
  };
}

export interface TailMethodRow {
  shape: Shape | "stretch";
  n: number;
  method: TailMethod;
  reps: number;
  /** A/A comparisons called lower or higher. */
  falseAlarm: number;
  /** Intervals holding the true change: effects 0, +3%, +10% (the stretch: its true p90 change). */
  coverage: number;
  /** Called higher at +10% (the stretch: called higher at all). */
  power: number;
  /** Comparisons with no interval (the method cannot give one at this n). */
  none: number;
}

/**
 * Every tail method at `n` on one shape (or the stretch), with the interval shown from 2
 * runs on: what each method would give at run counts tail.ts may refuse.
 */
export function simulateTailMethods(shape: Shape | "stretch", n: number, reps: number, seed = 20261126, q = TAIL_Q): TailMethodRow[] {
  return TAIL_METHODS.map((method) => {
    const counts = { alarm: 0, covered: 0, power: 0, none: 0, tested: 0 };
    const tail = (b: number[], c: number[]) => compareTail(b, c, { paired: true, q, method, minimumRuns: 2 });
    for (let rep = 0; rep < reps; rep += 1) {
      if (shape === "stretch") {
        const at = seedFor(seed, STRETCH_SEED, n, rep);
        const aa = drawStretch(mulberry32(splitmix32(at ^ 0xaa)), false, Math.max(n, MAX_ROUNDS));
        const st = drawStretch(mulberry32(splitmix32(at)), true, Math.max(n, MAX_ROUNDS));
        const nullOutcome = tail(aa.baseline.slice(0, n).map(round3), aa.candidate.slice(0, n).map(round3));
        const outcome = tail(st.baseline.slice(0, n).map(round3), st.candidate.slice(0, n).map(round3));
        const truth = stretchTruthPct(q);
        if (nullOutcome.verdict === "lower" || nullOutcome.verdict === "higher") counts.alarm += 1;
        if (outcome.verdict === "higher") counts.power += 1;
        if (outcome.ciPct && outcome.ciPct.low <= truth && truth <= outcome.ciPct.high) counts.covered += 1;
        if (!outcome.ciPct) counts.none += 1;
        counts.tested += 1;
        continue;
      }
      const random = mulberry32(seedFor(seed, SHAPES.indexOf(shape), n, rep));
      const draw: Draw = { ...drawRounds(shape, n, random, Math.max(n, MAX_ROUNDS)), perMs: PER_MS[shape] };
      for (const effect of [0, 0.03, 0.1]) {
        const { baseline, candidate } = withEffect(draw, effect, n);
        const outcome = tail(baseline, candidate);
        const truth = -effect * 100;
        if (effect === 0 && (outcome.verdict === "lower" || outcome.verdict === "higher")) counts.alarm += 1;
        if (effect === 0.1 && outcome.verdict === "higher") counts.power += 1;
        if (outcome.ciPct && outcome.ciPct.low <= truth && truth <= outcome.ciPct.high) counts.covered += 1;
        if (!outcome.ciPct) counts.none += 1;
        counts.tested += 1;
      }
    }
    return {
      shape, n, method, reps, falseAlarm: counts.alarm / reps, coverage: counts.covered / counts.tested, power: counts.power / reps,
      none: counts.none / counts.tested,
    };
  });
}
