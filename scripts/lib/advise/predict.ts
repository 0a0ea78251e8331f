/**
 * Predicted savings of deferring a set of modules, each figure labelled with its source:
 *
 * - "importtime": the modules' share of the statement's `-X importtime` self time (median
 *   per module over several runs of the timed harness, as the measurement's importtime
 *   rows), times the unprofiled import time;
 * - "blocked-run": the measured statement with those modules replaced by stubs
 *   (py-blocked.ts) against the same program blocking nothing, several rounds each running
 *   both back to back, the median of the per-round differences: the import-time saving (a
 *   cross-check) and the peak-memory (VmHWM) saving;
 * - "estimate": when no blocked run could be made, memory in proportion to import time
 *   (the statement's memory above `pass`, times the subtree's share of its import time).
 */
import { HARNESS, parseHarnessOutput } from "../measure/harness.ts";
import { runProcess, stderrTail } from "../measure/executor.ts";
import { aggregateImportTime, parseImportTime } from "../measure/importtime.ts";
import type { ImportTimeRow } from "../result/schema.ts";
import { absoluteDeviationMedian, median } from "../stats/describe.ts";
import type { AdviseRuntime } from "./model.ts";
import { BLOCKED_HARNESS } from "./py-blocked.ts";

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function childOptions(runtime: AdviseRuntime) {
  return { cwd: runtime.tree.dir, env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache }, timeoutMs: runtime.timeoutMs };
}

/** Median `-X importtime` rows of `statement` over `runs` unprofiled harness runs (failed runs skipped). */
export async function importtimeRows(runtime: AdviseRuntime, statement: string, runs = 3): Promise<ImportTimeRow[]> {
  const [major, minor] = runtime.tree.python.versionInfo;
  const option = major > 3 || (major === 3 && minor >= 14) ? "importtime=2" : "importtime";
  const all: ImportTimeRow[][] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await runProcess([runtime.tree.python.executable, "-X", option, "-c", HARNESS, statement, ""], childOptions(runtime));
    if (parseHarnessOutput(run.channel)) all.push(parseImportTime(run.stderr));
  }
  return aggregateImportTime(all);
}

/**
 * The importtime prediction for `modules`: their summed median self time (ms), its share of
 * the whole statement's summed self time, and the modules without a row. The share times
 * the unprofiled import time is the prediction (see `scaledMs`): `-X importtime` runs one
 * after another, slower than unprofiled ones and exposed to the machine's drift, while the
 * share of one module set within a run holds.
 */
export function importtimeSaving(rows: readonly ImportTimeRow[], modules: readonly string[]): { ms: number; share: number; unmeasured: string[] } {
  const self = new Map<string, number>();
  for (const row of rows) self.set(row.module, Math.max(self.get(row.module) ?? 0, row.self_us));
  let total = 0;
  for (const value of self.values()) total += value;
  let us = 0;
  const unmeasured: string[] = [];
  for (const name of modules) {
    const value = self.get(name);
    if (value === undefined) unmeasured.push(name);
    else us += value;
  }
  return { ms: Math.round(us) / 1000, share: total > 0 ? us / total : 0, unmeasured };
}

/** A share of the import times an unprofiled import time (ms); `rawMs` (the importtime sum) when that is unknown. */
export function scaledMs(share: number, importMs: number | null | undefined, rawMs = 0): number {
  return importMs != null && importMs > 0 ? round3(share * importMs) : rawMs;
}

export interface BlockedSaving {
  /** Median over rounds of (normal − blocked) import ms; null when the blocked runs failed. */
  ms: number | null;
  /** The median absolute deviation of those differences, ms: a saving within a couple of it is noise. */
  msSpread?: number;
  /** The same for peak memory (VmHWM), MB; null when unavailable. */
  mb: number | null;
  /** Why the blocked runs failed (e.g. a stub broke module-level code). */
  error?: string;
}

export interface BlockedRuns {
  /** The normal run's medians. */
  normal: { importMs: number | null; rssMb: number | null };
  /** Peak memory of the harness running `pass`: the interpreter's own. */
  baselineMb: number | null;
  groups: Map<string, BlockedSaving>;
  runs: number;
}

interface Samples {
  /** Per round (null: that run failed). */
  ms: (number | null)[];
  mb: (number | null)[];
  error?: string;
}

/** Fisher–Yates on a copy (the round order; Math.random is fine here). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Runs `runs` rounds; each runs, in a shuffled order, the statement blocking nothing, the
 * statement blocking each group's modules, and `pass`. Groups are keyed by the caller.
 */
export async function blockedSavings(
  runtime: AdviseRuntime,
  statement: string,
  groups: readonly { key: string; modules: readonly string[] }[],
  runs = 5,
): Promise<BlockedRuns> {
  const jobs = [
    { key: "\0normal", statement, blocked: "" },
    { key: "\0pass", statement: "pass", blocked: "" },
    ...groups.map((group) => ({ key: group.key, statement, blocked: group.modules.join(",") })),
  ];
  const samples = new Map<string, Samples>(jobs.map((job) => [job.key, { ms: [], mb: [] }]));
  for (let round = 0; round < runs; round += 1) {
    for (const job of shuffled(jobs)) {
      const entry = samples.get(job.key)!;
      if (entry.error) continue;
      const run = await runProcess([runtime.tree.python.executable, "-c", BLOCKED_HARNESS, job.statement, "", job.blocked], childOptions(runtime));
      const output = parseHarnessOutput(run.channel);
      if (!output) {
        entry.error = run.timedOut ? "the blocked run timed out" : `the blocked run failed: ${stderrTail(run.stderr, 1) || `exit ${run.code}`}`;
        continue;
      }
      entry.ms[round] = output.quantities.import_ms!;
      entry.mb[round] = typeof output.quantities.rss_mb === "number" ? output.quantities.rss_mb : null;
    }
  }
  const present = (values: (number | null)[]) => values.filter((value): value is number => typeof value === "number");
  const med = (values: (number | null)[]) => (present(values).length > 0 ? median(present(values)) : null);
  /** Median over rounds of normal − blocked, each round's pair run back to back: the machine's drift cancels. */
  const differences = (normal: (number | null)[], blocked: (number | null)[]) => {
    const diffs: number[] = [];
    for (let round = 0; round < runs; round += 1) {
      const a = normal[round];
      const b = blocked[round];
      if (typeof a === "number" && typeof b === "number") diffs.push(a - b);
    }
    return diffs;
  };
  const paired = (normal: (number | null)[], blocked: (number | null)[]) => {
    const diffs = differences(normal, blocked);
    return diffs.length > 0 ? round3(median(diffs)) : null;
  };
  const normal = samples.get("\0normal")!;
  const result: BlockedRuns = {
    normal: { importMs: med(normal.ms), rssMb: med(normal.mb) },
    baselineMb: med(samples.get("\0pass")!.mb),
    groups: new Map(),
    runs,
  };
  for (const group of groups) {
    const entry = samples.get(group.key)!;
    const ms = paired(normal.ms, entry.ms);
    if (entry.error || normal.error || ms === null) {
      result.groups.set(group.key, { ms: null, mb: null, error: entry.error ?? normal.error ?? "no blocked run succeeded" });
      continue;
    }
    const spread = round3(absoluteDeviationMedian(differences(normal.ms, entry.ms)));
    result.groups.set(group.key, { ms, msSpread: spread, mb: paired(normal.mb, entry.mb) });
  }
  return result;
}

/** Memory in proportion to import time: (statement's MB above `pass`) × savingMs / importMs. */
export function estimateMb(runs: Pick<BlockedRuns, "normal" | "baselineMb">, savingMs: number): number | null {
  const { importMs, rssMb } = runs.normal;
  if (importMs === null || rssMb === null || runs.baselineMb === null || importMs <= 0) return null;
  return round3(Math.max(0, rssMb - runs.baselineMb) * Math.min(1, savingMs / importMs));
}
