/**
 * Bisect: the first commit on the first-parent path from GOOD to BAD whose primary
 * measurement is significantly slower than GOOD by at least the threshold.
 *
 * First the check: BAD against GOOD. Unless BAD is slow there is nothing to look for
 * (outcome "not-reproducible"; "inconclusive" when the runs cannot tell). Then a binary
 * search: each step compares the midpoint of the commits still in question with GOOD —
 * slow: the answer is at or before it; good: after it.
 *
 * Each step decides on its interval (stats/threshold.ts), never on the point estimate:
 * slow when the whole interval lies beyond the threshold (and p is below the step's
 * level), good when the interval's slow end is below it, and otherwise — the interval
 * straddles the threshold, or there is none yet — it is measured again with more runs,
 * up to the source's attempts. A step still undecided then is reported as undecided and
 * never counted as good: the search goes on past it (as if good, to narrow the range)
 * but can no longer name one commit unless a later step settles it (a commit judged good
 * after it makes it good too: the search assumes one step up). The outcome is then
 * "inconclusive", with the earliest commit known slow as `first` (its `parent` the last
 * commit known good) and every commit between them in `suspects`. The measuring is the
 * caller's (`PairSource`), so the search itself is a pure loop.
 *
 * A search tests up to maxSteps commits that did not change, and one false "slow" sends it
 * to the wrong commit: a step calls a commit slow only at p below ALPHA / maxSteps
 * (Bonferroni over the steps), so the whole search is misled at most ALPHA of the time. A
 * step that is slower by the threshold but not yet at that level is measured again.
 */
import { UserError } from "../errors.ts";
import { gateDecision } from "../stats/threshold.ts";
import { ALPHA } from "../stats/verdict.ts";
import type { CachedFile } from "./cache.ts";
import { compareFiles } from "./figures.ts";
import type { BisectReport, BisectStep, CommitFacts, Figures, FirstSlow, Judgement } from "../model/history.ts";
import { HISTORY_FORMAT_VERSION } from "../model/history.ts";

/** Whether a step's wall time says how long the next ones take: only a step measured now (the check, or a step read from the cache, takes next to nothing). */
export function setsPace(step: Pick<BisectStep, "kind" | "cached">): boolean {
  return step.kind !== "check" && !step.cached;
}

export interface MeasuredPair {
  baseline: CachedFile;
  candidate: CachedFile;
  /** Both read from the cache. */
  cached: boolean;
}

/**
 * Measures (or finds in the cache) `candidate` against good; attempt 0 first, more runs on
 * each later attempt. Calls `measuring` just before it starts measuring (not for the cache).
 */
export interface PairSource {
  measure(candidate: CommitFacts, attempt: number, kind: "check" | "step", measuring: () => void): Promise<MeasuredPair>;
  /** Attempts per step before it is left undecided. */
  attempts: number;
}

export interface BisectOptions {
  /** [good, ..., bad] on the first-parent path. */
  path: CommitFacts[];
  thresholdPct: number;
  measurement: string;
  metric: BisectReport["metric"];
  metricSource: BisectReport["metricSource"];
  /** Called before a commit is measured (not when the cache has it) and after each step is judged. */
  onMeasure?: (commit: CommitFacts, kind: "check" | "step", attempt: number, number: number) => void;
  onStep?: (step: BisectStep) => void;
  /** `--max-time`: no step starts that would likely end after this (performance.now() ms); the search then ends inconclusive. */
  deadline?: number;
  /** Decides a step instead of its figures (`--why MODULE`: slow when the module is loaded). */
  slowIf?: (pair: MeasuredPair) => boolean;
}

/**
 * slow, good, measure again — or undecided at once when the commit's import failed (more
 * runs would not help). `level`: the p a slow verdict needs (the check's ALPHA, a step's
 * stepLevel).
 *
 * With an interval: the threshold decision on it (stats/threshold.ts) — regression is
 * slow (at p ≤ level), ok is good, undecided (the interval straddles the threshold) is
 * "again". A threshold of 0 keeps its meaning: significantly slower is slow, any other
 * verdict good. Without one (too few runs, or figures made by hand) the verdict and the
 * could-detect figure decide, as before.
 */
export function judge(figures: Figures, thresholdPct: number, level = ALPHA): Judgement | "again" {
  if (figures.reason?.kind === "failed" || figures.reason?.kind === "missing") return "undecided";
  if (figures.ciPct && figures.verdict !== "inconclusive") {
    const { decision } = gateDecision({ ciPct: figures.ciPct, verdict: figures.verdict }, thresholdPct);
    if (decision === "regression") return figures.pValue !== null && figures.pValue > level ? "again" : "slow";
    return decision === "ok" ? "good" : "again";
  }
  switch (figures.verdict) {
    case "slower":
      if (figures.estimatePct === null || -figures.estimatePct < thresholdPct) return "good";
      return figures.pValue !== null && figures.pValue > level ? "again" : "slow";
    case "faster":
      return "good";
    case "no-change":
      // "No change" rules out a threshold-sized slowdown when the runs could have seen one.
      if (thresholdPct === 0) return "good";
      return figures.mdePct !== null && figures.mdePct <= thresholdPct ? "good" : "again";
    default:
      return "again";
  }
}

/** Steps a binary search over `commits` candidates takes at most (bad known slow). */
export function maxSteps(commits: number): number {
  return commits <= 1 ? 0 : Math.ceil(Math.log2(commits));
}

/** The p a step's slow verdict needs in a search over `commits` candidates. */
export function stepLevel(commits: number): number {
  return ALPHA / Math.max(1, maxSteps(commits));
}

export async function bisect(source: PairSource, options: BisectOptions): Promise<BisectReport> {
  const { path, thresholdPct } = options;
  const n = path.length - 1;
  const level = stepLevel(n);
  const files = new Map<number, CachedFile>();
  const steps: BisectStep[] = [];
  const durations: number[] = [];
  let undecided = 0;
  /** A step that starts now would likely end after the deadline. */
  const outOfTime = () => {
    if (options.deadline === undefined) return false;
    const typical = [...durations].sort((a, b) => a - b)[Math.floor((durations.length - 1) / 2)] ?? 0;
    return performance.now() + typical > options.deadline;
  };

  const run = async (position: number, kind: "check" | "step", stepsLeft: number): Promise<BisectStep> => {
    const commit = path[position]!;
    let outcome: Judgement | "again" = "again";
    let figures: Figures | null = null;
    let pair: MeasuredPair | null = null;
    let attempts = 0;
    const started = performance.now();
    while (outcome === "again" && attempts < Math.max(1, source.attempts)) {
      const attempt = attempts;
      pair = await source.measure(commit, attempt, kind, () => options.onMeasure?.(commit, kind, attempt, steps.length));
      attempts += 1;
      figures = compareFiles(pair.baseline.result, pair.candidate.result, options.measurement).figures;
      outcome = options.slowIf ? (options.slowIf(pair) ? "slow" : "good") : judge(figures, thresholdPct, kind === "check" ? ALPHA : level);
    }
    durations.push(performance.now() - started);
    const judgement: Judgement = outcome === "again" ? "undecided" : outcome;
    if (judgement === "undecided" && kind === "step") undecided += 1;
    files.set(0, pair!.baseline);
    files.set(position, pair!.candidate);
    const step: BisectStep = {
      number: steps.length, kind, commit, position, stepsLeft, figures: figures!, judgement, attempts, cached: pair!.cached,
      files: [pair!.baseline.path, pair!.candidate.path],
    };
    steps.push(step);
    options.onStep?.(step);
    return step;
  };

  const report: BisectReport = {
    formatVersion: HISTORY_FORMAT_VERSION, kind: "bisect", good: path[0]!, bad: path[n]!, commits: n, maxSteps: maxSteps(n), stepLevel: level,
    thresholdPct, metric: options.metric, metricSource: options.metricSource, steps, outcome: "not-reproducible", first: null,
    undecided: 0, countsMissing: false, undecidedSteps: [], suspects: [],
  };
  const check = await run(n, "check", maxSteps(n));
  const reason = check.figures.reason;
  if (reason?.kind === "failed" || reason?.kind === "missing") {
    const which = reason.side === "baseline" ? `good ${path[0]!.commit.slice(0, 9)}` : `bad ${path[n]!.commit.slice(0, 9)}`;
    const what = reason.kind === "failed" ? `failed: ${reason.message}` : "was not measured";
    throw new UserError(`${options.measurement} at ${which} ${what}; a bisect needs both ends measured (fix the import, or choose other commits)`);
  }
  report.countsMissing = options.metric === "instructions" && check.figures.headline !== "instructions";
  if (check.judgement === "undecided") {
    report.outcome = "inconclusive";
    report.undecidedSteps = [check.number];
    return report;
  }
  if (check.judgement !== "slow") return report;

  // Invariant: path[low] is good, good itself, or undecided (searched past as if good);
  // path[high] is slow. `lastGood`: the latest position known good.
  let low = 0;
  let high = n;
  let lastGood = 0;
  while (high - low > 1) {
    if (outOfTime()) {
      report.stopped = { reason: "max-time", steps: steps.length - 1 };
      break;
    }
    const middle = Math.floor((low + high) / 2);
    const afterSlow = maxSteps(middle - low);
    const afterGood = maxSteps(high - middle);
    const step = await run(middle, "step", Math.max(afterSlow, afterGood));
    if (step.judgement === "slow") high = middle;
    else low = middle;
    if (step.judgement === "good") lastGood = middle;
  }
  // A commit judged good after an undecided one makes it good (one step up): only the
  // undecided steps after the last good one keep the answer open.
  const open = steps.filter((step) => step.kind === "step" && step.judgement === "undecided" && step.position > lastGood);
  report.undecided = undecided;
  report.undecidedSteps = steps.filter((step) => step.judgement === "undecided").map((step) => step.number);
  report.outcome = open.length || report.stopped ? "inconclusive" : "found";
  report.suspects = path.slice(lastGood + 1, high + 1);
  report.first = firstSlow(path, open.length ? lastGood : low, high, files, steps, options.measurement);
  return report;
}

function firstSlow(path: CommitFacts[], low: number, high: number, files: Map<number, CachedFile>, steps: BisectStep[], measurement: string): FirstSlow {
  const parentFile = files.get(low)!;
  const commitFile = files.get(high)!;
  const judged = [...steps].reverse().find((step) => step.position === high)!;
  const { comparison } = compareFiles(parentFile.result, commitFile.result, measurement);
  return {
    commit: path[high]!,
    parent: path[low]!,
    figures: judged.figures,
    moduleDiff: comparison?.moduleDiff ?? null,
    moduleCounts: comparison?.moduleCounts ?? [],
    lazyTurnedEager: comparison?.lazy.filter((row) => row.change === "now-eager") ?? [],
    files: { parent: parentFile.path, commit: commitFile.path },
  };
}
