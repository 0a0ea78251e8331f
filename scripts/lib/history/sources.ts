/**
 * Where a bisect's pairs and a history's points come from: the cache when it holds them
 * with enough runs, else measureCommits. Also how many runs each question needs.
 *
 * - Wall time: a bisect step measures the commit and GOOD together, interleaved (paired
 *   rounds cancel the machine's drift); an undecided step is measured again with twice,
 *   then four times the runs. A history measures consecutive commits together in batches
 *   that overlap by one, with the cached neighbours of a new commit measured again beside
 *   it, so every change touching a new measurement is paired; each commit gets enough
 *   runs that a step can pass Holm's correction over all the changes.
 * - Counted instructions (metric instructions): counts do not drift, so they compare
 *   unpaired; a bisect measures GOOD once (with BAD, for the check) and then only each
 *   midpoint.
 */
import type { Config } from "../config.ts";
import { ALPHA } from "../stats/verdict.ts";
import { runsForLevel } from "../stats/multiple.ts";
import type { PairSource } from "./bisect.ts";
import type { CachedFile } from "./cache.ts";
import { inShard, type Shard } from "./commits.ts";
import { bestCached, cachedPair, type MeasureContext, measureCommits, runs } from "./measure.ts";
import type { CommitFacts } from "../model/history.ts";
import type { PointInput } from "./trend.ts";

/** Trees measured together in one history batch. */
export const BATCH = 8;
/** Timed rounds when instructions are counted and no --iterations was given: time is then a side figure. */
export const COUNTED_TIMED_ROUNDS = 3;

/** Whether this configuration counts instructions (the headline of its comparisons). */
export function counting(config: Config): boolean {
  return config.metric === "instructions";
}

/** The configuration for a measurement with at least `rounds` timed rounds (more on a later attempt). */
export function withRounds(config: Config, rounds: number, iterationsAsked: boolean): Config {
  if (counting(config)) {
    const timed = iterationsAsked ? config.iterations : COUNTED_TIMED_ROUNDS;
    return { ...config, iterations: timed, max_iterations: timed };
  }
  const iterations = Math.max(config.iterations, rounds);
  return { ...config, iterations, max_iterations: Math.max(config.max_iterations, iterations) };
}

/** Runs a file needs before it can answer: counts for the unpaired test, time for the paired one. */
export function runsNeeded(config: Config, level: number, paired: boolean): number {
  return counting(config) ? runsForLevel(level, false) : runsForLevel(level, paired);
}

/** `options.level`: the p a step must be able to reach (bisect's stepLevel), so every measurement has the runs for it. */
export function bisectSource(
  good: CommitFacts, config: Config, context: MeasureContext, options: { thresholdPct: number; iterationsAsked: boolean; level: number },
): PairSource {
  const counted = counting(config);
  // The scheduler's own "go on while noise hides a change" works to the threshold.
  const base = withRounds({ ...config, precision: precisionFor(config, options.thresholdPct) }, runsNeeded(config, options.level, true), options.iterationsAsked);
  let goodFile: CachedFile | null = null;
  return {
    attempts: counted ? 2 : 3,
    async measure(candidate, attempt, kind, measuring) {
      const scale = 2 ** attempt;
      const config = counted ? base : { ...base, iterations: base.iterations * scale, max_iterations: base.max_iterations * scale };
      const need = counted ? runsNeeded(config, options.level, false) : config.iterations;
      if (counted && kind === "step" && attempt === 0 && goodFile) {
        const cached = bestCached(candidate.commit, need, context);
        if (cached) return { baseline: goodFile, candidate: cached, cached: true };
        measuring();
        const [file] = await measureCommits([candidate], config, context);
        return { baseline: goodFile, candidate: file!, cached: false };
      }
      const pair = attempt === 0 ? cachedPair(good.commit, candidate.commit, need, context) : null;
      if (!pair) measuring();
      const [baseline, measured] = pair ?? await measureCommits([good, candidate], config, context);
      if (counted) goodFile = baseline!;
      return { baseline: baseline!, candidate: measured!, cached: pair !== null };
    },
  };
}

/** The batches of a history: runs of commits to measure, each with the commits before and after it, in groups of BATCH overlapping by one. */
export function historyBatches(points: readonly CommitFacts[], measure: readonly boolean[], shard: Shard | null, paired = true): CommitFacts[][] {
  const batches: CommitFacts[][] = [];
  if ((shard && shard.count > 1) || !paired) {
    // A shard's commits are never neighbours, and counts compare unpaired: just groups.
    const mine = points.filter((_, index) => measure[index]);
    for (let i = 0; i < mine.length; i += BATCH) batches.push(mine.slice(i, i + BATCH));
    return batches;
  }
  let index = 0;
  while (index < points.length) {
    if (!measure[index]) {
      index += 1;
      continue;
    }
    let end = index;
    while (end + 1 < points.length && measure[end + 1]) end += 1;
    // With both neighbours, so every change touching a new measurement is paired.
    const run = points.slice(Math.max(0, index - 1), Math.min(points.length, end + 2));
    for (let start = 0; ; start += BATCH - 1) {
      batches.push(run.slice(start, start + BATCH));
      if (start + BATCH >= run.length) break;
    }
    index = end + 1;
  }
  return batches;
}

export interface HistoryPlan {
  points: CommitFacts[];
  shard: Shard | null;
  /** Runs per commit a change needs to be able to pass the correction. */
  rounds: number;
  config: Config;
}

/** The precision the scheduler works to: a change of the threshold is what the question is about. */
export function precisionFor(config: Config, thresholdPct: number): number {
  return thresholdPct > 0 ? Math.min(thresholdPct, 99) : config.precision;
}

/** Runs per commit for a history of `points` points (Holm over points − 1 changes). */
export function historyConfig(config: Config, points: number, shard: Shard | null, options: { thresholdPct: number; iterationsAsked: boolean }): { config: Config; rounds: number } {
  const paired = !shard || shard.count === 1;
  const level = counting(config) ? ALPHA : ALPHA / Math.max(1, points - 1);
  const rounds = runsNeeded(config, level, paired);
  const precise = { ...config, precision: precisionFor(config, options.thresholdPct) };
  return { config: withRounds(precise, rounds, options.iterationsAsked), rounds: counting(config) ? runsForLevel(ALPHA, false) : rounds };
}

/**
 * Measures the history's points that the cache lacks (this shard's only) and returns every
 * point this invocation has, with its files. `say` reports each batch before it runs.
 */
export async function historyPoints(plan: HistoryPlan, context: MeasureContext, say: (batch: CommitFacts[], index: number, total: number) => void): Promise<{ inputs: PointInput[]; measured: number }> {
  const { points, shard } = plan;
  const mine = points.map((_, index) => inShard(index, shard));
  const cached = points.map((point, index) => (mine[index] ? context.cache.files(point.commit).filter((file) => runs(file, context) >= plan.rounds) : []));
  const measure = points.map((_, index) => mine[index]! && cached[index]!.length === 0);
  const batches = historyBatches(points, measure, shard, !counting(plan.config));
  const fresh = new Map<string, CachedFile[]>();
  for (const [index, batch] of batches.entries()) {
    say(batch, index, batches.length);
    const files = await measureCommits(batch, plan.config, context);
    files.forEach((file) => fresh.set(file.commit, [...(fresh.get(file.commit) ?? []), file]));
  }
  const inputs: PointInput[] = [];
  points.forEach((facts, index) => {
    if (!mine[index]) return;
    const own = fresh.get(facts.commit) ?? [];
    // Cached files of a commit measured now too: they pair with the neighbours they were measured with.
    const files = [...cached[index]!, ...own].map((file) => ({ path: file.path, result: file.result }));
    inputs.push({ facts, files, cached: own.length === 0 });
  });
  return { inputs, measured: measure.filter(Boolean).length };
}
