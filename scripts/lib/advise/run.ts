/**
 * `--advise` and `--apply` from the command line: which statement and workload, advice on
 * a measured tree (coldstart-test, coldstart-bench REF), and the patch, proved: two
 * worktrees of the ref, the movable candidates rewritten in the second, checked (workload
 * output, `--check`), written as `advice/<ref>-defer.patch`, then the ref benchmarked
 * against its patched self. Nothing is written into the user's tree.
 */
import { join } from "node:path";
import type { Config, ImportSpec } from "../config.ts";
import { UserError } from "../errors.ts";
import { git } from "../git/run.ts";
import { prepareTree, type TreeSpec } from "../measure/trees.ts";
import type { AdviceReport, Verdict } from "../model/comparison.ts";
import type { LoadedResult } from "../result/read.ts";
import type { Advice } from "../result/schema.ts";
import { median } from "../stats/describe.ts";
import { ensureDir, writeFile } from "../write.ts";
import { advise, type AdviseResult, applyCandidates, loadWorkload, predictPatch, scaledMs } from "./index.ts";
import type { AdviseRuntime, Workload } from "./model.ts";

/** The statement advice is about: the first import with a workload (its own, else the project's). */
export interface AdviseTarget {
  spec: ImportSpec;
  workload: Workload;
}

/** Checked before anything is measured: a workload exists and can be read. */
export function adviseTarget(config: Config, target: string): AdviseTarget {
  const own = config.imports.find((spec) => spec.workload !== undefined || spec.workload_file !== undefined);
  const spec = own ?? config.imports[0]!;
  const workload = loadWorkload(
    own ? { workload: own.workload, workloadFile: own.workload_file } : { workload: config.workload ?? undefined, workloadFile: config.workload_file ?? undefined },
    target,
  );
  return { spec, workload };
}

export interface AdviseContext {
  config: Config;
  say: (text: string) => void;
}

/** The tree's runtime for the advise programs (the interpreter and environment a measurement would use). */
async function runtimeOf(tree: TreeSpec, config: Config): Promise<{ runtime: AdviseRuntime; remove: () => void }> {
  const prepared = await prepareTree(tree, config);
  return { runtime: { tree: prepared.runtime, timeoutMs: config.timeout * 1000 }, remove: prepared.removeCache };
}

/** Advice on one tree, for its result file; `result` lends its importtime rows. */
export async function adviseTree(tree: TreeSpec, target: AdviseTarget, result: LoadedResult | null, context: AdviseContext): Promise<AdviseResult> {
  const { runtime, remove } = await runtimeOf(tree, context.config);
  try {
    context.say(`Advising on '${target.spec.statement}' with the workload ${JSON.stringify(target.workload.label)}...`);
    const advised = await advise({
      runtime, statement: target.spec.statement, workload: target.workload, packages: [context.config.package],
      importtime: result?.data.importtime?.[target.spec.name]?.length ? result.data.importtime[target.spec.name] : undefined,
      onStep: (message) => context.say(`  ${message}`),
    });
    advised.advice.kept = advised.kept.map(({ file, line, module, used }) => ({ file, line, module, used }));
    return advised;
  } finally {
    remove();
  }
}

export interface ApplyContext extends AdviseContext {
  outDir: string;
  /** The target folder inside the repository: the patch's paths start there. */
  subdir: string;
  top: number | null;
  check: string | null;
  ref: string;
}

export interface Applied {
  result: AdviseResult;
  /** The patch file written, or null when no candidate survived. */
  patchPath: string | null;
  prediction: Awaited<ReturnType<typeof predictPatch>> | null;
}

/** Rewrites the candidates into `patched` (a worktree of the advised ref), checks them, writes the patch. */
export async function applyAdvice(original: TreeSpec, patched: TreeSpec, target: AdviseTarget, context: ApplyContext): Promise<Applied> {
  const first = await runtimeOf(original, context.config);
  const second = await runtimeOf(patched, context.config);
  try {
    const result = await adviseTree(original, target, null, context);
    context.say(`Applying ${context.top ? `the top ${context.top}` : "every"} movable candidate in ${patched.dir}...`);
    const applied = await applyCandidates({
      plans: result.plans, original: first.runtime, patched: second.runtime, statement: target.spec.statement, workload: target.workload,
      baseline: result.baseline, top: context.top ?? undefined, check: context.check ?? undefined, prefix: context.subdir,
      onStep: (message) => context.say(`  ${message}`),
    });
    for (const { plan, reason } of applied.dropped) context.say(`  dropped ${plan.candidate.file}:${plan.candidate.line}: ${reason}`);
    if (applied.applied.length === 0) return { result, patchPath: null, prediction: null };
    const dir = join(context.outDir, "advice");
    ensureDir(dir);
    const patchPath = join(dir, `${context.ref.replace(/[^A-Za-z0-9._~^@-]/g, "_")}-defer.patch`);
    writeFile(patchPath, applied.patch, { flag: "--out" });
    // The patch's paths start at the repository's top: checked there, on an unchanged tree of the ref.
    const check = git(git(original.dir, ["rev-parse", "--show-toplevel"]).out, ["apply", "--check", patchPath]);
    if (!check.ok) {
      throw new UserError(`the patch ${patchPath} does not apply to ${context.ref} (git apply --check: ${check.err.split("\n").pop()}); this is a bug in coldstart, please report it`);
    }
    context.say(`Patch written to ${patchPath} (applies with \`git apply\` on ${context.ref})`);
    const prediction = await predictPatch(result, applied.applied, { runtime: first.runtime, statement: target.spec.statement });
    return { result, patchPath, prediction };
  } finally {
    first.remove();
    second.remove();
  }
}

/** The advice section of a comparison: what to defer, and with --apply the prediction against the benchmark. */
export function adviceReport(ref: string | null, advice: Advice, applied: Applied | null, compared: { baseline: LoadedResult; candidate: LoadedResult; measurement: string; verdict: Verdict | null } | null): AdviceReport {
  if (!applied?.prediction || !compared) return { ref, advice, patch: null };
  const { baseline, candidate, measurement } = compared;
  const series = (result: LoadedResult, key: "import_ms" | "rss_mb" | "modules") => result.measurements[measurement]?.quantities[key]?.samples ?? [];
  const base = series(baseline, "import_ms");
  const cand = series(candidate, "import_ms");
  const pairs = base.length === cand.length ? base.map((value, i) => value - cand[i]!) : [];
  const medianOf = (side: LoadedResult, key: "rss_mb" | "modules") => (series(side, key).length ? median(series(side, key)) : null);
  const memory = (side: LoadedResult) => medianOf(side, "rss_mb");
  const [baseModules, candModules] = [medianOf(baseline, "modules"), medianOf(candidate, "modules")];
  const [baseMb, candMb] = [memory(baseline), memory(candidate)];
  const prediction = applied.prediction;
  // The share of the import the modules took, restated against this benchmark's own baseline median.
  const predictedMs = base.length ? scaledMs(prediction.share, median(base), prediction.predictedMs) : prediction.predictedMs;
  return {
    ref, advice,
    patch: {
      path: applied.patchPath!,
      applied: advice.candidates.filter((candidate) => candidate.applied).length,
      modules: prediction.modules.length,
      measuredModules: baseModules !== null && candModules !== null ? baseModules - candModules : null,
      packages: prediction.packages,
      predictedMs, predictedMb: prediction.predictedMb, mbSource: prediction.mbSource,
      measuredMs: pairs.length ? median(pairs) : base.length && cand.length ? median(base) - median(cand) : null,
      measuredMb: baseMb !== null && candMb !== null ? baseMb - candMb : null,
      verdict: compared.verdict,
    },
  };
}
