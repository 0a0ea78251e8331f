/**
 * Measuring the working tree of one project: what `test_cold_start.ts` does, as a
 * function the entry script calls. It prints the seed's progress, writes the result file
 * and returns the exit code (0 ok, 1 a limit failed, 2 a measurement failed).
 */
import { join } from "node:path";
import { budgetFailed, checkBudgets, formatBudget } from "./budgets.ts";
import type { MeasureFlags } from "./cli.ts";
import { loadConfig } from "./config.ts";
import { ensureWritableDir, saveResult } from "./files.ts";
import { describeWorkingTree, resolveTarget } from "./gitinfo.ts";
import { topOffenders } from "./importtime.ts";
import { measureTrees } from "./measure.ts";
import { createReporter, describeFailure } from "./progress.ts";
import type { ResultFile } from "./result.ts";
import { killAllChildren } from "./spawn.ts";
import { sampleWarnings } from "./warnings.ts";

function pythonBool(value: boolean): string {
  return value ? "True" : "False";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function runSingle(flags: MeasureFlags, toolVersion: string): Promise<number> {
  const target = resolveTarget(flags.repo);
  const config = loadConfig(target, flags.configFile, flags.settings);
  const outDir = flags.out ?? join(target, "benchmark_results");
  ensureWritableDir(outDir);
  // With --json, stdout carries only the result; progress moves to stderr.
  const reporter = createReporter({
    quiet: flags.quiet,
    streams: flags.json ? { out: process.stderr, err: process.stderr } : undefined,
  });

  let stopped = false;
  const onSignal = (signal: NodeJS.Signals) => {
    stopped = true;
    killAllChildren();
    reporter.stop();
    process.stderr.write(`coldstart-test: ${signal}: stopped; no result file was written\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  reporter.line("Running cold start benchmarks...");
  reporter.line("-".repeat(60));
  let result: ResultFile;
  try {
    [result] = (await measureTrees([{ label: "working tree", dir: target, git: describeWorkingTree(target) }], {
      config,
      toolVersion,
      onEvent: (event) => reporter.event(event),
      stopped: () => stopped,
    })) as [ResultFile];
  } finally {
    reporter.stop();
  }

  const print = (text: string) => reporter.line(text);
  print("Counting loaded modules...");
  print(`  Total modules: ${result.module_counts.total}`);
  print(`  ${capitalize(config.package)} modules: ${result.module_counts.filtered}`);
  for (const lazy of config.lazy) {
    const check = result.lazy_checks?.[lazy.key];
    print(`Checking if ${lazy.module} is eagerly loaded...`);
    print(`  ${lazy.label} loaded: ${check ? pythonBool(check.loaded) : "unknown (the statement failed)"}`);
  }

  const warnings = Object.entries(result.measurements).flatMap(([name, m]) => sampleWarnings(name, m, config.warmup));
  for (const warning of warnings) print(`Warning: ${warning}`);

  const primary = config.imports[0]?.name;
  const rows = primary ? result.importtime?.[primary] ?? [] : [];
  if (rows.length) {
    print(`Top import-time offenders for '${config.imports[0]!.statement}' (self time, median of ${config.importtime_runs} -X importtime runs):`);
    for (const row of topOffenders(rows, "self_us")) {
      print(`  ${(row.self_us / 1000).toFixed(2).padStart(8)}ms self  ${(row.cumulative_us / 1000).toFixed(2).padStart(8)}ms cumulative  ${row.module}`);
    }
  }

  const baseline = result.interpreter?.process_ms;
  if (baseline?.samples.length) print(`Interpreter start-up (python -c pass): median ${baseline.median.toFixed(2)}ms`);

  const checks = checkBudgets(result, config.budgets);
  if (checks.length) {
    print("Budgets:");
    for (const check of checks) print(formatBudget(check));
  }

  const failures = Object.entries(result.failures ?? {});
  for (const [name, failure] of failures) process.stderr.write(describeFailure("coldstart-test", name, failure));

  const path = saveResult(outDir, result, null);
  print(`Results saved to ${path}`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  if (failures.length) return 2;
  return budgetFailed(checks) ? 1 : 0;
}
