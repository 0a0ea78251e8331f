#!/usr/bin/env bun
/**
 * coldstart-test: measure how long the imports of one working tree take in fresh
 * interpreters, write the result file, and gate on budgets.
 */
import { join } from "node:path";
import { budgetFailed, checkBudgets } from "./lib/compare/budgets.ts";
import { loadConfig } from "./lib/config.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { describeWorkingTree, gitTopLevel, resolveTarget } from "./lib/git/tree.ts";
import { measureTrees } from "./lib/measure/trees.ts";
import { installSignalHandlers, interruptExitCode, interrupted } from "./lib/process.ts";
import { createReporter, describeFailure } from "./lib/render/progress.ts";
import { treeReport } from "./lib/render/tree.ts";
import { whyReport } from "./lib/render/why.ts";
import { ensureWritableDir, saveResult } from "./lib/result/files.ts";
import { measureArgs, optionsHelp, parseArgs, VERSION } from "./lib/settings.ts";
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
  const args = parseArgs(argv, "test", TOOL);
  if (args.values.help || args.values.version) {
    console.log(args.values.help ? HELP : `${TOOL} ${VERSION}`);
    return 0;
  }
  if (args.positionals.length) throw new UserError(`unexpected argument "${args.positionals[0]}"; ${TOOL} takes only options (see --help)`);
  const options = measureArgs(args);
  const target = resolveTarget(options.repo);
  const config = loadConfig(target, options.configFile, options.settings);
  const outDir = options.out ?? join(target, "benchmark_results");
  ensureWritableDir(outDir);
  // With --json, stdout carries only the result; progress goes to stderr.
  const reporter = createReporter({ quiet: options.quiet, streams: options.json ? { out: process.stderr, err: process.stderr } : undefined });
  installSignalHandlers((signal) => {
    reporter.stop();
    process.stderr.write(`${TOOL}: ${signal}: stopped; no result file was written\n`);
  });

  reporter.line("Running cold start benchmarks...");
  reporter.line("-".repeat(60));
  let result;
  try {
    const git = gitTopLevel(target) ? describeWorkingTree(target) : null;
    [result] = await measureTrees([{ label: "working tree", dir: target, git: git ? { ...git, worktree: true } : null }], {
      config,
      toolVersion: VERSION,
      runId: crypto.randomUUID(),
      onEvent: (event) => reporter.event(event),
      stopped: interrupted,
      stopCode: interruptExitCode,
    });
  } finally {
    reporter.stop();
  }
  if (!result) throw new UserError("nothing was measured");

  const warnings = Object.fromEntries(Object.entries(result.measurements).map(([name, m]) => [name, sampleWarnings(m.samples ?? [])]));
  const budgets = checkBudgets(result, config.budgets);
  for (const line of treeReport(result, config, warnings, budgets)) reporter.line(line);
  if (options.why !== undefined) for (const line of whyReport(result, options.why)) reporter.line(line);
  const failures = Object.entries(result.failures ?? {});
  for (const [name, failure] of failures) process.stderr.write(describeFailure(TOOL, name, failure));

  const path = saveResult(outDir, result, null);
  reporter.line(`Results saved to ${path}`);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (failures.length) return 2;
  return budgetFailed(budgets) ? 1 : 0;
}

if (import.meta.main) await runMain(TOOL, () => main(Bun.argv.slice(2)));
