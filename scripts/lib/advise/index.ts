/**
 * "Fix it, measured": the entry points the command line uses. Each step returns plain data;
 * every Python process goes through executor.ts's `runProcess`.
 *
 *   const workload = loadWorkload({ workload, workloadFile }, target);
 *   const result = await advise({ runtime, statement, workload, packages });   // --advise
 *   result.advice                                                            // -> result file `advice`
 *   const applied = await applyCandidates({ plans: result.plans, original, patched, statement,
 *                                            workload, baseline: result.baseline, top, check, prefix });
 *   const predicted = await predictPatch(result, applied.applied, { runtime: original, statement });
 *   // then: write applied.patch to advice/<ref>-defer.patch, benchmark original vs patched, and
 *   // compare the measured saving with scaledMs(predicted.share, <the benchmark's original median>)
 *   // (the share of the import, restated at the benchmark's moment) and with predicted.predictedMb.
 *
 * The steps of `advise`, in order: the workload on the unchanged tree (a failure there is
 * bad input: UserError, exit 2); the usage profile with the import graph; `-X importtime`
 * rows; the candidates with their ast facts; blocked runs for the memory (and a
 * cross-check of the time) of the largest candidates; the hotspots run for eager work.
 */
import type { HotspotsReport } from "../measure/why.ts";
import type { ImportTimeRow } from "../result/schema.ts";
import { findCandidates, type KeptStatement, type StatementPlan } from "./candidates.ts";
import { eagerWork, runHotspots } from "./eager.ts";
import { subtree, topPackages, type ImportGraph } from "./graph.ts";
import type { Advice, AdviseRuntime, ProfileReport, Source, Workload, WorkloadRun } from "./model.ts";
import { blockedSavings, estimateMb, importtimeRows, importtimeSaving, scaledMs, type BlockedRuns } from "./predict.ts";
import { profileUsage } from "./profile.ts";
import { requireWorkload, runWorkload } from "./workload.ts";

export { applyCandidates, type ApplyOptions, type ApplyResult } from "./apply.ts";
export { findCandidates, ownModule, type CandidateSet, type KeptStatement, type StatementPlan } from "./candidates.ts";
export { patchOf, unifiedDiff } from "./diff.ts";
export { eagerWork, runHotspots } from "./eager.ts";
export { analyzeFiles, type FileFacts, type ImportStatement, type MissingStatement, type StatementFacts } from "./facts.ts";
export { buildGraph, importSites, reachable, subtree, topPackages, type ImportGraph, type StatementRange } from "./graph.ts";
export type * from "./model.ts";
export { decide, resolveFrom, type Decision } from "./movability.ts";
export { blockedSavings, estimateMb, importtimeRows, importtimeSaving, scaledMs, type BlockedRuns } from "./predict.ts";
export { profileUsage } from "./profile.ts";
export { rewriteFile, rewritePlans, type FileRewrite } from "./rewrite.ts";
export { describeRun, loadWorkload, requireWorkload, runCheck, runDifference, runWorkload, type CheckRun } from "./workload.ts";

export interface AdviseOptions {
  runtime: AdviseRuntime;
  statement: string;
  workload: Workload;
  /** The target's own packages (config `package`); default: every module whose file is in the tree. */
  packages?: readonly string[];
  /** Rows the measurement already has (median self times); else measured here. */
  importtime?: readonly ImportTimeRow[];
  /** `-X importtime` runs when measured here (default 3). */
  importtimeRuns?: number;
  /** Rounds of blocked runs (default 5); 0 skips them (memory is then estimated). */
  blockedRuns?: number;
  /** Blocked runs for at most this many candidates, the largest (default 12). */
  maxBlocked?: number;
  /** A hotspots report already made for this statement; else one run here. */
  hotspots?: HotspotsReport | null;
  /** Eager work threshold, a share of the import (default 0.05). */
  eagerThreshold?: number;
  onStep?: (message: string) => void;
}

export interface AdviseResult {
  advice: Advice;
  /** Per candidate (same order as advice.candidates): what --apply needs. */
  plans: StatementPlan[];
  kept: KeptStatement[];
  baseline: WorkloadRun;
  profile: ProfileReport;
  graph: ImportGraph;
  importtime: readonly ImportTimeRow[];
  blocked: BlockedRuns | null;
}

const keyOf = (plan: StatementPlan) => `${plan.candidate.file}:${plan.candidate.line}`;

export async function advise(options: AdviseOptions): Promise<AdviseResult> {
  const { runtime, statement, workload } = options;
  const step = options.onStep ?? (() => {});
  step("running the workload on the unchanged tree");
  const baseline = await runWorkload(runtime, statement, workload);
  requireWorkload(baseline);
  step("recording the import graph and the workload's usage");
  const profile = await profileUsage(runtime, statement, workload);
  step("timing imports (-X importtime)");
  const importtime = options.importtime ?? (await importtimeRows(runtime, statement, options.importtimeRuns ?? 3));
  step("finding deferral candidates");
  const set = await findCandidates({ runtime, statement, profile, importtime, packages: options.packages });
  let blocked: BlockedRuns | null = null;
  const rounds = options.blockedRuns ?? 5;
  const measured = set.plans.slice(0, options.maxBlocked ?? 12);
  if (rounds > 0 && measured.length > 0) {
    step(`measuring memory with the candidates' modules blocked (${rounds} rounds)`);
    blocked = await blockedSavings(runtime, statement, measured.map((plan) => ({ key: keyOf(plan), modules: plan.candidate.modules })), rounds);
  }
  // The importtime shares, scaled to the unprofiled import time of the blocked rounds (see
  // predict.ts); without those, the raw importtime sums (the workload's single run compiled
  // the bytecode cache: its import time is no reference).
  const importMs = blocked?.normal.importMs ?? null;
  for (const plan of set.plans) {
    plan.candidate.predictedMs = scaledMs(plan.share, importMs, plan.candidate.importtimeMs);
    const saving = blocked?.groups.get(keyOf(plan));
    if (saving) plan.candidate.blockedMs = saving.ms;
    if (saving?.msSpread !== undefined) plan.candidate.blockedSpreadMs = saving.msSpread;
    if (saving?.mb != null) {
      plan.candidate.predictedMb = saving.mb;
      plan.candidate.mbSource = "blocked-run";
    } else {
      const estimate = blocked ? estimateMb(blocked, plan.candidate.predictedMs) : null;
      plan.candidate.predictedMb = estimate;
      plan.candidate.mbSource = estimate === null ? "none" : "estimate";
    }
  }
  step("profiling top-level calls (eager work)");
  const own = (module: string) => inPackages(options.packages, module);
  const hotspots = options.hotspots !== undefined ? options.hotspots : await runHotspots(runtime, statement);
  const eager = hotspots
    ? eagerWork(hotspots, { own, threshold: options.eagerThreshold, importMs })
    : [];
  set.plans.sort((a, b) => b.candidate.predictedMs - a.candidate.predictedMs);
  const advice: Advice = {
    workload: { statement: workload.label, ok: baseline.ok, ms: round3(baseline.workloadMs), ...(baseline.exited ? { exited: true } : {}) },
    candidates: set.plans.map((plan) => plan.candidate),
    eagerWork: eager,
  };
  return { advice, plans: set.plans, kept: set.kept, baseline, profile, graph: set.graph, importtime, blocked };
}

/** A module of the configured packages (any module when none is configured; eagerWork keeps files in the tree). */
function inPackages(packages: readonly string[] | undefined, module: string): boolean {
  if (!packages || packages.length === 0) return true;
  return packages.some((name) => module === name || module.startsWith(`${name}.`));
}

const round3 = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export interface PatchPrediction {
  /** Modules the applied statements together stop loading. */
  modules: string[];
  packages: string[];
  predictedMs: number;
  /** The modules' share of the import (0–1): restate it against a benchmark's own baseline median with `scaledMs`. */
  share: number;
  /** The import time (ms) `predictedMs` was scaled to: the blocked rounds' normal median; null when unscaled. */
  referenceMs: number | null;
  /** The raw importtime sum (ms) behind it. */
  importtimeMs: number;
  msSource: Source;
  /** The blocked run's ms saving for the whole set (cross-check), null when not measured. */
  blockedMs: number | null;
  predictedMb: number | null;
  mbSource: Source;
}

/** The prediction for applying `applied` together (their modules may overlap or add up to more than each alone). */
export async function predictPatch(result: AdviseResult, applied: readonly StatementPlan[], options: { runtime?: AdviseRuntime; statement?: string; runs?: number } = {}): Promise<PatchPrediction> {
  const modules = subtree(result.graph, applied.map((plan) => plan.range));
  const saving = importtimeSaving(result.importtime, modules);
  let importMs = result.blocked?.normal.importMs ?? null;
  let blockedMs: number | null = null;
  let mb: number | null = null;
  let mbSource: Source = "none";
  const runs = options.runs ?? 5;
  if (options.runtime && options.statement && modules.length > 0 && runs > 0) {
    const blocked = await blockedSavings(options.runtime, options.statement, [{ key: "patch", modules }], runs);
    const group = blocked.groups.get("patch");
    importMs = blocked.normal.importMs ?? importMs;
    blockedMs = group?.ms ?? null;
    if (group?.mb != null) {
      mb = group.mb;
      mbSource = "blocked-run";
    } else {
      mb = estimateMb(blocked, scaledMs(saving.share, importMs, saving.ms));
      mbSource = mb === null ? "none" : "estimate";
    }
  }
  return {
    modules, packages: topPackages(modules), predictedMs: scaledMs(saving.share, importMs, saving.ms), share: saving.share, referenceMs: importMs ?? null,
    importtimeMs: saving.ms, msSource: "importtime", blockedMs, predictedMb: mb, mbSource,
  };
}
