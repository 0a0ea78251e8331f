/**
 * Measuring commits for a bisect or a history: measureRefs (worktrees, dependency step,
 * interleaved runs) with the files going into the cache, and the files of the cache found
 * again — one commit's, or a pair measured in one invocation (same run_id: paired rounds).
 * Progress from measureRefs is kept to its spinner: the bisect and history print their
 * own lines.
 */
import type { Config } from "../config.ts";
import type { Counter } from "../measure/counter.ts";
import type { MeasureEvent } from "../measure/scheduler.ts";
import type { QuantityKey } from "../quantities.ts";
import { type EnvRunOptions, measureRefs, type Target } from "../refs.ts";
import type { Reporter } from "../render/progress.ts";
import type { Environment } from "../result/schema.ts";
import { type CachedFile, type ResultCache, runsOf } from "./cache.ts";
import type { CommitFacts } from "../model/history.ts";

export interface MeasureContext {
  top: string;
  subdir: string;
  target: string;
  cache: ResultCache;
  /** Shows measureRefs' progress (its spinner); its lines are dropped. */
  reporter: Reporter;
  tool: string;
  toolVersion: string;
  dropCaches: boolean;
  counter?: Counter;
  environment?: Partial<Environment>;
  /** The measurement the questions are about, and the quantity that answers them. */
  measurement: string;
  headline: QuantityKey;
  /** The environment step's options: the mode decided over the path, --no-cache, where its lines go. */
  envs?: EnvRunOptions;
}

/** Only the spinner of `outer`: measureRefs' plain lines would drown the steps. */
export function spinnerOnly(outer: Reporter): Reporter {
  return {
    event: (event: MeasureEvent) => {
      if (event.kind === "run") outer.event(event);
    },
    line: () => {},
    stop: () => outer.stop(),
  };
}

/**
 * Measures `commits` in one interleaved run (one worktree each) with `config`; the files go
 * into the cache. Worktrees are gone when it returns or throws.
 */
export async function measureCommits(commits: readonly CommitFacts[], config: Config, context: MeasureContext): Promise<CachedFile[]> {
  const { cache } = context;
  cache.prepare();
  const targets: Target[] = commits.map((facts) => ({ label: facts.commit.slice(0, 9), ref: facts.commit, fileRef: cache.fileRef(facts.commit) }));
  const run = await measureRefs(targets, {
    top: context.top, subdir: context.subdir, target: context.target, config, outDir: cache.dir, reporter: context.reporter,
    tool: context.tool, toolVersion: context.toolVersion, dropCaches: context.dropCaches, runId: crypto.randomUUID(),
    counter: context.counter, environment: context.environment, envs: context.envs,
    // A cache file names its commit for `compare --history`; the latest copy means nothing there.
    annotate: (result, index) => ({ ...result, history: cache.info(commits[index]!) }), latest: false,
  });
  return run.files.map((path, index) => cache.adopt(path, run.results[index]!, commits[index]!.commit));
}

/** Runs of the headline quantity in a file. */
export function runs(file: CachedFile, context: Pick<MeasureContext, "measurement" | "headline">): number {
  return runsOf(file.result, context.measurement, context.headline);
}

/** The cached file of `commit` with the most runs (the newest of equals), if it has at least `minRuns`. */
export function bestCached(commit: string, minRuns: number, context: MeasureContext): CachedFile | null {
  const files = context.cache.files(commit).filter((file) => runs(file, context) >= minRuns);
  return files.reduce<CachedFile | null>((best, file) => (best === null || runs(file, context) >= runs(best, context) ? file : best), null);
}

/** Two cached files of one invocation (shared run_id), both with at least `minRuns`; the pair with the most runs. */
export function cachedPair(a: string, b: string, minRuns: number, context: MeasureContext): [CachedFile, CachedFile] | null {
  const first = context.cache.files(a).filter((file) => runs(file, context) >= minRuns && file.result.runId !== null);
  const second = context.cache.files(b).filter((file) => runs(file, context) >= minRuns);
  let best: [CachedFile, CachedFile] | null = null;
  for (const x of first) {
    for (const y of second) {
      if (y.result.runId !== x.result.runId) continue;
      const size = Math.min(runs(x, context), runs(y, context));
      if (best === null || size >= Math.min(runs(best[0], context), runs(best[1], context))) best = [x, y];
    }
  }
  return best;
}
