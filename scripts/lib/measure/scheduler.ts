/**
 * The scheduler decides which runs happen in which order; the executor (executor.ts) runs
 * them. For each measurement, round k runs every tree's statement and an interpreter
 * baseline (`python -c pass` through the same harness) once each, in a shuffled order, so
 * drift in machine speed falls on every tree and on the baseline alike, and samples[k] of
 * every tree is round k (the comparison pairs them). A comparison goes on, a few rounds
 * at a time, while it could not yet detect a `precision`% change — decided from the
 * magnitudes of the round differences only, never their signs, so the test stays exact.
 *
 * Output: one record per run (round, tree, quantities) and what the runs saw (module
 * lists, lazy answers, importtime rows, failures); result/build.ts turns them into files.
 */
import type { Config, ImportSpec } from "../config.ts";
import { UserError } from "../errors.ts";
import type { QuantityValues } from "../quantities.ts";
import type { Failure, Hotspot, ImporterRecord, ImportTimeRow } from "../result/schema.ts";
import type { Stats } from "../stats/describe.ts";
import { describe } from "../stats/describe.ts";
import { ALPHA, stoppingPrecisionPct } from "../stats/verdict.ts";
import type { InstructionCounts } from "./counter.ts";
import type { Executor, Job, JobResult, TreeRuntime } from "./executor.ts";
import { boundHotspots, HOTSPOT_RUNS, mergeHotspotRuns } from "./hotspot-merge.ts";
import { planRounds } from "./plan.ts";

/** The statement of the interpreter baseline runs. */
export const BASELINE = "pass";
/** Counted rounds added at a time while a comparison is too noisy to be conclusive. */
export const EXTRA_ROUNDS = 5;

/** One run: which measurement, which round, and what it measured. */
export interface RunRecord {
  measurement: string;
  /** Counted round (0-based), or -1 for a warm-up run. */
  round: number;
  /** True for the `pass` baseline run of that round. */
  baseline: boolean;
  quantities: QuantityValues;
}

/** Everything measured for one tree. */
export interface TreeRecords {
  tree: TreeRuntime;
  records: RunRecord[];
  statements: Record<string, string>;
  failures: Record<string, Failure>;
  /** Module snapshot of the last successful run of each statement. */
  snapshots: Map<string, { modules: string[]; loaded: string[] }>;
  importtime: Record<string, ImportTimeRow[][]>;
  /** Who imported each module, per measurement (one uncounted run). */
  importers: Record<string, Record<string, ImporterRecord>>;
  /** Calls made by module top-level code, per measurement (HOTSPOT_RUNS uncounted runs, merged with their spread). */
  hotspots: Record<string, Hotspot[]>;
  /** Counted runs per measurement whose interpreter did not exit after the import. */
  noExit: Record<string, number>;
  /** Per counting round: the share (%) of the import's instructions executed by processes it started. */
  subprocessShare: Record<string, number[]>;
  /** Every Python process the tree needed, and their summed wall time (ms). */
  runs: { processes: number; child_ms: number };
}

export type MeasureEvent =
  | { kind: "measurement-start"; name: string; statement: string; runs: number }
  | { kind: "run"; tree: string; name: string; phase: "warmup" | "timed" | "importtime" | "probe" | "why" | "count"; done: number; total: number; etaMs: number }
  | { kind: "measurement-done"; name: string; statement: string; trees: { label: string; stats?: Stats; failure?: Failure }[] }
  | { kind: "noisy"; name: string; precisionPct: number; couldDetectPct: number; maxIterations: number }
  | { kind: "importtime-start"; runs: number }
  | { kind: "why-start" }
  | { kind: "count-start"; name: string; rounds: number; jobs: number }
  | { kind: "message"; text: string };

export interface ScheduleOptions {
  config: Config;
  executor: Executor;
  onEvent?: (event: MeasureEvent) => void;
  /** Source of randomness for the round order (tests may seed it). */
  random?: () => number;
  /** Checked between runs; when it returns true, measuring stops (exit code from `stopCode`). */
  stopped?: () => boolean;
  stopCode?: () => number;
}

/** Runs `work` on every item, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The counted import-time samples of one measurement of one tree, in round order. */
export function countedSamples(records: TreeRecords, measurement: string, key: keyof QuantityValues = "import_ms"): number[] {
  return records.records
    .filter((record) => record.measurement === measurement && record.round >= 0 && !record.baseline)
    .sort((a, b) => a.round - b.round)
    .flatMap((record) => (record.quantities[key] === undefined ? [] : [record.quantities[key]!]));
}

/**
 * The worst "could detect" (percent) between the first tree and each other one, from the
 * paired round differences' magnitudes; null when nothing is compared.
 */
function worstPrecision(trees: TreeRecords[], name: string, key: keyof QuantityValues = "import_ms", paired = true): number | null {
  const [first, ...others] = trees;
  if (!first || others.length === 0 || first.failures[name]) return null;
  const baseline = countedSamples(first, name, key);
  let worst: number | null = null;
  for (const other of others) {
    if (other.failures[name]) continue;
    const samples = countedSamples(other, name, key);
    if (samples.length === 0 || (paired && samples.length !== baseline.length)) continue;
    // null: these few rounds cannot detect any change yet.
    const pct = stoppingPrecisionPct(baseline, samples, { paired }) ?? Infinity;
    worst = Math.max(worst ?? 0, pct);
  }
  return worst;
}

export function newTreeRecords(tree: TreeRuntime): TreeRecords {
  return {
    tree, records: [], statements: {}, failures: {}, snapshots: new Map(), importtime: {}, importers: {}, hotspots: {}, noExit: {},
    subprocessShare: {}, runs: { processes: 0, child_ms: 0 },
  };
}

/** Runs every measurement of `config` on every tree. */
export async function schedule(trees: TreeRecords[], options: ScheduleOptions): Promise<void> {
  const { config, executor } = options;
  const random = options.random ?? Math.random;
  const emit = options.onEvent ?? (() => {});
  const checks = [...new Set(config.lazy.map((lazy) => lazy.module))];
  const durations: number[] = [];

  const run = async (state: TreeRecords, job: Omit<Job, "tree" | "checks">): Promise<JobResult> => {
    const stopIfInterrupted = () => {
      if (options.stopped?.()) throw new UserError("interrupted", options.stopCode?.() ?? 130);
    };
    stopIfInterrupted();
    const result = await executor.run({ ...job, tree: state.tree, checks });
    // A run the signal's handler killed ended by the signal, not by the import: never a failure.
    stopIfInterrupted();
    durations.push(result.wallMs);
    state.runs.processes += 1;
    state.runs.child_ms += result.wallMs;
    return result;
  };
  const eta = (remaining: number) => {
    const recent = durations.slice(-20);
    return recent.length ? (recent.reduce((a, b) => a + b, 0) / recent.length) * remaining : 0;
  };

  const plan = planRounds(config, trees.length);
  const deciding = config.metric === "instructions" ? plan.counted : plan.timed;
  if (deciding < plan.needed) {
    const level = (config.level ?? ALPHA).toPrecision(2);
    // Wall time goes on while too noisy, up to --max-iterations: then the runs may yet decide.
    const outcome = config.metric === "time" && plan.maxTimed >= plan.needed
      ? `more are added while the runs are too noisy (up to ${plan.maxTimed}); if they stop at ${deciding}, the comparison is inconclusive`
      : "the comparison will be inconclusive";
    emit({ kind: "message", text: `Note: ${deciding} rounds cannot reach p < ${level}; ${outcome} (at least ${plan.needed} are needed: --iterations ${plan.needed})` });
  }
  const measure = async (spec: ImportSpec, targets: TreeRecords[]) => {
    let rounds = config.warmup + plan.timed;
    const maxRounds = config.warmup + plan.maxTimed;
    let total = rounds * targets.length * 2;
    let done = 0;
    emit({ kind: "measurement-start", name: spec.name, statement: spec.statement, runs: total });
    for (const state of targets) state.statements[spec.name] = spec.statement;
    for (let round = 0; round < rounds; round += 1) {
      const counted = round >= config.warmup;
      const order = shuffle(targets.flatMap((state) => [{ state, baseline: false }, { state, baseline: true }]), random);
      for (const { state, baseline } of order) {
        done += 1;
        if (state.failures[spec.name]) continue;
        const statement = baseline ? BASELINE : spec.statement;
        const noExit = !baseline && state.noExit[spec.name] !== undefined;
        const result = await run(state, { statement, kind: "timed", stopAfterResult: noExit });
        emit({ kind: "run", tree: state.tree.label, name: spec.name, phase: counted ? "timed" : "warmup", done, total, etaMs: eta(total - done) });
        if (!result.ok) {
          // A baseline (`pass`) run that fails only leaves its round without a baseline.
          if (!baseline) state.failures[spec.name] = result.failure;
          continue;
        }
        if (!baseline) {
          state.snapshots.set(spec.statement, { modules: result.modules, loaded: result.loaded });
          // Known from any run, warm-up included: later runs are stopped once their result is in.
          if (result.noExit) state.noExit[spec.name] = (state.noExit[spec.name] ?? 0) + (counted ? 1 : 0);
        }
        state.records.push({ measurement: spec.name, round: counted ? round - config.warmup : -1, baseline, quantities: result.quantities });
      }
      if (round === rounds - 1 && rounds < maxRounds) {
        const worst = worstPrecision(targets, spec.name);
        if (worst !== null && worst > config.precision) {
          if (rounds === config.warmup + plan.timed) {
            emit({ kind: "noisy", name: spec.name, precisionPct: config.precision, couldDetectPct: worst, maxIterations: config.max_iterations });
          }
          const extra = Math.min(EXTRA_ROUNDS, maxRounds - rounds);
          rounds += extra;
          total += extra * targets.length * 2;
        }
      }
    }
    emit({
      kind: "measurement-done",
      name: spec.name,
      statement: spec.statement,
      trees: targets.map((state) => {
        const failure = state.failures[spec.name];
        const stats = describe(countedSamples(state, spec.name));
        return failure || !stats ? { label: state.tree.label, failure } : { label: state.tree.label, stats };
      }),
    });
  };

  /**
   * Counting instructions: every tree's statement once per round, and its `pass` once,
   * under the counter, several at a time (counts do not suffer from contention, nor depend
   * on the order). The import's count is each round's statement count minus the tree's
   * `pass` count: the same interpreter, environment, folder and bytecode cache, whose start-up
   * counts the same from run to run (to within about a thousand instructions of some 30
   * million), so counting it every round told nothing more and cost a counted start-up per
   * round (1.6 s of CPU under valgrind). The `pass` count is recorded once (round 0), as what
   * it is. A `pass` run that fails is tried once more: without it the tree has no counts.
   */
  const count = async (spec: ImportSpec, targets: TreeRecords[]) => {
    const rounds = plan.counted;
    let done = 0;
    let total = targets.length * (rounds + 1);
    emit({ kind: "count-start", name: spec.name, rounds, jobs: config.jobs });
    const counts = new Map<TreeRecords, { statement: InstructionCounts[]; pass: number | undefined }>();
    for (const state of targets) counts.set(state, { statement: [], pass: undefined });
    // The rounds (each round's trees in a shuffled order), then the baselines: after the
    // rounds, so `pass` meets the tree's bytecode cache as every round but the first did (with
    // --pyc cold the timed runs leave it empty; the counted runs share it, and the first fills it).
    const jobs = [
      ...Array.from({ length: rounds }, (_, round) => shuffle(targets, random).map((state) => ({ state, round }))).flat(),
      ...shuffle(targets, random).map((state) => ({ state, round: -1 })),
    ];
    const countOne = async ({ state, round }: { state: TreeRecords; round: number }) => {
      const baseline = round < 0;
      if (state.failures[spec.name]) return;
      const result = await run(state, { statement: baseline ? BASELINE : spec.statement, kind: "count" });
      done += 1;
      emit({ kind: "run", tree: state.tree.label, name: spec.name, phase: "count", done, total, etaMs: 0 });
      if (!result.ok || !result.counts) {
        if (!result.ok && !baseline) state.failures[spec.name] = result.failure;
        return;
      }
      const slot = counts.get(state)!;
      // The importing process's own count; what its children did is recorded apart.
      if (baseline) slot.pass = result.counts.main;
      else slot.statement[round] = result.counts;
    };
    await inParallel(jobs, config.jobs, countOne);
    const retry = targets.filter((state) => !state.failures[spec.name] && counts.get(state)!.pass === undefined).map((state) => ({ state, round: -1 }));
    total += retry.length;
    if (retry.length) await inParallel(retry, config.jobs, countOne);
    for (const state of targets) {
      const slot = counts.get(state)!;
      const pass = slot.pass;
      // A tree whose `pass` failed twice has no baseline: no counts (as a round without one had none).
      if (state.failures[spec.name] || pass === undefined) continue;
      state.records.push({ measurement: spec.name, round: 0, baseline: true, quantities: { instructions: pass } });
      for (let round = 0; round < rounds; round += 1) {
        const statement = slot.statement[round];
        if (statement === undefined) continue;
        const own = statement.main - pass;
        const children = statement.children === null ? {} : { child_instructions: statement.children, child_processes: statement.processes - 1 };
        state.records.push({ measurement: spec.name, round, baseline: false, quantities: { instructions: own, ...children } });
        if (statement.children !== null && own + statement.children > 0) {
          (state.subprocessShare[spec.name] ??= []).push((statement.children / (own + statement.children)) * 100);
        }
      }
    }
  };

  for (const spec of config.imports) await measure(spec, trees);

  // Lazy checks whose statement was not measured get one probe run per tree.
  for (const lazy of config.lazy) {
    for (const state of trees) {
      if (state.snapshots.has(lazy.after)) continue;
      const result = await run(state, { statement: lazy.after, kind: "timed" });
      emit({ kind: "run", tree: state.tree.label, name: lazy.key, phase: "probe", done: 1, total: 1, etaMs: 0 });
      if (result.ok) state.snapshots.set(lazy.after, { modules: result.modules, loaded: result.loaded });
      else state.failures[`lazy:${lazy.key}`] = result.failure;
    }
  }

  // The seed times `import <module>` when a lazy module turns out eager (its "paramiko" key).
  for (const lazy of config.lazy.filter((item) => item.measure_if_loaded)) {
    const eager = trees.filter((state) => state.snapshots.get(lazy.after)?.loaded.includes(lazy.module));
    if (eager.length && !config.imports.some((spec) => spec.name === lazy.module)) {
      await measure({ name: lazy.module, statement: `import ${lazy.module}` }, eager);
    }
  }

  if (config.metric === "instructions") for (const spec of config.imports) await count(spec, trees.filter((state) => !state.failures[spec.name]));

  if (config.importtime_runs > 0) {
    emit({ kind: "importtime-start", runs: config.importtime_runs });
    const total = config.importtime_runs * config.imports.length * trees.length;
    let done = 0;
    for (let round = 0; round < config.importtime_runs; round += 1) {
      for (const spec of config.imports) {
        for (const state of shuffle(trees, random)) {
          done += 1;
          if (state.failures[spec.name]) continue;
          const result = await run(state, { statement: spec.statement, kind: "importtime", stopAfterResult: state.noExit[spec.name] !== undefined });
          emit({ kind: "run", tree: state.tree.label, name: spec.name, phase: "importtime", done, total, etaMs: eta(total - done) });
          if (result.ok && result.importtime) (state.importtime[spec.name] ??= []).push(result.importtime);
        }
      }
    }
  }

  // Why: who imported each module, and which calls of module top-level code take the time.
  if (config.explain === false) return;
  emit({ kind: "why-start" });
  const whyTotal = config.imports.length * trees.length * (1 + HOTSPOT_RUNS);
  let whyDone = 0;
  const whyRun = async (state: TreeRecords, spec: ImportSpec, kind: "importers" | "hotspots") => {
    whyDone += 1;
    if (state.failures[spec.name]) return null;
    const result = await run(state, { statement: spec.statement, kind, stopAfterResult: state.noExit[spec.name] !== undefined });
    emit({ kind: "run", tree: state.tree.label, name: spec.name, phase: "why", done: whyDone, total: whyTotal, etaMs: eta(whyTotal - whyDone) });
    return result.ok ? result : null;
  };
  for (const spec of config.imports) {
    for (const state of trees) {
      const result = await whyRun(state, spec, "importers");
      if (result?.importers) state.importers[spec.name] = result.importers;
    }
    // Hotspots: repeated runs, round by round across the trees, merged with their spread
    // (a change is reported only beyond it), each bounded by the module's unprofiled import time.
    const hotspotRuns = new Map<TreeRecords, Hotspot[][]>();
    for (let round = 0; round < HOTSPOT_RUNS; round += 1) {
      for (const state of shuffle(trees, random)) {
        const result = await whyRun(state, spec, "hotspots");
        if (result?.hotspots) hotspotRuns.set(state, [...(hotspotRuns.get(state) ?? []), result.hotspots]);
      }
    }
    for (const [state, runs] of hotspotRuns) state.hotspots[spec.name] = boundHotspots(mergeHotspotRuns(runs), state.importtime[spec.name] ?? []);
  }
}
