/**
 * `coldstart-bench --bisect GOOD BAD` and `--history RANGE`: set up (setup.ts), measure
 * through the cache (sources.ts), build the model (bisect.ts, trend.ts), render it
 * (render/bisect-terminal.ts, render/history-*.ts) and return the exit code:
 * bisect 0 found, 1 not reproducible; history 0; 2 bad input; 130/143 interrupted.
 */
import type { MeasureArgs, ReportArgs } from "../options.ts";
import type { ParsedArgs } from "../settings.ts";
import { VERSION } from "../settings.ts";
import { emit } from "../render/emit.ts";
import { formatDuration, metricDef } from "../quantities.ts";
import type { MeasureContext } from "./measure.ts";
import { spinnerOnly } from "./measure.ts";
import type { BisectReport } from "../model/history.ts";
import { parseQuestion, prepare, type Setup } from "./setup.ts";
import type { Config } from "../config.ts";
import { UserError } from "../errors.ts";
import type { CachedFile } from "./cache.ts";

interface Output {
  /** A progress line (stdout, or stderr when stdout carries JSON); none with --quiet. */
  say(text: string): void;
  /** A line of the answer: stdout, even with --quiet; progress on stderr when stdout carries JSON. */
  print(text: string): void;
  context: MeasureContext;
  stop(): void;
}

function output(setup: Setup, json: boolean, tool: string, dropCaches: boolean, fresh: boolean): Output {
  const { reporter } = setup;
  const environment = setup.counter ? { counter: `${setup.counter.name} ${setup.counter.version}` } : undefined;
  return {
    say: (text) => reporter.line(text),
    print: (text) => {
      if (json) reporter.line(text);
      else {
        reporter.stop();
        process.stdout.write(`${text}\n`);
      }
    },
    stop: () => reporter.stop(),
    context: {
      top: setup.top, subdir: setup.subdir, target: setup.target, cache: setup.cache, reporter: spinnerOnly(reporter), tool,
      toolVersion: VERSION, dropCaches, counter: setup.counter ?? undefined, environment,
      measurement: setup.measurement, headline: metricDef(setup.config.metric).headline,
      envs: { fresh, pinned: setup.envChoice, say: (text) => reporter.line(text) },
    },
  };
}

/** The modules a result file's measurement loads, by count of distinct module objects. */
function modulesOf(file: CachedFile, measurement: string): number | null {
  const samples = file.result.measurements[measurement]?.quantities.modules?.samples;
  return samples?.length ? samples[0]! : null;
}

async function runBisect(setup: Setup, out: Output, options: MeasureArgs, report: ReportArgs): Promise<number> {
  const { bisect, maxSteps, stepLevel, setsPace } = await import("./bisect.ts");
  const { bisectSource } = await import("./sources.ts");
  const { measureCommits } = await import("./measure.ts");
  const render = await import("../render/bisect-terminal.ts");
  const { stdoutPalette, plainPalette } = await import("../render/color.ts");
  const json = report.format === "json";
  const palette = json ? plainPalette : stdoutPalette();
  const commits = setup.path.commits;
  const [good, bad] = [commits[0]!, commits[commits.length - 1]!];
  const started = performance.now();
  const deadline = options.maxTimeMs === undefined ? undefined : started + options.maxTimeMs;

  // The two ends' module sets first (one run each, cached): when they differ, the commit that
  // added modules is found exactly and fast. With --why MODULE: the first commit that loads it.
  let { config, metricSource } = setup;
  const endsConfig: Config = { ...setup.config, metric: "modules", iterations: 1, max_iterations: 1, warmup: 0, importtime_runs: 0, explain: false, given: setup.config.given.filter((key) => key !== "iterations") };
  const contextFor = (settings: Config) => ({ ...out.context, cache: setup.cacheFor(settings), headline: metricDef(settings.metric).headline });
  let slowIf: ((pair: { candidate: CachedFile }) => boolean) | undefined;
  if (metricSource !== "asked") {
    out.say(`Loading ${shortCommitText(good.commit)} and ${shortCommitText(bad.commit)} once each: which modules do the two ends load?`);
    const [goodEnd, badEnd] = await measureCommits([good, bad], endsConfig, contextFor(endsConfig));
    const [before, after] = [modulesOf(goodEnd!, setup.measurement), modulesOf(badEnd!, setup.measurement)];
    if (metricSource === "why-module") {
      const module = options.why!;
      const loads = (file: CachedFile) => file.result.data.modules?.loaded.includes(module) ?? false;
      if (loads(goodEnd!) || !loads(badEnd!)) {
        throw new UserError(`--why ${module} --bisect: ${loads(goodEnd!) ? `good ${shortCommitText(good.commit)} loads ${module} already` : `bad ${shortCommitText(bad.commit)} does not load ${module}`}; nothing to look for`);
      }
      slowIf = (pair) => loads(pair.candidate);
      config = endsConfig;
    } else if (before !== null && after !== null && before !== after) {
      config = endsConfig;
      metricSource = "modules-differ";
    }
  }
  const context = contextFor(config);
  const header = {
    good, bad, commits: commits.length - 1, maxSteps: maxSteps(commits.length - 1), stepLevel: stepLevel(commits.length - 1),
    thresholdPct: config.metric === "modules" ? 0 : setup.thresholdPct, metric: config.metric, metricSource, ...(options.why ? { module: options.why } : {}),
  };
  for (const line of render.bisectHeader(header)) out.print(line);
  const source = bisectSource(good, config, context, {
    thresholdPct: header.thresholdPct, iterationsAsked: options.settings.iterations !== undefined, level: header.stepLevel,
  });
  const stepTimes: number[] = [];
  let stepStarted = performance.now();
  const result: BisectReport = await bisect(source, {
    path: commits, thresholdPct: header.thresholdPct, measurement: setup.measurement, metric: config.metric, metricSource, deadline, slowIf,
    onMeasure: (commit, kind, attempt, number) => out.say(render.measuringLine(commit.commit, kind, attempt, number)),
    onStep: (step) => {
      if (setsPace(step)) stepTimes.push(performance.now() - stepStarted);
      stepStarted = performance.now();
      out.print(render.stepLine(step, palette));
      out.say(render.progressLine(step, stepTimes, performance.now() - started));
    },
  });
  if (options.why) result.module = options.why;
  out.stop();
  // The answer's module diff and chains: its parent and itself, loaded once each with the importers run.
  if (result.first) {
    out.say(`Explaining ${shortCommitText(result.first.commit.commit)}: the modules it loads and the lines that load them...`);
    const explainConfig: Config = { ...endsConfig, explain: true };
    const [parent, first] = await measureCommits([result.first.parent, result.first.commit], explainConfig, contextFor(explainConfig));
    const { compareFiles } = await import("./figures.ts");
    const { comparison } = compareFiles(parent!.result, first!.result, setup.measurement);
    result.first = {
      ...result.first, moduleDiff: comparison?.moduleDiff ?? null, moduleCounts: comparison?.moduleCounts ?? [],
      lazyTurnedEager: comparison?.lazy.filter((row) => row.change === "now-eager") ?? [],
    };
    if (options.why) {
      // --why MODULE: the lines that load it at the first commit that does.
      const { importersFor } = await import("../compare/diff.ts");
      const { importChain } = await import("../compare/why.ts");
      const records = importersFor(first!.result, first!.result.data.modules?.after);
      const chain = records ? importChain(records, options.why) : [];
      result.first.whyChain = chain.length ? chain : null;
    }
    out.stop();
  }
  if (result.countsMissing) out.print(render.countsMissingLine());
  for (const line of render.bisectResult(result, palette)) out.print(line);
  out.print(render.durationLine(performance.now() - started));
  // The terminal saw the report as it went; json, or a file, gets the whole of it now.
  if (json || report.output !== null) {
    out.stop();
    await emit("bisect", result, report, out.context.tool);
  }
  return result.outcome === "found" ? 0 : result.outcome === "inconclusive" ? 3 : 1;
}

const shortCommitText = (commit: string) => commit.slice(0, 9);

async function runHistory(setup: Setup, out: Output, options: MeasureArgs, report: ReportArgs): Promise<number> {
  if (setup.question.kind !== "history") return 2;
  const { sample } = await import("./commits.ts");
  const { historyConfig, historyPoints } = await import("./sources.ts");
  const { buildTrend } = await import("./trend.ts");
  const { plural } = await import("../render/words.ts");
  const { shortCommit } = await import("../render/history-words.ts");
  const { every, shard, range } = setup.question;
  const points = sample(setup.path.commits, every);
  const { config, rounds } = historyConfig(setup.config, points.length, shard, { thresholdPct: setup.thresholdPct, iterationsAsked: options.settings.iterations !== undefined });
  const mine = shard ? points.filter((_, index) => index % shard.count === shard.index - 1).length : points.length;
  out.say(`History of ${range}: ${plural(points.length, "point")}${every > 1 ? ` (every ${every} commits)` : ""}${shard ? `, shard ${shard.index}/${shard.count}: ${mine} of them` : ""}; ${config.metric === "instructions" ? "counted instructions" : `${rounds}+ runs per commit`}`);
  const started = performance.now();
  const deadline = options.maxTimeMs === undefined ? undefined : started + options.maxTimeMs;
  const { inputs, measured, skipped } = await historyPoints({ points, shard, rounds, config }, out.context, (batch, index, total) => {
    const elapsed = performance.now() - started;
    const eta = index > 0 ? `; about ${formatDuration((elapsed / index) * (total - index))} to go` : "";
    out.say(`Measuring ${plural(batch.length, "commit")} (batch ${index + 1} of ${total}${eta}): ${shortCommit(batch[0]!.commit)}..${shortCommit(batch[batch.length - 1]!.commit)}`);
  }, deadline);
  out.stop();
  out.say(`${plural(inputs.length - measured, "point")} from the cache, ${measured} measured now.`);
  if (skipped) out.print(`--max-time ran out: ${plural(skipped, "commit")} not measured (run again to go on: the cache keeps what was measured).`);
  const trend = buildTrend(inputs, {
    range, every, thresholdPct: setup.thresholdPct, measurement: setup.measurement, metric: setup.config.metric,
    shard: shard ? { ...shard, total: points.length } : null,
  });
  out.stop();
  await emit("trend", trend, report, out.context.tool);
  return skipped ? 3 : 0;
}

export async function runOverTime(args: ParsedArgs, options: MeasureArgs, report: ReportArgs, tool: string): Promise<number> {
  const question = parseQuestion(args, report);
  const { detectCounter } = await import("../measure/counter.ts");
  const setup = await prepare(question, args, options, report, () => detectCounter(), { tool, toolVersion: VERSION });
  const json = report.format === "json" && report.output === null;
  const out = output(setup, json, tool, args.values["drop-caches"] === true, args.values["no-cache"] === true);
  if (setup.envChoice && setup.envChoice.mode !== "none") out.say(`Environments: ${setup.envChoice.mode}, for every commit — ${setup.envChoice.reason}`);
  return question.kind === "bisect" ? runBisect(setup, out, options, report) : runHistory(setup, out, options, report);
}
