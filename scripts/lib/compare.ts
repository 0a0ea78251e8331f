/**
 * The comparison of result files: one plain, typed data model built from loaded result
 * files, the single input of every renderer (terminal, markdown, json, html).
 *
 * Conventions (the seed's): every delta is baseline − candidate, so a positive delta means
 * the candidate is faster (or loads fewer modules); percentages are of the baseline.
 * Times are milliseconds unless a field name says `_us` (microseconds). No field holds
 * NaN or Infinity: a value that cannot be computed is null, so the model survives JSON.
 *
 * Stability: renderers outside this file rely on these types; add fields, do not rename.
 */
import type { ImportTimeRow, LoadedResult, Measurement } from "./result.ts";
import { UserError } from "./errors.ts";
import { compareSamples, DEFAULT_ALPHA, DEFAULT_POWER, type Verdict } from "./significance.ts";

export type { Verdict } from "./significance.ts";

/** Version of this model as serialized by the json renderer. */
export const COMPARISON_FORMAT_VERSION = 1;
/** How many rows the module and import-time diffs keep. */
export const DIFF_LIMIT = 10;

/** One input file, as named in reports. */
export interface SideInfo {
  /** Path the file was read from. */
  source: string;
  /** Git ref and short commit when the file records them. */
  ref: string | null;
  commit: string | null;
  dirty: boolean;
  timestamp: number;
  pythonVersion: string;
  /** True when at least one measurement carries samples. */
  hasSamples: boolean;
}

/** One side's statistics for a measurement. */
export interface SideStats {
  mean: number;
  median: number;
  min: number;
  max: number;
  iterations: number;
  /** Number of samples in the file (0 for seed files). */
  sampleCount: number;
}

/** One measurement (e.g. `runpod_total`) compared. */
export interface MeasurementRow {
  name: string;
  statement: string | null;
  /** "ok", or which side lacks the measurement (absent or failed there). */
  status: "ok" | "missing-baseline" | "missing-candidate";
  baseline: SideStats | null;
  candidate: SideStats | null;
  /** baseline.mean − candidate.mean, ms (the seed's Δ ms); null unless status is "ok". */
  deltaMs: number | null;
  /** deltaMs / baseline.mean × 100 (the seed's Δ %). */
  deltaPct: number | null;
  /**
   * From the samples: "faster" / "slower" (significant at `alpha`), "no-change", or
   * "unknown" when either file has no samples (the seed's files) or too few.
   */
  verdict: Verdict;
  /** Two-sided permutation p-value of the difference of the fastest runs. */
  pValue: number | null;
  /** Difference of the fastest runs, baseline − candidate, ms (> 0: candidate faster). */
  shiftMs: number | null;
  /** shiftMs / the baseline's fastest run × 100: the size used by --fail-on-regression. */
  shiftPct: number | null;
  /** Confidence interval of the shift (the test inverted), ms, at `confidence`. */
  ci: { low: number; high: number } | null;
  confidence: number;
  /** Minimum detectable effect at these sample sizes, ms (±), alpha 0.05, power 0.8. */
  mdeMs: number | null;
  /** Why verdict is "unknown". */
  note: string | null;
  /** True for the measurement the summary speaks from. */
  primary: boolean;
}

/** A module count (`module_counts.total` / `.filtered`) compared. */
export interface ModuleCountRow {
  key: "total" | "filtered";
  /** "Total modules loaded", "Runpod modules loaded", ... */
  label: string;
  baseline: number;
  candidate: number;
  /** baseline − candidate (> 0: fewer modules now). */
  delta: number;
}

export type LazyChange = "now-lazy" | "now-eager" | "no-change" | "unknown";

/** One lazy check key, over the union of both files' keys. */
export interface LazyRow {
  key: string;
  label: string;
  module: string | null;
  /** True: loaded (eager); false: not loaded (lazy); null: the file lacks this key. */
  baseline: boolean | null;
  candidate: boolean | null;
  change: LazyChange;
}

/** A top-level package that appears in only one file's `modules.loaded`. */
export interface PackageDiffRow {
  package: string;
  /** Modules of this package loaded on the side that has it. */
  modules: number;
}

export interface ModuleDiff {
  /** Top-level packages loaded by the candidate but not the baseline (most modules first). */
  newlyLoaded: PackageDiffRow[];
  /** Top-level packages the baseline loaded and the candidate no longer does. */
  noLongerLoaded: PackageDiffRow[];
  baselineModules: number;
  candidateModules: number;
}

export interface ImportTimeChangeRow {
  module: string;
  /** Cumulative import time, µs; null when the module is not imported on that side. */
  baselineUs: number | null;
  candidateUs: number | null;
  /** baseline − candidate, µs (absent counts as 0). */
  deltaUs: number;
}

export interface SelfTimeRow {
  module: string;
  selfUs: number;
  cumulativeUs: number;
  /** The baseline's self time for the same module, when it imported it. */
  baselineSelfUs: number | null;
}

/** `-X importtime` comparison for one measurement present in both files. */
export interface ImportTimeDiff {
  measurement: string;
  /** Largest changes in cumulative time, by absolute delta. */
  largestChanges: ImportTimeChangeRow[];
  /** The candidate's top modules by self time. */
  topSelf: SelfTimeRow[];
}

export interface EnvironmentMismatch {
  field: "python_version" | "platform" | "cpu" | "pyc";
  baseline: string;
  candidate: string;
}

export interface Summary {
  /** The primary measurement's name, or null when the files share no measurement. */
  measurement: string | null;
  /** The primary row's verdict ("unknown" without samples). */
  verdict: Verdict;
  /** Mean-based delta (seed's arithmetic), ms and % of baseline. */
  deltaMs: number | null;
  deltaPct: number | null;
  baselineMean: number | null;
  candidateMean: number | null;
  /** Two-sided p-value and minimum detectable effect of the primary row (null without samples). */
  pValue: number | null;
  mdeMs: number | null;
  /** First summary line in plain text. */
  headline: string;
  /**
   * Every summary line in plain text, the headline first (renderers add the mark for
   * `tone`: ✓ good, ✗ bad, = same). The seed's three lines when the verdict is
   * significant or unknown.
   */
  lines: string[];
  tone: Tone;
  /** Set when the verdict is "unknown": why (e.g. the files hold no samples). */
  note: string | null;
}

/** How a change reads: better, worse, or neither. */
export type Tone = "good" | "bad" | "same";

/** One candidate compared with the baseline. */
export interface CandidateComparison {
  baseline: SideInfo;
  candidate: SideInfo;
  measurements: MeasurementRow[];
  moduleCounts: ModuleCountRow[];
  lazy: LazyRow[];
  /** Null when either file lacks `modules.loaded`. */
  moduleDiff: ModuleDiff | null;
  /** One entry per measurement with importtime rows in both files. */
  importTime: ImportTimeDiff[];
  environmentMismatches: EnvironmentMismatch[];
  /** True when neither file has samples: verdicts are "unknown", arithmetic only. */
  arithmeticOnly: boolean;
  summary: Summary;
  /** Reasons this candidate counts as a regression under --fail-on-regression (empty: none). */
  regressions: string[];
}

export interface Comparison {
  formatVersion: number;
  /** Significance level and power used for verdicts and MDE. */
  alpha: number;
  power: number;
  /** The primary measurement name requested (--primary), or null for "first". */
  primaryRequested: string | null;
  /** The --fail-on-regression threshold in %, or null when not requested. */
  failOnRegressionPct: number | null;
  /** One entry per candidate (file 2..N), each against file 1. */
  candidates: CandidateComparison[];
  /** True when --fail-on-regression was given and any candidate regressed. */
  regression: boolean;
}

export interface ComparisonOptions {
  /** Measurement the summary speaks from; default: the baseline's first shared one. */
  primary?: string;
  /** Regression threshold in % (0: any significant slowdown); undefined: not checking. */
  failOnRegressionPct?: number;
}

// ---------------------------------------------------------------------------------------

function sideInfo(result: LoadedResult): SideInfo {
  const git = result.data.git;
  return {
    source: result.source,
    ref: git?.ref ?? null,
    commit: git?.commit ?? null,
    dirty: git?.dirty ?? false,
    timestamp: result.data.timestamp,
    pythonVersion: result.data.python_version,
    hasSamples: result.hasSamples,
  };
}

function sideStats(measurement: Measurement): SideStats {
  return {
    mean: measurement.mean,
    median: measurement.median,
    min: measurement.min,
    max: measurement.max,
    iterations: measurement.iterations,
    sampleCount: measurement.samples?.length ?? 0,
  };
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

function present(result: LoadedResult, name: string): Measurement | undefined {
  if (result.data.failures?.[name]) return undefined;
  return result.data.measurements[name];
}

function measurementNames(baseline: LoadedResult, candidate: LoadedResult): string[] {
  const names = Object.keys(baseline.data.measurements);
  for (const name of Object.keys(candidate.data.measurements)) if (!names.includes(name)) names.push(name);
  return names;
}

function measurementRow(name: string, baseline: LoadedResult, candidate: LoadedResult): MeasurementRow {
  const base = present(baseline, name);
  const cand = present(candidate, name);
  const statement = cand?.statement ?? base?.statement ?? null;
  const row: MeasurementRow = {
    name,
    statement,
    status: "ok",
    baseline: base ? sideStats(base) : null,
    candidate: cand ? sideStats(cand) : null,
    deltaMs: null,
    deltaPct: null,
    verdict: "unknown",
    pValue: null,
    shiftMs: null,
    shiftPct: null,
    ci: null,
    confidence: 1 - DEFAULT_ALPHA,
    mdeMs: null,
    note: null,
    primary: false,
  };
  if (!base || !cand) {
    row.status = base ? "missing-candidate" : "missing-baseline";
    const side = base ? candidate : baseline;
    const failure = side.data.failures?.[name];
    row.note = failure ? `failed in ${side.source}: ${failure.message}` : `not measured in ${side.source}`;
    return row;
  }
  row.deltaMs = base.mean - cand.mean;
  row.deltaPct = base.mean !== 0 ? (row.deltaMs / base.mean) * 100 : null;
  const significance = compareSamples(base.samples, cand.samples);
  row.verdict = significance.verdict;
  row.pValue = finiteOrNull(significance.pValue);
  row.shiftMs = finiteOrNull(significance.shiftMs);
  const baseFastest = base.samples?.length ? Math.min(...base.samples) : base.min;
  row.shiftPct = row.shiftMs !== null && baseFastest !== 0 ? (row.shiftMs / baseFastest) * 100 : null;
  row.ci = significance.ci;
  row.confidence = significance.confidence;
  row.mdeMs = finiteOrNull(significance.mdeMs);
  row.note = significance.reason ?? null;
  return row;
}

function capitalize(text: string): string {
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** Seed files name measurements `<package>_<what>`: the shared prefix names the package. */
function sharedPrefix(result: LoadedResult): string | null {
  const prefixes = new Set(Object.keys(result.data.measurements).map((name) => name.split("_")[0]));
  const [only] = prefixes;
  return prefixes.size === 1 && only && Object.keys(result.data.measurements).every((n) => n.includes("_")) ? only : null;
}

function moduleCountRows(baseline: LoadedResult, candidate: LoadedResult): ModuleCountRow[] {
  const pkg = candidate.data.modules?.package || baseline.data.modules?.package || sharedPrefix(baseline) || "";
  const base = baseline.data.module_counts;
  const cand = candidate.data.module_counts;
  return [
    { key: "total", label: "Total modules loaded", baseline: base.total, candidate: cand.total, delta: base.total - cand.total },
    {
      key: "filtered",
      label: `${pkg ? capitalize(pkg) : "Package"} modules loaded`,
      baseline: base.filtered,
      candidate: cand.filtered,
      delta: base.filtered - cand.filtered,
    },
  ];
}

function lazyRows(baseline: LoadedResult, candidate: LoadedResult): LazyRow[] {
  const keys = Object.keys(baseline.lazy);
  for (const key of Object.keys(candidate.lazy)) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => {
    const base = baseline.lazy[key];
    const cand = candidate.lazy[key];
    let change: LazyChange = "unknown";
    if (base && cand) {
      if (base.loaded && !cand.loaded) change = "now-lazy";
      else if (!base.loaded && cand.loaded) change = "now-eager";
      else change = "no-change";
    }
    return {
      key,
      label: cand?.label ?? base?.label ?? key,
      module: cand?.module || base?.module || null,
      baseline: base ? base.loaded : null,
      candidate: cand ? cand.loaded : null,
      change,
    };
  });
}

/** Module count per top-level package (`a.b.c` counts for `a`). */
export function topLevelCounts(loaded: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of loaded) {
    const top = name.split(".")[0]!;
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  return counts;
}

function byCountThenName(a: PackageDiffRow, b: PackageDiffRow): number {
  return b.modules - a.modules || (a.package < b.package ? -1 : a.package > b.package ? 1 : 0);
}

function moduleDiff(baseline: LoadedResult, candidate: LoadedResult): ModuleDiff | null {
  const base = baseline.data.modules?.loaded;
  const cand = candidate.data.modules?.loaded;
  if (!base || !cand) return null;
  const baseCounts = topLevelCounts(base);
  const candCounts = topLevelCounts(cand);
  const newlyLoaded = [...candCounts].filter(([pkg]) => !baseCounts.has(pkg)).map(([pkg, modules]) => ({ package: pkg, modules }));
  const noLongerLoaded = [...baseCounts].filter(([pkg]) => !candCounts.has(pkg)).map(([pkg, modules]) => ({ package: pkg, modules }));
  return {
    newlyLoaded: newlyLoaded.sort(byCountThenName),
    noLongerLoaded: noLongerLoaded.sort(byCountThenName),
    baselineModules: base.length,
    candidateModules: cand.length,
  };
}

function importTimeDiff(name: string, baseRows: ImportTimeRow[], candRows: ImportTimeRow[]): ImportTimeDiff {
  const base = new Map(baseRows.map((row) => [row.module, row]));
  const cand = new Map(candRows.map((row) => [row.module, row]));
  const modules = new Set([...base.keys(), ...cand.keys()]);
  const changes: ImportTimeChangeRow[] = [...modules].map((module) => {
    const b = base.get(module)?.cumulative_us ?? null;
    const c = cand.get(module)?.cumulative_us ?? null;
    return { module, baselineUs: b, candidateUs: c, deltaUs: (b ?? 0) - (c ?? 0) };
  });
  changes.sort((x, y) => Math.abs(y.deltaUs) - Math.abs(x.deltaUs) || (x.module < y.module ? -1 : 1));
  const topSelf = [...candRows]
    .sort((x, y) => y.self_us - x.self_us || (x.module < y.module ? -1 : 1))
    .slice(0, DIFF_LIMIT)
    .map((row) => ({
      module: row.module,
      selfUs: row.self_us,
      cumulativeUs: row.cumulative_us,
      baselineSelfUs: base.get(row.module)?.self_us ?? null,
    }));
  return { measurement: name, largestChanges: changes.filter((row) => row.deltaUs !== 0).slice(0, DIFF_LIMIT), topSelf };
}

/** The Python version number ("3.11.2") from a sys.version string. */
function versionNumber(version: string): string {
  return version.trim().split(/\s+/)[0] ?? version;
}

function environmentMismatches(baseline: LoadedResult, candidate: LoadedResult): EnvironmentMismatch[] {
  const mismatches: EnvironmentMismatch[] = [];
  const baseVersion = versionNumber(baseline.data.environment?.python_version ?? baseline.data.python_version);
  const candVersion = versionNumber(candidate.data.environment?.python_version ?? candidate.data.python_version);
  if (baseVersion !== candVersion) mismatches.push({ field: "python_version", baseline: baseVersion, candidate: candVersion });
  const baseEnv = baseline.data.environment;
  const candEnv = candidate.data.environment;
  if (baseEnv && candEnv) {
    for (const field of ["platform", "cpu", "pyc"] as const) {
      const b = baseEnv[field];
      const c = candEnv[field];
      if (typeof b === "string" && typeof c === "string" && b !== c) mismatches.push({ field, baseline: b, candidate: c });
    }
  }
  return mismatches;
}

function formatMs(value: number): string {
  return `${value.toFixed(2)}ms`;
}

function summaryOf(rows: MeasurementRow[], primaryName: string | null): Summary {
  const row = rows.find((r) => r.name === primaryName && r.status === "ok");
  if (!row || !row.baseline || !row.candidate || row.deltaMs === null) {
    const headline = primaryName
      ? `${primaryName} is not measured in both files: nothing to compare.`
      : "No measurement present in both files: nothing to compare.";
    return {
      measurement: primaryName, verdict: "unknown", deltaMs: null, deltaPct: null, baselineMean: null,
      candidateMean: null, pValue: null, mdeMs: null, headline, lines: [headline], tone: "same", note: null,
    };
  }
  const magnitude = formatMs(Math.abs(row.deltaMs));
  const pct = Math.abs(row.deltaPct ?? 0).toFixed(1);
  const means = `Baseline: ${formatMs(row.baseline.mean)} → Optimized: ${formatMs(row.candidate.mean)}`;
  const significant = row.verdict === "unknown" ? "" : ` (significant, ${formatP(row.pValue)})`;
  const direction: Verdict = row.verdict !== "unknown" ? row.verdict : row.deltaMs > 0 ? "faster" : row.deltaMs < 0 ? "slower" : "no-change";
  let lines: string[];
  let tone: Tone;
  if (direction === "faster") {
    tone = "good";
    lines = [`Cold start improved by ${magnitude}${significant}`, `That's a ${pct}% improvement over baseline`, means];
  } else if (direction === "slower") {
    tone = "bad";
    lines = [`Cold start regressed by ${magnitude}${significant}`, `That's a ${pct}% slowdown over baseline`, means];
  } else {
    tone = "same";
    const power = row.mdeMs !== null ? `, could detect ±${formatMs(row.mdeMs)}` : "";
    lines = row.verdict === "unknown"
      ? ["Cold start unchanged", means]
      : [
        `No significant change in cold start (${formatP(row.pValue)}${power})`,
        `Measured difference ${formatMs(row.deltaMs)} (${(row.deltaPct ?? 0).toFixed(1)}%) is within noise`,
        means,
      ];
  }
  return {
    measurement: row.name,
    verdict: row.verdict,
    deltaMs: row.deltaMs,
    deltaPct: row.deltaPct,
    baselineMean: row.baseline.mean,
    candidateMean: row.candidate.mean,
    pValue: row.pValue,
    mdeMs: row.mdeMs,
    headline: lines[0]!,
    lines,
    tone,
    note: row.verdict === "unknown" ? `no significance test (${row.note ?? "not tested"}); these are differences of means.` : null,
  };
}

/** p-value for people: "p=0.042", "p<0.001" below that, "p n/a" when not tested. */
export function formatP(p: number | null): string {
  if (p === null) return "p n/a";
  if (p < 0.001) return "p<0.001";
  return `p=${p.toFixed(3)}`;
}

function regressionsOf(rows: MeasurementRow[], lazy: LazyRow[], thresholdPct: number | undefined): string[] {
  if (thresholdPct === undefined) return [];
  const reasons: string[] = [];
  for (const row of rows) {
    if (row.verdict !== "slower" || row.shiftPct === null) continue;
    const slowdown = -row.shiftPct;
    if (slowdown >= thresholdPct) {
      reasons.push(`${row.name} is significantly slower by ${(-(row.shiftMs ?? 0)).toFixed(2)}ms (${slowdown.toFixed(1)}%, threshold ${thresholdPct}%)`);
    }
  }
  for (const row of lazy) {
    if (row.change === "now-eager") reasons.push(`${row.label} (${row.key}) is now loaded eagerly`);
  }
  return reasons;
}

function compareOne(baseline: LoadedResult, candidate: LoadedResult, options: ComparisonOptions): CandidateComparison {
  const names = measurementNames(baseline, candidate);
  const measurements = names.map((name) => measurementRow(name, baseline, candidate));
  const primaryName = options.primary ?? measurements.find((row) => row.status === "ok")?.name ?? null;
  for (const row of measurements) row.primary = row.name === primaryName;
  const lazy = lazyRows(baseline, candidate);
  const importTime: ImportTimeDiff[] = [];
  const baseTimes = baseline.data.importtime ?? {};
  const candTimes = candidate.data.importtime ?? {};
  for (const name of Object.keys(baseTimes)) {
    const candRows = candTimes[name];
    if (candRows && baseTimes[name]) importTime.push(importTimeDiff(name, baseTimes[name]!, candRows));
  }
  return {
    baseline: sideInfo(baseline),
    candidate: sideInfo(candidate),
    measurements,
    moduleCounts: moduleCountRows(baseline, candidate),
    lazy,
    moduleDiff: moduleDiff(baseline, candidate),
    importTime,
    environmentMismatches: environmentMismatches(baseline, candidate),
    arithmeticOnly: !baseline.hasSamples || !candidate.hasSamples,
    summary: summaryOf(measurements, primaryName),
    regressions: regressionsOf(measurements, lazy, options.failOnRegressionPct),
  };
}

/**
 * Compares result files: the first is the baseline, each further one a candidate.
 * Throws a UserError (exit 2) for fewer than two results or an unknown `primary`.
 */
export function buildComparison(results: LoadedResult[], options: ComparisonOptions = {}): Comparison {
  if (results.length < 2) throw new UserError("give at least two result files: a baseline and a candidate");
  const [baseline, ...candidates] = results as [LoadedResult, ...LoadedResult[]];
  if (options.primary !== undefined) {
    const known = results.some((result) => Object.hasOwn(result.data.measurements, options.primary!));
    if (!known) {
      const available = Object.keys(baseline.data.measurements).join(", ") || "none";
      throw new UserError(`--primary ${options.primary}: no such measurement (available: ${available})`);
    }
  }
  const compared = candidates.map((candidate) => compareOne(baseline, candidate, options));
  return {
    formatVersion: COMPARISON_FORMAT_VERSION,
    alpha: DEFAULT_ALPHA,
    power: DEFAULT_POWER,
    primaryRequested: options.primary ?? null,
    failOnRegressionPct: options.failOnRegressionPct ?? null,
    candidates: compared,
    regression: compared.some((c) => c.regressions.length > 0),
  };
}

/** How a measurement row reads: from the verdict, or the sign of Δ without samples. */
export function rowTone(row: MeasurementRow): Tone {
  if (row.verdict === "faster") return "good";
  if (row.verdict === "slower") return "bad";
  if (row.verdict === "no-change" || row.deltaMs === null || row.deltaMs === 0) return "same";
  return row.deltaMs > 0 ? "good" : "bad";
}

/** How a delta reads when positive means better (fewer modules, less time). */
export function deltaTone(delta: number): Tone {
  return delta > 0 ? "good" : delta < 0 ? "bad" : "same";
}

/** The seed's arrow: ↓ faster (Δ > 0), ↑ slower, = unchanged. */
export function arrow(delta: number): string {
  return delta > 0 ? "↓" : delta < 0 ? "↑" : "=";
}

/** Words a verdict is written as in reports. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  faster: "faster",
  slower: "slower",
  "no-change": "no significant change",
  unknown: "no samples",
};

/** Words a lazy change is written as (the seed's). */
export const LAZY_TEXT: Record<LazyChange, string> = {
  "now-lazy": "NOW LAZY",
  "now-eager": "NOW EAGER",
  "no-change": "NO CHANGE",
  unknown: "NOT IN BOTH",
};

export function lazyTone(change: LazyChange): Tone {
  return change === "now-lazy" ? "good" : change === "now-eager" ? "bad" : "same";
}

/** Milliseconds as the seed prints them: "12.35ms". */
export { formatMs };

/** A side as people name it: "main @ 0123456 (file.json)" or the file alone. */
export function describeSide(side: SideInfo): string {
  const parts: string[] = [];
  if (side.ref) parts.push(side.ref);
  if (side.commit) parts.push(`@ ${side.commit.slice(0, 7)}${side.dirty ? "+dirty" : ""}`);
  return parts.length ? `${parts.join(" ")} (${side.source})` : side.source;
}
