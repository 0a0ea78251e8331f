#!/usr/bin/env bun
/**
 * coldstart-test: measure how long the imports of one working tree take in fresh
 * interpreters, write the result file, and gate on budgets.
 */
import { budgetFailed, checkBudgets } from "./lib/budgets.ts";
import type { Config } from "./lib/config.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { describeWorkingTree } from "./lib/git/tree.ts";
import { measureTrees } from "./lib/measure/trees.ts";
import { underEveryInterpreter } from "./lib/refs.ts";
import type { ResultFile } from "./lib/result/schema.ts";
import { interruptExitCode, interrupted } from "./lib/process.ts";
import { describeFailure, type Reporter } from "./lib/render/progress.ts";
import { treeReport } from "./lib/render/tree.ts";
import { whyReport } from "./lib/render/why.ts";
import { saveResult } from "./lib/result/files.ts";
import { start } from "./lib/startup.ts";
import type { AdviseTarget } from "./lib/advise/run.ts";
import { adviceLines } from "./lib/render/advice.ts";
import { loadedFrom } from "./lib/result/read.ts";
import { parseToolArgs } from "./lib/options.ts";
import { optionsHelp, VERSION } from "./lib/settings.ts";
import { sampleWarnings } from "./lib/stats/warnings.ts";

const TOOL = "coldstart-test";

const HELP = `${TOOL} ${VERSION}: measure the cold start of a Python package's imports

Usage: ${TOOL} [options]
       bun scripts/test_cold_start.ts [options]

Measures the project of the current folder (or --repo DIR): every configured import
statement in fresh interpreters (import time, process time, CPU time, peak memory),
module counts, lazy-loading checks, -X importtime offenders, where the time goes, and
budgets. Writes benchmark_results/cold_start_<seconds>.json and cold_start_latest.json.

${optionsHelp("test")}

Exit codes: 0 ok, 1 a budget limit was exceeded, 2 bad input or a failed measurement,
130/143 interrupted.`;

export async function main(argv: string[]): Promise<number> {
  const { args, measure: options } = parseToolArgs(argv, "test", TOOL);
  if (args.values.help || args.values.version) {
    console.log(args.values.help ? HELP : `${TOOL} ${VERSION}`);
    return 0;
  }
  if (args.positionals.length) throw new UserError(`unexpected argument "${args.positionals[0]}"; ${TOOL} takes only options (see --help)`);
  let advising: AdviseTarget | null = null;
  const { target, top, config, outDir, reporter, counting } = await start(options, {
    tool: TOOL, onStop: "stopped; no result file was written", git: false, jsonOnStdout: options.json,
    // A workload that cannot be read is bad input before anything runs.
    check: (config, folder) => {
      if (!options.advise) return;
      if (config.python.length > 1) throw new UserError("--advise runs under one interpreter; give one --python");
      advising = (require("./lib/advise/run.ts") as typeof import("./lib/advise/run.ts")).adviseTarget(config, folder);
    },
  });

  reporter.line("Running cold start benchmarks...");
  reporter.line("-".repeat(60));
  const git = top ? describeWorkingTree(target) : null;
  // One tree, or the same tree under every interpreter of `--python A,B`.
  const trees = underEveryInterpreter([{ label: "working tree", dir: target, git: git ? { ...git, worktree: true } : null }], [null], config.python);
  let results;
  try {
    results = await measureTrees(trees.trees, {
      config,
      toolVersion: VERSION,
      runId: crypto.randomUUID(),
      onEvent: (event) => reporter.event(event),
      stopped: interrupted,
      stopCode: interruptExitCode,
      counter: counting?.counter,
      environment: counting?.environment,
    });
  } finally {
    reporter.stop();
  }
  if (advising) {
    const { adviseTree } = await import("./lib/advise/run.ts");
    const advised = await adviseTree(trees.trees[0]!, advising, loadedFrom(results[0]!, "measured"), { config, say: (text) => reporter.line(text) });
    results[0] = { ...results[0]!, advice: advised.advice };
    reporter.stop();
  }
  let exitCode = 0;
  for (const [index, result] of results.entries()) {
    if (results.length > 1) reporter.line(`${trees.trees[index]!.label}:`);
    exitCode = Math.max(exitCode, finish(result, trees.fileRefs[index]!, { config, outDir, reporter, json: options.json, why: options.why }));
  }
  return exitCode;
}

/** After measuring a tree: its report, its failures, its file; returns its exit code. */
function finish(
  result: ResultFile,
  fileRef: string | null,
  context: { config: Config; outDir: string; reporter: Reporter; json: boolean; why: string | undefined },
): number {
  const { config, reporter } = context;
  const warnings = Object.fromEntries(Object.entries(result.measurements).map(([name, m]) => [name, sampleWarnings(m.samples ?? [])]));
  const budgets = checkBudgets(result, config.budgets);
  for (const line of treeReport(result, config, warnings, budgets)) reporter.line(line);
  if (context.why !== undefined) for (const line of whyReport(result, context.why)) reporter.line(line);
  if (result.advice) for (const line of adviceLines({ advice: result.advice, patch: null })) reporter.line(line);
  const failures = Object.entries(result.failures ?? {});
  for (const [name, failure] of failures) process.stderr.write(describeFailure(TOOL, name, failure));
  const path = saveResult(context.outDir, result, fileRef);
  reporter.line(`Results saved to ${path}`);
  if (context.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (failures.length) return 2;
  return budgetFailed(budgets) ? 1 : 0;
}

if (import.meta.main) void runMain(TOOL, () => main(Bun.argv.slice(2)));
