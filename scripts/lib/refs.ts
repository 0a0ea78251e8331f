/**
 * The trees a benchmark of git refs measures: refs -> checked and resolved to commits
 * (nothing created yet) -> one detached worktree per ref under the OS temporary folder
 * (the working tree, `.`, is measured in place) -> the dependency step per worktree,
 * logged to the output folder. Worktrees are removed on every exit path (git/worktrees.ts).
 */
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import type { Config } from "./config.ts";
import { UserError } from "./errors.ts";
import { WORKTREE_WORDS, resolveCommit, validateRefSyntax } from "./git/refs.ts";
import { describeWorkingTree } from "./git/tree.ts";
import { addWorktree, type SubmoduleChoice } from "./git/worktrees.ts";
import { InstallError, planInstall, runInstall } from "./install.ts";
import { cleanupWorktrees, pruneStaleWorktrees } from "./git/worktrees.ts";
import type { Counter } from "./measure/counter.ts";
import { planRounds } from "./measure/plan.ts";
import { measureTrees, type TreeSpec } from "./measure/trees.ts";
import { interrupted, interruptExitCode } from "./process.ts";
import { describeFailure, type Reporter } from "./render/progress.ts";
import { saveResult } from "./result/files.ts";
import { type LoadedResult, loadedFrom } from "./result/read.ts";
import type { Environment, ResultFile } from "./result/schema.ts";
import type { EnvChoice } from "./env/plan.ts";

/** One tree to measure, before anything is created. */
export interface Target {
  label: string;
  /** The ref as typed, or null for the working tree. */
  ref: string | null;
  /** What goes into the result file's name (`cold_start_<fileRef>_<seconds>.json`); null: no ref part. */
  fileRef: string | null;
}

/** Turns the command line into targets, checking every ref's syntax (nothing is created). */
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

export function shortCommit(commit: string | null): string {
  return commit ? commit.slice(0, 9) : "no commit";
}

/** Commits of the targets (null for the working tree); two refs naming one commit are said so. */
export function resolveTargets(top: string, targets: Target[], say: (text: string) => void): (string | null)[] {
  const commits = targets.map((target) => (target.ref === null ? null : resolveCommit(top, target.ref)));
  const seen = new Map<string, string>();
  targets.forEach((target, index) => {
    const commit = commits[index];
    if (!commit || target.label.endsWith("[B]")) return;
    const earlier = seen.get(commit);
    if (earlier) say(`Note: ${target.label} and ${earlier} are the same commit (${shortCommit(commit)}): an A/A comparison, expect no significant change`);
    else seen.set(commit, target.label);
  });
  return commits;
}

/** Top-level modules the measured statements import (`import a.b, c` -> a, c; `from d.e import f` -> d). */
export function importedTopLevels(config: Pick<Config, "package" | "imports">): string[] {
  const names = new Set([config.package.split(".")[0]!]);
  for (const { statement } of config.imports) {
    for (const match of statement.matchAll(/\bfrom\s+([A-Za-z_]\w*)[\w.]*\s+import\b/g)) names.add(match[1]!);
    for (const match of statement.matchAll(/(?:^|[;\n])\s*import\s+([^;\n]+)/g)) {
      for (const part of match[1]!.split(",")) {
        const name = /^\s*([A-Za-z_]\w*)/.exec(part)?.[1];
        if (name) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Whether the measured import can need the submodule at `path` (from the repository's
 * top): it lies under a measured package (`pkg/_vendor/lib`), holds one or the import
 * root (`src`, the project's folder), or sits directly in the import root under a name
 * Python can import (a vendored top-level package). A test-data submodule
 * (`tests/toml-test`) is none of these. `roots`: the import roots from the top
 * (`""`, `src`, `packages/alpha/src`).
 */
export function submoduleNeeded(path: string, roots: readonly string[], packages: readonly string[]): boolean {
  const within = (inner: string, outer: string) => outer === "" || inner === outer || inner.startsWith(`${outer}/`);
  const clean = posix.normalize(path).replace(/\/+$/, "");
  return roots.some((root) => {
    if (within(root, clean)) return true;
    if (packages.some((name) => { const dir = posix.join(root, name); return within(clean, dir) || within(dir, clean); })) return true;
    return posix.dirname(clean) === (root === "" ? "." : root) && /^[A-Za-z_]\w*$/.test(posix.basename(clean));
  });
}

/** The import root of a checked-out tree, from the repository's top: `<subdir>/src` for a src layout (as childEnvironment decides). */
function importRoot(tree: string, subdir: string): string {
  const dir = join(tree, subdir);
  return existsSync(join(dir, "src")) && !existsSync(join(dir, "src", "__init__.py")) ? posix.join(subdir, "src") : subdir;
}

const toldSkipped = new Set<string>();

/** The submodules a ref's worktree gets under `config.submodules`; each one left out is said once per process. */
export function submoduleChoice(config: Pick<Config, "package" | "imports" | "submodules">, subdir: string, say: (text: string) => void): SubmoduleChoice {
  const packages = importedTopLevels(config);
  const skipped = (path: string) => {
    if (toldSkipped.has(path)) return;
    toldSkipped.add(path);
    const why = config.submodules === "none" ? "--submodules none" : `not under ${packages.join(", ")} nor on the import path; --submodules all checks it out`;
    say(`Submodule ${path} not checked out (${why})`);
  };
  if (config.submodules === "all") return { wanted: () => true, advice: "or --submodules auto skips those the import does not need" };
  if (config.submodules === "none") return { wanted: () => false, skipped };
  return {
    wanted: (path, tree) => submoduleNeeded(path, [importRoot(tree, subdir)], packages),
    skipped,
    advice: `it is under ${packages.join(", ")} or on the import path; --submodules none skips it`,
  };
}

export interface PrepareOptions {
  top: string;
  /** The target folder inside the repository ("" at the top level). */
  subdir: string;
  /** The target folder itself (the working tree is measured there). */
  target: string;
  config: Config;
  outDir: string;
  say: (text: string) => void;
  /** Shows a failed dependency step's log tail. */
  showTail: (tail: string) => void;
}

/** What the environment step (env/attach.ts) needs beyond the trees: --no-cache, a mode decided beforehand. */
export interface EnvRunOptions {
  fresh: boolean;
  pinned?: EnvChoice;
  /** Where environment lines that matter (decisions, builds) go when the run's own lines are not shown (bisect, history). */
  say?: (text: string) => void;
}

/** Creates a worktree per ref and runs the dependency step in each; returns the trees to measure. */
export async function prepareTrees(targets: Target[], commits: (string | null)[], options: PrepareOptions): Promise<TreeSpec[]> {
  const { top, subdir, target, config, outDir, say } = options;
  const trees: TreeSpec[] = [];
  for (const [index, item] of targets.entries()) {
    if (interrupted()) throw new UserError("interrupted", interruptExitCode());
    if (item.ref === null) {
      const git = { ...describeWorkingTree(top), worktree: true };
      trees.push({ label: item.label, dir: target, git });
      say(`${item.label}: ${target} (${git.ref ?? "detached"} ${shortCommit(git.commit)}${git.dirty ? ", with uncommitted changes" : ""})`);
      continue;
    }
    const commit = commits[index]!;
    const worktree = addWorktree(top, commit, item.label, submoduleChoice(config, subdir, say));
    const dir = subdir ? join(worktree, subdir) : worktree;
    if (!existsSync(dir)) throw new UserError(`${item.label} (${shortCommit(commit)}) has no folder ${subdir}`);
    trees.push({ label: item.label, dir, git: { ref: item.ref, commit, dirty: false } });
    say(`${item.label}: ${shortCommit(commit)} checked out in ${worktree}`);
  }

  const stamp = Math.floor(Date.now() / 1000);
  for (const [index, tree] of trees.entries()) {
    const plan = planInstall(tree.dir, config.install, Bun.which, config.env);
    // Neither an install command nor uv sync: the environment step, per interpreter, after this.
    if (plan.kind === "none") continue;
    if (targets[index]!.ref === null) {
      say(`Dependencies for ${tree.label}: its own environment, as it is (the working tree is never changed)`);
      tree.environment = { deps: { mode: "none", reason: `the working tree as it is (${plan.kind === "config" ? "install" : "uv sync"} is never run in it)` } };
      continue;
    }
    tree.environment = { deps: { mode: plan.kind === "config" ? "install" : "uv-sync", reason: plan.kind === "config" ? `install = ${plan.description}` : "uv.lock and uv on PATH: uv sync in the tree" } };
    const name = `install_${(targets[index]!.fileRef ?? "worktree").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.log`;
    say(`Dependencies for ${tree.label}: ${plan.description}${plan.argv ? ` (log: ${join(outDir, name)})` : ""}`);
    try {
      await runInstall(tree.dir, plan, outDir, name, tree.label);
    } catch (error) {
      if (interrupted()) throw new UserError("interrupted", interruptExitCode());
      if (error instanceof InstallError && error.tail) options.showTail(error.tail);
      throw error;
    }
  }
  return trees;
}

export interface RefRunContext {
  top: string;
  subdir: string;
  target: string;
  config: Config;
  outDir: string;
  reporter: Reporter;
  tool: string;
  dropCaches: boolean;
  /** Shared by every file of this invocation. */
  runId: string;
  toolVersion: string;
  /** Extra facts recorded in every file (e.g. the instruction counter). */
  environment?: Partial<Environment>;
  /** The instruction counter (metric instructions), found before anything was created. */
  counter?: Counter;
  /** Runs on the trees once they exist with their environments, before anything is measured (--apply rewrites the second). */
  prepared?: (trees: TreeSpec[]) => Promise<void>;
  /** Adds to each result before it is saved, its tree still there (the history cache's `history` object, --advise's advice). */
  annotate?: (result: ResultFile, index: number, tree: TreeSpec) => ResultFile | Promise<ResultFile>;
  /** Also write cold_start_latest.json (default true). */
  latest?: boolean;
  /** The environment step's options (default: reuse the cache, decide per run). */
  envs?: EnvRunOptions;
}

export interface RefRun {
  /** The results as built, in target order, ready to compare (nothing re-read). */
  results: LoadedResult[];
  /** Timestamped result files, in target order. */
  files: string[];
  /** True when a measurement failed in some tree. */
  failed: boolean;
}

/**
 * Measures the targets, interleaved, and saves one result file per tree. Worktrees are
 * gone when it returns or throws.
 */
export async function measureRefs(targets: Target[], context: RefRunContext): Promise<RefRun> {
  const { reporter, config } = context;
  const say = (text: string) => reporter.line(text);
  const commits = resolveTargets(context.top, targets, say);
  const stale = pruneStaleWorktrees(context.top);
  if (stale.length) say(`Removed ${stale.length} worktree folder(s) left by an earlier run that was killed`);
  try {
    const trees = await prepareTrees(targets, commits, {
      top: context.top, subdir: context.subdir, target: context.target, config, outDir: context.outDir, say,
      showTail: (tail) => {
        reporter.stop();
        process.stderr.write(`${tail.replace(/^/gm, "    ")}\n`);
      },
    });
    const expanded = underEveryInterpreter(trees, targets.map((target) => target.fileRef), config.python);
    const { attachEnvironments } = await import("./env/attach.ts");
    try {
      expanded.trees = await attachEnvironments(
        expanded.trees.map((spec, index) => ({ spec, fileRef: expanded.fileRefs[index] ?? null, working: targets[expanded.targetOf[index]!]!.ref === null })),
        { config, outDir: context.outDir, say: context.envs?.say ?? say, detail: say, fresh: context.envs?.fresh ?? false, pinned: context.envs?.pinned },
      );
    } catch (error) {
      // A build killed by the signal fails too: the exit code is the signal's.
      if (interrupted()) throw new UserError("interrupted", interruptExitCode());
      throw error;
    }
    await context.prepared?.(expanded.trees);
    say("Running cold start benchmarks...");
    // The rounds the plan will run (--metric modules: one; a bisect step: what its level needs), not --iterations as given.
    const plan = planRounds(config, expanded.trees.length);
    const counted = plan.maxTimed > plan.timed ? `${plan.timed} counted (up to ${plan.maxTimed} while noisy)` : `${plan.timed} counted`;
    say(`Trees: ${expanded.trees.map((tree) => tree.label).join(", ")}; runs interleaved, ${config.warmup} warm-up + ${counted} per measurement`);
    say("-".repeat(60));
    let results: ResultFile[];
    try {
      results = await measureTrees(expanded.trees, {
        config, toolVersion: context.toolVersion, runId: context.runId, environment: context.environment, counter: context.counter,
        onEvent: (event) => reporter.event(event), stopped: interrupted, stopCode: interruptExitCode, dropCaches: context.dropCaches,
      });
    } catch (error) {
      if (interrupted()) throw new UserError("interrupted", interruptExitCode());
      throw error;
    } finally {
      reporter.stop();
    }
    if (context.annotate) {
      const annotate = context.annotate;
      results = await Promise.all(results.map((result, index) => annotate(result, index, expanded.trees[index]!)));
    }
    const files = results.map((result, index) => {
      const path = saveResult(context.outDir, result, expanded.fileRefs[index], context.latest ?? true);
      say(`Results for ${expanded.trees[index]!.label} saved to ${path}`);
      return path;
    });
    const loaded = results.map((result, index) => loadedFrom(result, files[index]!));
    let failed = false;
    results.forEach((result, index) => {
      for (const [name, failure] of Object.entries(result.failures ?? {})) {
        failed = true;
        process.stderr.write(describeFailure(context.tool, `${expanded.trees[index]!.label}: ${name}`, failure));
        const hint = dependencyHint(failure, targets[expanded.targetOf[index]!]!);
        if (hint) process.stderr.write(`    ${hint}\n`);
      }
    });
    return { results: loaded, files, failed };
  } finally {
    cleanupWorktrees();
  }
}

/** A missing module in a checked-out ref is most often a dependency the worktree lacks. */
function dependencyHint(failure: { message: string; stderr_tail: string }, target: Target): string | null {
  if (target.ref === null || !/ModuleNotFoundError|No module named/.test(`${failure.message}\n${failure.stderr_tail}`)) return null;
  return "hint: worktrees have no .venv of their own; declare the dependencies ([project].dependencies, requirements.txt) and each ref gets an environment holding them, or set [tool.coldstart] python (an interpreter that has them) or install (e.g. \"pip install -e .\")";
}

/** How an interpreter is named in labels and file names: "3.12", or a path's file name. */
export function interpreterLabel(python: string): string {
  return python.includes("/") ? python.split("/").filter(Boolean).pop() ?? python : python;
}

/**
 * With several interpreters (`--python 3.10,3.12`), every tree is measured under every
 * one: one tree spec, label and result file per (tree, interpreter), interpreters within
 * each tree, so `run_order` keeps the baseline's first.
 */
export function underEveryInterpreter(
  trees: TreeSpec[], fileRefs: (string | null)[], pythons: readonly string[],
): { trees: TreeSpec[]; fileRefs: (string | null)[]; targetOf: number[] } {
  if (pythons.length <= 1) return { trees, fileRefs, targetOf: trees.map((_, index) => index) };
  const labels = pythons.map(interpreterLabel);
  const unique = labels.map((label, index) => (labels.indexOf(label) === index ? label : `${label}#${index + 1}`));
  const out = { trees: [] as TreeSpec[], fileRefs: [] as (string | null)[], targetOf: [] as number[] };
  trees.forEach((tree, index) => {
    pythons.forEach((python, p) => {
      out.trees.push({ ...tree, label: `${tree.label} · ${unique[p]}`, python });
      const name = unique[p]!.startsWith("python") ? unique[p] : `py${unique[p]}`;
      out.fileRefs.push(`${fileRefs[index] ?? "worktree"}_${name}`);
      out.targetOf.push(index);
    });
  });
  return out;
}
