/**
 * Measuring one or more trees. Every run is a fresh interpreter spawned directly with the
 * harness; import time comes from perf_counter inside the child, process time from
 * outside, module lists and lazy answers from the same timed runs.
 *
 * Runs are interleaved: for each measurement, round k runs every tree's statement and an
 * interpreter baseline (`pass`) once, in a shuffled order, so drift in machine speed falls
 * on every tree and on the baseline alike.
 */
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config, ImportSpec } from "./config.ts";
import { UserError } from "./errors.ts";
import { HARNESS, parseHarnessOutput } from "./harness.ts";
import { aggregateImportTime, parseImportTime } from "./importtime.ts";
import { childEnvironment, defaultPython, resolvePython, type ChildEnvironment, type PythonInfo } from "./python.ts";
import {
  SCHEMA_VERSION, type Failure, type ImportTimeRow, type LazyCheck, type Measurement, type ResultFile, type SampleStats,
} from "./result.ts";
import { runChild, stderrTail, type ChildRun } from "./spawn.ts";
import { MIN_SAMPLES, minimumDetectableEffect } from "./significance.ts";
import { isSamples, median, outlierIndices, round2, summarize } from "./stats.ts";

export interface TreeSpec {
  /** How the tree is named in progress and reports: a ref, or "working tree". */
  label: string;
  dir: string;
  git: { ref: string | null; commit: string | null; dirty: boolean };
}

export type MeasureEvent =
  | { kind: "measurement-start"; name: string; statement: string; runs: number }
  | { kind: "run"; tree: string; name: string; phase: "warmup" | "timed" | "importtime" | "probe"; done: number; total: number; etaMs: number }
  | { kind: "measurement-done"; name: string; statement: string; trees: { label: string; measurement?: Measurement; failure?: Failure }[] }
  | { kind: "phase"; message: string };

export interface MeasureOptions {
  config: Config;
  toolVersion: string;
  onEvent?: (event: MeasureEvent) => void;
  /** Source of randomness for the round order (tests may seed it). */
  random?: () => number;
  /** Checked between runs; when it returns true, measuring stops with exit 130. */
  stopped?: () => boolean;
  /** Drop the OS page cache before every run (Linux, root): disk-cold starts. */
  dropCaches?: boolean;
}

const DROP_CACHES = "/proc/sys/vm/drop_caches";

/** Fails with one line unless the page cache can be dropped here. */
export function checkDropCaches(): void {
  if (process.platform !== "linux") throw new UserError("--drop-caches works on Linux only");
  if (process.getuid?.() !== 0) throw new UserError("--drop-caches needs root (it writes /proc/sys/vm/drop_caches); run with sudo or leave it out");
  try {
    accessSync(DROP_CACHES, constants.W_OK);
  } catch {
    throw new UserError(`--drop-caches: ${DROP_CACHES} is not writable here (a container?); leave the flag out`);
  }
}

function dropPageCache(): void {
  Bun.spawnSync(["sync"]);
  writeFileSync(DROP_CACHES, "3\n");
}

interface TreeState {
  spec: TreeSpec;
  python: PythonInfo;
  env: ChildEnvironment;
  measurements: Record<string, { samples: number[]; process: number[]; warmup: number[]; statement: string }>;
  /** Every Python process this tree needed, and their summed wall time (ms). */
  runs: { processes: number; child_ms: number };
  failures: Record<string, Failure>;
  /** Module snapshot of the last successful run of each statement. */
  snapshots: Map<string, { modules: string[]; loaded: string[] }>;
  baseline: number[];
  importtime: Record<string, ImportTimeRow[][]>;
  /**
   * Bytecode cache of this tree (pyc "warm"): a temporary PYTHONPYCACHEPREFIX, so no run
   * writes __pycache__ into the user's tree and every tree starts from the same state.
   */
  pycache: string;
}

const BASELINE = "pass";
/** Counted rounds added at a time while a comparison is too noisy to be conclusive. */
const EXTRA_ROUNDS = 5;

/**
 * The largest minimum detectable effect (percent of the pooled median) between the first
 * tree and each other one; null when there is nothing to compare. It is a function of the
 * pooled samples alone — not of which tree each run came from — so going on while it is
 * too large leaves the permutation test's level exact, unlike stopping at the first
 * significant result would.
 */
function worstPrecision(targets: TreeState[], name: string): number | null {
  const baseline = targets[0]?.measurements[name]?.samples ?? [];
  if (targets.length < 2 || baseline.length < MIN_SAMPLES || targets[0]!.failures[name]) return null;
  let worst: number | null = null;
  for (const state of targets.slice(1)) {
    const samples = state.measurements[name]?.samples ?? [];
    if (state.failures[name] || samples.length < MIN_SAMPLES) continue;
    const pct = (minimumDetectableEffect(baseline, samples) / median([...baseline, ...samples])) * 100;
    if (Number.isFinite(pct)) worst = Math.max(worst ?? 0, pct);
  }
  return worst;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function toSampleStats(samples: number[]): SampleStats {
  const rounded = samples.map((value) => Math.round(value * 1000) / 1000);
  if (!isSamples(rounded)) return { min: 0, max: 0, mean: 0, median: 0, stddev: 0, samples: [] };
  const s = summarize(rounded);
  return { min: round2(s.min), max: round2(s.max), mean: round2(s.mean), median: round2(s.median), stddev: round2(s.stddev), samples: rounded };
}

function describeFailure(statement: string, run: ChildRun, timeoutS: number): Failure {
  const tail = stderrTail(run.stderr);
  if (run.spawnError) return { statement, kind: "spawn", message: `could not start python: ${run.spawnError}`, stderr_tail: "" };
  if (run.timedOut) {
    return { statement, kind: "timeout", message: `\`${statement}\` did not finish within ${timeoutS}s; killed`, stderr_tail: tail };
  }
  const lastLine = tail.split("\n").pop() ?? "";
  return {
    statement,
    kind: "error",
    message: `\`${statement}\` failed (exit ${run.code})${lastLine ? `: ${lastLine}` : ""}`,
    stderr_tail: tail,
  };
}

async function prepareTree(spec: TreeSpec, config: Config): Promise<TreeState> {
  const runs = { processes: 0, child_ms: 0 };
  const python = await resolvePython(config.python ?? defaultPython(spec.dir), spec.dir, (wallMs) => {
    runs.processes += 1;
    runs.child_ms += wallMs;
  });
  return {
    spec,
    python,
    env: childEnvironment(spec.dir, python),
    measurements: {},
    failures: {},
    snapshots: new Map(),
    baseline: [],
    importtime: {},
    runs,
    pycache: temporaryCacheDir(),
  };
}

/** Bytecode caches still on disk; removed at exit too, since a signal skips `finally`. */
const cacheDirs = new Set<string>();

function temporaryCacheDir(): string {
  if (cacheDirs.size === 0) process.once("exit", () => cacheDirs.forEach(removeCacheDir));
  const dir = mkdtempSync(join(tmpdir(), "coldstart-pyc-"));
  cacheDirs.add(dir);
  return dir;
}

function removeCacheDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  cacheDirs.delete(dir);
}

export async function measureTrees(trees: TreeSpec[], options: MeasureOptions): Promise<ResultFile[]> {
  const { config } = options;
  if (options.dropCaches) checkDropCaches();
  const states: TreeState[] = [];
  try {
    for (const spec of trees) states.push(await prepareTree(spec, config));
    return await measurePrepared(states, options);
  } finally {
    for (const state of states) removeCacheDir(state.pycache);
  }
}

async function measurePrepared(states: TreeState[], options: MeasureOptions): Promise<ResultFile[]> {
  const { config } = options;
  const random = options.random ?? Math.random;
  const emit = options.onEvent ?? (() => {});
  const checks = [...new Set(config.lazy.map((lazy) => lazy.module))].join(",");
  const timeoutMs = config.timeout * 1000;
  const durations: number[] = [];

  const run = async (state: TreeState, statement: string, importtime = false): Promise<ChildRun> => {
    if (options.stopped?.()) throw new UserError("interrupted", 130);
    const argv = [state.python.executable];
    if (importtime) argv.push("-X", state.python.versionInfo[1] >= 14 || state.python.versionInfo[0] > 3 ? "importtime=2" : "importtime");
    argv.push("-c", HARNESS, statement, checks);
    const cacheDir = config.pyc === "cold" ? temporaryCacheDir() : null;
    const env = { ...state.env.env, PYTHONPYCACHEPREFIX: cacheDir ?? state.pycache };
    try {
      if (options.dropCaches) dropPageCache();
      const result = await runChild(argv, { cwd: state.spec.dir, env, timeoutMs });
      durations.push(result.wallMs);
      state.runs.processes += 1;
      state.runs.child_ms += result.wallMs;
      return result;
    } finally {
      if (cacheDir) removeCacheDir(cacheDir);
    }
  };

  const eta = (remaining: number) => {
    const recent = durations.slice(-20);
    const average = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
    return average * remaining;
  };

  const measure = async (spec: ImportSpec, targets: TreeState[]) => {
    let rounds = config.warmup + config.iterations;
    const maxRounds = config.warmup + Math.max(config.iterations, config.max_iterations);
    let total = rounds * targets.length * 2;
    let done = 0;
    emit({ kind: "measurement-start", name: spec.name, statement: spec.statement, runs: total });
    for (const state of targets) state.measurements[spec.name] = { samples: [], process: [], warmup: [], statement: spec.statement };
    for (let round = 0; round < rounds; round += 1) {
      const counted = round >= config.warmup;
      const jobs = shuffle(targets.flatMap((state) => [{ state, statement: spec.statement }, { state, statement: BASELINE }]), random);
      for (const { state, statement } of jobs) {
        done += 1;
        if (statement !== BASELINE && state.failures[spec.name]) continue;
        const result = await run(state, statement);
        emit({ kind: "run", tree: state.spec.label, name: spec.name, phase: counted ? "timed" : "warmup", done, total, etaMs: eta(total - done) });
        const output = result.code === 0 && !result.timedOut ? parseHarnessOutput(result.stdout) : null;
        if (statement === BASELINE) {
          if (output && counted) state.baseline.push(result.wallMs);
          continue;
        }
        if (!output) {
          state.failures[spec.name] = describeFailure(spec.statement, result, config.timeout);
          continue;
        }
        const series = state.measurements[spec.name]!;
        if (counted) {
          series.samples.push(output.import_ms);
          series.process.push(result.wallMs);
        } else {
          series.warmup.push(output.import_ms);
        }
        state.snapshots.set(spec.statement, { modules: output.modules, loaded: output.loaded });
      }
      if (round === rounds - 1 && rounds < maxRounds) {
        const worst = worstPrecision(targets, spec.name);
        if (worst !== null && worst > config.precision) {
          const extra = Math.min(EXTRA_ROUNDS, maxRounds - rounds);
          if (rounds === config.warmup + config.iterations) {
            emit({
              kind: "phase",
              message: `  noisy: a ${config.precision}% change would not be detected yet (could detect ±${worst.toFixed(1)}%); going on, up to ${config.max_iterations} runs`,
            });
          }
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
        return failure ? { label: state.spec.label, failure } : { label: state.spec.label, measurement: toMeasurement(state, spec.name) };
      }),
    });
  };

  for (const spec of config.imports) await measure(spec, states);

  // Lazy checks whose statement was not measured get one probe run per tree.
  for (const lazy of config.lazy) {
    for (const state of states) {
      if (state.snapshots.has(lazy.after)) continue;
      const result = await run(state, lazy.after);
      emit({ kind: "run", tree: state.spec.label, name: lazy.key, phase: "probe", done: 1, total: 1, etaMs: 0 });
      const output = result.code === 0 ? parseHarnessOutput(result.stdout) : null;
      if (output) state.snapshots.set(lazy.after, { modules: output.modules, loaded: output.loaded });
      else state.failures[`lazy:${lazy.key}`] = describeFailure(lazy.after, result, config.timeout);
    }
  }

  // The seed times `import <module>` when a lazy module turns out eager (its "paramiko" key).
  for (const lazy of config.lazy.filter((item) => item.measure_if_loaded)) {
    const eager = states.filter((state) => state.snapshots.get(lazy.after)?.loaded.includes(lazy.module));
    if (eager.length && !config.imports.some((spec) => spec.name === lazy.module)) {
      await measure({ name: lazy.module, statement: `import ${lazy.module}` }, eager);
    }
  }

  if (config.importtime_runs > 0) {
    const runs = `${config.importtime_runs} run${config.importtime_runs === 1 ? "" : "s"}`;
    emit({ kind: "phase", message: `Profiling imports (-X importtime, ${runs} each)...` });
    const total = config.importtime_runs * config.imports.length * states.length;
    let done = 0;
    for (let round = 0; round < config.importtime_runs; round += 1) {
      for (const spec of config.imports) {
        for (const state of shuffle(states, random)) {
          done += 1;
          if (state.failures[spec.name]) continue;
          const result = await run(state, spec.statement, true);
          emit({ kind: "run", tree: state.spec.label, name: spec.name, phase: "importtime", done, total, etaMs: eta(total - done) });
          if (result.code !== 0) continue;
          (state.importtime[spec.name] ??= []).push(parseImportTime(result.stderr));
        }
      }
    }
  }

  const timestamp = Date.now() / 1000;
  return states.map((state) => buildResult(state, options, timestamp));
}

function toMeasurement(state: TreeState, name: string): Measurement {
  const series = state.measurements[name]!;
  const stats = toSampleStats(series.samples);
  return {
    min: stats.min,
    max: stats.max,
    mean: stats.mean,
    median: stats.median,
    iterations: stats.samples.length,
    stddev: stats.stddev,
    samples: stats.samples,
    statement: series.statement,
    process_ms: toSampleStats(series.process),
    outliers: outlierIndices(stats.samples),
    warmup_samples: series.warmup.map((value) => Math.round(value * 1000) / 1000),
  };
}

/** The statement whose module list is reported: `import <package>` if measured, else the first. */
export function moduleStatement(config: Config): string {
  const own = `import ${config.package}`;
  return config.imports.some((spec) => spec.statement === own) ? own : config.imports[0]?.statement ?? own;
}

/** Package match, not substring: `pkg` and `pkg.*`, never `pkg_extra` or `not_pkg`. */
export function isPackageModule(module: string, pkg: string): boolean {
  return module === pkg || module.startsWith(`${pkg}.`);
}

function buildResult(state: TreeState, options: MeasureOptions, timestamp: number): ResultFile {
  const { config } = options;
  const measurements: Record<string, Measurement> = {};
  for (const name of Object.keys(state.measurements)) {
    if (!state.failures[name] && state.measurements[name]!.samples.length) measurements[name] = toMeasurement(state, name);
  }
  const after = moduleStatement(config);
  const snapshot = state.snapshots.get(after) ?? [...state.snapshots.values()][0];
  const loaded = snapshot?.modules ?? [];
  const lazyChecks: Record<string, LazyCheck> = {};
  const lazyFlags: Record<string, boolean> = {};
  for (const lazy of config.lazy) {
    const answer = state.snapshots.get(lazy.after);
    if (!answer) continue;
    const isLoaded = answer.loaded.includes(lazy.module);
    lazyChecks[lazy.key] = { label: lazy.label, module: lazy.module, after: lazy.after, loaded: isLoaded };
    lazyFlags[lazy.key] = isLoaded;
  }
  const importtime: Record<string, ImportTimeRow[]> = {};
  for (const [name, runs] of Object.entries(state.importtime)) importtime[name] = aggregateImportTime(runs);
  const env: Record<string, string | null> = {
    ...state.env.changes,
    PYTHONPYCACHEPREFIX: config.pyc === "cold" ? "<fresh empty folder per run>" : "<temporary folder per tree, kept across its runs>",
  };

  return {
    timestamp,
    python_version: state.python.version,
    measurements,
    module_counts: { total: loaded.length, filtered: loaded.filter((m) => isPackageModule(m, config.package)).length },
    ...lazyFlags,
    schema_version: SCHEMA_VERSION,
    tool: { name: "coldstart", version: options.toolVersion },
    git: state.spec.git,
    environment: {
      python: state.python.executable,
      python_version: state.python.version,
      platform: state.python.platform,
      cpu: state.python.cpu,
      cpu_count: state.python.cpuCount,
      pyc: config.pyc,
      env,
      iterations: config.iterations,
      max_iterations: config.max_iterations,
      precision_pct: config.precision,
      warmup: config.warmup,
      timeout_s: config.timeout,
    },
    interpreter: { process_ms: toSampleStats(state.baseline) },
    lazy_checks: lazyChecks,
    modules: { after, package: config.package, loaded },
    importtime,
    failures: state.failures,
    runs: { processes: state.runs.processes, child_ms: round2(state.runs.child_ms) },
  };
}
