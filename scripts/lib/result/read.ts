/**
 * Reading result files: validation with one-line errors naming the file and the field,
 * and a normalised view the comparison reads — every measurement with its quantities as
 * series, whatever the file's age: coldstart files with `quantities`, earlier schema-1
 * files (samples and process_ms only) and the original Python tool's files (no samples).
 */
import { statSync } from "node:fs";
import { UserError } from "../errors.ts";
import { parseHotspots, parseImporters } from "./read-why.ts";
import { type Deferred, splitSections } from "./read-sections.ts";
import { checkedOnRead, entries, type FieldList, ShapeChecker } from "./shape.ts";
import { isQuantityKey, QUANTITIES, quantity, type QuantityKey } from "../quantities.ts";
import { toSeries } from "../stats/describe.ts";
import {
  type Failure, type ImportTimeRow, MAX_RESULT_BYTES, type Measurement,
  type Quantities, RESULT_KEYS, type ResultFile, SCHEMA_VERSION, type Series,
} from "./schema.ts";

/** Labels the seed's comparer printed for its two lazy keys. */
const SEED_LAZY_LABELS: Record<string, string> = {
  paramiko_eagerly_loaded: "Paramiko",
  ssh_cli_loaded: "SSH CLI",
};

/** One measurement as read, with every quantity as a series (empty for the original tool's files). */
export interface LoadedMeasurement {
  name: string;
  statement: string | null;
  /** The seed's import-time statistics, ms (means for files without samples). */
  seed: { min: number; max: number; mean: number; median: number; iterations: number };
  quantities: Quantities;
  outliers: number[];
  noExitRuns: number;
  /** What the import adds to the interpreter alone: paired by round (schema's import_adds), in older files the medians' difference. */
  importAdds: Partial<Record<QuantityKey, number>>;
}

/** A result file as read: validated, normalised, with lazy checks made explicit for old files too. */
export interface LoadedResult {
  /** Path (or name) the result came from, for messages. */
  source: string;
  data: ResultFile;
  /** Measurements that ran (failed ones are in `failures`), in file order. */
  measurements: Record<string, LoadedMeasurement>;
  failures: Record<string, Failure>;
  /** Every lazy key, from `lazy_checks` or, for seed files, the top-level booleans. */
  lazy: Record<string, { label: string; loaded: boolean; module?: string }>;
  /** True when at least one measurement carries samples (significance is possible). */
  hasSamples: boolean;
  /** False when no statement ran to the end, so the module counts mean nothing. */
  moduleCountsMeasured: boolean;
  /** The interpreter's own share (`python -c pass` runs). */
  interpreter: Quantities;
  runId: string | null;
}

/** Checks a series as stored (`samples` and statistics) and returns its samples. */
function checkSeries(check: ShapeChecker, value: unknown, field: string): number[] {
  const stats = check.object(value, field);
  const samples = check.optional(stats.samples, (v) => check.numbers(v, `${field}.samples`)) ?? [];
  for (const key of ["min", "max", "mean", "median", "stddev"] as const) check.optional(stats[key], (v) => check.number(v, `${field}.${key}`));
  return samples;
}

/** The series made from stored samples: the statistics are recomputed from them. */
function seriesOf(samples: number[], decimals: number): Partial<Series> & { samples: number[] } {
  return toSeries(samples, decimals, Math.max(2, decimals)) ?? { samples: [] };
}

/** A series as stored (`samples` and statistics); the statistics are recomputed from the samples. */
function parseSeries(check: ShapeChecker, value: unknown, field: string, decimals: number): Partial<Series> & { samples: number[] } {
  return seriesOf(checkSeries(check, value, field), decimals);
}

/**
 * Sets `out[key]` to the series of `value`, checked now and its statistics computed when
 * first read: the older `process_ms` fields that files keep beside `quantities.process_ms`
 * are read only by files without it.
 */
function seriesOnRead(out: object, key: string, check: ShapeChecker, value: unknown, field: string, decimals: number): void {
  const samples = checkSeries(check, value, field);
  let series: ReturnType<typeof seriesOf> | undefined;
  Object.defineProperty(out, key, { enumerable: true, configurable: true, get: () => (series ??= seriesOf(samples, decimals)) });
}

function parseMeasurement(check: ShapeChecker, value: unknown, field: string): Measurement {
  const raw = check.object(value, field);
  const measurement: Measurement = {
    min: check.number(raw.min, `${field}.min`),
    max: check.number(raw.max, `${field}.max`),
    mean: check.number(raw.mean, `${field}.mean`),
    median: check.number(raw.median, `${field}.median`),
    iterations: check.number(raw.iterations, `${field}.iterations`),
  };
  const stddev = check.optional(raw.stddev, (v) => check.number(v, `${field}.stddev`));
  if (stddev !== undefined) measurement.stddev = stddev;
  const samples = check.optional(raw.samples, (v) => check.numbers(v, `${field}.samples`));
  if (samples !== undefined) measurement.samples = samples;
  const statement = check.optional(raw.statement, (v) => check.string(v, `${field}.statement`));
  if (statement !== undefined) measurement.statement = statement;
  if (raw.process_ms !== undefined && raw.process_ms !== null) seriesOnRead(measurement, "process_ms", check, raw.process_ms, `${field}.process_ms`, 3);
  const outliers = check.optional(raw.outliers, (v) => check.numbers(v, `${field}.outliers`));
  if (outliers !== undefined) measurement.outliers = outliers;
  const warmup = check.optional(raw.warmup_samples, (v) => check.numbers(v, `${field}.warmup_samples`));
  if (warmup !== undefined) measurement.warmup_samples = warmup;
  const noExit = check.optional(raw.no_exit_runs, (v) => check.number(v, `${field}.no_exit_runs`));
  if (noExit !== undefined) measurement.no_exit_runs = noExit;
  const quantities = check.optional(raw.quantities, (v) => parseQuantities(check, v, `${field}.quantities`));
  if (quantities !== undefined) measurement.quantities = quantities;
  const adds = check.optional(raw.import_adds, (v) => check.object(v, `${field}.import_adds`));
  if (adds !== undefined) {
    // Known quantities only (a newer coldstart's are skipped, as in quantities).
    const known = Object.entries(adds).filter(([key]) => isQuantityKey(key)).map(([key, v]) => [key, check.number(v, `${field}.import_adds.${key}`)]);
    measurement.import_adds = Object.fromEntries(known);
  }
  return measurement;
}

/** Known quantities are validated and normalised; unknown ones (from a newer coldstart) are skipped. */
function parseQuantities(check: ShapeChecker, value: unknown, field: string): Quantities {
  const out: Quantities = {};
  for (const [key, item] of entries(check, check.object(value, field), field)) {
    if (!isQuantityKey(key)) continue;
    const series = parseSeries(check, item, `${field}.${key}`, quantity(key).decimals);
    if (series.samples.length) out[key] = series as Quantities[typeof key];
  }
  return out;
}

/** Every quantity of a measurement: its own `quantities`, else what older schema-1 files hold. */
function normaliseQuantities(measurement: Measurement): Quantities {
  const quantities: Quantities = { ...measurement.quantities };
  if (!quantities.import_ms && measurement.samples?.length) {
    const series = toSeries(measurement.samples, 3);
    if (series) quantities.import_ms = series;
  }
  if (!quantities.process_ms && measurement.process_ms?.samples.length) {
    const series = toSeries(measurement.process_ms.samples, 3);
    if (series) quantities.process_ms = series;
  }
  return quantities;
}

const IMPORTTIME_FIELDS: FieldList = [["module", "string"], ["self_us", "number"], ["cumulative_us", "number"], ["depth", "number"]];

function parseImportTime(check: ShapeChecker, value: unknown, field: string): ImportTimeRow[] {
  if (!Array.isArray(value)) check.fail(field, "must be a list");
  const finite = (item: unknown) => typeof item === "number" && Number.isFinite(item);
  // Written out rather than check.fields per row: a measurement holds a row per module, read before the JIT warms up.
  for (let index = 0; index < value.length; index += 1) {
    const row = value[index];
    const ok = typeof row === "object" && row !== null && typeof row.module === "string" &&
      finite(row.self_us) && finite(row.cumulative_us) && finite(row.depth);
    if (!ok) check.fields(row, field, index, IMPORTTIME_FIELDS); // names the problem
  }
  return value as ImportTimeRow[];
}

/**
 * Validates parsed JSON as a result file. Throws a UserError naming the source and the
 * first field that is wrong. Unknown extra keys are kept (forward compatibility).
 */
export function validateResult(value: unknown, source: string, deferred?: Deferred): LoadedResult {
  const check: ShapeChecker = new ShapeChecker(source);
  const raw = check.object(value, "(top level)");
  entries(check, raw, "(top level)");

  const schema = check.optional(raw.schema_version, (v) => check.number(v, "schema_version"));
  if (schema !== undefined && schema > SCHEMA_VERSION) {
    check.fail("schema_version", `is ${schema}; this coldstart reads up to ${SCHEMA_VERSION}, upgrade it`);
  }

  const measurementsRaw = check.object(raw.measurements, "measurements");
  const parsed: Record<string, Measurement> = {};
  for (const [name, item] of entries(check, measurementsRaw, "measurements")) {
    parsed[name] = parseMeasurement(check, item, `measurements.${name}`);
  }
  const countsRaw = check.object(raw.module_counts, "module_counts");
  const data: ResultFile = {
    ...(raw as Record<string, unknown>),
    timestamp: check.number(raw.timestamp, "timestamp"),
    python_version: check.string(raw.python_version, "python_version"),
    measurements: parsed,
    module_counts: {
      total: check.number(countsRaw.total, "module_counts.total"),
      filtered: check.number(countsRaw.filtered, "module_counts.filtered"),
      ...(countsRaw.measured === false ? { measured: false as const } : {}),
    },
  };

  if (raw.git !== undefined && raw.git !== null) {
    const git = check.object(raw.git, "git");
    data.git = {
      ref: check.optional(git.ref, (v) => check.string(v, "git.ref")) ?? null,
      commit: check.optional(git.commit, (v) => check.string(v, "git.commit")) ?? null,
      dirty: check.optional(git.dirty, (v) => check.boolean(v, "git.dirty")) ?? false,
      ...(git.worktree === true ? { worktree: true } : {}),
    };
  }
  check.optional(raw.run_id, (v) => check.string(v, "run_id"));
  check.optional(raw.run_order, (v) => check.number(v, "run_order"));
  if (raw.environment !== undefined && raw.environment !== null) {
    const env = check.object(raw.environment, "environment");
    for (const key of ["python", "python_binary", "python_requested", "python_version", "platform", "cpu", "pyc", "metric", "counter"] as const) {
      check.optional(env[key], (v) => check.string(v, `environment.${key}`));
    }
    check.optional(env.python_venv, (v) => check.boolean(v, "environment.python_venv"));
    entries(check, check.optional(env.env, (v) => check.object(v, "environment.env")) ?? {}, "environment.env");
  }
  if (raw.interpreter !== undefined && raw.interpreter !== null) {
    const section = check.object(raw.interpreter, "interpreter");
    const interpreter = {} as NonNullable<ResultFile["interpreter"]>;
    seriesOnRead(interpreter, "process_ms", check, section.process_ms, "interpreter.process_ms", 3);
    const quantities = check.optional(section.quantities, (v) => parseQuantities(check, v, "interpreter.quantities"));
    if (quantities) interpreter.quantities = quantities;
    data.interpreter = interpreter;
  }
  if (raw.modules !== undefined && raw.modules !== null) {
    const modules = check.object(raw.modules, "modules");
    const loaded = modules.loaded;
    check.strings(loaded, "modules.loaded", "must be a list of module names");
    data.modules = {
      after: check.optional(modules.after, (v) => check.string(v, "modules.after")) ?? "",
      package: check.optional(modules.package, (v) => check.string(v, "modules.package")) ?? "",
      loaded: loaded as string[],
    };
  }
  if (raw.importtime !== undefined && raw.importtime !== null) {
    const importtime = check.object(raw.importtime, "importtime");
    data.importtime = {};
    for (const [name, rows] of entries(check, importtime, "importtime")) {
      if (!Array.isArray(rows)) check.fail(`importtime.${name}`, "must be a list");
      checkedOnRead(data.importtime, name, () => parseImportTime(check, deferred?.take("importtime", name) ?? rows, `importtime.${name}`));
    }
  }
  if (raw.importers !== undefined && raw.importers !== null) data.importers = parseImporters(check, raw.importers, "importers", deferred);
  if (raw.hotspots !== undefined && raw.hotspots !== null) data.hotspots = parseHotspots(check, raw.hotspots, "hotspots");
  if (raw.failures !== undefined && raw.failures !== null) {
    const failures: Record<string, Failure> = {};
    for (const [name, item] of entries(check, check.object(raw.failures, "failures"), "failures")) {
      const failure = check.object(item, `failures.${name}`);
      failures[name] = {
        statement: check.optional(failure.statement, (v) => check.string(v, `failures.${name}.statement`)) ?? "",
        kind: (check.optional(failure.kind, (v) => check.string(v, `failures.${name}.kind`)) ?? "error") as Failure["kind"],
        message: check.optional(failure.message, (v) => check.string(v, `failures.${name}.message`)) ?? "",
        stderr_tail: check.optional(failure.stderr_tail, (v) => check.string(v, `failures.${name}.stderr_tail`)) ?? "",
      };
    }
    data.failures = failures;
  }
  if (raw.lazy_checks !== undefined && raw.lazy_checks !== null) {
    data.lazy_checks = {};
    for (const [key, item] of entries(check, check.object(raw.lazy_checks, "lazy_checks"), "lazy_checks")) {
      const at = `lazy_checks.${key}`;
      const lazyCheck = check.object(item, at);
      data.lazy_checks[key] = {
        label: check.optional(lazyCheck.label, (v) => check.string(v, `${at}.label`)) ?? key,
        module: check.optional(lazyCheck.module, (v) => check.string(v, `${at}.module`)) ?? "",
        after: check.optional(lazyCheck.after, (v) => check.string(v, `${at}.after`)) ?? "",
        loaded: check.boolean(lazyCheck.loaded, `${at}.loaded`),
      };
    }
  }
  return loadedFrom(data, source);
}

/**
 * What the import adds in a file older than import_adds: each start-up quantity's median
 * minus the interpreter's (measured apart, so drift is not cancelled as by round).
 */
function mediansApart(quantities: Quantities, interpreter: Quantities): Partial<Record<QuantityKey, number>> {
  const adds: Partial<Record<QuantityKey, number>> = {};
  for (const def of QUANTITIES) {
    const [own, bare] = [quantities[def.key], interpreter[def.key]];
    if (def.startup && own && bare) adds[def.key] = own.median - bare.median;
  }
  return adds;
}

/**
 * The normalised view of a result file that is known to be well formed: one just checked
 * by validateResult, or one a measurement built in memory (nothing re-read, nothing
 * re-checked).
 */
export function loadedFrom(data: ResultFile, source: string): LoadedResult {
  const failures = data.failures ?? {};
  const lazy: LoadedResult["lazy"] = {};
  for (const [key, check] of Object.entries(data.lazy_checks ?? {})) lazy[key] = { label: check.label, loaded: check.loaded, module: check.module };
  // Seed files (and any extra top-level booleans) carry lazy answers as top-level booleans.
  for (const [key, item] of Object.entries(data)) {
    if (RESULT_KEYS.includes(key) || typeof item !== "boolean" || key in lazy) continue;
    lazy[key] = { label: SEED_LAZY_LABELS[key] ?? key, loaded: item };
  }
  const interpreter: Quantities = { ...data.interpreter?.quantities };
  if (!interpreter.process_ms) {
    const startup = data.interpreter?.process_ms; // read only when needed: its statistics are computed when read
    if (startup?.samples.length) interpreter.process_ms = toSeries(startup.samples, 3) ?? undefined;
  }

  const measurements: Record<string, LoadedMeasurement> = {};
  for (const [name, measurement] of Object.entries(data.measurements)) {
    if (failures[name]) continue;
    const quantities = normaliseQuantities(measurement);
    measurements[name] = {
      name,
      statement: measurement.statement ?? null,
      seed: { min: measurement.min, max: measurement.max, mean: measurement.mean, median: measurement.median, iterations: measurement.iterations },
      quantities,
      outliers: measurement.outliers ?? [],
      noExitRuns: measurement.no_exit_runs ?? 0,
      importAdds: measurement.import_adds ?? mediansApart(quantities, interpreter),
    };
  }
  const hasSamples = Object.values(measurements).some((m) => (m.quantities.import_ms?.samples.length ?? 0) > 0);
  // A coldstart file whose statements all failed has counts of 0 that mean nothing.
  const moduleCountsMeasured = data.module_counts.measured !== false &&
    !(data.schema_version !== undefined && !data.modules && Object.keys(failures).length > 0);
  return { source, data, measurements, failures, lazy, hasSamples, moduleCountsMeasured, interpreter, runId: data.run_id ?? null };
}

/**
 * Parses result-file text; `source` names it in errors. The per-measurement `importtime`
 * and `importers` values are parsed when first read (read-sections.ts): a comparison
 * reads one or two measurements' worth of a file that holds a record per module for each.
 */
export function parseResult(text: string, source: string): LoadedResult {
  if (text.trim() === "") throw new UserError(`${source}: the file is empty; it is not a coldstart result file`);
  const whole = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new UserError(`${source}: not valid JSON (${detail}); was the run interrupted while writing it?`);
    }
  };
  const split = splitSections(text);
  if (split) {
    let skeleton: unknown;
    try {
      skeleton = JSON.parse(split.skeleton);
    } catch {
      return validateResult(whole(), source); // not cut where it should have been: the whole text decides
    }
    return validateResult(skeleton, source, split.deferred(whole));
  }
  return validateResult(whole(), source);
}

/** Reads and validates a result file from disk. */
export async function readResult(path: string): Promise<LoadedResult> {
  const file = Bun.file(path);
  // Bun.file(...).exists() is false for a folder: ask the file system which it is.
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    throw new UserError(`${path}: no such result file`);
  }
  if (folder) {
    throw new UserError(`${path} is a folder, not a result file; give the JSON files in it (e.g. ${path.replace(/\/$/, "")}/cold_start_latest.json)`);
  }
  if (file.size > MAX_RESULT_BYTES) {
    throw new UserError(`${path}: ${Math.round(file.size / 1024 / 1024)} MB is too large for a result file (limit 50 MB)`);
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    throw new UserError(`${path}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseResult(text, path);
}

/** Result files under a folder (any depth, e.g. one subfolder per downloaded CI artifact), sorted; never cold_start_latest.json. */
export function resultFilesIn(folder: string): string[] {
  const glob = new Bun.Glob("**/cold_start_*.json");
  return [...glob.scanSync({ cwd: folder, onlyFiles: true })]
    .filter((path) => !/(^|[\\/])cold_start_latest\.json$/.test(path))
    .sort()
    .map((path) => `${folder.replace(/[\\/]+$/, "")}/${path}`);
}

/** Files as given, folders replaced by the result files under them (--merge). A folder with none is an error. */
export async function expandResultPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const stat = await Bun.file(path).stat().catch(() => null); // a missing path: readResult says so
    if (!stat?.isDirectory()) {
      out.push(path);
      continue;
    }
    const found = resultFilesIn(path);
    if (found.length === 0) throw new UserError(`${path}: no cold_start_*.json result files in this folder (cold_start_latest.json is skipped)`);
    out.push(...found);
  }
  return out;
}
