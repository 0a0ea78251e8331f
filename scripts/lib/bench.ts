/**
 * Benchmarking git refs: what `benchmark_cold_start.ts` does, as a function.
 *
 * refs -> validated and resolved to commits (nothing created yet) -> one detached
 * worktree per ref in the OS temp folder (the working tree, `.`, is measured in place)
 * -> the dependency step per worktree, logged to the output folder -> runs interleaved
 * across trees (measureTrees) -> one result file per tree -> the comparison, first tree
 * as the baseline. Worktrees are removed on every exit path (see git.ts).
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { MeasureFlags } from "./cli.ts";
import { stdoutPalette } from "./color.ts";
import { loadConfig, type Config } from "./config.ts";
import { UserError } from "./errors.ts";
import { ensureWritableDir, saveResult, writeFileAtomic } from "./files.ts";
import { render as renderHtml } from "./render/html.ts";
import { describeWorkingTree, resolveTarget } from "./gitinfo.ts";
import {
  addWorktree, cleanupWorktrees, installCleanupHandlers, interrupted, interruptExitCode,
  pruneStaleWorktrees, repoTopLevel, resolveCommit, validateRefSyntax, WORKTREE_WORDS,
} from "./git.ts";
import { InstallError, planInstall, runInstall } from "./install.ts";
import { checkDropCaches, measureTrees, type TreeSpec } from "./measure.ts";
import { createReporter, describeFailure, type Reporter } from "./progress.ts";
import { renderComparisonReport } from "./report.ts";
import { readResult, type ResultFile } from "./result.ts";

export interface BenchRequest {
  flags: MeasureFlags;
  /** Positional refs; "." or "WORKTREE" is the working tree. Empty: the working tree. */
  refs: string[];
  /** --aa REF: the same commit in two worktrees. */
  aa: string | null;
  dropCaches: boolean;
  /** --html FILE: also write the comparison as a self-contained HTML page (null: no). */
  html?: string | null;
  /** False with --no-chart: no distribution sketches in the terminal comparison. */
  chart?: boolean;
}

/** One tree to measure, before anything is created. */
export interface Target {
  label: string;
  /** The ref as typed, or null for the working tree. */
  ref: string | null;
  /** What goes into the result file's name (`cold_start_<fileRef>_<seconds>.json`); null: no ref part. */
  fileRef: string | null;
}

/** Turns the command line into targets, checking every ref's syntax (no git call yet). */
export function planTargets(refs: string[], aa: string | null): Target[] {
  if (aa !== null) {
    if (refs.length) throw new UserError("--aa REF measures one ref against itself; give no other refs");
    if (WORKTREE_WORDS.has(aa)) throw new UserError("--aa needs a ref (a branch, tag or commit): the working tree cannot be checked out twice");
    validateRefSyntax(aa);
    return [
      { label: `${aa} [A]`, ref: aa, fileRef: `${aa}_A` },
      { label: `${aa} [B]`, ref: aa, fileRef: `${aa}_B` },
    ];
  }
  if (!refs.length) return [{ label: "working tree", ref: null, fileRef: null }];
  for (const ref of refs) if (!WORKTREE_WORDS.has(ref)) validateRefSyntax(ref);
  const seen = new Map<string, number>();
  return refs.map((ref) => {
    const working = WORKTREE_WORDS.has(ref);
    const base = working ? "working tree" : ref;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const label = count > 1 ? `${base} #${count}` : base;
    const fileRef = working ? (count > 1 ? `worktree_${count}` : null) : count > 1 ? `${ref}_${count}` : ref;
    return { label, ref: working ? null : ref, fileRef };
  });
}

function short(commit: string | null): string {
  return commit ? commit.slice(0, 9) : "no commit";
}

export interface BenchOutcome {
  exitCode: number;
  /** Timestamped result files, in target order. */
  files: string[];
  results: ResultFile[];
  /** The printed comparison (plain or coloured), or null with fewer than two trees. */
  comparison: string | null;
}

/**
 * Runs the whole benchmark. Prints progress through `reporter` (or a new one), the
 * comparison on stdout; returns the exit code: 0 ok, 2 a measurement or the dependency
 * step failed. Worktrees are gone when it returns or throws.
 */
export async function runBenchmark(request: BenchRequest, toolVersion: string, reporterIn?: Reporter): Promise<BenchOutcome> {
  const { flags } = request;
  // Everything that can be checked without creating anything comes first.
  const targets = planTargets(request.refs, request.aa);
  const target = resolveTarget(flags.repo);
  const top = await repoTopLevel(target);
  const subdir = relative(top, target);
  const config: Config = loadConfig(target, flags.configFile, flags.settings);
  const outDir = resolve(flags.out ?? join(target, "benchmark_results"));
  if (request.dropCaches) checkDropCaches();
  ensureWritableDir(outDir);
  const reporter = reporterIn ?? createReporter({
    quiet: flags.quiet,
    streams: flags.json ? { out: process.stderr, err: process.stderr } : undefined,
  });

  installCleanupHandlers((signal) => {
    reporter.stop();
    process.stderr.write(`coldstart-bench: ${signal}: stopping; removing worktrees\n`);
  });
  const commits: (string | null)[] = [];
  for (const item of targets) commits.push(item.ref === null ? null : await resolveCommit(top, item.ref));
  const stale = await pruneStaleWorktrees(top);
  if (stale.length) reporter.line(`Removed ${stale.length} worktree folder(s) left by an earlier run that was killed`);

  const trees: TreeSpec[] = [];
  try {
    for (const [index, item] of targets.entries()) {
      if (interrupted()) throw new UserError("interrupted", interruptExitCode());
      if (item.ref === null) {
        const git = describeWorkingTree(top);
        trees.push({ label: item.label, dir: target, git });
        reporter.line(`${item.label}: ${target} (${git.ref ?? "detached"} ${short(git.commit)}${git.dirty ? ", with uncommitted changes" : ""})`);
        continue;
      }
      const commit = commits[index]!;
      const worktree = await addWorktree(top, commit, item.label);
      const dir = subdir ? join(worktree, subdir) : worktree;
      if (!existsSync(dir)) throw new UserError(`${item.label} (${short(commit)}) has no folder ${subdir}`);
      trees.push({ label: item.label, dir, git: { ref: item.ref, commit, dirty: false } });
      reporter.line(`${item.label}: ${short(commit)} checked out in ${worktree}`);
    }

    const stamp = Math.floor(Date.now() / 1000);
    for (const [index, tree] of trees.entries()) {
      if (targets[index]!.ref === null) {
        reporter.line(`Dependencies for ${tree.label}: its own environment, as it is (the working tree is never changed)`);
        continue;
      }
      const plan = planInstall(tree.dir, config.install);
      const name = `install_${(targets[index]!.fileRef ?? "worktree").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.log`;
      reporter.line(`Dependencies for ${tree.label}: ${plan.description}${plan.argv ? ` (log: ${join(outDir, name)})` : ""}`);
      try {
        await runInstall(tree.dir, plan, outDir, name, tree.label);
      } catch (error) {
        if (interrupted()) throw new UserError("interrupted", interruptExitCode());
        if (error instanceof InstallError && error.tail) {
          reporter.stop();
          process.stderr.write(`${error.tail.replace(/^/gm, "    ")}\n`);
        }
        throw error;
      }
    }

    reporter.line("Running cold start benchmarks...");
    reporter.line(`Trees: ${trees.map((tree) => tree.label).join(", ")}; runs interleaved, ${config.warmup} warm-up + ${config.iterations} counted per measurement`);
    reporter.line("-".repeat(60));
    let results: ResultFile[];
    try {
      results = await measureTrees(trees, {
        config,
        toolVersion,
        onEvent: (event) => reporter.event(event),
        stopped: interrupted,
        dropCaches: request.dropCaches,
      });
    } catch (error) {
      if (interrupted()) throw new UserError("interrupted", interruptExitCode());
      throw error;
    } finally {
      reporter.stop();
    }

    const files: string[] = [];
    for (const [index, result] of results.entries()) {
      const path = saveResult(outDir, result, targets[index]!.fileRef);
      files.push(path);
      reporter.line(`Results for ${trees[index]!.label} saved to ${path}`);
    }

    let failed = false;
    for (const [index, result] of results.entries()) {
      for (const [name, failure] of Object.entries(result.failures ?? {})) {
        failed = true;
        process.stderr.write(describeFailure("coldstart-bench", `${trees[index]!.label}: ${name}`, failure));
      }
    }

    let comparison: string | null = null;
    if (results.length >= 2) {
      const loaded = await Promise.all(files.map((path) => readResult(path)));
      const palette = flags.json ? undefined : stdoutPalette();
      const charts = !flags.json && request.chart !== false && process.stdout.isTTY === true;
      const report = renderComparisonReport(loaded, { format: flags.json ? "json" : "terminal", palette, charts });
      if (request.html) {
        writeFileAtomic(request.html, renderHtml(report.comparison, loaded));
        reporter.line(`HTML report written to ${request.html}`);
      }
      comparison = report.text;
      process.stdout.write(comparison.endsWith("\n") ? comparison : `${comparison}\n`);
    } else if (flags.json) {
      process.stdout.write(`${JSON.stringify(results[0], null, 2)}\n`);
    }
    return { exitCode: failed ? 2 : 0, files, results, comparison };
  } finally {
    cleanupWorktrees();
  }
}
