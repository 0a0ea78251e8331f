/**
 * The advise data: what the usage profile, the import graph, the analysis and the
 * predictions produce, and the `advice` object of a result file. Plain data, no sentences
 * beyond each candidate's `reason` (the one the JSON contract asks for); times in ms,
 * memory in MB (10^6 bytes, as `rss_mb`), files relative to the target.
 */
import type { TreeRuntime } from "../measure/executor.ts";
import type { Advice, Blocker, Candidate, DeferForm, EagerWork, RootKind, Source } from "../result/schema.ts";

/** The `advice` a result file stores, and its parts: the schema owns them. */
export type { Advice, Blocker, Candidate, DeferForm, EagerWork, Source };

/** One tree and how to run Python there (the executor's TreeRuntime) with the per-process timeout. */
export interface AdviseRuntime {
  tree: TreeRuntime;
  /** Per Python process, ms; profiled runs get a multiple of it. */
  timeoutMs: number;
}

/** The workload: statements run right after the measured statement, in its namespace. */
export interface Workload {
  source: string;
  /** The name it is compiled under: "<workload>", or the `workload_file` path as configured. */
  filename: string;
  /** How reports name it: the statements themselves, or the file's path. */
  label: string;
}

/** What a stream carried: its size, a digest, and its two ends (for messages). */
export interface OutputDigest {
  bytes: number;
  sha256: string;
  head: string;
  tail: string;
}

/** One plain run of statement + workload (py-run.ts). */
export interface WorkloadRun {
  /** Ran to the end, or ended with `sys.exit(0)`/`sys.exit()`. */
  ok: boolean;
  /** Where it stopped: null (the end), "compile", "import", "workload"; "timeout" or "crash" (no report). */
  phase: "compile" | "import" | "workload" | "timeout" | "crash" | null;
  /** One line: `Type: message (file:line)`; null when ok and not ended by SystemExit. */
  error: string | null;
  /** The exit status Python gives the outcome. */
  status: number | null;
  /** The workload ended with SystemExit (status in `status`). */
  exited: boolean;
  importMs: number | null;
  workloadMs: number | null;
  stdout: OutputDigest;
  stderr: OutputDigest;
  /** The report came but the interpreter did not exit (a thread left running): it was stopped. */
  noExit: boolean;
  wallMs: number;
}

/** `[file relative to its root, root kind, is a package]` of a module loaded by the statement. */
export interface ModuleInfo {
  file: string | null;
  root: RootKind | null;
  package: boolean;
}

/**
 * One executed import: module `from`, at module-level line `line` (null: while `from`
 * itself was being loaded, e.g. by a C extension's init), needed module `to`. `direct`:
 * the import statement itself is on that line (not inside a function called there).
 */
export interface ImportEdge {
  from: string;
  line: number | null;
  to: string;
  direct: boolean;
}

/** The profile run's report (py-profile.ts). */
export interface ProfileReport {
  python: string;
  /** The statement failed: `Type: message`. */
  error: string | null;
  /** The workload failed under the profiler (SystemExit(0) is not a failure). */
  workloadError: string | null;
  /** "monitoring" (3.12+), "setprofile", or "none" when the workload did not run. */
  tool: string;
  warnings: string[];
  startup: string[];
  /** Modules the statement loaded (start-up modules excluded). */
  modules: Record<string, ModuleInfo>;
  edges: ImportEdge[];
  /** Modules that ran code during the workload. */
  ran: string[];
  /** Modules the workload imported (already loaded or not). */
  imported: string[];
  /** Modules first loaded during the workload. */
  new: string[];
  statementMs: number;
  workloadMs: number;
}

/** An entry of the generated `__getattr__` table: `name` comes from `module` (relative to the package when it starts with a dot), attribute `attribute` or the module itself. */
export interface LazyEntry {
  name: string;
  module: string;
  attribute: string | null;
}

