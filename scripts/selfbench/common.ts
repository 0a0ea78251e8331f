/**
 * What every section of `bun run bench` shares: the bench context (quick mode, the
 * scratch folder, the real interpreter, progress), table rows, formatting, and one A/B
 * comparison through the real measuring code (measureTrees, then buildComparison on the
 * validated files, as the branch runner does).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildComparison } from "../lib/compare/build.ts";
import type { MeasurementRow } from "../lib/model/comparison.ts";
import { type Config, type ConfigInput, resolveConfig } from "../lib/config.ts";
import type { Counter } from "../lib/measure/counter.ts";
import type { PythonInfo } from "../lib/measure/python.ts";
import { measureTrees, type TreeSpec } from "../lib/measure/trees.ts";
import type { QuantityKey } from "../lib/quantities.ts";
import { validateResult } from "../lib/result/read.ts";
import type { Environment, ResultFile } from "../lib/result/schema.ts";
import { VERSION } from "../lib/settings.ts";
import { median } from "../lib/stats/describe.ts";

export const ROOT = resolve(import.meta.dir, "..", "..");

/** One line of the table. `met`: null when the figure has no goal (reported only). */
export interface Row {
  figure: string;
  value: string;
  goal: string;
  met: boolean | null;
}

export interface SectionResult {
  rows: Row[];
  /** Markdown blocks printed below the table (per-section detail). */
  details?: string[];
}

export interface Bench {
  quick: boolean;
  /** Scratch folder, removed at exit. */
  work: string;
  /** The real interpreter (sys.executable of python3), never a shim. */
  python: PythonInfo;
  log: (text: string) => void;
  /** Values several sections share (fixtures), made once. */
  shared: Map<string, Promise<unknown>>;
}

/** `make()` once per bench run under `key`; later callers get the same promise. */
export function once<T>(bench: Bench, key: string, make: () => Promise<T>): Promise<T> {
  let value = bench.shared.get(key) as Promise<T> | undefined;
  if (!value) {
    value = make();
    bench.shared.set(key, value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Formatting

export const percent = (share: number, digits = 0) => `${(share * 100).toFixed(digits)}%`;
export const signed = (value: number, digits = 1) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const countOf = (hits: number, total: number) => `${hits}/${total} (${percent(hits / total)})`;

export function minMedMax(values: readonly number[], digits = 1): string {
  if (!values.length) return "—";
  return `${Math.min(...values).toFixed(digits)} / ${median(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`;
}

/**
 * CPU time of the whole machine and of this bench (itself and every child it has reaped),
 * in clock ticks (USER_HZ, 100 on Linux): the difference between two snapshots says how
 * much of the machine other work took meanwhile. This VM is shared with other jobs.
 */
export interface CpuSnapshot {
  at: number;
  busy: number;
  steal: number;
  own: number;
}

const TICKS_PER_SECOND = 100;

export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const self = readFileSync("/proc/self/stat", "utf8");
    // Fields after "(comm) ": state is field 3, utime/stime/cutime/cstime are fields 14-17.
    const fields = self.slice(self.lastIndexOf(")") + 2).split(" ").map(Number);
    const own = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    return { at: performance.now(), busy: user! + nice! + system! + irq! + softirq!, steal: steal!, own };
  } catch {
    return null; // not Linux
  }
}

/** Cores' worth of CPU that other work used (and the hypervisor stole) between two snapshots. */
export function othersLoad(before: CpuSnapshot | null, after: CpuSnapshot | null): { others: number; steal: number } | null {
  if (!before || !after || after.at <= before.at) return null;
  const seconds = (after.at - before.at) / 1000;
  const others = Math.max(0, after.busy - before.busy - (after.own - before.own)) / TICKS_PER_SECOND / seconds;
  return { others, steal: (after.steal - before.steal) / TICKS_PER_SECOND / seconds };
}

// ---------------------------------------------------------------------------------------
// One comparison through the real code path

/** The config of a bench comparison: the package's defaults with `input` over them. */
export function benchConfig(tree: string, pkg: string, input: ConfigInput): Config {
  return resolveConfig(tree, [{ input: { package: pkg, importtime_runs: 0, ...input }, where: "selfbench" }], null);
}

export interface Outcome {
  verdict: MeasurementRow["verdict"];
  headline: QuantityKey;
  /** (baseline − candidate) % of the baseline: negative = candidate slower. */
  estimatePct: number | null;
  ciPct: { low: number; high: number } | null;
  /** The typical interval in the unit (ms, instructions). */
  ciUnit: { low: number; high: number } | null;
  mdePct: number | null;
  /** The best-case (fastest-run) test's direction. */
  bestCase: string | null;
  /** Headline samples, round order. */
  baseline: number[];
  candidate: number[];
  results: ResultFile[];
  wallMs: number;
  /** Cores' worth of CPU other work on the machine used during the comparison (null off Linux). */
  othersCores: number | null;
}

export interface CompareSetup {
  pkg: string;
  config: ConfigInput;
  counter?: Counter;
  environment?: Partial<Environment>;
}

/**
 * Measures `baseline` and `candidate` interleaved in one invocation (one run_id, so the
 * comparison pairs the rounds) and compares them as the branch runner does.
 */
export async function compareTrees(bench: Bench, baseline: string, candidate: string, setup: CompareSetup): Promise<Outcome> {
  const config = benchConfig(baseline, setup.pkg, { python: [bench.python.executable], ...setup.config });
  const tree = (dir: string, label: string): TreeSpec => ({ label, dir, git: { ref: label, commit: null, dirty: false } });
  const started = performance.now();
  const cpuBefore = cpuSnapshot();
  const results = await measureTrees([tree(baseline, "baseline"), tree(candidate, "candidate")], {
    config, toolVersion: VERSION, runId: crypto.randomUUID(), counter: setup.counter, environment: setup.environment,
  });
  const wallMs = performance.now() - started;
  const load = othersLoad(cpuBefore, cpuSnapshot());
  // As a saved file is read back: through JSON and the validator.
  const loaded = results.map((result, index) => validateResult(JSON.parse(JSON.stringify(result)), `selfbench-${index}.json`));
  const comparison = buildComparison(loaded);
  const row = comparison.candidates[0]!.measurements.find((measurement) => measurement.primary)!;
  const main = row.quantities[0];
  const name = row.name;
  const samples = (index: number) => loaded[index]!.measurements[name]?.quantities[row.headline]?.samples ?? [];
  return {
    verdict: row.verdict,
    headline: row.headline,
    estimatePct: row.estimatePct,
    ciPct: row.ciPct,
    ciUnit: main?.typical?.ci ?? null,
    mdePct: row.mdePct,
    bestCase: row.bestCase?.direction ?? null,
    baseline: samples(0),
    candidate: samples(1),
    results,
    wallMs,
    othersCores: load?.others ?? null,
  };
}

/** One progress line for a comparison. */
export function describeOutcome(outcome: Outcome): string {
  // Counts are precise to a few parts per million: their changes need more digits.
  const digits = outcome.headline === "instructions" ? 4 : 1;
  const est = outcome.estimatePct === null ? "—" : `${signed(-outcome.estimatePct, digits)}%`;
  const ci = outcome.ciPct ? `[${signed(-outcome.ciPct.high, digits)}, ${signed(-outcome.ciPct.low, digits)}]%` : "no interval";
  const mde = outcome.mdePct === null ? "—" : `±${outcome.mdePct.toFixed(digits)}%`;
  const spread = outcome.baseline.length ? ` min ${Math.min(...outcome.baseline).toFixed(1)}/${Math.min(...outcome.candidate).toFixed(1)}` : "";
  const others = outcome.othersCores === null ? "" : `, others used ${outcome.othersCores.toFixed(1)} cores`;
  return `${outcome.verdict} (candidate ${est} ${ci}, could detect ${mde}, n=${outcome.baseline.length}${outcome.headline === "import_ms" ? spread : ""}, ${seconds(outcome.wallMs)}${others})`;
}

/** Median of the non-null values, or null. */
export function medianOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return present.length ? median(present) : null;
}
