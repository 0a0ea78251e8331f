/**
 * Run records -> result file. Every quantity of every measurement becomes a series (its
 * samples in round order and their statistics); the seed's top-level keys are a
 * projection of the import-time quantity, so the original tool's readers still work.
 */
import { realpathSync } from "node:fs";
import type { Config } from "../config.ts";
import { COUNTED_ENV } from "./counter.ts";
import { aggregateImportTime } from "./importtime.ts";
import type { RunRecord, TreeRecords } from "./scheduler.ts";
import { QUANTITIES, quantity, type QuantityDef, type QuantityKey, type QuantityValues } from "../quantities.ts";
import { median, outlierIndices, roundTo, type Series, toSeries } from "../stats/describe.ts";
import {
  type Environment, type ImportTimeRow, type LazyCheck, type Measurement, type Quantities, type ResultFile, SCHEMA_VERSION,
} from "../result/schema.ts";

export interface BuildContext {
  config: Config;
  toolVersion: string;
  git: { ref: string | null; commit: string | null; dirty: boolean; worktree?: boolean } | null;
  /** Shared by every file of one invocation. */
  runId: string;
  /** This file's place among them. */
  runOrder: number;
  timestamp: number;
  /** Environment facts beyond the interpreter's (e.g. the instruction counter). */
  environment?: Partial<Environment>;
}

/** Timed runs (harness and process quantities) and counted runs (the counter's) are separate records. */
const runKind = (source: QuantityDef["source"]) => (source === "counter" ? "counted" : "timed");

/**
 * Series of every quantity measured in every run of its kind, in their order: a quantity
 * some timed runs lack (an interpreter that cannot report it) is left out, not half-filled.
 */
export function seriesOf(runs: readonly { quantities: QuantityValues }[]): Quantities {
  const quantities: Quantities = {};
  const kinds = runs.map((run) => new Set(Object.keys(run.quantities).map((key) => runKind(quantity(key as QuantityKey).source))));
  for (const def of QUANTITIES) {
    const group = runs.filter((_, index) => kinds[index]!.has(runKind(def.source)));
    if (group.length === 0 || !group.every((run) => run.quantities[def.key] !== undefined)) continue;
    const series = toSeries(group.map((run) => run.quantities[def.key]!), def.decimals, Math.max(2, def.decimals));
    if (series) quantities[def.key] = series;
  }
  return quantities;
}

const EMPTY: Series = { n: 0, min: 0, max: 0, mean: 0, median: 0, stddev: 0, mad: 0, p25: 0, p75: 0, samples: [] };

/**
 * Per start-up quantity, the median over rounds of the statement's run minus that round's
 * `pass` run: the timed one (a counted `pass`, recorded as round 0, carries instructions only).
 */
function importAdds(records: TreeRecords, name: string, counted: readonly RunRecord[]): Partial<Record<QuantityKey, number>> {
  const passes = records.records.filter((record) => record.measurement === name && record.baseline && record.round >= 0);
  const adds: Partial<Record<QuantityKey, number>> = {};
  for (const def of QUANTITIES.filter((item) => item.startup)) {
    const bareOf = new Map(passes.flatMap((record) => (record.quantities[def.key] === undefined ? [] : [[record.round, record.quantities[def.key]!] as const])));
    const differences = counted.flatMap((run) => {
      const [own, bare] = [run.quantities[def.key], bareOf.get(run.round)];
      return own !== undefined && bare !== undefined ? [own - bare] : [];
    });
    if (differences.length) adds[def.key] = roundTo(median(differences), def.decimals);
  }
  return adds;
}

function measurement(records: TreeRecords, name: string): Measurement | null {
  const counted = records.records
    .filter((record) => record.measurement === name && !record.baseline && record.round >= 0)
    .sort((a, b) => a.round - b.round);
  const quantities = seriesOf(counted);
  const time = quantities.import_ms;
  if (!time) return null;
  const warmup = records.records.filter((record) => record.measurement === name && !record.baseline && record.round < 0);
  const result: Measurement = {
    min: time.min,
    max: time.max,
    mean: time.mean,
    median: time.median,
    iterations: time.n,
    stddev: time.stddev,
    samples: time.samples,
    statement: records.statements[name],
    process_ms: quantities.process_ms ?? EMPTY,
    outliers: outlierIndices(time.samples),
    warmup_samples: warmup.map((record) => roundTo(record.quantities.import_ms ?? 0, 3)),
    quantities,
  };
  const adds = importAdds(records, name, counted);
  if (Object.keys(adds).length) result.import_adds = adds;
  if (records.noExit[name] !== undefined) result.no_exit_runs = records.noExit[name];
  const share = records.subprocessShare[name];
  if (share?.length) result.instructions_in_subprocesses_pct = roundTo(median(share), 2);
  return result;
}

/** The statement whose module list is reported: `import <package>` if measured, else the first. */
export function moduleStatement(config: Config): string {
  const own = `import ${config.package}`;
  return config.imports.some((spec) => spec.statement === own) ? own : config.imports[0]?.statement ?? own;
}

/** Package match, not substring: `pkg` and `pkg.*`, never `pkg_extra` or `not_pkg`. */
export function isPackageModule(module: string, pkg: string): boolean {
  return module === pkg || module.startsWith(`${pkg}.`);
}

function realBinary(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function buildResult(records: TreeRecords, context: BuildContext): ResultFile {
  const { config } = context;
  const { tree } = records;
  const measurements: Record<string, Measurement> = {};
  for (const name of Object.keys(records.statements)) {
    if (records.failures[name]) continue;
    const built = measurement(records, name);
    if (built) measurements[name] = built;
  }
  const after = moduleStatement(config);
  // Only that statement's own modules: another statement's would compare as if measured.
  const snapshot = records.snapshots.get(after);
  const loaded = snapshot?.modules ?? [];
  const lazyChecks: Record<string, LazyCheck> = {};
  const lazyFlags: Record<string, boolean> = {};
  for (const lazy of config.lazy) {
    const answer = records.snapshots.get(lazy.after);
    if (!answer) continue;
    const isLoaded = answer.loaded.includes(lazy.module);
    lazyChecks[lazy.key] = { label: lazy.label, module: lazy.module, after: lazy.after, loaded: isLoaded };
    lazyFlags[lazy.key] = isLoaded;
  }
  const importtime: Record<string, ImportTimeRow[]> = {};
  for (const [name, runs] of Object.entries(records.importtime)) importtime[name] = aggregateImportTime(runs);
  const baselines = records.records.filter((record) => record.baseline && record.round >= 0);
  const interpreter = seriesOf(baselines);
  const env: Record<string, string | null> = {
    ...tree.envChanges,
    ...(config.metric === "instructions" ? Object.fromEntries(Object.entries(COUNTED_ENV).map(([key, value]) => [key, `${value} (counted runs)`])) : {}),
    PYTHONPYCACHEPREFIX: config.pyc === "cold" ? "<fresh empty folder per run>" : "<temporary folder per tree, kept across its runs>",
  };
  const counted = snapshot !== undefined;

  return {
    timestamp: context.timestamp,
    python_version: tree.python.version,
    measurements,
    // No statement ran to the end: the seed's required counts are written as 0, marked as not measured.
    module_counts: counted
      ? { total: loaded.length, filtered: loaded.filter((m) => isPackageModule(m, config.package)).length }
      : { total: 0, filtered: 0, measured: false },
    ...lazyFlags,
    schema_version: SCHEMA_VERSION,
    tool: { name: "coldstart", version: context.toolVersion },
    ...(context.git ? { git: context.git } : {}),
    run_id: context.runId,
    run_order: context.runOrder,
    environment: {
      python: tree.python.executable,
      python_binary: realBinary(tree.python.executable),
      python_venv: tree.python.inVenv,
      python_requested: tree.python.requested,
      python_version: tree.python.version,
      platform: tree.python.platform,
      cpu: tree.python.cpu,
      cpu_count: tree.python.cpuCount,
      pyc: config.pyc,
      env,
      iterations: config.iterations,
      max_iterations: config.max_iterations,
      precision_pct: config.precision,
      warmup: config.warmup,
      timeout_s: config.timeout,
      metric: config.metric,
      ...context.environment,
    },
    interpreter: { process_ms: interpreter.process_ms ?? EMPTY, quantities: interpreter },
    lazy_checks: lazyChecks,
    ...(counted ? { modules: { after, package: config.package, loaded } } : {}),
    importtime,
    importers: records.importers,
    hotspots: records.hotspots,
    failures: records.failures,
    runs: { processes: records.runs.processes, child_ms: roundTo(records.runs.child_ms, 2) },
  };
}
