/**
 * `--apply`: rewrite the movable candidates in a scratch tree of the advised ref (never the
 * user's tree), then keep only what verifies, each drop with its reason:
 *
 * 1. the rewritten files parse (`ast`);
 * 2. the workload prints the same output (sha256 of stdout) and exit status as on the
 *    original (when the original's own output changes from run to run, exit status only);
 * 3. `--check CMD` passes on the patched tree whenever it passes on the original.
 *
 * All candidates are tried together first; when that fails, each alone (dropping those
 * that fail alone), then the survivors together, and if they still fail, one by one in
 * rank order, keeping each that verifies with those kept before. Every attempt gets a
 * fresh bytecode cache: a rewritten and a restored file may share a size and an mtime
 * second. The scratch tree ends holding exactly the verified set, and the patch is its
 * diff. The paired benchmark of original vs patched is the caller's.
 */
import { mkdirSync } from "node:fs";
import { UserError } from "../errors.ts";
import { writeFile } from "../write.ts";
import { dirname, join } from "node:path";
import { TEMP_PREFIXES, temporaryDir } from "../process.ts";
import type { StatementPlan } from "./candidates.ts";
import { patchOf } from "./diff.ts";
import { analyzeFiles } from "./facts.ts";
import type { AdviseRuntime, Workload, WorkloadRun } from "./model.ts";
import { rewritePlans, type FileRewrite } from "./rewrite.ts";
import { runCheck, runDifference, runWorkload, type CheckRun } from "./workload.ts";

export interface ApplyOptions {
  /** From findCandidates on the original tree; the movable ones are tried, best first. */
  plans: readonly StatementPlan[];
  /** The advised ref's tree (the workload's reference runs). */
  original: AdviseRuntime;
  /** A second tree of the same ref to write into (a temporary worktree). */
  patched: AdviseRuntime;
  statement: string;
  workload: Workload;
  /** The workload's run on the original. */
  baseline: WorkloadRun;
  /** Apply at most this many (best predicted first); default all movable. */
  top?: number;
  /** `--check CMD`, run with /bin/sh in each tree. */
  check?: string;
  /** The target's folder inside the repository, for the patch's paths ("" at the top). */
  prefix?: string;
  /** Called before each verification step (for a progress line). */
  onStep?: (message: string) => void;
}

export interface ApplyResult {
  applied: StatementPlan[];
  dropped: { plan: StatementPlan; reason: string }[];
  /** The patch of the applied set (applies with `git apply` on the ref); "" when nothing applied. */
  patch: string;
  files: FileRewrite[];
  check: { original: CheckRun | null; patched: CheckRun | null };
  /** Output compared by exit status only: the original's output differs between two runs. */
  outputUnstable: boolean;
}

const label = (plan: StatementPlan) => `${plan.candidate.file}:${plan.candidate.line}`;

export async function applyCandidates(options: ApplyOptions): Promise<ApplyResult> {
  const { original, patched } = options;
  const movable = options.plans.filter((plan) => plan.candidate.movable);
  const selected = movable.slice(0, options.top ?? movable.length);
  for (const plan of options.plans) {
    plan.candidate.applied = false;
    if (!plan.candidate.movable) plan.candidate.appliedReason = "not movable";
    else if (!selected.includes(plan)) plan.candidate.appliedReason = `beyond the top ${options.top} applied`;
  }
  const originalCheck = options.check ? await runCheck(original, options.check) : null;
  if (originalCheck && !originalCheck.ok) {
    // A check that fails before any change cannot tell whether a change broke something: bad input.
    const how = originalCheck.timedOut ? "timed out" : `exit ${originalCheck.status}`;
    const last = originalCheck.tail.split("\n").filter(Boolean).pop();
    throw new UserError(`--check fails on the unchanged tree (${how}${last ? `: ${last}` : ""}); fix the command or the tree first, or leave --check out`);
  }
  let outputUnstable = false;
  const written = new Map<string, string>();

  const write = (rewrites: FileRewrite[]) => {
    for (const [file, before] of written) writeFile(join(patched.tree.dir, file), before);
    written.clear();
    for (const rewrite of rewrites) {
      const path = join(patched.tree.dir, rewrite.file);
      mkdirSync(dirname(path), { recursive: true });
      written.set(rewrite.file, rewrite.before);
      writeFile(path, rewrite.after);
    }
  };

  /** Writes `set` into the patched tree and verifies it: null, or why it fails. */
  const attempt = async (set: readonly StatementPlan[]): Promise<string | null> => {
    const reason = await verify(set);
    if (reason === null) verifiedCheck = lastCheck;
    return reason;
  };
  let lastCheck: CheckRun | null = null;
  let verifiedCheck: CheckRun | null = null;
  const verify = async (set: readonly StatementPlan[]): Promise<string | null> => {
    lastCheck = null;
    const rewrites = rewritePlans(set);
    write(rewrites);
    const pycache = temporaryDir(TEMP_PREFIXES.pycache);
    const runtime: AdviseRuntime = { ...patched, tree: { ...patched.tree, pycache: pycache.dir } };
    try {
      options.onStep?.(`verifying ${set.map(label).join(", ")}`);
      const parsed = await analyzeFiles(runtime, rewrites.map((rewrite) => ({ path: join(patched.tree.dir, rewrite.file), lines: [] })));
      const broken = parsed.findIndex((facts) => facts.error);
      if (broken >= 0) return `the rewritten ${rewrites[broken]!.file} does not parse: ${parsed[broken]!.error}`;
      const run = await runWorkload(runtime, options.statement, options.workload);
      let difference = runDifference(options.baseline, run);
      if (difference && run.status === options.baseline.status && run.ok && !outputUnstable) {
        const again = await runWorkload(original, options.statement, options.workload);
        if (runDifference(options.baseline, again)) outputUnstable = true;
      }
      if (difference && outputUnstable && run.status === options.baseline.status && run.ok) difference = null;
      if (difference) return difference;
      if (options.check && originalCheck?.ok) {
        const checked = await runCheck(runtime, options.check);
        lastCheck = checked;
        if (!checked.ok) {
          const how = checked.timedOut ? "timed out" : `exit ${checked.status}`;
          return `--check fails on the patched tree (${how})${checked.tail ? `: ${checked.tail.split("\n").pop()}` : ""}`;
        }
      }
      return null;
    } finally {
      pycache.remove();
    }
  };

  const dropped: { plan: StatementPlan; reason: string }[] = [];
  let accepted: StatementPlan[] = [];
  if (selected.length > 0) {
    const together = await attempt(selected);
    if (together === null) {
      accepted = [...selected];
    } else if (selected.length === 1) {
      dropped.push({ plan: selected[0]!, reason: together });
    } else {
      const survivors: StatementPlan[] = [];
      for (const plan of selected) {
        const alone = await attempt([plan]);
        if (alone === null) survivors.push(plan);
        else dropped.push({ plan, reason: alone });
      }
      const joint = survivors.length > 1 ? await attempt(survivors) : null;
      if (joint === null) {
        accepted = survivors;
      } else {
        for (const plan of survivors) {
          const reason = await attempt([...accepted, plan]);
          if (reason === null) accepted.push(plan);
          else dropped.push({ plan, reason: `fails together with the candidates before it: ${reason}` });
        }
      }
    }
  }
  // The scratch tree ends holding exactly the verified set.
  const files = rewritePlans(accepted);
  write(files);
  for (const plan of accepted) {
    plan.candidate.applied = true;
    delete plan.candidate.appliedReason;
  }
  for (const { plan, reason } of dropped) plan.candidate.appliedReason = reason;
  return {
    applied: accepted,
    dropped,
    patch: patchOf(files, options.prefix ?? ""),
    files,
    check: { original: originalCheck, patched: accepted.length > 0 ? verifiedCheck : null },
    outputUnstable,
  };
}
