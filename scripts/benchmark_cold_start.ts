#!/usr/bin/env bun
/**
 * coldstart-bench: measure 0, 1, 2..N git refs, each in its own temporary worktree, with
 * runs interleaved across refs; write one result file per ref and print the comparison
 * (each ref against the first). The user's checkout is never touched.
 */
import { MEASURE_FLAGS, MEASURE_FLAGS_HELP, VERSION, measureFlags, parse, type MeasureFlags } from "./lib/cli.ts";
import { runMain, UserError } from "./lib/errors.ts";

const HELP = `coldstart-bench ${VERSION}: benchmark the cold start of git refs, side by side

Usage: coldstart-bench [options] [REF...]
       bun scripts/benchmark_cold_start.ts [options] [REF...]

  (no ref)          the working tree as it is
  REF               that ref (branch, tag, commit, HEAD~3, feature/x)
  BASE CAND         both, runs interleaved, then the comparison (CAND against BASE)
  BASE C1 C2 ...    each against the first
  .  or  WORKTREE   the working tree with its uncommitted changes (e.g. "main .")

Every ref is checked out with \`git worktree add --detach\` into a temporary folder and
removed afterwards, also on errors and Ctrl-C; your working tree, index, stash and branch
are never touched. Per tree: the configured \`install\` command, else \`uv sync\` when
uv.lock exists and uv is on PATH, else PYTHONPATH on the tree; its log goes to the
output folder. Results: benchmark_results/cold_start_<ref>_<seconds>.json.

Benchmark options:
  --aa REF              measure REF against itself (two worktrees): this machine's noise
  -i, --interactive     choose refs and iterations with prompts (needs a terminal, not CI)
  --drop-caches         drop the OS page cache before every run (Linux, root only)
  --html FILE           with two or more refs: also write the comparison as a self-contained HTML page
  --no-chart            no distribution sketches in the terminal comparison

${MEASURE_FLAGS_HELP}

Exit codes: 0 ok, 2 bad input, a failed dependency step or a failed measurement,
130/143 interrupted (SIGINT/SIGTERM).`;

const FLAGS = {
  ...MEASURE_FLAGS,
  aa: { type: "string" },
  interactive: { type: "boolean", short: "i" },
  "drop-caches": { type: "boolean" },
  html: { type: "string" },
  "no-chart": { type: "boolean" },
} as const;

/**
 * Interactive mode: baseline, candidate and iteration count from prompts. Returns null
 * when the user cancels (Ctrl-C / Esc) — nothing has been created by then.
 */
async function promptForRefs(flags: MeasureFlags): Promise<{ refs: string[]; iterations: number } | null> {
  if (process.env.CI || !process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError("--interactive needs a terminal and is never used in CI (CI is set or stdin is not a terminal); pass the refs as arguments");
  }
  const { resolveTarget } = await import("./lib/gitinfo.ts");
  const { localBranches, repoTopLevel } = await import("./lib/git.ts");
  const { loadConfig } = await import("./lib/config.ts");
  const target = resolveTarget(flags.repo);
  const branches = await localBranches(await repoTopLevel(target));
  const configured = loadConfig(target, flags.configFile, flags.settings).iterations;
  const clack = await import("@clack/prompts");
  const cancelled = (value: unknown): boolean => {
    if (!clack.isCancel(value)) return false;
    clack.cancel("Operation cancelled.");
    return true;
  };
  clack.intro("coldstart-bench");
  const worktree = { value: ".", label: "working tree", hint: "with uncommitted changes" };
  const options = branches.map((name, index) => ({ value: name, label: name, hint: index === 0 ? "most recent" : undefined }));
  const baseline = await clack.select({ message: "Baseline", options: [...options, worktree] });
  if (cancelled(baseline)) return null;
  const candidate = await clack.select({
    message: "Compare with",
    options: [
      ...options.filter((option) => option.value !== baseline),
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

await runMain("coldstart-bench", async () => {
  const { values, positionals } = parse(Bun.argv.slice(2), FLAGS, "coldstart-bench");
  if (values.help || values.version) {
    console.log(values.help ? HELP : `coldstart-bench ${VERSION}`);
    return 0;
  }
  const flags = measureFlags(values);
  let refs = positionals;
  const { planTargets } = await import("./lib/bench.ts");
  planTargets(refs, values.aa ?? null); // every ref's syntax, before anything else happens
  if (values.interactive) {
    if (refs.length || values.aa) throw new UserError("--interactive chooses the refs itself; give no refs (or drop -i)");
    const chosen = await promptForRefs(flags);
    if (!chosen) return 130;
    refs = chosen.refs;
    flags.settings.iterations = chosen.iterations;
  }
  const { runBenchmark } = await import("./lib/bench.ts");
  const outcome = await runBenchmark(
    {
      flags, refs, aa: values.aa ?? null, dropCaches: values["drop-caches"] === true,
      html: values.html ?? null, chart: values["no-chart"] !== true,
    },
    VERSION,
  );
  return outcome.exitCode;
});
