#!/usr/bin/env bun
/**
 * coldstart-compare: compare result files (the first is the baseline) and report, with
 * verdicts from the samples. Imports no zx and no @clack/prompts: its own start-up matters.
 */
import { buildComparison } from "./lib/compare/build.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { checkReportPaths, emitReport } from "./lib/render/emit.ts";
import { readResult } from "./lib/result/read.ts";
import { optionsHelp, parseArgs, reportArgs, VERSION } from "./lib/settings.ts";

const TOOL = "coldstart-compare";

const HELP = `Usage: ${TOOL} <baseline.json> <candidate.json> [more.json ...] [options]

Compares cold start result files. The first file is the baseline; each further file is
compared with it. Reads coldstart result files and the original Python tool's files.

${optionsHelp("compare")}

Verdicts: the typical change of each measurement — files from one bench run are paired by
round (exact Wilcoxon signed-rank test on per-round ratios), other files unpaired (exact
Mann–Whitney) — with its Hodges–Lehmann estimate, 95% interval, p-value, and the change
the samples could detect (power 0.8); the fastest runs are compared too, as the best case.
Files without samples get the original tool's arithmetic on means, and no verdict.
Δ = baseline − candidate: ↓ faster, ↑ slower. Colour: NO_COLOR, FORCE_COLOR, terminal only.

Exit codes: 0 no regression, 1 regression (with --fail-on-regression: significantly slower
by PCT % or more, a lazy module turned eager, or a candidate measurement that failed),
2 usage or input error (including files with no measurement in common), 3 the primary
comparison is inconclusive (too few runs, no samples, a failed baseline, or noise too large
to see a PCT % change) with --fail-on-regression.`;

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, "compare", TOOL);
  if (args.values.help) {
    await Bun.write(Bun.stdout, `${HELP}\n`);
    return 0;
  }
  if (args.values.version) {
    await Bun.write(Bun.stdout, `${TOOL} ${VERSION}\n`);
    return 0;
  }
  if (args.positionals.length < 2) {
    throw new UserError(`give at least two result files: ${TOOL} <baseline.json> <candidate.json> (see --help)`);
  }
  const report = reportArgs(args);
  checkReportPaths(report);
  const results = await Promise.all(args.positionals.map((file) => readResult(file)));
  const comparison = buildComparison(results, { primary: report.primary, failOnRegressionPct: report.failOnRegressionPct });
  await emitReport(comparison, report, TOOL);
  return comparison.gate?.exitCode ?? 0;
}

if (import.meta.main) await runMain(TOOL, () => main(process.argv.slice(2)));
