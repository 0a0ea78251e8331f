/**
 * Measuring one or more trees, end to end: resolve each tree's interpreter and
 * environment, give it a bytecode cache of its own, run the schedule with the real
 * executor, and build one result file per tree. The caller saves them.
 */
import type { Config } from "../config.ts";
import { pruneStaleTemporaries, TEMP_PREFIXES, temporaryDir } from "../process.ts";
import { buildResult } from "./result.ts";
import type { Environment, ResultFile } from "../result/schema.ts";
import { UserError } from "../errors.ts";
import { type Counter, detectCounter, noCounterMessage } from "./counter.ts";
import { checkDropCaches, dropPageCache, PythonExecutor, type TreeRuntime } from "./executor.ts";
import { childEnvironment, defaultPython, resolvePython } from "./python.ts";
import { type MeasureEvent, newTreeRecords, schedule } from "./scheduler.ts";

export interface TreeSpec {
  /** How the tree is named in progress and reports: a ref, or "working tree". */
  label: string;
  dir: string;
  git: { ref: string | null; commit: string | null; dirty: boolean; worktree?: boolean } | null;
  /** Interpreter for this tree (default: the config's first, else the tree's .venv, else python3). */
  python?: string;
  /** The python of the tree's cached environment (env/attach.ts): spawned instead, the tree first on PYTHONPATH. */
  environmentPython?: string;
  /** Facts recorded in this tree's file only (e.g. `deps`, its dependencies). */
  environment?: Partial<Environment>;
}

export interface MeasureOptions {
  config: Config;
  toolVersion: string;
  /** Shared by every file of this invocation. */
  runId: string;
  onEvent?: (event: MeasureEvent) => void;
  /** Source of randomness for the round order (tests may seed it). */
  random?: () => number;
  /** Checked between runs; when it returns true, measuring stops. */
  stopped?: () => boolean;
  stopCode?: () => number;
  /** Drop the OS page cache before every run (Linux, root): disk-cold starts. */
  dropCaches?: boolean;
  /** Environment facts recorded in every file (e.g. the instruction counter). */
  environment?: Partial<Environment>;
  /** The instruction counter, with metric "instructions" (see `instructionCounter`). */
  counter?: Counter;
}

/**
 * The counter for metric "instructions", checked before anything is created, and what the
 * result files record about it; a UserError (exit 2) saying how to get one when there is none.
 */
export async function instructionCounter(): Promise<{ counter: Counter; environment: Partial<Environment> }> {
  const counter = await detectCounter();
  if (!counter) throw new UserError(`--metric instructions: ${noCounterMessage()}`);
  return { counter, environment: { counter: `${counter.name} ${counter.version}` } };
}

/** Resolves a tree's interpreter and environment; every Python process it needs is counted. */
export async function prepareTree(
  spec: TreeSpec,
  config: Config,
): Promise<{ runtime: TreeRuntime; probe: { processes: number; ms: number }; removeCache: () => void }> {
  const probe = { processes: 0, ms: 0 };
  const requested = spec.python ?? config.python[0] ?? defaultPython(spec.dir);
  const resolved = await resolvePython(spec.environmentPython ?? requested, spec.dir, (ms) => {
    probe.processes += 1;
    probe.ms += ms;
  });
  // In a cached environment the interpreter is still named as asked (a matrix groups by it).
  const python = spec.environmentPython ? { ...resolved, requested } : resolved;
  const environment = childEnvironment(spec.dir, python, process.env, spec.environmentPython ? true : !python.inVenv);
  const cache = temporaryDir(TEMP_PREFIXES.pycache);
  return {
    runtime: { label: spec.label, dir: spec.dir, python, env: environment.env, envChanges: environment.changes, pycache: cache.dir },
    probe,
    removeCache: cache.remove,
  };
}

export async function measureTrees(specs: TreeSpec[], options: MeasureOptions): Promise<ResultFile[]> {
  const { config } = options;
  if (options.dropCaches) checkDropCaches();
  if (config.metric === "instructions" && !options.counter) {
    const found = await instructionCounter();
    options = { ...options, counter: found.counter, environment: { ...options.environment, ...found.environment } };
  }
  // Bytecode caches of runs that were killed outright.
  pruneStaleTemporaries(TEMP_PREFIXES.pycache);
  const prepared: Awaited<ReturnType<typeof prepareTree>>[] = [];
  try {
    for (const spec of specs) prepared.push(await prepareTree(spec, config));
    return await measurePrepared(specs, prepared, options);
  } finally {
    for (const tree of prepared) tree.removeCache();
  }
}

async function measurePrepared(specs: TreeSpec[], prepared: Awaited<ReturnType<typeof prepareTree>>[], options: MeasureOptions): Promise<ResultFile[]> {
  const { config } = options;
  const records = prepared.map(({ runtime, probe }) => {
    const tree = newTreeRecords(runtime);
    tree.runs.processes += probe.processes;
    tree.runs.child_ms += probe.ms;
    return tree;
  });
  const executor = new PythonExecutor({
    timeoutMs: config.timeout * 1000, pyc: config.pyc, counter: options.counter, beforeEach: options.dropCaches ? dropPageCache : undefined,
  });
  await schedule(records, {
    config, executor, onEvent: options.onEvent, random: options.random, stopped: options.stopped, stopCode: options.stopCode,
  });
  const timestamp = Date.now() / 1000;
  return records.map((tree, index) =>
    buildResult(tree, {
      config, toolVersion: options.toolVersion, git: specs[index]!.git, runId: options.runId, runOrder: index, timestamp,
      environment: specs[index]!.environment ? { ...options.environment, ...specs[index]!.environment } : options.environment,
    }));
}
