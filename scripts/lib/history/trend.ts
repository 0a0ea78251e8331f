/**
 * Commits with their result files -> the trend (model.ts): per point the median of the
 * primary measurement with its interval and module counts; per point after the first, the
 * change against the previous measured point, from compare/build.ts. Neighbours measured in
 * one invocation are compared round by round (paired), others unpaired.
 *
 * Markers: a change is marked when it is significant and at least the threshold. With wall
 * time the p-values are adjusted over every change of the trend (Holm), since among forty
 * comparisons at 5% two false steps are to be expected; counted instructions need no
 * correction, their noise being far below any threshold. With --metric modules every
 * change of the set of modules loaded is a step (exact: one run per commit).
 */
import type { MetricName, QuantityKey } from "../quantities.ts";
import type { LoadedResult } from "../result/read.ts";
import { ALPHA } from "../stats/verdict.ts";
import { holmAdjusted, medianInterval } from "../stats/multiple.ts";
import { historyInfo, runsOf } from "./cache.ts";
import { compareFiles } from "./figures.ts";
import { moduleCountsOf } from "../compare/diff.ts";
import {
  type ChangeVerdict, type CommitFacts, type Figures, HISTORY_FORMAT_VERSION, type Machine, type Trend, type TrendNote, type TrendPoint,
} from "../model/history.ts";

/** A result file of one commit. */
export interface PointFile {
  path: string;
  result: LoadedResult;
}

export interface PointInput {
  facts: CommitFacts;
  files: PointFile[];
  /** Every file read from the cache (null: not known). */
  cached: boolean | null;
}

export interface TrendOptions {
  range: string | null;
  every: number | null;
  thresholdPct: number;
  /** Default: the first measurement of the first file. */
  measurement?: string;
  /** The metric asked for (null: not known); "instructions" without counts in the files is noted. */
  metric: MetricName | null;
  shard?: { index: number; count: number; total: number } | null;
}

function measurementOf(points: readonly PointInput[], asked: string | undefined): string | null {
  if (asked !== undefined) return asked;
  for (const point of points) for (const file of point.files) {
    const [first] = Object.keys(file.result.data.measurements);
    if (first) return first;
  }
  return null;
}

/** The file a point is drawn from: the most runs, then the newest. */
function representative(files: readonly PointFile[], measurement: string, headline: QuantityKey): PointFile | null {
  const measured = files.filter((file) => file.result.measurements[measurement]);
  return measured.reduce<PointFile | null>((best, file) => {
    if (best === null) return file;
    const [a, b] = [runsOf(file.result, measurement, headline), runsOf(best.result, measurement, headline)];
    return a > b || (a === b && file.result.data.timestamp >= best.result.data.timestamp) ? file : best;
  }, null);
}

/** Files of two neighbours from one invocation, the pair with the most runs; else each one's representative. */
function filesToCompare(before: PointInput, after: PointInput, measurement: string, headline: QuantityKey): [PointFile, PointFile] | null {
  let best: [PointFile, PointFile] | null = null;
  let size = -1;
  for (const x of before.files) for (const y of after.files) {
    if (x.result.runId === null || x.result.runId !== y.result.runId) continue;
    const runs = Math.min(runsOf(x.result, measurement, headline), runsOf(y.result, measurement, headline));
    if (runs > size) [best, size] = [[x, y], runs];
  }
  if (best && size > 0) return best;
  const [x, y] = [representative(before.files, measurement, headline), representative(after.files, measurement, headline)];
  return x && y ? [x, y] : null;
}

/** Module objects, as bench and compare count them (aliases once; compare/diff.ts), not names in sys.modules. */
function moduleCounts(result: LoadedResult): { total: number; filtered: number } | null {
  const counted = moduleCountsOf(result);
  return counted ? { total: counted.total, filtered: counted.filtered } : null;
}

function machineOf(result: LoadedResult): Machine {
  const env = result.data.environment;
  return { host: historyInfo(result)?.host || null, platform: env?.platform ?? null, cpu: env?.cpu ?? null, python: result.data.python_version ?? null };
}

function changeVerdict(figures: Figures, adjusted: number | null, alpha: number, thresholdPct: number): ChangeVerdict {
  if (figures.verdict === "inconclusive") return "inconclusive";
  const moved = figures.verdict === "slower" || figures.verdict === "faster";
  // An exact comparison (every run of each side agreed) has no p-value: its difference is the difference.
  const significant = figures.test === "exact" ? moved : moved && adjusted !== null && adjusted < alpha;
  if (!significant) return "no-change";
  // The set of modules loaded is what --metric modules asks about: every change of it is a step.
  if (figures.test === "exact" && figures.headline === "modules") return figures.verdict as "slower" | "faster";
  return Math.abs(figures.estimatePct ?? 0) < thresholdPct ? "below-threshold" : figures.verdict as "slower" | "faster";
}

export function buildTrend(inputs: readonly PointInput[], options: TrendOptions): Trend {
  const measurement = measurementOf(inputs, options.measurement);
  const name = measurement ?? "";
  const allFiles = inputs.flatMap((point) => point.files);
  const measuredFiles = allFiles.filter((file) => file.result.measurements[name]);
  const counted = measuredFiles.length > 0 && measuredFiles.every((file) => runsOf(file.result, name, "instructions") > 0);
  // --metric modules (asked, or what every file was measured for): the trend of the module set.
  const modulesAsked = options.metric === "modules" || (measuredFiles.length > 0 && measuredFiles.every((file) => file.result.data.environment?.metric === "modules"));
  const modulesHeld = measuredFiles.length > 0 && measuredFiles.every((file) => runsOf(file.result, name, "modules") > 0);
  const headline: QuantityKey = modulesAsked && modulesHeld ? "modules" : counted ? "instructions" : "import_ms";
  const machines: Machine[] = [];
  const machineIndex = (machine: Machine) => {
    const key = JSON.stringify(machine);
    const found = machines.findIndex((item) => JSON.stringify(item) === key);
    if (found >= 0) return found;
    machines.push(machine);
    return machines.length - 1;
  };

  const points: TrendPoint[] = inputs.map((input) => {
    const rep = representative(input.files, name, headline);
    const series = rep?.result.measurements[name]?.quantities[headline];
    const failure = input.files.map((file) => file.result.failures[name]).find(Boolean);
    const moduleFile = rep ?? input.files[0];
    return {
      ...input.facts,
      files: input.files.map((file) => file.path),
      status: rep ? "ok" : "failed",
      failure: rep ? null : failure?.message ?? `no measurement "${name}"`,
      n: series?.samples.length ?? 0,
      median: series?.median ?? null,
      interval: series ? medianInterval(series.samples) : null,
      modules: moduleFile ? moduleCounts(moduleFile.result) : null,
      change: null,
      cached: input.cached,
      machine: moduleFile ? machineIndex(machineOf(moduleFile.result)) : 0,
    };
  });

  // Each measured point against the previous measured one.
  const pending: { index: number; figures: Figures; from: number }[] = [];
  let previous: number | null = null;
  inputs.forEach((input, index) => {
    if (points[index]!.status !== "ok") return;
    if (previous !== null) {
      const files = filesToCompare(inputs[previous]!, input, name, headline);
      if (files) pending.push({ index, from: previous, figures: compareFiles(files[0].result, files[1].result, name).figures });
    }
    previous = index;
  });
  const correction = headline === "modules" ? "exact" : headline === "instructions" ? "none" : "holm";
  const tested = pending.map(({ figures }) => (figures.verdict === "inconclusive" || figures.test === "exact" ? null : figures.pValue));
  const adjusted = correction === "holm" ? holmAdjusted(tested) : tested;
  pending.forEach(({ index, from, figures }, k) => {
    const verdict = changeVerdict(figures, adjusted[k] ?? null, ALPHA, options.thresholdPct);
    const [a, b] = [points[from]!, points[index]!];
    b.change = {
      from: a.commit,
      distance: a.depth !== null && b.depth !== null ? b.depth - a.depth : null,
      verdict,
      marked: verdict === "slower" || verdict === "faster",
      figures,
      adjustedP: adjusted[k] ?? null,
      modulesDelta: a.modules && b.modules ? b.modules.total - a.modules.total : null,
    };
  });

  const notes: TrendNote[] = [];
  if (options.shard) notes.push({ kind: "shard", index: options.shard.index, count: options.shard.count, points: inputs.length, total: options.shard.total });
  const versions = [...new Set(machines.map((machine) => machine.python).filter((v): v is string => v !== null))];
  if (headline === "import_ms" && machines.length > 1) notes.push({ kind: "machines-differ", machines: machines.length });
  if (versions.length > 1) notes.push({ kind: "python-differs", versions });
  const keys = new Set(allFiles.map((file) => historyInfo(file.result)?.cache_key).filter(Boolean));
  if (keys.size > 1) notes.push({ kind: "settings-differ", keys: keys.size });
  const failed = points.filter((point) => point.status === "failed").map((point) => point.commit);
  if (failed.length) notes.push({ kind: "failed", commits: failed });
  if (options.metric === "instructions" && headline !== "instructions") notes.push({ kind: "counts-missing" });

  const statement = measuredFiles.map((file) => file.result.measurements[name]?.statement).find((s): s is string => Boolean(s)) ?? null;
  return {
    formatVersion: HISTORY_FORMAT_VERSION,
    kind: "history",
    range: options.range,
    every: options.every,
    measurement,
    statement,
    headline,
    thresholdPct: options.thresholdPct,
    alpha: ALPHA,
    correction,
    // Exact comparisons are counted too: each is a change looked at (none needs correcting).
    comparisons: pending.filter(({ figures }) => figures.verdict !== "inconclusive" && (figures.test === "exact" || figures.pValue !== null)).length,
    points,
    machines,
    comparable: versions.length <= 1 && (headline === "instructions" || machines.length <= 1),
    notes,
  };
}
