/**
 * The comparison of result files as plain data: the single input of every renderer
 * (terminal, markdown, json, html). No sentences and no unit formatting here — words live
 * in render/. The json format serialises this model as it is (`formatVersion`).
 *
 * Conventions: every percentage is (baseline − candidate) / reference × 100, so positive
 * means the candidate is lower (faster, smaller); the reference is the baseline's median
 * (typical) or fastest run (best case). No field holds NaN or Infinity: what cannot be
 * computed is null.
 */
import type { QuantityKey } from "../quantities.ts";
import type { Advice, Hotspot, ImporterRecord, ImportTimeRow } from "../result/schema.ts";
import type { Series, Stats } from "../stats/describe.ts";
import type { Direction, InconclusiveReason, ShapeAgreement, TailOutcome, TestOutcome, VerdictDetail } from "../stats/verdict.ts";
import type { ChainLink, PackageKind } from "../compare/why.ts";

export const COMPARISON_FORMAT_VERSION = 2;

export type Verdict = "faster" | "slower" | "no-change" | "inconclusive";

/** Why a row has no verdict. */
export type Reason =
  | InconclusiveReason
  | { kind: "failed"; side: "baseline" | "candidate"; source: string; message: string }
  | { kind: "missing"; side: "baseline" | "candidate"; source: string }
  | { kind: "not-measured"; side: "baseline" | "candidate" };

/** One file, as the reports name and draw it. */
export interface Side {
  source: string;
  /** Short name: the git ref, else the file name; repeated names get #n. */
  label: string;
  ref: string | null;
  commit: string | null;
  dirty: boolean;
  timestamp: number;
  pythonVersion: string;
  /** Interpreter, platform, CPU... as recorded (null for the original tool's files). */
  environment: {
    python: string | null; platform: string | null; cpu: string | null; cpuCount: number | null; pyc: string | null;
    metric: string | null; counter: string | null; iterations: number | null; warmup: number | null;
    env: Record<string, string | null>; tool: string | null;
  };
  runId: string | null;
  /** Per measurement: its quantities (with samples, for distributions), or null when it failed or is absent. */
  measurements: Record<string, { statement: string | null; quantities: Partial<Record<QuantityKey, Series>>; outliers: number[]; importAdds?: Partial<Record<QuantityKey, number>> } | null>;
  /** Per measurement that failed here: what happened. */
  failures: Record<string, { kind: string; message: string }>;
  /** The interpreter's own share, per quantity (`python -c pass`). */
  interpreter: Partial<Record<QuantityKey, Stats>>;
  /**
   * Module objects loaded (an alias under another name counted once), total and of the
   * package; `names` (every name in sys.modules) only when aliases make them more.
   */
  moduleCounts: { total: number; filtered: number; names?: { total: number; filtered: number } } | null;
  /** `-X importtime` rows of the breakdown measurement (see `Comparison.breakdown`). */
  importtime: ImportTimeRow[] | null;
  /** Who imported each module, and the hotspots, of the breakdown measurement. */
  importers: Record<string, ImporterRecord> | null;
  hotspots: Hotspot[] | null;
  lazy: Record<string, boolean>;
}

/** One statistical comparison (typical or best case), from stats/verdict.ts. */
export type Figures = TestOutcome;

/** One quantity of one measurement compared. */
export interface QuantityRow {
  quantity: QuantityKey;
  baseline: Stats | null;
  candidate: Stats | null;
  /** Median minus the interpreter's own (`python -c pass`) median, per side: what the import adds. */
  importAdds: { baseline: number | null; candidate: number | null } | null;
  direction: Direction;
  reason: Reason | null;
  typical: Figures | null;
  bestCase: Figures | null;
  /** The parts of the distribution disagree (typical, best case, slow runs): see `shape`. */
  shapeChanged: boolean;
  /** The slow runs (an upper quantile, `--tail Q`) compared, on the headline only; null otherwise. */
  tail?: TailOutcome | null;
  /** Which parts moved and whether they disagree (headline only). */
  shape?: ShapeAgreement | null;
  /** What the typical verdict did besides its figures (timer resolution, the edge rule, could-detect's model). */
  detail?: VerdictDetail | null;
  /** Set when a significant change was below what the quantity resolves (%, see quantities.ts): reported as no change. */
  belowFloor?: number;
  /** A quantity meant to be exact whose runs disagree by more than 0.1% (compare/spread.ts). */
  spread?: ExactSpread;
}

/** Why runs of an exact quantity may disagree, from the measurement's other quantities. */
export type SpreadCause =
  | { kind: "children"; processes: number }
  | { kind: "threads"; threads: number }
  | { kind: "modules-vary" };

export interface ExactSpread {
  /** (max − min) / median of each side's runs, %; null when the side has none. */
  baselinePct: number | null;
  candidatePct: number | null;
  causes: SpreadCause[];
}

export type RowStatus = "ok" | "missing-baseline" | "missing-candidate" | "failed-baseline" | "failed-candidate";

/** One measurement (e.g. `runpod_total`) compared. */
export interface MeasurementRow {
  name: string;
  statement: string | null;
  primary: boolean;
  status: RowStatus;
  /** The quantity the verdict speaks for: import time, or instructions when both files counted them. */
  headline: QuantityKey;
  verdict: Verdict;
  reason: Reason | null;
  // The headline's figures, at the top for readers of the json format.
  estimatePct: number | null;
  ciPct: { low: number; high: number } | null;
  mdePct: number | null;
  pValue: number | null;
  test: Figures["test"] | null;
  paired: boolean;
  bestCase: Figures | null;
  shapeChanged: boolean;
  /** The slow runs compared (`tail: {q, verdict, estimatePct, ciPct, reason}`); null without samples. */
  tail: TailOutcome | null;
  /** The original tool's arithmetic on means, for files without samples (null otherwise). */
  means: { baseline: number; candidate: number; deltaMs: number; deltaPct: number | null } | null;
  /** Every quantity either side measured, the headline first. */
  quantities: QuantityRow[];
}

export interface ModuleCountRow {
  key: "total" | "filtered";
  /** The package counted as "filtered" (for the label), or null for the total. */
  package: string | null;
  /** null when that side's statements all failed. */
  baseline: number | null;
  candidate: number | null;
  /** baseline − candidate (> 0: fewer modules now); null when a side is n/a. */
  delta: number | null;
  /**
   * Names in sys.modules, when aliases (one module object under several names) make them
   * more than the modules counted above; null when names and modules agree.
   */
  names: { baseline: number | null; candidate: number | null } | null;
}

export type LazyChange = "now-lazy" | "now-eager" | "no-change" | "unknown";

export interface LazyRow {
  key: string;
  label: string;
  module: string | null;
  /** True: loaded (eager); false: not loaded (lazy); null: the file lacks this key. */
  baseline: boolean | null;
  candidate: boolean | null;
  change: LazyChange;
  /** The import chain that loads the module, on the side where it is loaded. */
  chain: ChainLink[] | null;
}

/** One link of an import chain: `module` was imported by `by` at file:line. */
export type { ChainLink };

export type PackageOrigin = PackageKind;

export interface PackageDiffRow {
  package: string;
  /** Modules of this package loaded on the side that has it. */
  modules: number;
  origin: PackageOrigin;
  chain: ChainLink[] | null;
}

export interface ModuleDiff {
  newlyLoaded: PackageDiffRow[];
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
  baselineSelfUs: number | null;
}

export interface ImportTimeDiff {
  measurement: string;
  largestChanges: ImportTimeChangeRow[];
  topSelf: SelfTimeRow[];
}

/** A hotspot that appeared or disappeared beyond the spread of each side's repeated profiled runs. */
export interface HotspotChange {
  change: "appeared" | "disappeared";
  hotspot: Hotspot;
  /** "beyond the spread of 3 profiled runs". */
  label?: string;
}

/** A hotspot line found on both sides: the candidate's record, and the baseline's time and line for it. */
export interface RemainingHotspot {
  hotspot: Hotspot;
  baselineMs: number;
  /** The line in the baseline: another one when an edit above the call moved it. */
  baselineLine: number | null;
}

/** A module whose own (self) time is among the largest on both sides, µs. */
export interface RemainingModule {
  module: string;
  selfUs: number;
  baselineSelfUs: number;
  cumulativeUs: number | null;
  baselineCumulativeUs: number | null;
}

/**
 * The largest costs common to both sides, largest in the candidate first: what is still
 * there to win, whatever changed. Hotspot lines from `hotspots`; modules from `-X
 * importtime` self time (else from the hotspots' module self time).
 */
export interface StillLargest {
  measurement: string;
  hotspots: RemainingHotspot[];
  modules: RemainingModule[];
}

export interface EnvironmentMismatch {
  field: "python_version" | "python" | "platform" | "cpu" | "pyc" | "metric";
  baseline: string;
  candidate: string;
}

/** Plain facts the summary speaks from; the renderers word them. */
export interface Summary {
  measurement: string | null;
  verdict: Verdict;
  reason: Reason | null;
  headline: QuantityKey;
  typical: Figures | null;
  bestCase: Figures | null;
  shapeChanged: boolean;
  tail: TailOutcome | null;
  shape: ShapeAgreement | null;
  baselineMedian: number | null;
  candidateMedian: number | null;
  means: MeasurementRow["means"];
  lazyTurnedEager: LazyRow[];
  lazyTurnedLazy: LazyRow[];
  failed: { measurement: string; side: "baseline" | "candidate"; message: string }[];
}

export type GateOn = "typical" | "tail" | "both";

export type GateReason =
  | { kind: "slower"; measurement: string; part: "typical" | "tail"; estimatePct: number; atLeastPct: number | null; thresholdPct: number }
  | { kind: "now-eager"; key: string; label: string }
  | { kind: "candidate-failed"; measurement: string; message: string }
  | { kind: "inconclusive"; measurement: string; reason: Reason | null }
  /** The interval straddles the threshold: it could be `couldBePct` % slower or more (or only `atLeastPct`). */
  | { kind: "straddles"; measurement: string; part: "typical" | "tail"; thresholdPct: number; couldBePct: number | null; atLeastPct: number | null };

export interface Gate {
  thresholdPct: number;
  /** What it gates on (`--gate`): the typical change, the slow runs, or both. */
  on: GateOn;
  /** 0 no regression, 1 regression, 3 the primary comparison is inconclusive. */
  exitCode: 0 | 1 | 3;
  /** What made it fail (exit 1) or what it could not decide (exit 3). */
  reasons: GateReason[];
}

/** One candidate compared with its baseline. */
export interface CandidateComparison {
  /** Indices into `Comparison.sides`. */
  baseline: number;
  candidate: number;
  /** True when the two files come from one invocation (same run_id, same counts): rounds are paired. */
  paired: boolean;
  measurements: MeasurementRow[];
  moduleCounts: ModuleCountRow[];
  lazy: LazyRow[];
  moduleDiff: ModuleDiff | null;
  importTime: ImportTimeDiff[];
  hotspots: HotspotChange[];
  /** Profiled runs behind each side's hotspots: changes are compared only with two or more a side. */
  hotspotRuns: { baseline: number; candidate: number } | null;
  /** The top costs that remain in the candidate (null: neither hotspots nor importtime on both sides). */
  stillLargest: StillLargest | null;
  environmentMismatches: EnvironmentMismatch[];
  /** True when neither file has samples: arithmetic on means only. */
  arithmeticOnly: boolean;
  summary: Summary;
  gate: Gate | null;
}

/** `--advise`: what to defer in the advised ref, and with `--apply` the patch's prediction against this benchmark. */
export interface AdviceReport {
  ref: string | null;
  advice: Advice;
  patch: {
    /** The patch file (applies with `git apply` on the ref). */
    path: string;
    /** Candidates in it. */
    applied: number;
    /** Modules the applied statements together stop loading (predicted), and their top-level packages. */
    modules: number;
    /** Modules the patched import loads fewer, as measured (a statement moved into a function that runs at import saves none). */
    measuredModules: number | null;
    packages: string[];
    /** Their share of the import restated against this benchmark's baseline median, ms; and memory, MB. */
    predictedMs: number;
    predictedMb: number | null;
    mbSource: string;
    /** What the paired benchmark measured: median of per-round (original − patched) import time, ms; peak memory, MB. */
    measuredMs: number | null;
    measuredMb: number | null;
    /** The comparison's verdict on the import time: a measured saving counts only when it is "faster". */
    verdict: Verdict | null;
  } | null;
}

export interface Comparison {
  formatVersion: number;
  alpha: number;
  power: number;
  primaryRequested: string | null;
  failOnRegressionPct: number | null;
  /** The quantile of the slow-runs line (`--tail`). */
  tailQ: number;
  sides: Side[];
  /** The measurement whose importtime rows the sides carry (the primary one, when it has them). */
  breakdown: string | null;
  candidates: CandidateComparison[];
  /** The worst gate outcome over every candidate (null without --fail-on-regression). */
  gate: Gate | null;
  /**
   * With `--advise --apply`: what to defer, and the patch's prediction against this benchmark.
   */
  advice?: AdviceReport;
  /**
   * Present only when the files form several groups (interpreters, or CI jobs with
   * --merge): each candidate was compared with the baseline of its own group only.
   */
  matrix?: Matrix;
}

/** What a matrix's groups stand for: the interpreters of one run, or CI jobs (runners) merged. */
export type MatrixAxis = "interpreter" | "runner";

/** Files compared among themselves only: one interpreter, or one CI job's runner and interpreter. */
export interface MatrixGroup {
  /** "3.12", "/opt/py/bin/python", "3.12.1", "Linux x86_64 · 3.12". */
  label: string;
  runId: string | null;
  /** The interpreter as asked for (`environment.python_requested`), when the files say. */
  pythonRequested: string | null;
  /** "3.12.1". */
  pythonVersion: string;
  platform: string | null;
  /** Indices into `Comparison.sides`, in run order. */
  sides: number[];
  /** Index into `Comparison.sides` of the group's baseline; null when no file of the baseline ref is in the group. */
  baseline: number | null;
}

/** One measurement of one candidate file, as the matrix shows it (from its MeasurementRow). */
export interface MatrixCell {
  /** The quantity the verdict speaks for. */
  headline: QuantityKey;
  verdict: Verdict;
  status: RowStatus;
  estimatePct: number | null;
  ciPct: { low: number; high: number } | null;
  mdePct: number | null;
  shapeChanged: boolean;
}

/** One file of a group: a candidate with its cells, or a file left without a comparison. */
export interface MatrixRow {
  /** Index into `Matrix.groups`. */
  group: number;
  /** Index into `Comparison.sides`: the candidate, or the file left alone. */
  side: number;
  /** Index into `Comparison.candidates`: the full comparison behind the cells; null when there is none. */
  candidate: number | null;
  /** What this file lacks in its group: a baseline (a candidate alone) or a candidate (a baseline alone). */
  missing: "baseline" | "candidate" | null;
  /** One per `Matrix.measurements`; null where the comparison has no such row. */
  cells: (MatrixCell | null)[];
}

/** Group × measurement: every candidate's verdicts, each within its own group. */
export interface Matrix {
  axis: MatrixAxis;
  /** Columns, in the order the comparisons list them. */
  measurements: string[];
  /** The measurement the summaries speak from. */
  primary: string | null;
  groups: MatrixGroup[];
  rows: MatrixRow[];
}
