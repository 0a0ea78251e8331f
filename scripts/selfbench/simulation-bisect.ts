/**
 * The bisect model (the issue "Verdicts II", gap 5): the real search (history/bisect.ts,
 * with its judge) driven by a fake PairSource that draws seeded samples instead of
 * running Python. 16 commits after GOOD; one of them, chosen at random, makes the import
 * 15% slower (every commit from it on carries the step); each run's time is 10 ms ×
 * e^(0.15 Z) (lognormal noise, σ = 15%); threshold 5%. Each measurement is a paired run of
 * GOOD and the commit with 30 rounds on the first attempt, 60 and 120 on the two more the
 * source allows — what bisectSource (history/sources.ts) plans at this noise, where the
 * scheduler never reaches a 5% precision and goes to --max-iterations (30), doubled per
 * attempt.
 *
 * Counted per bisect: the right commit named; a wrong one (too early or too late) — also
 * an inconclusive answer whose suspects miss the real commit; inconclusive with the real
 * commit among the suspects (honest, not wrong); not reproducible (the check did not see
 * BAD slow).
 */
import { bisect, type PairSource } from "../lib/history/bisect.ts";
import type { CachedFile } from "../lib/history/cache.ts";
import type { CommitFacts } from "../lib/model/history.ts";
import { type LoadedResult, validateResult } from "../lib/result/read.ts";
import { mulberry32, normal, splitmix32 } from "./random.ts";

export const BISECT_MODEL = { commits: 16, stepPct: 15, noisePct: 15, thresholdPct: 5, rounds: [30, 60, 120], baseMs: 10 } as const;

export interface BisectFigures {
  trials: number;
  model: typeof BISECT_MODEL;
  /** Shares of the bisects. */
  correct: number;
  wrong: number;
  wrongEarly: number;
  wrongLate: number;
  /** Inconclusive, the real first slow commit among the suspects. */
  inconclusive: number;
  notReproducible: number;
  /** Mean suspects of an inconclusive answer. */
  meanSuspects: number | null;
  /** Mean measurements (pairs measured) per bisect, and mean steps left undecided. */
  meanMeasurements: number;
  meanUndecided: number;
  /** Monte-Carlo standard error of `wrong`. */
  wrongError: number;
}

/** Commit facts for a position on the model's path. */
export function facts(position: number): CommitFacts {
  return {
    commit: (position + 1).toString(16).padStart(40, "0"), subject: `commit ${position}`, author: "A <a@example.com>",
    date: "2024-01-01T00:00:00Z", depth: position + 1,
  };
}

/** A result file of `samples` (ms) for `commit`, as the cache would hand it to bisect(). */
export function resultFile(commit: CommitFacts, samples: number[], runId: string): CachedFile {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const stats = { n: samples.length, min: sorted[0]!, max: sorted[sorted.length - 1]!, mean: median, median, stddev: 0, mad: 0, p25: median, p75: median };
  const loaded: LoadedResult = validateResult({
    timestamp: 1_700_000_000,
    python_version: "3.11.7",
    measurements: { pkg_total: { ...stats, iterations: samples.length, samples, statement: "import pkg", quantities: { import_ms: { ...stats, samples } } } },
    module_counts: { total: 100, filtered: 3 },
    schema_version: 1,
    git: { ref: commit.commit.slice(0, 12), commit: commit.commit, dirty: false },
    run_id: runId,
    environment: { python: "/usr/bin/python3", python_version: "3.11.7", platform: "Linux", cpu: "cpu", pyc: "warm", env: {}, metric: "time" },
    modules: { after: "import pkg", package: "pkg", loaded: [] },
    failures: {},
  }, `${commit.commit.slice(0, 8)}-${runId}.json`);
  return { path: loaded.source, result: loaded, commit: commit.commit };
}

export async function simulateBisect(trials: number, seed = 20261126): Promise<BisectFigures> {
  const { commits, stepPct, noisePct, thresholdPct, rounds, baseMs } = BISECT_MODEL;
  const path = Array.from({ length: commits + 1 }, (_, position) => facts(position));
  const counts = { correct: 0, early: 0, late: 0, inconclusive: 0, notReproducible: 0, suspects: 0, measurements: 0, undecided: 0 };
  for (let trial = 0; trial < trials; trial += 1) {
    const random = mulberry32(splitmix32(seed ^ Math.imul(trial + 1, 0x9e3779b1)));
    const firstSlow = 1 + Math.floor(random() * commits);
    const run = (position: number) => Number((baseMs * (position >= firstSlow ? 1 + stepPct / 100 : 1) * Math.exp((noisePct / 100) * normal(random))).toFixed(3));
    const source: PairSource = {
      attempts: rounds.length,
      async measure(candidate, attempt) {
        counts.measurements += 1;
        const position = candidate.depth! - 1;
        const n = rounds[Math.min(attempt, rounds.length - 1)]!;
        const runId = `t${trial}-${position}-${attempt}`;
        const good: number[] = [];
        const measured: number[] = [];
        for (let round = 0; round < n; round += 1) {
          good.push(run(0));
          measured.push(run(position));
        }
        return { baseline: resultFile(path[0]!, good, runId), candidate: resultFile(candidate, measured, runId), cached: false };
      },
    };
    const report = await bisect(source, { path, thresholdPct, measurement: "pkg_total", metric: "time", metricSource: "asked" });
    counts.undecided += report.undecidedSteps.length;
    if (report.outcome === "not-reproducible") counts.notReproducible += 1;
    else if (report.outcome === "found") {
      const named = report.first!.commit.depth! - 1;
      if (named === firstSlow) counts.correct += 1;
      else if (named < firstSlow) counts.early += 1;
      else counts.late += 1;
    } else if (report.suspects.some((commit) => commit.depth! - 1 === firstSlow)) {
      counts.inconclusive += 1;
      counts.suspects += report.suspects.length;
    } else if (report.suspects.length && report.suspects[0]!.depth! - 1 > firstSlow) {
      counts.late += 1;
    } else {
      counts.early += 1;
    }
  }
  const wrong = (counts.early + counts.late) / trials;
  return {
    trials,
    model: BISECT_MODEL,
    correct: counts.correct / trials,
    wrong,
    wrongEarly: counts.early / trials,
    wrongLate: counts.late / trials,
    inconclusive: counts.inconclusive / trials,
    notReproducible: counts.notReproducible / trials,
    meanSuspects: counts.inconclusive ? counts.suspects / counts.inconclusive : null,
    meanMeasurements: counts.measurements / trials,
    meanUndecided: counts.undecided / trials,
    wrongError: Math.sqrt((wrong * (1 - wrong)) / trials),
  };
}
