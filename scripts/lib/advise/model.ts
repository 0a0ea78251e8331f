/**
 * The advise data: what the usage profile, the import graph, the analysis and the
 * predictions produce, and the `advice` object of a result file. Plain data, no sentences
 * beyond each candidate's `reason` (the one the JSON contract asks for); times in ms,
 * memory in MB (10^6 bytes, as `rss_mb`), files relative to the target.
 */
import type { TreeRuntime } from "../measure/executor.ts";
import type { RootKind } from "../result/schema.ts";

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

/** An entry of the generated `__getattr__` table: `name` comes from `module` (relative to the package when it starts with a dot), attribute `attribute` or the module itself. */
export interface LazyEntry {
  name: string;
  module: string;
  attribute: string | null;
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
}
