/**
 * The result file: the contract between the three tools. Schema 1 is a superset of the
 * original Python tool's file, whose keys all keep their meaning; a file from that tool
 * (no samples, no schema_version) reads through the same reader. New keys are additive.
 *
 * Units: `*_ms` and measurement statistics are milliseconds, `*_us` microseconds, `*_mb`
 * megabytes (10^6 bytes), `instructions` a count, `timestamp` Unix seconds.
 */
import type { QuantityKey } from "../quantities.ts";

export const SCHEMA_VERSION = 1;
/** Input files above this size are refused before parsing. */
export const MAX_RESULT_BYTES = 50 * 1024 * 1024;

/** Statistics of a series of samples. Every field is finite; quartiles are type 7 (numpy's default). */
export interface Stats {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1). */
  stddev: number;
  /** Median absolute deviation from the median (unscaled). */
  mad: number;
  p25: number;
  p75: number;
}

/** A quantity as stored: its statistics and every counted sample, in round order. */
export interface Series extends Stats {
  samples: number[];
}

/** Every quantity of a measurement, each with its samples (round order) and statistics. */
export type Quantities = Partial<Record<QuantityKey, Series>>;

export interface Measurement {
  // The seed's keys: import time of the statement, ms, over `iterations` runs (a projection of quantities.import_ms).
  min: number;
  max: number;
  mean: number;
  median: number;
  iterations: number;
  // Schema 1 additions.
  stddev?: number;
  /** Import time of each counted run, ms, in round order (perf_counter inside the child). */
  samples?: number[];
  statement?: string;
  /** Wall time of each child process from spawn to exit, ms (a projection of quantities.process_ms). */
  process_ms?: Partial<Series> & { samples: number[] };
  /** Indices into `samples` flagged by the modified Z-score (never dropped). */
  outliers?: number[];
  /** Warm-up import times, ms, not counted. */
  warmup_samples?: number[];
  quantities?: Quantities;
  /** Counted runs whose interpreter did not exit after the import (a non-daemon thread?), killed after `timeout`. */
  no_exit_runs?: number;
  /** Median share of the import's instructions executed by processes it started, %. */
  instructions_in_subprocesses_pct?: number;
  /**
   * What the import adds to the interpreter alone, per start-up quantity (process_ms,
   * rss_mb): the median over rounds of the statement's run minus the same round's `pass`
   * run. Runs of a round are interleaved, so drift in the machine's speed cancels; a
   * difference of the two medians does not (under load it read 16.77 ms for a 0.3 ms import).
   */
  import_adds?: Partial<Record<QuantityKey, number>>;
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
  kind: "error" | "timeout" | "spawn" | "counter";
  /** One line saying what happened. */
  message: string;
  /** The last lines of the child's stderr. */
  stderr_tail: string;
}

// Who imported a module, and a call made by a module's top-level code (measure/why.ts records them).

/** Where a file lives. "statement": the measured statement itself (file null). */
export type RootKind = "tree" | "site" | "stdlib" | "statement" | "other";

/** What an imported module is, from its own location (built-in and frozen modules are "stdlib"). */
export type ModuleKind = "stdlib" | "third-party" | "first-party" | "other";

/** A place in the source: the importing (or calling) module, its file, line and that line's text. */
export interface SourcePlace {
  /** The module whose code runs there (`f_globals['__name__']`); "__coldstart__" is the statement. */
  by: string | null;
  /** Relative to the root named by `root` (absolute for "other"); null for the statement. */
  file: string | null;
  /** 1-based line number. */
  line: number | null;
  /** The line's text, stripped (a statement continued over several lines is joined). */
  code: string | null;
  root?: RootKind;
}

/**
 * Who imported a module. `by` is the importing module ("__coldstart__" = the statement
 * itself), null when unknown (the module reached sys.modules without passing the finder:
 * inserted by C code or by hand, or found by a finder placed before ours). `startup`: the
 * module was loaded by interpreter start-up, before the statement ran.
 */
export interface ImporterRecord {
  by: string | null;
  file: string | null;
  line: number | null;
  code: string | null;
  startup?: true;
  /** Where the importing file lives (see `file`). */
  root?: RootKind;
  /** What the imported module itself is, from its own file (absent when it has no location). */
  kind?: ModuleKind;
  /** The function (qualified name on 3.11+) containing the import, when not at module top level. */
  function?: string;
  /**
   * Set when the importer is unknown but the same module object is in sys.modules under
   * another name that was imported normally (e.g. `requests.packages.urllib3` → `urllib3`).
   */
  alias?: string;
  /**
   * When the import ran inside a function: the nearest module-level line up the call stack
   * that led to it (e.g. `acme/__init__.py:3 configure()`), so an import done by a helper
   * called at import time still points at the caller's top-level line.
   */
  via?: SourcePlace;
}

/**
 * One line of a module's top-level code that calls something, aggregated over its calls.
 * `ms` excludes the imports the call made (those are `import_ms`, explained by importers),
 * so a module's hotspots add up to at most its `module_self_ms`.
 */
export interface Hotspot {
  module: string;
  /** As `ImporterRecord.file`: relative to `root`. */
  file: string | null;
  /** Line of the call in `module`'s top-level code; null for "(top-level code)". */
  line: number | null;
  /**
   * The callee: `re.compile`, `time.sleep`, `probe.get_info`, `dict.update`, `class Config`
   * (a class body run at import time). "(top-level code)" is the module's own bytecode
   * outside any call (self time no call accounts for).
   */
  call: string;
  /** Milliseconds, summed over `count` calls, nested imports excluded. */
  ms: number;
  /** How many times this line made this call (a loop: `re.compile(...) ×40`). */
  count: number;
  /** Milliseconds spent importing modules inside these calls (not in `ms`). */
  import_ms?: number;
  root?: RootKind;
  /** The module's self time, ms: its body's run time minus its nested imports. */
  module_self_ms?: number;
  /** The module's body run time including its nested imports, ms. */
  module_total_ms?: number;
  /** The whole statement under the profiler, ms: the denominator for "37% of import demopkg". */
  statement_ms?: number;
}

/** The `history` object of a cache file. */
export interface HistoryInfo {
  subject: string;
  author: string;
  date: string;
  first_parent_depth: number | null;
  host: string;
  cache_key: string;
}

// `advice` (coldstart --advise, scripts/lib/advise/): what to defer, and why.

/** "function": the import moves into the functions that use it; "getattr": a PEP 562 module `__getattr__`. */
export type DeferForm = "function" | "getattr" | "none";

/** Why a statement cannot be moved as it is: data behind the `reason` sentence. */
export interface Blocker {
  kind:
    | "syntax" | "not-import" | "nested" | "star" | "shared-line" | "rebound" | "global" | "module-use"
    | "one-line-body" | "has-getattr" | "dotted-reexport" | "unresolved";
  /** The name concerned, when there is one. */
  name?: string;
  /** Line in the candidate's file. */
  line?: number;
  /** e.g. the use's role ("base", "decorator", "default", "annotation", "class-body", "lambda", "expression", "del", "metaclass", "keyword"). */
  role?: string;
  /** e.g. the class or function concerned, the container statement, the error text. */
  detail?: string;
}

/** Where a saving figure came from. */
export type Source = "importtime" | "blocked-run" | "estimate" | "none";

/** A deferral candidate, as the `advice.candidates[]` of a result file. */
export interface Candidate {
  /** The importing file, relative to the target. */
  file: string;
  line: number;
  /** The statement's text (several lines joined as the importers report does: one line). */
  code: string;
  /** Modules the statement would stop loading, sorted. */
  modules: string[];
  /** Their top-level packages, sorted. */
  packages: string[];
  /**
   * Predicted import-time saving, ms: `modules`' share of the statement's `-X importtime`
   * self time (medians per module) times the unprofiled import time.
   */
  predictedMs: number;
  /** Predicted peak-memory saving, MB; null when neither measured nor estimated. */
  predictedMb: number | null;
  form: DeferForm;
  movable: boolean;
  /** One sentence: why it is safe to move, or why not and what to do instead. */
  reason: string;
  // --- beyond the contract's keys (additive) ---
  /** The importing module. */
  module: string;
  endLine: number;
  msSource: Source;
  /** The raw sum of the modules' `-X importtime` self-time medians, ms (slower than unprofiled). */
  importtimeMs?: number;
  /**
   * `modules`' share of the import (0–1), from the importtime rows: the prediction itself;
   * `predictedMs` is it times the import time measured during advise. A benchmark run at
   * another moment restates it against its own baseline median (`scaledMs`).
   */
  share?: number;
  mbSource: Source;
  /** The blocked run's saving, ms: a cross-check of `predictedMs` (noisy for small savings). */
  blockedMs?: number | null;
  /** The spread (MAD) of the blocked run's per-round differences, ms: a `blockedMs` within about twice it is noise. */
  blockedSpreadMs?: number;
  blockers?: Blocker[];
  /** For a statement that cannot move: the enclosing statement that can, and its form. */
  suggestion?: { file: string; line: number; code: string; form: DeferForm };
  /** The smallest other candidate whose subtree holds this statement's module. */
  within?: { file: string; line: number };
  /** Modules of `modules` missing from the importtime rows (counted as 0 ms). */
  unmeasured?: string[];
  /** `--apply`: whether it is in the patch, and why not. */
  applied?: boolean;
  appliedReason?: string;
}

/** A call in the package's own top-level code costing a share of the import. */
export interface EagerWork {
  file: string;
  line: number | null;
  call: string;
  /** Profiled ms of the call (nested imports excluded), capped at the unprofiled import time. */
  ms: number;
  module: string;
  /** ms / the profiled statement's ms. */
  share: number;
}

/** The `advice` key of a result file. */
export interface Advice {
  workload: { statement: string; ok: boolean; ms: number | null; error?: string | null; exited?: boolean };
  candidates: Candidate[];
  eagerWork: EagerWork[];
  /** Import statements of the package the workload used (a module of their subtree ran code): keep them. */
  kept?: { file: string; line: number; module: string; used: string[] }[];
}

export interface Environment {
  /** Resolved interpreter executable (sys.executable), as spawned. */
  python: string;
  /** The binary behind it, symbolic links resolved (a venv's python is its base interpreter). */
  python_binary?: string;
  /** True when it ran in a virtualenv (sys.prefix != sys.base_prefix): the same binary sees other packages. */
  python_venv?: boolean;
  /** The interpreter as asked for (`--python 3.12`, a path, or the default), naming it in a matrix. */
  python_requested?: string;
  python_version: string;
  /** e.g. "Linux-6.1.0-x86_64-with-glibc2.36", from Python's platform.platform(). */
  platform: string;
  cpu: string;
  cpu_count?: number;
  pyc: "warm" | "cold";
  /** Every variable the tool set or removed for the child (removed ones map to null). */
  env: Record<string, string | null>;
  iterations?: number;
  max_iterations?: number;
  /** Percent change a comparison had to be able to detect before stopping early. */
  precision_pct?: number;
  warmup?: number;
  timeout_s?: number;
  /** "time" or "instructions". */
  metric?: string;
  /** The instruction counter, e.g. "cachegrind 3.19.0", when metric is instructions. */
  counter?: string;
  /**
   * The tree's dependencies (bench): `mode` "venv" | "uv" (a cached environment, its `key`;
   * `reused` when nothing was installed; `install_s` seconds spent building it and
   * installing the tree, never timed), "none" (the interpreter as it is), "install" (the
   * configured command) or "uv-sync" (uv sync in the tree); `reason` says why. Not
   * `environment.env`, which holds the variables set for the child.
   */
  deps?: { mode: string; reason: string; key?: string; reused?: boolean; install_s?: number; install_tree?: boolean };
}

export interface ResultFile {
  timestamp: number;
  python_version: string;
  measurements: Record<string, Measurement>;
  /** `measured: false` when the module statement (`import <package>`, else the first) failed: the counts are then 0 and mean nothing. */
  module_counts: { total: number; filtered: number; measured?: false };
  schema_version?: number;
  tool?: { name: string; version: string };
  /** `worktree`: the working tree as it was (uncommitted changes included), not a checkout of the ref. */
  git?: { ref: string | null; commit: string | null; dirty: boolean; worktree?: boolean };
  /** Shared by every file one bench invocation wrote: their samples[i] are round i. */
  run_id?: string;
  /** This file's place among them: refs in the order given (the baseline first), interpreters within each ref. */
  run_order?: number;
  environment?: Environment;
  /** `python -c pass`, interleaved with the measurements: the interpreter's own share. */
  interpreter?: { process_ms: Partial<Series> & { samples: number[] }; quantities?: Quantities };
  lazy_checks?: Record<string, LazyCheck>;
  modules?: { after: string; package: string; loaded: string[] };
  importtime?: Record<string, ImportTimeRow[]>;
  importers?: Record<string, Record<string, ImporterRecord>>;
  hotspots?: Record<string, Hotspot[]>;
  failures?: Record<string, Failure>;
  /** Every Python process the measurement needed and their summed wall time, ms. */
  runs?: { processes: number; child_ms: number };
  /** --advise: the import statements the workload never used, with predicted savings, and work done at import. */
  advice?: Advice;
  /** Cache files of bench --bisect / --history: the commit's place, so `compare --history` needs no repository (history/cache.ts). */
  history?: HistoryInfo;
  /** Seed-style top-level booleans, one per lazy check key (e.g. paramiko_eagerly_loaded). */
  [lazyKey: string]: unknown;
}

/** Top-level keys of a result file; a lazy check's key must not be one of them. */
export const RESULT_KEYS: readonly string[] = [
  "timestamp", "python_version", "measurements", "module_counts", "schema_version", "tool", "git", "run_id", "run_order",
  "environment", "interpreter", "lazy_checks", "modules", "importtime", "importers", "hotspots", "failures", "runs", "history", "advice",
];

/** `cold_start_<seconds>.json`, or `cold_start_<ref with / as _>_<seconds>.json` for a ref. */
export function resultFileName(seconds: number, ref?: string | null): string {
  const stamp = Math.floor(seconds);
  if (!ref) return `cold_start_${stamp}.json`;
  return `cold_start_${ref.replace(/[\/\\]/g, "_").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.json`;
}
