/**
 * What changed besides the timings: module counts, lazy checks (with the chain that loads
 * each eager module), top-level packages newly loaded or no longer loaded (with their
 * chains), `-X importtime` changes, hotspots, and environment differences.
 */
import type { LoadedResult } from "../result/read.ts";
import type { ImporterRecord, ImportTimeRow } from "../result/schema.ts";
import { importChain, packageIndex } from "./why.ts";
import type {
  EnvironmentMismatch, HotspotChange, ImportTimeChangeRow, ImportTimeDiff, LazyChange, LazyRow, ModuleCountRow, ModuleDiff,
  PackageDiffRow,
} from "../model/comparison.ts";

/** How many rows the import-time diffs keep. */
export const DIFF_LIMIT = 10;

/** The importers records of the run whose statement is `statement` (null when not collected). */
function importersFor(result: LoadedResult, statement: string | undefined): Record<string, ImporterRecord> | null {
  const importers = result.data.importers;
  if (!importers) return null;
  const byStatement = Object.entries(result.measurements).find(([, m]) => m.statement === statement)?.[0];
  const name = byStatement && importers[byStatement] ? byStatement : Object.keys(importers)[0];
  return name ? importers[name] ?? null : null;
}

/** Seed files name measurements `<package>_<what>`: the shared prefix names the package. */
function sharedPrefix(result: LoadedResult): string | null {
  const names = Object.keys(result.data.measurements);
  const prefixes = new Set(names.map((name) => name.split("_")[0]));
  const [only] = prefixes;
  return prefixes.size === 1 && only && names.every((n) => n.includes("_")) ? only : null;
}

export function moduleCountRows(baseline: LoadedResult, candidate: LoadedResult): ModuleCountRow[] {
  const pkg = candidate.data.modules?.package || baseline.data.modules?.package || sharedPrefix(baseline) || null;
  const count = (result: LoadedResult, key: "total" | "filtered") => (result.moduleCountsMeasured ? result.data.module_counts[key] : null);
  return (["total", "filtered"] as const).map((key) => {
    const base = count(baseline, key);
    const cand = count(candidate, key);
    return { key, package: key === "filtered" ? pkg : null, baseline: base, candidate: cand, delta: base !== null && cand !== null ? base - cand : null };
  });
}

export function lazyRows(baseline: LoadedResult, candidate: LoadedResult): LazyRow[] {
  const keys = Object.keys(baseline.lazy);
  for (const key of Object.keys(candidate.lazy)) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => {
    const base = baseline.lazy[key];
    const cand = candidate.lazy[key];
    let change: LazyChange = "unknown";
    if (base && cand) change = base.loaded && !cand.loaded ? "now-lazy" : !base.loaded && cand.loaded ? "now-eager" : "no-change";
    const module = cand?.module || base?.module || null;
    // The chain on the side where the module is loaded: the candidate's when it is eager there.
    const eagerSide = cand?.loaded ? candidate : base?.loaded ? baseline : null;
    const after = (eagerSide?.data.lazy_checks?.[key]?.after) ?? undefined;
    const importers = eagerSide ? importersFor(eagerSide, after) : null;
    const chain = importers && module ? importChain(importers, module) : [];
    return {
      key,
      label: base?.label ?? cand?.label ?? key,
      module,
      baseline: base ? base.loaded : null,
      candidate: cand ? cand.loaded : null,
      change,
      chain: chain.length ? chain : null,
    };
  });
}

/** Module count per top-level package (`a.b.c` counts for `a`). */
export function topLevelCounts(loaded: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of loaded) {
    const dot = name.indexOf(".");
    const top = dot < 0 ? name : name.slice(0, dot);
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  return counts;
}

function byCountThenName(a: PackageDiffRow, b: PackageDiffRow): number {
  return b.modules - a.modules || (a.package < b.package ? -1 : a.package > b.package ? 1 : 0);
}

export function moduleDiff(baseline: LoadedResult, candidate: LoadedResult): ModuleDiff | null {
  const base = baseline.moduleCountsMeasured ? baseline.data.modules?.loaded : undefined;
  const cand = candidate.moduleCountsMeasured ? candidate.data.modules?.loaded : undefined;
  if (!base || !cand) return null;
  const baseCounts = topLevelCounts(base);
  const candCounts = topLevelCounts(cand);
  const rows = (from: Map<string, number>, other: Map<string, number>, result: LoadedResult): PackageDiffRow[] => {
    const changed = [...from].filter(([pkg]) => !other.has(pkg));
    const importers = changed.length ? importersFor(result, result.data.modules?.after) : null;
    const index = importers ? packageIndex(importers) : null;
    return changed
      .map(([pkg, modules]) => {
        const chain = index ? index.chain(pkg) : [];
        return { package: pkg, modules, origin: index ? index.kind(pkg) : "unknown", chain: chain.length ? chain : null };
      })
      .sort(byCountThenName);
  };
  return {
    newlyLoaded: rows(candCounts, baseCounts, candidate),
    noLongerLoaded: rows(baseCounts, candCounts, baseline),
    baselineModules: base.length,
    candidateModules: cand.length,
  };
}

/** The `count` items with the largest `score`, largest first (ties by `name`): one pass, no full sort. */
function largest<T>(items: Iterable<T>, count: number, score: (item: T) => number, name: (item: T) => string): T[] {
  const top: T[] = [];
  const before = (a: T, b: T) => score(a) > score(b) || (score(a) === score(b) && name(a) < name(b));
  for (const item of items) {
    if (top.length === count && !before(item, top[count - 1]!)) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && before(item, top[at - 1]!)) at -= 1;
    top.splice(at, 0, item);
    if (top.length > count) top.pop();
  }
  return top;
}

export function importTimeDiff(name: string, baseRows: ImportTimeRow[], candRows: ImportTimeRow[]): ImportTimeDiff {
  // Plain loops: a side holds a row per imported module, and this runs once, before the JIT warms up.
  const base = new Map<string, ImportTimeRow>();
  for (let i = 0; i < baseRows.length; i += 1) base.set(baseRows[i]!.module, baseRows[i]!);
  const cand = new Map<string, ImportTimeRow>();
  for (let i = 0; i < candRows.length; i += 1) cand.set(candRows[i]!.module, candRows[i]!);
  // Every module of either side whose cumulative time changed (the largest are kept: order does not matter).
  const changes: ImportTimeChangeRow[] = [];
  const change = (module: string, b: number | null, c: number | null) => {
    if ((b ?? 0) !== (c ?? 0)) changes.push({ module, baselineUs: b, candidateUs: c, deltaUs: (b ?? 0) - (c ?? 0) });
  };
  for (const [module, row] of base) change(module, row.cumulative_us, cand.get(module)?.cumulative_us ?? null);
  for (const [module, row] of cand) if (!base.has(module)) change(module, null, row.cumulative_us);
  const topSelf = largest(candRows, DIFF_LIMIT, (row) => row.self_us, (row) => row.module)
    .map((row) => ({ module: row.module, selfUs: row.self_us, cumulativeUs: row.cumulative_us, baselineSelfUs: base.get(row.module)?.self_us ?? null }));
  return { measurement: name, largestChanges: largest(changes, DIFF_LIMIT, (row) => Math.abs(row.deltaUs), (row) => row.module), topSelf };
}

/** Hotspots (module, line, call) of the measurement that exist on one side only. */
export function hotspotChanges(baseline: LoadedResult, candidate: LoadedResult, measurement: string): HotspotChange[] {
  const base = baseline.data.hotspots?.[measurement];
  const cand = candidate.data.hotspots?.[measurement];
  if (!base || !cand) return [];
  const key = (h: { module: string; line: number | null; call: string }) => `${h.module}\0${h.line}\0${h.call}`;
  const baseKeys = new Set(base.map(key));
  const candKeys = new Set(cand.map(key));
  return [
    ...cand.filter((h) => !baseKeys.has(key(h))).map((hotspot) => ({ change: "appeared" as const, hotspot })),
    ...base.filter((h) => !candKeys.has(key(h))).map((hotspot) => ({ change: "disappeared" as const, hotspot })),
  ].sort((a, b) => b.hotspot.ms - a.hotspot.ms);
}

/** The Python version number ("3.11.2") from a sys.version string. */
function versionNumber(version: string): string {
  return version.trim().split(/\s+/)[0] ?? version;
}

export function environmentMismatches(baseline: LoadedResult, candidate: LoadedResult): EnvironmentMismatch[] {
  const mismatches: EnvironmentMismatch[] = [];
  const baseVersion = versionNumber(baseline.data.environment?.python_version ?? baseline.data.python_version);
  const candVersion = versionNumber(candidate.data.environment?.python_version ?? candidate.data.python_version);
  if (baseVersion !== candVersion) mismatches.push({ field: "python_version", baseline: baseVersion, candidate: candVersion });
  const baseEnv = baseline.data.environment;
  const candEnv = candidate.data.environment;
  if (baseEnv && candEnv) {
    // The interpreter binary itself (a venv's python resolves to its base interpreter, so
    // two worktrees' own venvs of one Python agree), then a venv against no venv: the same
    // binary, but other packages on its path.
    if (baseEnv.python_binary && candEnv.python_binary && baseEnv.python_binary !== candEnv.python_binary) {
      mismatches.push({ field: "python", baseline: baseEnv.python_binary, candidate: candEnv.python_binary });
    } else if (typeof baseEnv.python_venv === "boolean" && typeof candEnv.python_venv === "boolean" && baseEnv.python_venv !== candEnv.python_venv) {
      const shown = (env: typeof baseEnv) => `${env.python}${env.python_venv ? " (a virtualenv)" : " (no virtualenv)"}`;
      mismatches.push({ field: "python", baseline: shown(baseEnv), candidate: shown(candEnv) });
    }
    for (const field of ["platform", "cpu", "pyc", "metric"] as const) {
      const b = baseEnv[field];
      const c = candEnv[field];
      if (typeof b === "string" && typeof c === "string" && b !== c) mismatches.push({ field, baseline: b, candidate: c });
    }
  }
  return mismatches;
}
