/**
 * What changed besides the timings: module counts, lazy checks (with the chain that loads
 * each eager module), top-level packages newly loaded or no longer loaded (with their
 * chains), `-X importtime` changes, hotspots, and environment differences.
 */
import { hotspotChangesBeyondSpread, type SpreadHotspot, spreadRuns } from "../measure/hotspot-merge.ts";
import type { LoadedResult } from "../result/read.ts";
import type { Hotspot, ImporterRecord, ImportTimeRow } from "../result/schema.ts";
import { importChain, inPackage, modulesAmong, packageIndex } from "./why.ts";
import type {
  EnvironmentMismatch, HotspotChange, ImportTimeChangeRow, ImportTimeDiff, LazyChange, LazyRow, ModuleCountRow, ModuleDiff,
  PackageDiffRow, RemainingHotspot, RemainingModule, StillLargest,
} from "../model/comparison.ts";

/** How many rows the import-time diffs keep. */
export const DIFF_LIMIT = 10;

/** The importers records of the run whose statement is `statement` (null when not collected). */
export function importersFor(result: LoadedResult, statement: string | undefined): Record<string, ImporterRecord> | null {
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

/** Module counts of a file: module objects (aliases counted once, see modulesAmong) and names; null when not measured. */
export interface CountedModules {
  total: number;
  filtered: number;
  names: { total: number; filtered: number };
}

export function moduleCountsOf(result: LoadedResult): CountedModules | null {
  if (!countsOf.has(result)) countsOf.set(result, countModules(result));
  return countsOf.get(result)!;
}

/** moduleCountsOf's answer per file: the comparison asks for it per pair and per side. */
const countsOf = new WeakMap<LoadedResult, CountedModules | null>();

function countModules(result: LoadedResult): CountedModules | null {
  if (!result.moduleCountsMeasured) return null;
  const counts = result.data.module_counts;
  const loaded = result.data.modules?.loaded;
  const pkg = result.data.modules?.package;
  const records = loaded ? importersFor(result, result.data.modules?.after) : null;
  if (!loaded || !records || loaded.length !== counts.total) return { total: counts.total, filtered: counts.filtered, names: { total: counts.total, filtered: counts.filtered } };
  const total = modulesAmong(loaded, records);
  const filtered = pkg ? modulesAmong(loaded.filter((name) => inPackage(name, pkg)), records) : { modules: counts.filtered, names: counts.filtered };
  return { total: total.modules, filtered: filtered.modules, names: { total: total.names, filtered: filtered.names } };
}

export function moduleCountRows(baseline: LoadedResult, candidate: LoadedResult): ModuleCountRow[] {
  const pkg = candidate.data.modules?.package || baseline.data.modules?.package || sharedPrefix(baseline) || null;
  const [baseCounts, candCounts] = [moduleCountsOf(baseline), moduleCountsOf(candidate)];
  return (["total", "filtered"] as const).map((key) => {
    const base = baseCounts?.[key] ?? null;
    const cand = candCounts?.[key] ?? null;
    const [baseNames, candNames] = [baseCounts?.names[key] ?? null, candCounts?.names[key] ?? null];
    const aliased = (baseNames !== null && baseNames !== base) || (candNames !== null && candNames !== cand);
    return {
      key, package: key === "filtered" ? pkg : null, baseline: base, candidate: cand, delta: base !== null && cand !== null ? base - cand : null,
      names: aliased ? { baseline: baseNames, candidate: candNames } : null,
    };
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
  const modules = (result: LoadedResult, loaded: readonly string[]) => modulesAmong(loaded, importersFor(result, result.data.modules?.after)).modules;
  return {
    newlyLoaded: rows(candCounts, baseCounts, candidate),
    noLongerLoaded: rows(baseCounts, candCounts, baseline),
    baselineModules: modules(baseline, base),
    candidateModules: modules(candidate, cand),
  };
}

/** The `count` items with the largest `score`, largest first (ties by `name`): one pass, no full sort. */
function largest<T>(items: Iterable<T>, count: number, score: (item: T) => number, name: (item: T) => string): T[] {
  // Each item's score is taken once, its name only to break a tie: thousands of rows, read before the JIT warms up.
  const top: { item: T; score: number; name: string | null }[] = [];
  const nameOf = (entry: { item: T; name: string | null }) => (entry.name ??= name(entry.item));
  const before = (a: { item: T; score: number; name: string | null }, b: { item: T; score: number; name: string | null }) =>
    a.score > b.score || (a.score === b.score && nameOf(a) < nameOf(b));
  for (const item of items) {
    const entry = { item, score: score(item), name: null };
    if (top.length === count && !before(entry, top[count - 1]!)) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && before(entry, top[at - 1]!)) at -= 1;
    top.splice(at, 0, entry);
    if (top.length > count) top.pop();
  }
  return top.map((entry) => entry.item);
}

export function importTimeDiff(name: string, baseRows: ImportTimeRow[], candRows: ImportTimeRow[]): ImportTimeDiff {
  // Plain loops: a side holds a row per imported module, and this runs once, before the JIT warms up.
  const base = new Map<string, ImportTimeRow>();
  for (let i = 0; i < baseRows.length; i += 1) base.set(baseRows[i]!.module, baseRows[i]!);
  const cand = new Map<string, ImportTimeRow>();
  for (let i = 0; i < candRows.length; i += 1) cand.set(candRows[i]!.module, candRows[i]!);
  // Every module of either side whose cumulative time changed (the largest are kept: order does not matter).
  // A module listed twice counts once, with its last row (as the maps hold it).
  const changes: ImportTimeChangeRow[] = [];
  for (let i = 0; i < baseRows.length; i += 1) {
    const row = baseRows[i]!;
    if (base.get(row.module) !== row) continue;
    const b = row.cumulative_us;
    const c = cand.get(row.module)?.cumulative_us ?? null;
    if (b !== (c ?? 0)) changes.push({ module: row.module, baselineUs: b, candidateUs: c, deltaUs: b - (c ?? 0) });
  }
  for (let i = 0; i < candRows.length; i += 1) {
    const row = candRows[i]!;
    if (cand.get(row.module) !== row || base.has(row.module)) continue;
    if (row.cumulative_us !== 0) changes.push({ module: row.module, baselineUs: null, candidateUs: row.cumulative_us, deltaUs: -row.cumulative_us });
  }
  const topSelf = largest(candRows, DIFF_LIMIT, (row) => row.self_us, (row) => row.module)
    .map((row) => ({ module: row.module, selfUs: row.self_us, cumulativeUs: row.cumulative_us, baselineSelfUs: base.get(row.module)?.self_us ?? null }));
  return { measurement: name, largestChanges: largest(changes, DIFF_LIMIT, (row) => Math.abs(row.deltaUs), (row) => row.module), topSelf };
}

/** Hotspots (module, line, call) of the measurement that exist on one side only. */
/** Profiled runs behind each side's hotspots (1 for files written before runs were repeated). */
export function hotspotRuns(baseline: LoadedResult, candidate: LoadedResult, measurement: string): { baseline: number; candidate: number } | null {
  const base = baseline.data.hotspots?.[measurement];
  const cand = candidate.data.hotspots?.[measurement];
  return base && cand ? { baseline: spreadRuns(base), candidate: spreadRuns(cand) } : null;
}

export function hotspotChanges(baseline: LoadedResult, candidate: LoadedResult, measurement: string): HotspotChange[] {
  const base = baseline.data.hotspots?.[measurement];
  const cand = candidate.data.hotspots?.[measurement];
  if (!base || !cand) return [];
  // Only changes beyond the spread of each side's repeated profiled runs; none from single runs (older files).
  return hotspotChangesBeyondSpread(base as SpreadHotspot[], cand as SpreadHotspot[])
    .map(({ change, hotspot, label }) => ({ change, hotspot, label }));
}

/**
 * Candidate hotspots found in the baseline too: the same module, line and call; else the
 * same module and call when each side has it once (an edit above it moved its line).
 */
function matchHotspots(base: readonly Hotspot[], cand: readonly Hotspot[]): RemainingHotspot[] {
  const key = (h: Hotspot) => `${h.module}\0${h.line}\0${h.call}`;
  const callKey = (h: Hotspot) => `${h.module}\0${h.call}`;
  const exact = new Map(base.map((h) => [key(h), h]));
  const matched = new Set<Hotspot>();
  const rows: RemainingHotspot[] = [];
  const rest: Hotspot[] = [];
  for (const hotspot of cand) {
    const twin = exact.get(key(hotspot));
    if (twin) {
      matched.add(twin);
      rows.push({ hotspot, baselineMs: twin.ms, baselineLine: twin.line });
    } else rest.push(hotspot);
  }
  const count = (list: readonly Hotspot[]) => list.reduce((map, h) => map.set(callKey(h), (map.get(callKey(h)) ?? 0) + 1), new Map<string, number>());
  const [baseCalls, candCalls] = [count(base), count(cand)];
  for (const hotspot of rest) {
    const k = callKey(hotspot);
    const twin = base.find((h) => callKey(h) === k && !matched.has(h));
    if (twin && baseCalls.get(k) === 1 && candCalls.get(k) === 1) rows.push({ hotspot, baselineMs: twin.ms, baselineLine: twin.line });
  }
  return rows;
}

/** How many rows "still the largest" keeps, of hotspot lines and of modules. */
export const STILL_LARGEST_LIMIT = 5;

/**
 * The largest costs common to both sides of `measurement`: hotspot lines (module, line,
 * call) on both, and modules by self time on both (`-X importtime`, else the hotspots'
 * module self time), largest in the candidate first. Null when neither side pair has them.
 */
export function stillLargest(baseline: LoadedResult, candidate: LoadedResult, measurement: string): StillLargest | null {
  const baseSpots = baseline.data.hotspots?.[measurement];
  const candSpots = candidate.data.hotspots?.[measurement];
  const baseRows = baseline.data.importtime?.[measurement];
  const candRows = candidate.data.importtime?.[measurement];
  const spotsOnBoth = Boolean(baseSpots?.length && candSpots?.length);
  const rowsOnBoth = Boolean(baseRows?.length && candRows?.length);
  if (!spotsOnBoth && !rowsOnBoth) return null;
  const key = (h: { module: string; line: number | null; call: string }) => `${h.module}\0${h.line}\0${h.call}`;
  const hotspots = largest(matchHotspots(baseSpots ?? [], candSpots ?? []), STILL_LARGEST_LIMIT, (row) => row.hotspot.ms, (row) => key(row.hotspot));
  let modules: RemainingModule[];
  if (rowsOnBoth) {
    const base = new Map(baseRows!.map((row) => [row.module, row]));
    modules = largest(candRows!.filter((row) => base.has(row.module)), STILL_LARGEST_LIMIT, (row) => row.self_us, (row) => row.module).map((row) => ({
      module: row.module, selfUs: row.self_us, baselineSelfUs: base.get(row.module)!.self_us,
      cumulativeUs: row.cumulative_us, baselineCumulativeUs: base.get(row.module)!.cumulative_us,
    }));
  } else {
    // One figure per module, as the profiled run measured it.
    const perModule = (spots: typeof candSpots) => {
      const map = new Map<string, { self: number; total: number | null }>();
      for (const h of spots ?? []) if (h.module_self_ms !== undefined && !map.has(h.module)) map.set(h.module, { self: h.module_self_ms, total: h.module_total_ms ?? null });
      return map;
    };
    const [base, cand] = [perModule(baseSpots), perModule(candSpots)];
    const us = (ms: number | null) => (ms === null ? null : Math.round(ms * 1000));
    modules = largest([...cand].filter(([module]) => base.has(module)), STILL_LARGEST_LIMIT, ([, m]) => m.self, ([module]) => module).map(([module, m]) => ({
      module, selfUs: us(m.self)!, baselineSelfUs: us(base.get(module)!.self)!, cumulativeUs: us(m.total), baselineCumulativeUs: us(base.get(module)!.total),
    }));
  }
  if (hotspots.length === 0 && modules.length === 0) return null;
  return { measurement, hotspots, modules };
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
