#!/usr/bin/env bun
/**
 * coldstart-compare: compare result files (the first is the baseline) and report, with
 * verdicts from the samples. Imports no zx and no @clack/prompts: its own start-up matters.
 */
import { buildComparison } from "./lib/compare/build.ts";
import { skipLatestTwins } from "./lib/compare/matrix.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { checkReportFormats, checkReportPaths, emit } from "./lib/render/emit.ts";
import { expandResultPaths, readResult } from "./lib/result/read.ts";
import { parseToolArgs } from "./lib/options.ts";
import { numberValue, optionsHelp, VERSION } from "./lib/settings.ts";

const TOOL = "coldstart-compare";

/** Built when asked for: formatting every option's help is not start-up work. */
const help = () => `Usage: ${TOOL} <baseline.json> <candidate.json> [more.json ...] [options]
       ${TOOL} --merge <files or folders from several CI jobs> [options]
       ${TOOL} --history <files or folders of bench --history runs> [options]

Compares cold start result files. The first file is the baseline; each further file is
compared with it. Reads coldstart result files and the original Python tool's files.
Files of several interpreters (bench --python 3.11,3.12) are compared per interpreter,
each candidate with the baseline of its own interpreter, and the report ends with an
interpreter × measurement matrix. --merge takes the files of several CI jobs (folders
are searched for cold_start_*.json; a cold_start_latest.json given beside the file it copies
is skipped): each job's files are compared among themselves,
baseline first by run order, and the report ends with a runner × measurement matrix.
--history takes the files of bench --history runs (every CI shard's benchmark_results/cache)
and reports the trend instead: one point per commit in first-parent order, each change
against the previous point, markers at significant steps of --threshold % or more.

${optionsHelp("compare")}

Verdicts: the typical change of each measurement — files from one bench run are paired by
round (exact Wilcoxon signed-rank test on per-round ratios), other files unpaired (exact
Mann–Whitney) — with its Hodges–Lehmann estimate, 95% interval, p-value, and the change
the samples could detect (power 0.8). Beside it the best case (the fastest runs) and the
slow runs (the --tail quantile, a bootstrap interval of paired rounds from 30 runs at p90; fewer
give its estimate only). A change is claimed only when p < 0.05 and the interval excludes 0
(an end within a quarter of the timer's tick of 0 reads as 0). When the parts disagree
(median unchanged, slow runs slower) the row says the distribution changed shape.
Files without samples get the original tool's arithmetic on means, and no verdict.
Δ = baseline − candidate: ↓ faster, ↑ slower. Colour: NO_COLOR, FORCE_COLOR, terminal only.

Exit codes: 0 no regression, 1 regression (with --fail-on-regression=PCT: the whole interval
is beyond PCT % slower — bare: significantly slower — a lazy module turned eager, or a
candidate measurement that failed), 2 usage or input error (including files with no
measurement in common), 3 the primary comparison cannot tell with --fail-on-regression
(too few runs, no samples, a failed baseline, or an interval that straddles PCT: it could
be PCT % slower or more; run more --iterations).`;

export async function main(argv: string[]): Promise<number> {
  const { args, report } = parseToolArgs(argv, "compare", TOOL);
  if (args.values.help) {
    await Bun.write(Bun.stdout, `${help()}\n`);
    return 0;
  }
  if (args.values.version) {
    await Bun.write(Bun.stdout, `${TOOL} ${VERSION}\n`);
    return 0;
  }
  if (args.values.history === true) {
    const { assembleHistory } = await import("./lib/history/assemble.ts");
    checkReportFormats(report, "trend", "--history");
    checkReportPaths(report);
    const { DEFAULT_THRESHOLD_PCT } = await import("./lib/model/history.ts");
    const trend = await assembleHistory(args.positionals, { thresholdPct: numberValue(args, "threshold") ?? DEFAULT_THRESHOLD_PCT, measurement: report.primary });
    await emit("trend", trend, report, TOOL);
    return 0;
  }
  const merge = args.values.merge === true;
  if (merge && args.positionals.length < 1) throw new UserError(`--merge needs result files or folders: ${TOOL} --merge results/ (see --help)`);
  if (!merge && args.positionals.length < 2) {
    throw new UserError(`give at least two result files: ${TOOL} <baseline.json> <candidate.json> (see --help)`);
  }
  checkReportFormats(report, "comparison", "a comparison");
  checkReportPaths(report);
  const files = merge ? await expandResultPaths(args.positionals) : args.positionals;
  if (files.length < 2) throw new UserError(`--merge found ${files.length} result file (${files.join(", ")}); a comparison needs a baseline and a candidate`);
  let results = await Promise.all(files.map((file) => readResult(file)));
  if (merge) {
    const kept = skipLatestTwins(results);
    for (const { latest, twin } of kept.skipped) process.stderr.write(`${TOOL}: note: skipped ${latest}: a copy of ${twin}\n`);
    results = kept.results;
    if (results.length < 2) throw new UserError(`--merge found ${results.length} result file (${results.map((result) => result.source).join(", ")}); a comparison needs a baseline and a candidate`);
  }
  const comparison = buildComparison(results, { primary: report.primary, failOnRegressionPct: report.failOnRegressionPct, gate: report.gate, tailQ: report.tailQ, merge });
  await emit("comparison", comparison, report, TOOL);
  return comparison.gate?.exitCode ?? 0;
}

if (import.meta.main) void runMain(TOOL, () => main(process.argv.slice(2)));
