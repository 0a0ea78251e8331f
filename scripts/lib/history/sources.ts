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
import { planRounds } from "../measure/plan.ts";
import type { PairSource } from "./bisect.ts";
import type { CachedFile } from "./cache.ts";
import { inShard, type Shard } from "./commits.ts";
import { bestCached, cachedPair, type MeasureContext, measureCommits, runs } from "./measure.ts";
import type { CommitFacts } from "../model/history.ts";
import type { PointInput } from "./trend.ts";

/** Trees measured together in one history batch. */
export const BATCH = 8;

/** Whether this configuration counts instructions (the headline of its comparisons). */
export function counting(config: Config): boolean {
  return config.metric === "instructions";
}

/** Whether a comparison of two commits pairs their rounds: only wall time drifts with the machine. */
export function pairs(config: Config): boolean {
  return config.metric === "time";
}

/** The configuration for a measurement with at least `rounds` timed rounds (more on a later attempt). */
export function withRounds(config: Config, rounds: number, iterationsAsked: boolean): Config {
  if (!pairs(config)) return iterationsAsked ? config : { ...config, iterations: 1, max_iterations: 1 };
  const iterations = Math.max(config.iterations, rounds);
  return { ...config, iterations, max_iterations: Math.max(config.max_iterations, iterations) };
}

/** Runs a file needs before it can answer: counts for the unpaired test, time for the paired one. */
export function runsNeeded(config: Config, level: number, paired: boolean): number {
  return counting(config) ? runsForLevel(level, false) : runsForLevel(level, paired);
}

/** Runs of the deciding quantity a measurement with `config` has (what the cache must hold to be reused). */
function plannedRuns(config: Config): number {
  const plan = planRounds(config);
  return counting(config) ? plan.counted : plan.timed;
}

/**
 * A bisect's measurements. The steps measure what decides them and nothing else (no
 * -X importtime, no why runs: the answer's diff is measured once at the end). Rounds are
 * planned for the step's level (measure/plan.ts). Wall time: each step measures the commit
 * with GOOD, paired, with twice then four times the runs when undecided. Instructions and
 * modules do not drift: GOOD is measured once (with BAD, for the check), each midpoint
 * alone; instructions get a second attempt with twice the rounds, modules are exact.
 */
export function bisectSource(
  good: CommitFacts, config: Config, context: MeasureContext, options: { thresholdPct: number; iterationsAsked: boolean; level: number },
): PairSource {
  const paired = pairs(config);
  const base: Config = {
    ...withRounds({ ...config, precision: precisionFor(config, options.thresholdPct) }, runsNeeded(config, options.level, true), options.iterationsAsked),
    level: options.level, explain: false, importtime_runs: 0,
  };
  let goodFile: CachedFile | null = null;
  return {
    attempts: config.metric === "modules" ? 1 : paired ? 3 : 2,
    async measure(candidate, attempt, kind, measuring) {
      const scale = 2 ** attempt;
      const config = attempt === 0 ? base : { ...base, iterations: plannedRuns(base) * scale, max_iterations: Math.max(base.max_iterations, plannedRuns(base)) * scale, given: [...base.given, "iterations"] };
      const need = plannedRuns(config);
      if (!paired && kind === "step" && goodFile) {
        const cached = bestCached(candidate.commit, need, context);
        if (cached) return { baseline: goodFile, candidate: cached, cached: true };
        measuring();
        const [file] = await measureCommits([candidate], config, context);
        return { baseline: goodFile, candidate: file!, cached: false };
      }
      const pair = attempt === 0 ? cachedPair(good.commit, candidate.commit, need, context) ?? (paired ? null : unpairedPair(good, candidate, need, context)) : null;
      if (!pair) measuring();
      const [baseline, measured] = pair ?? await measureCommits([good, candidate], config, context);
      if (!paired) goodFile = baseline!;
      return { baseline: baseline!, candidate: measured!, cached: pair !== null };
    },
  };
}

/** Two cached files of unpaired metrics need not come from one invocation. */
function unpairedPair(good: CommitFacts, candidate: CommitFacts, need: number, context: MeasureContext): [CachedFile, CachedFile] | null {
  const a = bestCached(good.commit, need, context);
  const b = bestCached(candidate.commit, need, context);
  return a && b ? [a, b] : null;
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
export async function historyPoints(
  plan: HistoryPlan, context: MeasureContext, say: (batch: CommitFacts[], index: number, total: number) => void, deadline?: number,
): Promise<{ inputs: PointInput[]; measured: number; skipped: number }> {
  const { points, shard } = plan;
  const mine = points.map((_, index) => inShard(index, shard));
  const cached = points.map((point, index) => (mine[index] ? context.cache.files(point.commit).filter((file) => runs(file, context) >= plan.rounds) : []));
  const measure = points.map((_, index) => mine[index]! && cached[index]!.length === 0);
  const batches = historyBatches(points, measure, shard, !counting(plan.config));
  const fresh = new Map<string, CachedFile[]>();
  const times: number[] = [];
  let skipped = 0;
  for (const [index, batch] of batches.entries()) {
    const typical = [...times].sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)] ?? 0;
    if (deadline !== undefined && performance.now() + typical > deadline) {
      skipped = batches.slice(index).reduce((sum, rest) => sum + rest.length, 0);
      break;
    }
    say(batch, index, batches.length);
    const started = performance.now();
    const files = await measureCommits(batch, plan.config, context);
    times.push(performance.now() - started);
    files.forEach((file) => fresh.set(file.commit, [...(fresh.get(file.commit) ?? []), file]));
  }
  const inputs: PointInput[] = [];
  points.forEach((facts, index) => {
    if (!mine[index]) return;
    const own = fresh.get(facts.commit) ?? [];
    // Not measured before --max-time ran out, and not in the cache: no point.
    if (own.length === 0 && cached[index]!.length === 0) return;
    // Cached files of a commit measured now too: they pair with the neighbours they were measured with.
    const files = [...cached[index]!, ...own].map((file) => ({ path: file.path, result: file.result }));
    inputs.push({ facts, files, cached: own.length === 0 });
  });
  return { inputs, measured: measure.filter(Boolean).length - skipped, skipped };
}
