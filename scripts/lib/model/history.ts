/**
 * Measuring over time, as plain data (no sentences, no unit formatting; words live in
 * render/): a bisect's steps and its answer, and a history's trend. The json format
 * serialises these as they are (`formatVersion`).
 *
 * Conventions as in compare/model.ts: every percentage is (reference − candidate) /
 * reference × 100, so a slowdown is negative; what cannot be computed is null.
 */
import type { ChainLink, LazyRow, MeasurementRow, ModuleCountRow, ModuleDiff } from "./comparison.ts";
import type { MetricName, QuantityKey } from "../quantities.ts";

export const HISTORY_FORMAT_VERSION = 1;
/** --threshold's default: how much slower is slow (bisect), the smallest change marked (history), %. */
export const DEFAULT_THRESHOLD_PCT = 5;

/** A commit as the reports name it. */
export interface CommitFacts {
  commit: string;
  subject: string;
  /** "Name <email>". */
  author: string;
  /** ISO 8601 author date. */
  date: string;
  /** Commits on its first-parent chain, itself included: orders the points of a history without git. */
  depth: number | null;
}

/** The figures of one comparison's primary measurement (from compare/build.ts). */
export interface Figures
  extends Pick<MeasurementRow, "headline" | "verdict" | "reason" | "estimatePct" | "ciPct" | "mdePct" | "pValue" | "paired"> {
  measurement: string | null;
  /** The test behind the verdict ("exact": every run agreed); null without one. */
  test?: MeasurementRow["test"];
  /** Runs per side. */
  n: { baseline: number; candidate: number } | null;
  /** Medians of the headline quantity, in its unit. */
  baselineMedian: number | null;
  candidateMedian: number | null;
}

// --- bisect ------------------------------------------------------------------------------

/**
 * slow: the whole interval lies beyond the threshold; good: its slow end is below it;
 * undecided: it straddles the threshold even after more runs (never counted as good).
 */
export type Judgement = "slow" | "good" | "undecided";

export interface BisectStep {
  /** 0 for the check (bad against good), then 1, 2, ... */
  number: number;
  kind: "check" | "step";
  commit: CommitFacts;
  /** Position on the path (good is 0, bad is `BisectReport.commits`). */
  position: number;
  /** The most steps still to come after this one (0 at the last). */
  stepsLeft: number;
  figures: Figures;
  judgement: Judgement;
  /** Measurements tried: more rounds after an inconclusive one. */
  attempts: number;
  /** Both files came from the cache. */
  cached: boolean;
  /** The result files compared: good's, then this commit's. */
  files: [string, string];
}

export interface FirstSlow {
  commit: CommitFacts;
  /** Its first parent on the path (judged good, or good itself); in an inconclusive bisect, the latest commit known good. */
  parent: CommitFacts;
  /** Against good, from the step that judged it. */
  figures: Figures;
  /** Against its parent: what it newly loads (with the chains) and what no longer. */
  moduleDiff: ModuleDiff | null;
  moduleCounts: ModuleCountRow[];
  lazyTurnedEager: LazyRow[];
  /** --why MODULE --bisect: the imports that load MODULE at this commit (null: not found in its importers). */
  whyChain?: ChainLink[] | null;
  files: { parent: string; commit: string };
}

export interface BisectReport {
  formatVersion: number;
  kind: "bisect";
  good: CommitFacts;
  bad: CommitFacts;
  /** Commits after good up to bad, on the first-parent path. */
  commits: number;
  /** The most steps a binary search over them takes. */
  maxSteps: number;
  /** The p a step's slow verdict needs: ALPHA shared by the steps (the check needs ALPHA). */
  stepLevel: number;
  thresholdPct: number;
  metric: MetricName;
  /** Why this metric: asked for, or the default for bisect (a counter was found / none was). */
  /** Why this metric: asked for; or picked: the ends load different modules, a counter was found or not, --why MODULE. */
  metricSource: "asked" | "counter-found" | "no-counter" | "modules-differ" | "why-module";
  /** --why MODULE --bisect: the first commit whose import loads this module. */
  module?: string;
  steps: BisectStep[];
  /**
   * found: one commit named; not-reproducible: bad is not slower by the threshold;
   * inconclusive: undecided steps leave several commits open (`suspects`), or the check
   * itself could not decide.
   */
  outcome: "found" | "not-reproducible" | "inconclusive";
  /**
   * found: the first slow commit. inconclusive after a search: the earliest commit known
   * slow, its `parent` the latest commit known good (not always its first parent).
   */
  first: FirstSlow | null;
  /** Steps (not the check) left undecided after every attempt. */
  undecided: number;
  /** `number` of every step left undecided, the check included. */
  undecidedSteps: number[];
  /** The commits that may be the first slow one, oldest first: [first] when found, several when inconclusive, [] otherwise. */
  suspects: CommitFacts[];
  /** The search ended before it narrowed to one commit: `--max-time` ran out after `steps` steps. */
  stopped?: { reason: "max-time"; steps: number };
  /** Measured with the instruction counter but the files hold no counts (the comparison fell back to time). */
  countsMissing: boolean;
}

// --- history -----------------------------------------------------------------------------

/** How a point differs from the one before it, after the correction for many comparisons. */
export type ChangeVerdict = "slower" | "faster" | "no-change" | "below-threshold" | "inconclusive";

export interface TrendChange {
  /** The point compared with (the previous one that was measured). */
  from: string;
  /** Commits from that point to this one on the first-parent path (null without depths). */
  distance: number | null;
  verdict: ChangeVerdict;
  /** Significant after Holm's correction and at least the threshold: a marker. */
  marked: boolean;
  figures: Figures;
  /** Holm-adjusted p-value over every change of the trend. */
  adjustedP: number | null;
  /** This point's total module count minus the previous point's. */
  modulesDelta: number | null;
}

export interface TrendPoint extends CommitFacts {
  /** Result files holding this commit. */
  files: string[];
  status: "ok" | "failed";
  failure: string | null;
  /** Runs of the headline quantity in the file the point is drawn from. */
  n: number;
  median: number | null;
  /** Distribution-free interval of the median. */
  interval: { low: number; high: number; confidence: number } | null;
  modules: { total: number; filtered: number } | null;
  change: TrendChange | null;
  /** Read from the cache rather than measured by this invocation (null: not known, e.g. assembled files). */
  cached: boolean | null;
  /** Index into `Trend.machines`. */
  machine: number;
}

export interface Machine {
  host: string | null;
  platform: string | null;
  cpu: string | null;
  python: string | null;
}

/** A commit found in several result files (compare --history): the one file its point is drawn from, and the others. */
export interface DuplicateFiles {
  commit: string;
  used: string;
  skipped: string[];
}

export type TrendNote =
  | { kind: "machines-differ"; machines: number }
  | { kind: "python-differs"; versions: string[] }
  | { kind: "settings-differ"; keys: number }
  | { kind: "failed"; commits: string[] }
  | { kind: "counts-missing" }
  | { kind: "shard"; index: number; count: number; points: number; total: number }
  | { kind: "duplicates"; commits: DuplicateFiles[] };

export interface Trend {
  formatVersion: number;
  kind: "history";
  /** The range as typed (null when assembled from files). */
  range: string | null;
  every: number | null;
  measurement: string | null;
  statement: string | null;
  headline: QuantityKey;
  thresholdPct: number;
  alpha: number;
  /**
   * holm: wall time, whose noise can look like a step somewhere among many comparisons;
   * each change's p-value is adjusted over all of them. none: counted instructions, whose
   * noise is far below any threshold.
   */
  /** holm: wall time, adjusted over every change; none: counted instructions; exact: modules, every change a step. */
  correction: "holm" | "none" | "exact";
  /** Changes that were tested (Holm's m). */
  comparisons: number;
  points: TrendPoint[];
  machines: Machine[];
  /** False when the points cannot be compared: wall time from several machines, or different Pythons. */
  comparable: boolean;
  notes: TrendNote[];
}

export type { ChainLink };
