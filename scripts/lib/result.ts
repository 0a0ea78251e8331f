/**
 * The result file: the contract between the three tools. Schema 1 is a superset of the
 * original Python tool's file, whose keys all keep their meaning; a file from that tool
 * (no samples, no schema_version) reads through the same `parseResult`.
 *
 * Units: every `*_ms` and every measurement statistic is milliseconds, `*_us` is
 * microseconds, `timestamp` is Unix seconds.
 */
import { UserError } from "./errors.ts";

export const SCHEMA_VERSION = 1;
/** Input files above this size are refused before parsing. */
export const MAX_RESULT_BYTES = 50 * 1024 * 1024;

/** Statistics over one series of samples, in ms. */
export interface SampleStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  stddev: number;
  /** Every sample in run order (warm-up runs excluded). */
  samples: number[];
}

export interface Measurement {
  // The seed's keys: import time of the statement, ms, over `iterations` runs.
  min: number;
  max: number;
  mean: number;
  median: number;
  iterations: number;
  // Schema 1 additions.
  stddev?: number;
  /** Import time of each counted run in run order, ms (perf_counter inside the child). */
  samples?: number[];
  statement?: string;
  /** Wall time of each child process from spawn to exit, ms. */
  process_ms?: SampleStats;
  /** Indices into `samples` flagged by the modified Z-score (never dropped). */
  outliers?: number[];
  /** Warm-up samples, ms, not counted. */
  warmup_samples?: number[];
}

export interface ImportTimeRow {
  module: string;
  /** Median over the importtime runs of the module's own import time, µs. */
  self_us: number;
  /** Median cumulative time (module and what it imported), µs. */
  cumulative_us: number;
  /** Nesting level in the import tree; 0 is imported directly by the statement. */
  depth: number;
}

export interface LazyCheck {
  label: string;
  module: string;
  after: string;
  /** True when `module` was in sys.modules after `after` ran: it is eagerly loaded. */
  loaded: boolean;
}

export interface Failure {
  statement: string;
  kind: "error" | "timeout" | "spawn";
  /** One line saying what happened. */
  message: string;
  /** The last lines of the child's stderr. */
  stderr_tail: string;
}

export interface Environment {
  /** Resolved interpreter executable (sys.executable), as spawned. */
  python: string;
  python_version: string;
  /** e.g. "Linux-6.1.0-x86_64-with-glibc2.36", from Python's platform.platform(). */
  platform: string;
  cpu: string;
  cpu_count?: number;
  pyc: "warm" | "cold";
  /** Every variable the tool set or removed for the child (removed ones map to null). */
  env: Record<string, string | null>;
  /** Counted runs asked for; a comparison may go on up to max_iterations while too noisy. */
  iterations?: number;
  max_iterations?: number;
  /** Percent change a comparison had to be able to detect before stopping early. */
  precision_pct?: number;
  warmup?: number;
  timeout_s?: number;
}

export interface ResultFile {
  timestamp: number;
  python_version: string;
  measurements: Record<string, Measurement>;
  module_counts: { total: number; filtered: number };
  schema_version?: number;
  tool?: { name: string; version: string };
  git?: { ref: string | null; commit: string | null; dirty: boolean };
  environment?: Environment;
  /** `python -c pass`, interleaved with the measurements: interpreter start-up alone. */
  interpreter?: { process_ms: SampleStats };
  lazy_checks?: Record<string, LazyCheck>;
  modules?: { after: string; package: string; loaded: string[] };
  importtime?: Record<string, ImportTimeRow[]>;
  failures?: Record<string, Failure>;
  /** Every Python process the measurement needed (timed, warm-up, baseline, importtime) and their summed wall time, ms. */
  runs?: { processes: number; child_ms: number };
  /** Seed-style top-level booleans, one per lazy check key (e.g. paramiko_eagerly_loaded). */
  [lazyKey: string]: unknown;
}

/** Keys of the result file that are not seed-style lazy booleans. */
const KNOWN_KEYS = new Set([
  "timestamp", "python_version", "measurements", "module_counts", "schema_version", "tool",
  "git", "environment", "interpreter", "lazy_checks", "modules", "importtime", "failures", "runs",
]);

/** Labels the seed's comparer printed for its two lazy keys. */
const SEED_LAZY_LABELS: Record<string, string> = {
  paramiko_eagerly_loaded: "Paramiko",
  ssh_cli_loaded: "SSH CLI",
};

/** A result file as read: validated, with lazy checks made explicit for old files too. */
export interface LoadedResult {
  /** Path (or name) the result came from, for messages. */
  source: string;
  data: ResultFile;
  /** Every lazy key, from `lazy_checks` or, for seed files, the top-level booleans. */
  lazy: Record<string, { label: string; loaded: boolean; module?: string }>;
  /** True when at least one measurement carries samples (significance is possible). */
  hasSamples: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class ShapeChecker {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new UserError(`${this.source}: field "${field}" ${problem}`);
  }

  object(value: unknown, field: string): Record<string, Json> {
    if (!isObject(value)) this.fail(field, "must be an object");
    return value;
  }

  number(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(field, "must be a number");
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string") this.fail(field, "must be a string");
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "must be true or false");
    return value;
  }

  numbers(value: unknown, field: string): number[] {
    if (!Array.isArray(value)) this.fail(field, "must be a list of numbers");
    value.forEach((item, index) => this.number(item, `${field}[${index}]`));
    return value as number[];
  }

  optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
    return value === undefined || value === null ? undefined : check(value);
  }
}

/** Own, safe keys of a parsed JSON object (a `__proto__` key is refused, not followed). */
function entries(check: ShapeChecker, object: Record<string, Json>, field: string): [string, Json][] {
  return Object.keys(object).map((key) => {
    if (key === "__proto__" || key === "constructor" || key === "prototype") {
      check.fail(`${field}.${key}`, "is not allowed");
    }
    return [key, object[key] as Json];
  });
}

function parseStats(check: ShapeChecker, value: unknown, field: string): SampleStats {
  const stats = check.object(value, field);
  return {
    min: check.number(stats.min, `${field}.min`),
    max: check.number(stats.max, `${field}.max`),
    mean: check.number(stats.mean, `${field}.mean`),
    median: check.number(stats.median, `${field}.median`),
    stddev: check.optional(stats.stddev, (v) => check.number(v, `${field}.stddev`)) ?? 0,
    samples: check.optional(stats.samples, (v) => check.numbers(v, `${field}.samples`)) ?? [],
  };
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
  const processMs = check.optional(raw.process_ms, (v) => parseStats(check, v, `${field}.process_ms`));
  if (processMs !== undefined) measurement.process_ms = processMs;
  const outliers = check.optional(raw.outliers, (v) => check.numbers(v, `${field}.outliers`));
  if (outliers !== undefined) measurement.outliers = outliers;
  const warmup = check.optional(raw.warmup_samples, (v) => check.numbers(v, `${field}.warmup_samples`));
  if (warmup !== undefined) measurement.warmup_samples = warmup;
  return measurement;
}

function parseImportTime(check: ShapeChecker, value: unknown, field: string): ImportTimeRow[] {
  if (!Array.isArray(value)) check.fail(field, "must be a list");
  return value.map((item, index) => {
    const at = `${field}[${index}]`;
    const row = check.object(item, at);
    return {
      module: check.string(row.module, `${at}.module`),
      self_us: check.number(row.self_us, `${at}.self_us`),
      cumulative_us: check.number(row.cumulative_us, `${at}.cumulative_us`),
      depth: check.number(row.depth, `${at}.depth`),
    };
  });
}

/**
 * Validates parsed JSON as a result file. Throws a UserError naming the source and the
 * first field that is wrong. Optional schema-1 sections are validated where the tools
 * read them; unknown extra keys are kept (forward compatibility).
 */
export function validateResult(value: unknown, source: string): LoadedResult {
  const check: ShapeChecker = new ShapeChecker(source);
  const raw = check.object(value, "(top level)");
  for (const [key] of entries(check, raw, "(top level)")) void key;

  const schema = check.optional(raw.schema_version, (v) => check.number(v, "schema_version"));
  if (schema !== undefined && schema > SCHEMA_VERSION) {
    check.fail("schema_version", `is ${schema}; this coldstart reads up to ${SCHEMA_VERSION}, upgrade it`);
  }

  const measurementsRaw = check.object(raw.measurements, "measurements");
  const measurements: Record<string, Measurement> = {};
  for (const [name, item] of entries(check, measurementsRaw, "measurements")) {
    measurements[name] = parseMeasurement(check, item, `measurements.${name}`);
  }
  const countsRaw = check.object(raw.module_counts, "module_counts");
  const data: ResultFile = {
    ...(raw as Record<string, unknown>),
    timestamp: check.number(raw.timestamp, "timestamp"),
    python_version: check.string(raw.python_version, "python_version"),
    measurements,
    module_counts: {
      total: check.number(countsRaw.total, "module_counts.total"),
      filtered: check.number(countsRaw.filtered, "module_counts.filtered"),
    },
  };

  if (raw.git !== undefined && raw.git !== null) {
    const git = check.object(raw.git, "git");
    data.git = {
      ref: check.optional(git.ref, (v) => check.string(v, "git.ref")) ?? null,
      commit: check.optional(git.commit, (v) => check.string(v, "git.commit")) ?? null,
      dirty: check.optional(git.dirty, (v) => check.boolean(v, "git.dirty")) ?? false,
    };
  }
  if (raw.environment !== undefined && raw.environment !== null) {
    const env = check.object(raw.environment, "environment");
    for (const key of ["python", "python_version", "platform", "cpu", "pyc"] as const) {
      check.optional(env[key], (v) => check.string(v, `environment.${key}`));
    }
    entries(check, check.optional(env.env, (v) => check.object(v, "environment.env")) ?? {}, "environment.env");
  }
  if (raw.interpreter !== undefined && raw.interpreter !== null) {
    const interpreter = check.object(raw.interpreter, "interpreter");
    data.interpreter = { process_ms: parseStats(check, interpreter.process_ms, "interpreter.process_ms") };
  }
  if (raw.modules !== undefined && raw.modules !== null) {
    const modules = check.object(raw.modules, "modules");
    const loaded = modules.loaded;
    if (!Array.isArray(loaded)) check.fail("modules.loaded", "must be a list of module names");
    loaded.forEach((name, index) => check.string(name, `modules.loaded[${index}]`));
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
      data.importtime[name] = parseImportTime(check, rows, `importtime.${name}`);
    }
  }
  if (raw.failures !== undefined && raw.failures !== null) {
    const failures = check.object(raw.failures, "failures");
    data.failures = {};
    for (const [name, item] of entries(check, failures, "failures")) {
      const failure = check.object(item, `failures.${name}`);
      data.failures[name] = {
        statement: check.optional(failure.statement, (v) => check.string(v, `failures.${name}.statement`)) ?? "",
        kind: (check.optional(failure.kind, (v) => check.string(v, `failures.${name}.kind`)) ?? "error") as Failure["kind"],
        message: check.optional(failure.message, (v) => check.string(v, `failures.${name}.message`)) ?? "",
        stderr_tail: check.optional(failure.stderr_tail, (v) => check.string(v, `failures.${name}.stderr_tail`)) ?? "",
      };
    }
  }

  const lazy: LoadedResult["lazy"] = {};
  if (raw.lazy_checks !== undefined && raw.lazy_checks !== null) {
    const checks = check.object(raw.lazy_checks, "lazy_checks");
    data.lazy_checks = {};
    for (const [key, item] of entries(check, checks, "lazy_checks")) {
      const at = `lazy_checks.${key}`;
      const lazyCheck = check.object(item, at);
      const parsed: LazyCheck = {
        label: check.optional(lazyCheck.label, (v) => check.string(v, `${at}.label`)) ?? key,
        module: check.optional(lazyCheck.module, (v) => check.string(v, `${at}.module`)) ?? "",
        after: check.optional(lazyCheck.after, (v) => check.string(v, `${at}.after`)) ?? "",
        loaded: check.boolean(lazyCheck.loaded, `${at}.loaded`),
      };
      data.lazy_checks[key] = parsed;
      lazy[key] = { label: parsed.label, loaded: parsed.loaded, module: parsed.module };
    }
  }
  // Seed files (and any extra top-level booleans) carry lazy answers as top-level booleans.
  for (const [key, item] of entries(check, raw, "(top level)")) {
    if (KNOWN_KEYS.has(key) || typeof item !== "boolean" || key in lazy) continue;
    lazy[key] = { label: SEED_LAZY_LABELS[key] ?? key, loaded: item };
  }

  const hasSamples = Object.values(measurements).some((m) => (m.samples?.length ?? 0) > 0);
  return { source, data, lazy, hasSamples };
}

/** Parses result-file text; `source` names it in errors. */
export function parseResult(text: string, source: string): LoadedResult {
  if (text.trim() === "") throw new UserError(`${source}: the file is empty; it is not a coldstart result file`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(`${source}: not valid JSON (${detail}); was the run interrupted while writing it?`);
  }
  return validateResult(value, source);
}

/** Reads and validates a result file from disk. */
export async function readResult(path: string): Promise<LoadedResult> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new UserError(`${path}: no such result file`);
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

/** `cold_start_<seconds>.json`, or `cold_start_<ref with / as _>_<seconds>.json` for a ref. */
export function resultFileName(seconds: number, ref?: string | null): string {
  const stamp = Math.floor(seconds);
  if (!ref) return `cold_start_${stamp}.json`;
  return `cold_start_${ref.replace(/[\/\\]/g, "_").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.json`;
}
