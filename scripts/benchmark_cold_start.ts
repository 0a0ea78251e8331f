#!/usr/bin/env bun
/**
 * coldstart-bench: measure 0, 1, 2..N git refs, each in its own temporary worktree, with
 * runs interleaved across refs; write one result file per ref and print the comparison
 * (each ref against the first). The user's checkout is never touched.
 */
import { runMain, UserError } from "./lib/errors.ts";
import { subdirectory } from "./lib/git/tree.ts";
import { parseToolArgs } from "./lib/options.ts";
import { start } from "./lib/startup.ts";
import { optionsHelp, VERSION } from "./lib/settings.ts";

const TOOL = "coldstart-bench";

const HELP = `${TOOL} ${VERSION}: benchmark the cold start of git refs, side by side

Usage: ${TOOL} [options] [REF...]
       ${TOOL} --bisect GOOD BAD [options]
       ${TOOL} --history RANGE [options]
       ${TOOL} --prune-envs[=DAYS]
       bun scripts/benchmark_cold_start.ts [options] [REF...]

  (no ref)          the working tree as it is
  REF               that ref (branch, tag, commit, HEAD~3, feature/x)
  BASE CAND         both, runs interleaved, then the comparison (CAND against BASE)
  BASE C1 C2 ...    each against the first
  .  or  WORKTREE   the working tree with its uncommitted changes (e.g. "main .")

Every ref is checked out with \`git worktree add --detach\` into a temporary folder and
removed afterwards, also on errors and Ctrl-C; your working tree, index, stash and branch
are never touched. Dependencies per tree: the configured \`install\` command; else, with
--env auto (the default), \`uv sync\` when uv.lock exists and uv is on PATH, else — when a
tree declares dependencies ([project].dependencies, requirements*.txt) the interpreter
does not satisfy — an environment per tree holding what it declares (uv when on PATH, else
venv + pip, honouring your pip configuration), else PYTHONPATH on the tree. Environments
are cached by interpreter and dependency declarations (not by commit) in
$XDG_CACHE_HOME/coldstart/envs (~/.cache, ~/Library/Caches on macOS) and reused across
runs; --no-cache rebuilds them, --prune-envs removes them. Installs are never timed; their
logs go to the output folder. Results: benchmark_results/cold_start_<ref>_<seconds>.json,
all sharing one run_id, so the comparison pairs their runs round by round.

${optionsHelp("bench")}

Exit codes: 0 ok, 1 regression (with --fail-on-regression) / bisect: not reproducible,
2 bad input, a failed dependency step or a failed measurement, 3 inconclusive (with
--fail-on-regression), 130/143 interrupted (SIGINT/SIGTERM).`;

/**
 * Interactive mode: baseline, candidate and iteration count from prompts. Returns null
 * when the user cancels (Ctrl-C / Esc) — nothing has been created by then.
 */
async function promptForRefs(top: string, configured: number): Promise<{ refs: string[]; iterations: number } | null> {
  if (process.env.CI || !process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError("--interactive needs a terminal and is never used in CI (CI is set or stdin is not a terminal); pass the refs as arguments");
  }
  const { localBranches } = await import("./lib/git/refs.ts");
  const branches = localBranches(top);
  const clack = await import("@clack/prompts");
  const cancelled = (value: unknown): boolean => {
    if (!clack.isCancel(value)) return false;
    clack.cancel("Operation cancelled.");
    return true;
  };
  clack.intro(TOOL);
  const worktree = { value: ".", label: "working tree", hint: "with uncommitted changes" };
  const choices = branches.map((name, index) => ({ value: name, label: name.replace(/^refs\/heads\//, ""), hint: index === 0 ? "most recent" : undefined }));
  const baseline = await clack.select({ message: "Baseline", options: [...choices, worktree] });
  if (cancelled(baseline)) return null;
  const candidate = await clack.select({
    message: "Compare with",
    options: [
      ...choices.filter((choice) => choice.value !== baseline),
      ...(baseline === "." ? [] : [worktree]),
      { value: "", label: "nothing", hint: "measure the baseline alone" },
    ],
  });
  if (cancelled(candidate)) return null;
  const count = await clack.text({
    message: "Counted runs per measurement",
    initialValue: String(configured),
    validate: (value) => (/^\s*[1-9]\d*\s*$/.test(value ?? "") ? undefined : "a whole number of at least 1"),
  });
  if (cancelled(count)) return null;
  const refs = [baseline as string, ...(candidate ? [candidate as string] : [])];
  const go = await clack.confirm({ message: `Benchmark ${refs.map((ref) => (ref === "." ? "working tree" : ref)).join(" vs ")}, ${Number(count)} runs each?` });
  if (cancelled(go) || go !== true) {
    if (go === false) clack.cancel("Operation cancelled.");
    return null;
  }
  clack.outro("Starting");
  return { refs, iterations: Number(count) };
}

export async function main(argv: string[]): Promise<number> {
  const { args, measure: options, report } = parseToolArgs(argv, "bench", TOOL);
  if (args.values.help || args.values.version) {
    console.log(args.values.help ? HELP : `${TOOL} ${VERSION}`);
    return 0;
  }
  if (args.values["prune-envs"] !== undefined) {
    const { pruneEnvsCommand } = await import("./lib/env/prune.ts");
    return pruneEnvsCommand(args, TOOL);
  }
  if (args.values.bisect || args.values.history) {
    const { runOverTime } = await import("./lib/history/run.ts");
    return runOverTime(args, options, report, TOOL);
  }
  const overTime = ["threshold", "every", "shard", "max-time"].find((flag) => args.values[flag] !== undefined);
  if (overTime) throw new UserError(`--${overTime} works with --bisect or --history only (see --help)`);
  const { planTargets } = await import("./lib/refs.ts");
  const aa = typeof args.values.aa === "string" ? args.values.aa : null;
  let targets = planTargets(args.positionals, aa); // every ref's syntax, before anything else happens
  if (args.values.interactive && (args.positionals.length || aa)) throw new UserError("--interactive chooses the refs itself; give no refs (or drop -i)");
  if (options.advise) {
    if (args.values.interactive || aa) throw new UserError(`--advise does not go with --${aa ? "aa" : "interactive"}`);
    targets = (await import("./lib/advise/bench.ts")).adviseTargets(targets, options.advise.apply !== null);
  }
  const compares = args.values.interactive === true || targets.length >= 2;
  let advising: import("./lib/advise/run.ts").AdviseTarget | null = null;
  if (!compares && report.failOnRegressionPct !== undefined) throw new UserError("--fail-on-regression needs two or more refs to compare (e.g. main HEAD)");

  // Everything that can be checked without creating anything comes first.
  const { checkReportFormats, checkReportPaths } = await import("./lib/render/emit.ts");
  const started = await start(options, {
    tool: TOOL, onStop: "stopping; removing worktrees", git: true,
    jsonOnStdout: options.json || (compares && report.format === "json" && report.output === null),
    check: (config, folder) => {
      if (options.advise) {
        if (config.python.length > 1) throw new UserError("--advise runs under one interpreter; give one --python");
        advising = (require("./lib/advise/run.ts") as typeof import("./lib/advise/run.ts")).adviseTarget(config, folder);
      }
      if (compares) {
        checkReportFormats(report, "comparison", "a comparison");
        checkReportPaths(report);
      }
      (require("./lib/env/attach.ts") as typeof import("./lib/env/attach.ts")).checkEnvSetting(config);
      if (args.values["drop-caches"]) (require("./lib/measure/executor.ts") as typeof import("./lib/measure/executor.ts")).checkDropCaches();
    },
  });
  const { target, config, outDir, reporter, counting } = started;
  const top = started.top!;
  if (args.values.interactive) {
    const chosen = await promptForRefs(top, config.iterations);
    if (!chosen) return 130;
    config.iterations = chosen.iterations;
    targets = planTargets(chosen.refs, null);
  }
  if (targets.length < 2) for (const flag of report.given) process.stderr.write(`${TOOL}: note: --${flag} does nothing with one tree: there is nothing to compare\n`);
  if (options.advise && advising) {
    const { runAdviseBench } = await import("./lib/advise/bench.ts");
    return runAdviseBench(targets, advising, started, { ...options, advise: options.advise }, report, { tool: TOOL, toolVersion: VERSION, dropCaches: args.values["drop-caches"] === true });
  }

  const { measureRefs } = await import("./lib/refs.ts");
  const run = await measureRefs(targets, {
    top, subdir: subdirectory(top, target), target, config, outDir, reporter, tool: TOOL, toolVersion: VERSION,
    dropCaches: args.values["drop-caches"] === true, runId: crypto.randomUUID(), counter: counting?.counter, environment: counting?.environment,
    envs: { fresh: args.values["no-cache"] === true },
  });
  if (options.why !== undefined) {
    const { whyReport } = await import("./lib/render/why.ts");
    run.results.forEach((result, index) => {
      reporter.line(`${targets[index]!.label}:`);
      for (const line of whyReport(result.data, options.why!)) reporter.line(`  ${line}`);
    });
  }
  if (run.results.length < 2) {
    if (options.json) process.stdout.write(`${JSON.stringify(run.results[0]!.data, null, 2)}\n`);
    return run.failed ? 2 : 0;
  }

  const { buildComparison } = await import("./lib/compare/build.ts");
  const { emit } = await import("./lib/render/emit.ts");
  const comparison = buildComparison(run.results, { primary: report.primary, failOnRegressionPct: report.failOnRegressionPct, gate: report.gate, tailQ: report.tailQ });
  await emit("comparison", comparison, report, TOOL);
  if (comparison.gate && comparison.gate.exitCode !== 0) return comparison.gate.exitCode;
  return run.failed ? 2 : 0;
}

if (import.meta.main) void runMain(TOOL, () => main(Bun.argv.slice(2)));
