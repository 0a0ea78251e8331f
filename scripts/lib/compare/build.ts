/**
 * Loaded result files -> the comparison (model.ts). The first file is the baseline, each
 * further one a candidate. Every verdict comes from stats/verdict.ts on the samples of one
 * quantity; every figure of a row comes from that one estimate.
 */
import { UserError } from "../errors.ts";
import { compareExact } from "../stats/exact.ts";
import { exactSpread } from "./spread.ts";
import { METRICS, quantity, quantityKeys, type QuantityKey } from "../quantities.ts";
import type { LoadedResult } from "../result/read.ts";
import { describe, type Series, type Stats } from "../stats/describe.ts";
import { TAIL_Q } from "../stats/tail.ts";
import { ALPHA, compareParts, compareTypical, POWER } from "../stats/verdict.ts";
import {
  environmentMismatches, hotspotChanges, hotspotRuns, importTimeDiff, lazyRows, moduleCountRows, moduleCountsOf, moduleDiff, stillLargest,
} from "./diff.ts";
import { gateOf } from "./gate.ts";
import { buildMatrix, orderForMerge, planGroups } from "./matrix.ts";
import {
  type CandidateComparison, COMPARISON_FORMAT_VERSION, type Comparison, type Gate, type GateOn, type MeasurementRow, type QuantityRow,
  type Reason, type Side, type Summary, type Verdict,
} from "../model/comparison.ts";

export interface ComparisonOptions {
  /** Measurement the summary speaks from; default: the baseline's first shared one. */
  primary?: string;
  /** --fail-on-regression threshold in % (0: any significant slowdown); undefined: no gate. */
  failOnRegressionPct?: number;
  /** --merge: files of several CI jobs, ordered by job and run order; each job's files are compared among themselves. */
  merge?: boolean;
  /** The slow-runs quantile (`--tail Q`, default 0.9). */
  tailQ?: number;
  /** What --fail-on-regression gates on (`--gate`, default the typical change). */
  gate?: GateOn;
}

function statsOf(series: Series | undefined): Stats | null {
  if (!series) return null;
  const { samples, ...stats } = series;
  return samples.length ? stats : describe(samples);
}

/**
 * Short names for the files: the git ref (or "working tree"), else the file name, then
 * " · <group>" when the files form several groups; repeated names get #n.
 */
export function sideLabels(results: readonly LoadedResult[], groups: readonly (string | null)[] = []): string[] {
  const raw = results.map((result, index) => {
    const git = result.data.git;
    const name = git?.worktree
      ? (git.ref ? `working tree (${git.ref})` : "working tree")
      : git?.ref || result.source.split(/[\\/]/).pop() || result.source;
    return groups[index] ? `${name} · ${groups[index]}` : name;
  });
  return raw.map((label, index) => (raw.filter((other) => other === label).length > 1 ? `${label} #${index + 1}` : label));
}

/** A side's module counts: module objects (aliases counted once), total and of the package. */
function modulesOf(result: LoadedResult): Side["moduleCounts"] {
  const counts = moduleCountsOf(result);
  if (!counts) return null;
  const aliased = counts.names.total !== counts.total || counts.names.filtered !== counts.filtered;
  return { total: counts.total, filtered: counts.filtered, ...(aliased ? { names: counts.names } : {}) };
}

function side(result: LoadedResult, label: string, breakdown: string | null): Side {
  const { data } = result;
  const env = data.environment;
  const measurements: Side["measurements"] = {};
  for (const name of Object.keys(data.measurements)) {
    const loaded = result.measurements[name];
    measurements[name] = loaded ? { statement: loaded.statement, quantities: loaded.quantities, outliers: loaded.outliers, importAdds: loaded.importAdds } : null;
  }
  const interpreter: Side["interpreter"] = {};
  for (const [key, series] of Object.entries(result.interpreter)) {
    const stats = statsOf(series);
    if (stats) interpreter[key as QuantityKey] = stats;
  }
  const lazy: Record<string, boolean> = {};
  for (const [key, check] of Object.entries(result.lazy)) lazy[key] = check.loaded;
  const side: Side = {
    source: result.source,
    label,
    ref: data.git?.ref ?? null,
    commit: data.git?.commit ?? null,
    dirty: data.git?.dirty ?? false,
    timestamp: data.timestamp,
    pythonVersion: data.python_version,
    environment: {
      python: env?.python ?? null,
      platform: env?.platform ?? null,
      cpu: env?.cpu ?? null,
      cpuCount: env?.cpu_count ?? null,
      pyc: env?.pyc ?? null,
      metric: env?.metric ?? null,
      counter: env?.counter ?? null,
      iterations: env?.iterations ?? null,
      warmup: env?.warmup ?? null,
      env: env?.env ?? {},
      tool: data.tool ? `${data.tool.name} ${data.tool.version}` : null,
    },
    runId: result.runId,
    measurements,
    failures: Object.fromEntries(Object.entries(result.failures).map(([name, failure]) => [name, { kind: failure.kind, message: failure.message }])),
    interpreter,
    moduleCounts: modulesOf(result),
    importtime: null,
    importers: null,
    hotspots: null,
    lazy,
  };
  // Read (and checked, see result/shape.ts) only by the reports that draw them: the html
  // page and the json model, not the terminal, whose start-up matters.
  const section = <K extends "importtime" | "importers" | "hotspots">(key: K) =>
    Object.defineProperty(side, key, { enumerable: true, get: () => (breakdown ? data[key]?.[breakdown] ?? null : null) });
  section("importtime");
  section("importers");
  section("hotspots");
  return side;
}

/** The quantity of the metric both files were measured for (instructions, modules), when both hold it; else import time. */
function headlineOf(baseline: LoadedResult, candidate: LoadedResult, name: string): QuantityKey {
  const metric = METRICS.find((item) => item.name === baseline.data.environment?.metric && item.name === candidate.data.environment?.metric);
  const holds = (result: LoadedResult) => (result.measurements[name]?.quantities[metric!.headline]?.samples.length ?? 0) > 0;
  return metric && holds(baseline) && holds(candidate) ? metric.headline : "import_ms";
}

function quantityRow(key: QuantityKey, baseline: LoadedResult, candidate: LoadedResult, name: string, paired: boolean, headline: boolean, tailQ: number): QuantityRow {
  const base = baseline.measurements[name]?.quantities[key];
  const cand = candidate.measurements[name]?.quantities[key];
  const def = quantity(key);
  const adds = (result: LoadedResult) => result.measurements[name]?.importAdds[key] ?? null;
  const row: QuantityRow = {
    quantity: key,
    baseline: statsOf(base),
    candidate: statsOf(cand),
    importAdds: def.startup ? { baseline: adds(baseline), candidate: adds(candidate) } : null,
    direction: "inconclusive",
    reason: null,
    typical: null,
    bestCase: null,
    shapeChanged: false,
  };
  if (!base?.samples.length || !cand?.samples.length) {
    row.reason = baseline.hasSamples && candidate.hasSamples
      ? { kind: "not-measured", side: base?.samples.length ? "candidate" : "baseline" }
      : { kind: "no-samples" };
    return row;
  }
  const options = { paired: paired && def.pairable && base.samples.length === cand.samples.length };
  const spread = exactSpread(key, { baseline: baseline.measurements[name], candidate: candidate.measurements[name] });
  if (spread) row.spread = spread;
  // Every run of both sides the same value (0 instructions in children on each side): no
  // change, whatever the quantity; no test is needed to say so, and none with few runs could.
  const alike = (value: number) => value === base.samples[0];
  const exact = def.exact || (base.samples.every(alike) && cand.samples.every(alike)) ? compareExact(base.samples, cand.samples, ALPHA) : null;
  // The best case (fastest runs) is a second opinion on the headline only; the other
  // quantities get the typical verdict (and the compare tool's start-up stays short).
  if (exact) {
    row.typical = exact;
  } else if (headline) {
    // The headline in full: typical change, best case, slow runs, and whether they agree.
    const parts = compareParts(base.samples, cand.samples, { ...options, tail: { q: tailQ } });
    Object.assign(row, {
      typical: parts.typical.outcome, bestCase: parts.bestCase?.outcome ?? null, tail: parts.tail, shape: parts.shape,
      shapeChanged: parts.shape.disagree, detail: parts.typical.detail,
    });
  } else {
    row.typical = compareTypical(base.samples, cand.samples, { ...options, mde: false });
  }
  // Nothing below the floor is reported as a change, so nothing below it can be "detected".
  if (def.floorPct !== undefined && row.typical!.mdePct !== null && row.typical!.mdePct < def.floorPct) {
    row.typical = { ...row.typical!, mdePct: def.floorPct };
  }
  row.direction = row.typical!.direction;
  row.reason = row.typical!.reason;
  const significant = row.direction === "lower" || row.direction === "higher";
  if (significant && def.floorPct !== undefined && Math.abs(row.typical!.estimatePct ?? 0) < def.floorPct) {
    row.direction = "no-change";
    row.belowFloor = def.floorPct;
  }
  return row;
}

const VERDICT_OF: Record<QuantityRow["direction"], Verdict> = { lower: "faster", higher: "slower", "no-change": "no-change", inconclusive: "inconclusive" };

function measurementRow(name: string, baseline: LoadedResult, candidate: LoadedResult, paired: boolean, tailQ: number): MeasurementRow {
  const base = baseline.measurements[name];
  const cand = candidate.measurements[name];
  const headline = headlineOf(baseline, candidate, name);
  const row: MeasurementRow = {
    name,
    statement: cand?.statement ?? base?.statement ?? baseline.failures[name]?.statement ?? candidate.failures[name]?.statement ?? null,
    primary: false,
    status: "ok",
    headline,
    verdict: "inconclusive",
    reason: null,
    estimatePct: null,
    ciPct: null,
    mdePct: null,
    pValue: null,
    test: null,
    paired: false,
    bestCase: null,
    shapeChanged: false,
    tail: null,
    means: null,
    quantities: [],
  };
  if (!base || !cand) {
    const [where, result] = base ? (["candidate", candidate] as const) : (["baseline", baseline] as const);
    const failure = result.failures[name];
    row.status = failure ? `failed-${where}` : `missing-${where}`;
    row.reason = failure
      ? { kind: "failed", side: where, source: result.source, message: failure.message }
      : { kind: "missing", side: where, source: result.source };
    // The side that measured keeps its figures (its median is shown beside the n/a).
    if (base || cand) row.quantities = [{ ...quantityRow(headline, baseline, candidate, name, paired, false, tailQ), reason: row.reason }];
    return row;
  }
  const keys = quantityKeys().filter((key) => base.quantities[key] || cand.quantities[key]);
  row.quantities = [headline, ...keys.filter((key) => key !== headline)]
    .filter((key) => key === headline || keys.includes(key))
    .map((key) => quantityRow(key, baseline, candidate, name, paired, key === headline, tailQ));
  const main = row.quantities[0]!;
  row.verdict = VERDICT_OF[main.direction];
  row.reason = main.reason;
  if (main.typical) {
    row.estimatePct = main.typical.estimatePct;
    row.ciPct = main.typical.ciPct;
    row.mdePct = main.typical.mdePct;
    row.pValue = main.typical.pValue;
    row.test = main.typical.test;
    row.paired = main.typical.paired;
  }
  row.bestCase = main.bestCase;
  row.shapeChanged = main.shapeChanged;
  row.tail = main.tail ?? null;
  if (!main.typical) {
    const deltaMs = base.seed.mean - cand.seed.mean;
    row.means = { baseline: base.seed.mean, candidate: cand.seed.mean, deltaMs, deltaPct: base.seed.mean !== 0 ? (deltaMs / base.seed.mean) * 100 : null };
  }
  return row;
}

function summaryOf(rows: MeasurementRow[], c: Pick<CandidateComparison, "lazy">): Summary {
  const row = rows.find((candidate) => candidate.primary) ?? null;
  const main = row?.quantities[0];
  const failed = rows.flatMap((r) =>
    r.reason?.kind === "failed" ? [{ measurement: r.name, side: r.reason.side, message: r.reason.message }] : []);
  return {
    measurement: row?.name ?? null,
    verdict: row?.verdict ?? "inconclusive",
    reason: row?.reason ?? null,
    headline: row?.headline ?? "import_ms",
    typical: main?.typical ?? null,
    bestCase: main?.bestCase ?? null,
    shapeChanged: main?.shapeChanged ?? false,
    tail: main?.tail ?? null,
    shape: main?.shape ?? null,
    baselineMedian: main?.baseline?.median ?? null,
    candidateMedian: main?.candidate?.median ?? null,
    means: row?.means ?? null,
    lazyTurnedEager: c.lazy.filter((lazy) => lazy.change === "now-eager"),
    lazyTurnedLazy: c.lazy.filter((lazy) => lazy.change === "now-lazy"),
    failed,
  };
}

/** Files of one invocation (same run_id): their samples[i] are the same round. */
function sameRun(baseline: LoadedResult, candidate: LoadedResult): boolean {
  return baseline.runId !== null && baseline.runId === candidate.runId;
}

function measurementNames(baseline: LoadedResult, candidate: LoadedResult): string[] {
  const names = Object.keys(baseline.data.measurements);
  for (const name of Object.keys(candidate.data.measurements)) if (!names.includes(name)) names.push(name);
  for (const name of [...Object.keys(baseline.failures), ...Object.keys(candidate.failures)]) {
    if (!names.includes(name) && !name.startsWith("lazy:")) names.push(name);
  }
  return names;
}

/** False for the original tool's files (means only): a file that measured nothing is not one. */
function carriesSamples(result: LoadedResult): boolean {
  return result.hasSamples || (result.data.schema_version !== undefined && Object.keys(result.measurements).length === 0);
}

function compareOne(results: readonly LoadedResult[], base: number, index: number, options: ComparisonOptions): CandidateComparison {
  const baseline = results[base]!;
  const candidate = results[index]!;
  const names = measurementNames(baseline, candidate);
  const shared = names.filter((name) => Object.hasOwn(baseline.data.measurements, name) && Object.hasOwn(candidate.data.measurements, name));
  // A measurement that failed on one side is still compared: its row says so (n/a, failed).
  const known = (result: LoadedResult, name: string) => Object.hasOwn(result.data.measurements, name) || Object.hasOwn(result.failures, name);
  const common = names.filter((name) => known(baseline, name) && known(candidate, name));
  if (common.length === 0) {
    throw new UserError(
      `${candidate.source} and ${baseline.source} have no measurement in common ` +
        `(${Object.keys(baseline.data.measurements).join(", ") || "none"} vs ${Object.keys(candidate.data.measurements).join(", ") || "none"}); nothing to compare`,
    );
  }
  const paired = sameRun(baseline, candidate);
  const measurements = names.map((name) => measurementRow(name, baseline, candidate, paired, options.tailQ ?? TAIL_Q));
  const primaryName = options.primary ?? shared[0] ?? common[0]!;
  for (const row of measurements) row.primary = row.name === primaryName;
  const lazy = lazyRows(baseline, candidate);
  // The -X importtime diff of the primary measurement (or the first with rows on both sides).
  // `find`: only the measurements looked at are read (and checked: see result/shape.ts).
  const importTimeName = [primaryName, ...Object.keys(baseline.data.importtime ?? {})]
    .find((name) => baseline.data.importtime?.[name] && candidate.data.importtime?.[name]);
  const importTime = importTimeName === undefined
    ? []
    : [importTimeDiff(importTimeName, baseline.data.importtime![importTimeName]!, candidate.data.importtime![importTimeName]!)];
  const partial: Omit<CandidateComparison, "summary" | "gate"> = {
    baseline: base,
    candidate: index,
    paired,
    measurements,
    moduleCounts: moduleCountRows(baseline, candidate),
    lazy,
    moduleDiff: moduleDiff(baseline, candidate),
    importTime,
    hotspots: hotspotChanges(baseline, candidate, primaryName),
    hotspotRuns: hotspotRuns(baseline, candidate, primaryName),
    stillLargest: stillLargest(baseline, candidate, primaryName),
    environmentMismatches: environmentMismatches(baseline, candidate),
    // A coldstart file whose every statement failed has no samples, but is no seed file either.
    arithmeticOnly: !carriesSamples(baseline) || !carriesSamples(candidate),
  };
  const summary = summaryOf(measurements, partial);
  const gate = options.failOnRegressionPct === undefined ? null : gateOf(measurements, lazy, options.failOnRegressionPct, options.gate ?? "typical");
  return { ...partial, summary, gate };
}

/** The worst of several gates: any regression (1) before inconclusive (3) before pass (0). */
function worstGate(gates: (Gate | null)[]): Gate | null {
  const present = gates.filter((gate): gate is Gate => gate !== null);
  if (present.length === 0) return null;
  const rank = { 1: 2, 3: 1, 0: 0 } as const;
  const worst = present.reduce((a, b) => (rank[b.exitCode] > rank[a.exitCode] ? b : a));
  return { ...worst, reasons: present.flatMap((gate) => (gate.exitCode === worst.exitCode ? gate.reasons : [])) };
}

/**
 * Compares result files: the first is the baseline, each further one a candidate. Files of
 * several interpreters (or, with `merge`, of several CI jobs) are compared within their
 * group only, and the comparison gains a `matrix` (compare/matrix.ts).
 * Throws a UserError (exit 2) for fewer than two results, an unknown `primary`, or files
 * with no measurement in common.
 */
export function buildComparison(input: LoadedResult[], options: ComparisonOptions = {}): Comparison {
  if (input.length < 2) throw new UserError("give at least two result files: a baseline and a candidate");
  const results = options.merge ? orderForMerge(input) : input;
  if (options.primary !== undefined && !results.every((result) => Object.hasOwn(result.data.measurements, options.primary!) || Object.hasOwn(result.failures, options.primary!))) {
    const available = Object.keys(results[0]!.data.measurements).join(", ") || "none";
    throw new UserError(`--primary ${options.primary}: not a measurement of every file (available in the baseline: ${available})`);
  }
  const plan = planGroups(results, options.merge === true);
  const candidates = plan.pairs.map((pair) => compareOne(results, pair.baseline, pair.candidate, options));
  const primary = candidates[0]!.summary.measurement;
  const breakdown = [primary, ...Object.keys(results[0]!.data.importtime ?? {})].find(
    (name) => name !== null && results.some((result) => (result.data.importtime?.[name]?.length ?? 0) > 0 || (result.data.hotspots?.[name]?.length ?? 0) > 0),
  ) ?? null;
  const groupOf = results.map((_, index) => plan.groups.find((group) => group.sides.includes(index))?.label ?? null);
  const labels = sideLabels(results, plan.axis ? groupOf : []);
  return {
    formatVersion: COMPARISON_FORMAT_VERSION,
    alpha: ALPHA,
    power: POWER,
    primaryRequested: options.primary ?? null,
    failOnRegressionPct: options.failOnRegressionPct ?? null,
    tailQ: options.tailQ ?? TAIL_Q,
    sides: results.map((result, index) => side(result, labels[index]!, breakdown)),
    breakdown,
    candidates,
    gate: worstGate(candidates.map((c) => c.gate)),
    ...(plan.axis ? { matrix: buildMatrix({ ...plan, axis: plan.axis }, candidates) } : {}),
  };
}

export type { Reason };
