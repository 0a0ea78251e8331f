/**
 * What `--bisect` and `--history` were asked for, checked before anything is created:
 * the flags that go together, the commits (resolved, GOOD an ancestor of BAD), the metric
 * (for a bisect, instructions when a counter is found and none was asked for), the
 * configuration, the output and cache folders. Every problem is one line, exit 2.
 */
import { join } from "node:path";
import type { Config } from "../config.ts";
import { UserError } from "../errors.ts";
import { subdirectory } from "../git/tree.ts";
import type { Counter } from "../measure/counter.ts";
import { defaultPython, resolvePython } from "../measure/python.ts";
import type { MeasureArgs, ReportArgs } from "../options.ts";
import type { ParsedArgs } from "../settings.ts";
import { numberValue, stringValue } from "../settings.ts";
import { checkReportFormats, checkReportPaths } from "../render/emit.ts";
import type { Reporter } from "../render/progress.ts";
import { start } from "../startup.ts";
import { cacheKey, ResultCache } from "./cache.ts";
import { type CommitPath, commitPath, parseRange, parseShard, type Shard } from "./commits.ts";
import { type BisectReport, DEFAULT_THRESHOLD_PCT } from "../model/history.ts";
import type { EnvChoice } from "../env/plan.ts";

export type Question =
  | { kind: "bisect"; good: string; bad: string }
  | { kind: "history"; range: string; every: number; shard: Shard | null };

export interface Setup {
  question: Question;
  path: CommitPath;
  thresholdPct: number;
  top: string;
  subdir: string;
  target: string;
  config: Config;
  metricSource: BisectReport["metricSource"];
  counter: Counter | null;
  outDir: string;
  cache: ResultCache;
  cacheFor: (config: Config) => ResultCache;
  /** The measurement the questions are about. */
  measurement: string;
  reporter: Reporter;
  /** The environment mode of every commit, decided over the whole path (env/commits.ts); undefined with an install command. */
  envChoice?: EnvChoice;
}

/** The flags, checked for what goes together (nothing is read or created yet). */
export function parseQuestion(args: ParsedArgs, report: ReportArgs): Question {
  const history = stringValue(args, "history");
  const bisect = args.values.bisect === true;
  if (bisect && history !== undefined) throw new UserError("--bisect and --history are two different questions; give one");
  for (const flag of ["aa", "interactive"]) {
    if (args.values[flag] !== undefined) throw new UserError(`--${flag} does not go with --${bisect ? "bisect" : "history"}`);
  }
  if (report.failOnRegressionPct !== undefined) throw new UserError(`--fail-on-regression does not go with --${bisect ? "bisect" : "history"} (a bisect exits 1 when the slowdown does not reproduce)`);
  if (bisect) {
    for (const flag of ["every", "shard"]) if (args.values[flag] !== undefined) throw new UserError(`--${flag} goes with --history, not --bisect`);
    checkReportFormats(report, "bisect", "a bisect");
    if (args.positionals.length !== 2) {
      throw new UserError(`--bisect needs two refs, GOOD then BAD (e.g. --bisect v1.0 main); got ${args.positionals.length}`);
    }
    return { kind: "bisect", good: args.positionals[0]!, bad: args.positionals[1]! };
  }
  if (args.positionals.length) throw new UserError(`--history takes the range as its value (--history OLD..NEW), not refs (got ${args.positionals.join(" ")})`);
  checkReportFormats(report, "trend", "--history");
  const shard = stringValue(args, "shard");
  return { kind: "history", range: history!, every: numberValue(args, "every") ?? 1, shard: shard === undefined ? null : parseShard(shard) };
}

/**
 * Resolves everything through the one start-up (target, configuration, folders, signal
 * handlers, reporter), then the commits, the metric and the cache. `findCounter` is
 * measure/counter.ts's detectCounter (passed in, so a history with --metric time never
 * probes for one).
 */
export async function prepare(
  question: Question, args: ParsedArgs, options: MeasureArgs, report: ReportArgs, findCounter: () => Promise<Counter | null>, how: { tool: string; toolVersion: string },
): Promise<Setup> {
  const started = await start(options, {
    tool: how.tool, onStop: "stopping; removing worktrees", git: true,
    // JSON on stdout: progress goes to stderr.
    jsonOnStdout: report.format === "json" && report.output === null,
    check: (config) => {
      if (config.python.length > 1) {
        throw new UserError(`--${question.kind} measures under one interpreter (got ${config.python.join(", ")}); run one per interpreter, each with its own --python`);
      }
      const measurement = report.primary ?? config.imports[0]!.name;
      if (!config.imports.some((spec) => spec.name === measurement)) {
        throw new UserError(`--primary ${measurement}: not a configured measurement (${config.imports.map((spec) => spec.name).join(", ")})`);
      }
      checkReportPaths(report);
      if (args.values["drop-caches"]) (require("../measure/executor.ts") as typeof import("../measure/executor.ts")).checkDropCaches();
    },
  });
  const { target, config, outDir } = started;
  const top = started.top!;
  const path = question.kind === "bisect"
    ? commitPath(top, question.good, question.bad, { from: "GOOD", to: "BAD" })
    : (() => {
      const range = parseRange(question.range);
      return commitPath(top, range.from, range.to, { from: "the range's start", to: "the range's end" });
    })();
  if (question.kind === "history" && path.commits.length < 2) throw new UserError(`--history ${question.range}: one commit is no trend`);
  const thresholdPct = numberValue(args, "threshold") ?? DEFAULT_THRESHOLD_PCT;

  // A bisect's metric, when none was asked for: modules when the ends load different
  // modules (measured first, run.ts), else instructions when a counter exists, else time.
  let metricSource: BisectReport["metricSource"] = "asked";
  let counter = started.counting?.counter ?? null;
  if (question.kind === "bisect" && !config.given.includes("metric")) {
    counter = await findCounter();
    config.metric = counter ? "instructions" : "time";
    metricSource = counter ? "counter-found" : "no-counter";
  }
  if (question.kind === "bisect" && options.why !== undefined) {
    config.metric = "modules";
    metricSource = "why-module";
  }
  const measurement = report.primary ?? config.imports[0]!.name;
  const subdir = subdirectory(top, target);
  const python = await resolvePython(config.python[0] ?? defaultPython(target), target);
  // Environments: one mode for every commit of the path, and in the cache key (files measured in other environments never mix).
  const { checkEnvSetting, findUv } = await import("../env/attach.ts");
  checkEnvSetting(config);
  const { decideForCommits } = await import("../env/commits.ts");
  const worktreePython = config.python[0] ? python : await resolvePython("python3", target);
  const decided = await decideForCommits(top, subdir, path.commits.map((facts) => facts.commit), config, worktreePython, findUv() !== null);
  const env = decided && decided.choice.mode !== "none" ? { mode: decided.choice.mode, install_tree: config.install_tree, extras: config.extras } : null;
  // The cache of measurements made with a configuration (a bisect may pick its metric later).
  const cacheFor = (settings: Config) =>
    new ResultCache(join(outDir, "cache"), cacheKey({ config: settings, subdir, python, counter, toolVersion: how.toolVersion, env }), args.values["no-cache"] !== true);
  const cache = cacheFor(config);
  return {
    question, path, thresholdPct, top, subdir, target, config, metricSource, counter, outDir, cache, cacheFor, measurement, reporter: started.reporter,
    envChoice: decided?.choice,
  };
}
