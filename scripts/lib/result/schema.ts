/**
 * The result file: the contract between the three tools. Schema 1 is a superset of the
 * original Python tool's file, whose keys all keep their meaning; a file from that tool
 * (no samples, no schema_version) reads through the same reader. New keys are additive.
 *
 * Units: `*_ms` and measurement statistics are milliseconds, `*_us` microseconds, `*_mb`
 * megabytes (10^6 bytes), `instructions` a count, `timestamp` Unix seconds.
 */
import type { Hotspot, ImporterRecord } from "../measure/why.ts";
import type { HistoryInfo } from "../history/cache.ts";
import type { QuantityKey } from "../quantities.ts";
import type { Series } from "../stats/describe.ts";

export const SCHEMA_VERSION = 1;
/** Input files above this size are refused before parsing. */
export const MAX_RESULT_BYTES = 50 * 1024 * 1024;

/** Statistics and samples of one quantity: `n, min, max, mean, median, stddev, mad, p25, p75, samples`. */
export type { Series } from "../stats/describe.ts";

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

/** Who imported a module, and a call made by a module's top-level code: see measure/why.ts. */
export type { Hotspot, ImporterRecord } from "../measure/why.ts";

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
  /** Cache files of bench --bisect / --history: the commit's place, so `compare --history` needs no repository (history/cache.ts). */
  history?: HistoryInfo;
  /** Seed-style top-level booleans, one per lazy check key (e.g. paramiko_eagerly_loaded). */
  [lazyKey: string]: unknown;
}

/** Top-level keys of a result file; a lazy check's key must not be one of them. */
export const RESULT_KEYS: readonly string[] = [
  "timestamp", "python_version", "measurements", "module_counts", "schema_version", "tool", "git", "run_id", "run_order",
  "environment", "interpreter", "lazy_checks", "modules", "importtime", "importers", "hotspots", "failures", "runs", "history",
];

/** `cold_start_<seconds>.json`, or `cold_start_<ref with / as _>_<seconds>.json` for a ref. */
export function resultFileName(seconds: number, ref?: string | null): string {
  const stamp = Math.floor(seconds);
  if (!ref) return `cold_start_${stamp}.json`;
  return `cold_start_${ref.replace(/[\/\\]/g, "_").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.json`;
}
