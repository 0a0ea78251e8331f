/**
 * The simulation's noise shapes (see simulation.ts for what each one is), their draws and
 * the timer grid the values are rounded to: shared by the cells, the stretched slow half
 * and the tail-method study.
 */
import { exponential, normal, splitmix32 } from "./random.ts";

export const SHAPES = ["lognormal", "exp-tail", "bursts", "drift", "contention", "rare-fast", "ticks", "round-bursts"] as const;
export type Shape = (typeof SHAPES)[number];
export const FLOOR_MS = 30;
/** The ticks shape: a 2 ms import on a 0.1 ms timer. */
const TICK_IMPORT_MS = 2;
/** Each shape's timer grid, values per ms: result files keep 0.001 ms; the ticks shape's timer gives 0.1 ms. */
export const PER_MS: Record<Shape, number> = {
  lognormal: 1000, "exp-tail": 1000, bursts: 1000, drift: 1000, contention: 1000, "rare-fast": 1000, ticks: 10, "round-bursts": 1000,
};
export const MAX_ROUNDS = 30;

/**
 * One comparison's noise: `rounds` (MAX_ROUNDS) rounds of (baseline, candidate) run times
 * in ms with no effect. `n` is the comparison's starting size (the drift happens at n/2).
 */
export function drawRounds(shape: Shape, n: number, random: () => number, rounds = MAX_ROUNDS): { baseline: number[]; candidate: number[] } {
  const sigma = Math.sqrt(Math.log(1 + 0.05 ** 2));
  const jitter = () => FLOOR_MS * (1 + exponential(random, 0.015));
  const run: Record<Shape, (round: number, contended: boolean) => number> = {
    lognormal: () => FLOOR_MS * Math.exp(sigma * normal(random)),
    "exp-tail": () => FLOOR_MS * (1 + exponential(random, 0.05)),
    bursts: () => jitter() * (random() < 0.1 ? 1.3 + 0.3 * random() : 1),
    drift: (round) => jitter() * (round >= Math.floor(n / 2) ? 1.1 : 1),
    contention: (_, contended) => jitter() * (contended ? 1.3 + 0.4 * random() : 1),
    "rare-fast": () => jitter() * (random() < 0.15 ? 0.97 : 1),
    ticks: () => TICK_IMPORT_MS * Math.exp(sigma * normal(random)),
    "round-bursts": () => jitter(),
  };
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const contended = random() < 0.75;
    baseline.push(run[shape](round, contended));
    candidate.push(run[shape](round, contended));
    if (shape === "round-bursts" && random() < 0.1) {
      const factor = 1.2 + 0.8 * random();
      if (random() < 0.5) baseline[round] = baseline[round]! * factor;
      else candidate[round] = candidate[round]! * factor;
    }
  }
  return { baseline, candidate };
}

/** The lowest time a run can take (the true floor), or null when there is none. */
export function floorOf(shape: Shape): number | null {
  if (shape === "lognormal" || shape === "ticks") return null;
  return shape === "rare-fast" ? FLOOR_MS * 0.97 : FLOOR_MS;
}

export const round3 = (value: number) => Math.round(value * 1000) / 1000;

export interface Draw {
  baseline: number[];
  candidate: number[];
  /** Values per unit on the shape's timer grid (1000: 0.001 ms; 10: a 0.1 ms tick). */
  perMs?: number;
}

export function withEffect(draw: Draw, effect: number, rounds: number): Draw {
  const perMs = draw.perMs ?? 1000;
  const onGrid = perMs === 1000 ? round3 : (value: number) => Math.round(value * perMs) / perMs;
  return {
    baseline: draw.baseline.slice(0, rounds).map(onGrid),
    candidate: draw.candidate.slice(0, rounds).map((value) => onGrid(value * (1 + effect))),
  };
}


export function seedFor(base: number, shape: number, n: number, rep: number): number {
  return splitmix32(splitmix32(splitmix32(base ^ (shape * 0x27d4eb2d)) ^ (n * 0x165667b1)) ^ rep);
}

