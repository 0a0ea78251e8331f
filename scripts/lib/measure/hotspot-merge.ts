/**
 * Hotspots from repeated runs: one tree's runs merged into figures with their spread, kept
 * within the unprofiled `-X importtime` figures, and, between two trees, only the changes
 * larger than that spread. Pure functions: no process, no file.
 *
 * A single hotspots run is one sample of a noisy quantity (the machine's load, the
 * collector's schedule), and each run lists only its largest calls, so a hotspot can be
 * missing from one run merely because it fell under the cut. Two runs of one unchanged
 * standard library then "differ" (`socket.py:80 enum.EnumType._convert_` disappears,
 * `ssl.py:170` appears). The rules here:
 *
 * - merge (`mergeHotspotRuns`): per (module, line, call), the median of the runs that listed
 *   it, and the range over all runs; a run that did not list it counts as 0 at the low end. A
 *   hotspot listed by fewer than half of the runs is left out.
 * - compare (`hotspotChangesBeyondSpread`, `hotspotShiftsBeyondSpread`): a hotspot's range on
 *   each side ([0, what the cut lets through] where that side did not list it); a change is
 *   reported only when the two ranges do not overlap and the figures differ by at least
 *   `minMs`, labelled "beyond the spread of N profiled runs". Fewer than two runs on a side:
 *   nothing is reported.
 */
import type { Hotspot, ImportTimeRow } from "../result/schema.ts";
import { median } from "../stats/describe.ts";

/** Runs a comparison needs on each side before a hotspot change is reported. */
export const MIN_SPREAD_RUNS = 2;
/** Hotspots runs per tree and statement: the minimum a spread needs (each costs a few plain imports). */
export const HOTSPOT_RUNS = 2;

/** A hotspot merged from repeated runs of one tree. */
export interface SpreadHotspot extends Hotspot {
  /** How many runs were merged. */
  runs: number;
  /** How many of them listed this hotspot. */
  seen: number;
  /** The smallest ms over the runs (0 when a run did not list it). */
  ms_min: number;
  /** The largest ms over the runs. */
  ms_max: number;
  /** Set when the figures were scaled down to the module's unprofiled cumulative import time. */
  bounded_by_importtime?: true;
}

/** A hotspot change between two trees that the runs' own spread cannot explain. */
export interface SpreadHotspotChange {
  /** appeared / disappeared: listed on one side only (hotspotChangesBeyondSpread); slower / faster: on both (hotspotShiftsBeyondSpread). */
  change: "appeared" | "disappeared" | "slower" | "faster";
  /** The candidate's record (the baseline's for "disappeared"). */
  hotspot: Hotspot;
  /** Each side's figures: median and range over its runs, and how many runs; null when that side did not list it. */
  baseline: SideFigures | null;
  candidate: SideFigures | null;
  /** Candidate minus baseline, ms (a side that did not list it counts as the top of what it could hold). */
  deltaMs: number;
  /** "beyond the spread of 2 profiled runs". */
  label: string;
}

/** The changes hotspotChangesBeyondSpread returns: the shape of compare's HotspotChange, with the figures and the label. */
export type HotspotAppearance = SpreadHotspotChange & { change: "appeared" | "disappeared" };

export interface SideFigures {
  ms: number;
  min: number;
  max: number;
  runs: number;
}

export interface SpreadOptions {
  /** Changes smaller than this many ms are never reported (default 0.5). */
  minMs?: number;
}

const key = (h: { module: string; line: number | null; call: string }) => `${h.module}\0${h.line ?? ""}\0${h.call}`;

/** Milliseconds rounded to µs, for stable JSON. */
const ms3 = (value: number) => Math.round(value * 1000) / 1000;

function optionalMedian(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((value): value is number => typeof value === "number");
  return present.length ? median(present) : undefined;
}

/**
 * Merges the hotspot lists of repeated runs of one tree (as `parseHotspots` returns them):
 * per (module, line, call), `ms` is the median of the runs that listed it, `ms_min`/`ms_max`
 * the range over all runs (0 where a run did not list it). Kept: hotspots listed by at least
 * half of the runs; largest `ms` first. Empty runs (a failed run) count as runs.
 */
export function mergeHotspotRuns(runs: readonly (readonly Hotspot[])[]): SpreadHotspot[] {
  const groups = new Map<string, Hotspot[]>();
  for (const run of runs) {
    const seenInRun = new Set<string>();
    for (const spot of run) {
      const k = key(spot);
      // One entry per key per run (a list never repeats one; be safe).
      if (seenInRun.has(k)) continue;
      seenInRun.add(k);
      const group = groups.get(k);
      if (group) group.push(spot);
      else groups.set(k, [spot]);
    }
  }
  const total = runs.length;
  const out: SpreadHotspot[] = [];
  for (const group of groups.values()) {
    if (group.length * 2 < total) continue;
    const first = group[0]!;
    const values = group.map((spot) => spot.ms);
    const merged: SpreadHotspot = {
      module: first.module,
      file: first.file,
      line: first.line,
      call: first.call,
      ms: ms3(median(values)),
      count: Math.round(median(group.map((spot) => spot.count))),
      runs: total,
      seen: group.length,
      ms_min: ms3(group.length < total ? 0 : Math.min(...values)),
      ms_max: ms3(Math.max(...values)),
    };
    const importMs = optionalMedian(group.map((spot) => spot.import_ms));
    if (importMs !== undefined && importMs > 0) merged.import_ms = ms3(importMs);
    if (first.root) merged.root = first.root;
    for (const field of ["module_self_ms", "module_total_ms", "statement_ms"] as const) {
      const value = optionalMedian(group.map((spot) => spot[field]));
      if (value !== undefined) merged[field] = ms3(value);
    }
    out.push(merged);
  }
  return out.sort((a, b) => b.ms - a.ms || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Keeps hotspots within the unprofiled figures: for each module with `-X importtime` rows (one
 * list per importtime run), no hotspot above the module's cumulative import time and the
 * module's hotspots summing to at most it, "it" being the largest cumulative time of the runs
 * (the top of their noise). A module over the limit has all its figures scaled down by one
 * factor and marked `bounded_by_importtime`. Modules without rows (the statement) are kept
 * as they are.
 */
export function boundHotspots<T extends Hotspot>(hotspots: readonly T[], importtime: readonly (readonly ImportTimeRow[])[]): (T & { bounded_by_importtime?: true })[] {
  const limit = new Map<string, number>();
  for (const run of importtime) {
    for (const row of run) limit.set(row.module, Math.max(limit.get(row.module) ?? 0, row.cumulative_us / 1000));
  }
  const sums = new Map<string, number>();
  for (const spot of hotspots) sums.set(spot.module, (sums.get(spot.module) ?? 0) + spot.ms);
  return hotspots.map((spot) => {
    const cap = limit.get(spot.module);
    const sum = sums.get(spot.module) ?? 0;
    if (cap === undefined || sum <= cap) return { ...spot };
    const factor = sum > 0 ? cap / sum : 0;
    const scaled: T & { bounded_by_importtime?: true; ms_min?: number; ms_max?: number } = { ...spot, ms: ms3(spot.ms * factor), bounded_by_importtime: true };
    if (typeof scaled.ms_min === "number") scaled.ms_min = ms3(scaled.ms_min * factor);
    if (typeof scaled.ms_max === "number") scaled.ms_max = ms3(scaled.ms_max * factor);
    return scaled;
  });
}

/** How many runs a stored hotspot list was merged from (1 for a list from a single run or an older file). */
export function spreadRuns(hotspots: readonly Hotspot[]): number {
  let runs = Infinity;
  for (const spot of hotspots) {
    const value = (spot as Partial<SpreadHotspot>).runs;
    runs = Math.min(runs, typeof value === "number" && value >= 1 ? value : 1);
  }
  return Number.isFinite(runs) ? runs : 0;
}

/** The label of a change: "beyond the spread of 3 profiled runs" (or "of 3 and 2" when the sides differ). */
export function spreadLabel(baselineRuns: number, candidateRuns: number): string {
  const runs = baselineRuns === candidateRuns ? `${baselineRuns}` : `${baselineRuns} and ${candidateRuns}`;
  return `beyond the spread of ${runs} profiled runs`;
}

/**
 * The upper end of what a side can hold for a hotspot it did not list: below its module's
 * smallest listed call (the per-module cut), or, for a module it did not list, below the
 * smallest self time among the modules it did list (the module cut). Infinity when the side
 * listed nothing (nothing can be said).
 */
function unlistedCeiling(side: readonly SpreadHotspot[], module: string): number {
  let moduleMin = Infinity;
  let selfMin = Infinity;
  for (const spot of side) {
    if (spot.module === module) moduleMin = Math.min(moduleMin, spot.ms_min > 0 ? spot.ms_min : spot.ms);
    const self = spot.module_self_ms ?? spot.ms;
    selfMin = Math.min(selfMin, self);
  }
  return Number.isFinite(moduleMin) ? moduleMin : selfMin;
}

const figures = (spot: SpreadHotspot): SideFigures => ({ ms: spot.ms, min: spot.ms_min, max: spot.ms_max, runs: spot.runs });

/** Both sides' lists, keyed; null when a side has fewer than MIN_SPREAD_RUNS runs. */
function sides(baseline: readonly SpreadHotspot[], candidate: readonly SpreadHotspot[]) {
  const baseRuns = spreadRuns(baseline);
  const candRuns = spreadRuns(candidate);
  if (baseRuns < MIN_SPREAD_RUNS || candRuns < MIN_SPREAD_RUNS) return null;
  return {
    label: spreadLabel(baseRuns, candRuns),
    base: new Map(baseline.map((spot) => [key(spot), spot])),
    cand: new Map(candidate.map((spot) => [key(spot), spot])),
  };
}

const bySize = (a: SpreadHotspotChange, b: SpreadHotspotChange) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs) || b.hotspot.ms - a.hotspot.ms;

/**
 * The hotspots that appeared or disappeared between two trees beyond the spread of their
 * repeated runs (what compare reports as hotspot changes). Each side is a merged list
 * (`mergeHotspotRuns`); a side with fewer than `MIN_SPREAD_RUNS` runs gives no changes at all.
 * A hotspot listed by the candidate only "appeared" when its lowest run is above everything
 * the baseline could have held for it (the cut of the baseline's list for that module, or its
 * module cut), and by at least `minMs`; "disappeared" the other way round. Largest first.
 */
export function hotspotChangesBeyondSpread(
  baseline: readonly SpreadHotspot[],
  candidate: readonly SpreadHotspot[],
  options: SpreadOptions = {},
): HotspotAppearance[] {
  const minMs = options.minMs ?? 0.5;
  const both = sides(baseline, candidate);
  if (!both) return [];
  const out: HotspotAppearance[] = [];
  for (const [k, cand] of both.cand) {
    if (both.base.has(k)) continue;
    const ceiling = unlistedCeiling(baseline, cand.module);
    const delta = cand.ms - ceiling;
    if (cand.ms_min > ceiling && delta >= minMs) {
      out.push({ change: "appeared", hotspot: cand, baseline: null, candidate: figures(cand), deltaMs: ms3(delta), label: both.label });
    }
  }
  for (const [k, base] of both.base) {
    if (both.cand.has(k)) continue;
    const ceiling = unlistedCeiling(candidate, base.module);
    const delta = ceiling - base.ms;
    if (base.ms_min > ceiling && -delta >= minMs) {
      out.push({ change: "disappeared", hotspot: base, baseline: figures(base), candidate: null, deltaMs: ms3(delta), label: both.label });
    }
  }
  return out.sort(bySize);
}

/**
 * Hotspots listed on both sides whose ranges over the runs do not overlap and whose medians
 * differ by at least `minMs`: "slower" or "faster", largest first. Nothing when a side has
 * fewer than `MIN_SPREAD_RUNS` runs.
 */
export function hotspotShiftsBeyondSpread(
  baseline: readonly SpreadHotspot[],
  candidate: readonly SpreadHotspot[],
  options: SpreadOptions = {},
): SpreadHotspotChange[] {
  const minMs = options.minMs ?? 0.5;
  const both = sides(baseline, candidate);
  if (!both) return [];
  const out: SpreadHotspotChange[] = [];
  for (const [k, cand] of both.cand) {
    const base = both.base.get(k);
    if (!base) continue;
    const delta = cand.ms - base.ms;
    if (Math.abs(delta) >= minMs && (cand.ms_min > base.ms_max || cand.ms_max < base.ms_min)) {
      out.push({ change: delta > 0 ? "slower" : "faster", hotspot: cand, baseline: figures(base), candidate: figures(cand), deltaMs: ms3(delta), label: both.label });
    }
  }
  return out.sort(bySize);
}
