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
import { metricDef } from "../quantities.ts";
import type { MeasureContext } from "./measure.ts";
import { spinnerOnly } from "./measure.ts";
import type { BisectReport } from "../model/history.ts";
import { parseQuestion, prepare, type Setup } from "./setup.ts";

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

async function runBisect(setup: Setup, out: Output, options: MeasureArgs, report: ReportArgs): Promise<number> {
  const { bisect, maxSteps, stepLevel } = await import("./bisect.ts");
  const { bisectSource } = await import("./sources.ts");
  const render = await import("../render/bisect-terminal.ts");
  const { stdoutPalette, plainPalette } = await import("../render/color.ts");
  const json = report.format === "json";
  const palette = json ? plainPalette : stdoutPalette();
  const commits = setup.path.commits;
  const header = {
    good: commits[0]!, bad: commits[commits.length - 1]!, commits: commits.length - 1, maxSteps: maxSteps(commits.length - 1), stepLevel: stepLevel(commits.length - 1),
    thresholdPct: setup.thresholdPct, metric: setup.config.metric, metricSource: setup.metricSource,
  };
  for (const line of render.bisectHeader(header)) out.print(line);
  const source = bisectSource(commits[0]!, setup.config, out.context, {
    thresholdPct: setup.thresholdPct, iterationsAsked: options.settings.iterations !== undefined, level: header.stepLevel,
  });
  const result: BisectReport = await bisect(source, {
    path: commits, thresholdPct: setup.thresholdPct, measurement: setup.measurement, metric: setup.config.metric, metricSource: setup.metricSource,
    onMeasure: (commit, kind, attempt, number) => out.say(render.measuringLine(commit.commit, kind, attempt, number)),
    onStep: (step) => out.print(render.stepLine(step, palette)),
  });
  out.stop();
  if (result.countsMissing) out.print(render.countsMissingLine());
  for (const line of render.bisectResult(result, palette)) out.print(line);
  // The terminal saw the report as it went; json, or a file, gets the whole of it now.
  if (json || report.output !== null) {
    out.stop();
    await emit("bisect", result, report, out.context.tool);
  }
  return result.outcome === "found" ? 0 : 1;
}

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
  const { inputs, measured } = await historyPoints({ points, shard, rounds, config }, out.context, (batch, index, total) =>
    out.say(`Measuring ${plural(batch.length, "commit")} (batch ${index + 1} of ${total}): ${shortCommit(batch[0]!.commit)}..${shortCommit(batch[batch.length - 1]!.commit)}`));
  out.stop();
  out.say(`${plural(inputs.length - measured, "point")} from the cache, ${measured} measured now.`);
  const trend = buildTrend(inputs, {
    range, every, thresholdPct: setup.thresholdPct, measurement: setup.measurement, metric: setup.config.metric,
    shard: shard ? { ...shard, total: points.length } : null,
  });
  out.stop();
  await emit("trend", trend, report, out.context.tool);
  return 0;
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
