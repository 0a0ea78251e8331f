/**
 * Fixture packages made in the scratch folder.
 *
 * `benchpkg` (sections 1, 2, 3, 6, 8): imports two real standard-library modules and then
 * runs a loop worth about 25 ms, so its import takes about 30 ms like a small real package.
 * The +3% and +10% candidates run more iterations: the extra is calibrated on this
 * machine from the harness's own times, taken alternately (the base import, and the bare
 * loop executed as a statement, whose bytecode is the module's). The fastest runs are used:
 * on this shared VM bursts of contention slow runs by 30–100%, and a median can fall in a
 * burst for one statement and not the other; the fastest run is the undisturbed cost.
 */
import { mkdirSync } from "node:fs";
import { copyTree, writeFile } from "../lib/write.ts";
import { dirname, join } from "node:path";
import { PythonExecutor } from "../lib/measure/executor.ts";
import { prepareTree } from "../lib/measure/trees.ts";
import { median } from "../lib/stats/describe.ts";
import { benchConfig, type Bench, once } from "./common.ts";

export const PKG = "benchpkg";
const LOOP_MS = 25;
const PROBE_ITERATIONS = 1_000_000;

/** Writes `files` (relative path -> text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFile(full, text);
  }
  return dir;
}

/**
 * The module-level loop both the fixtures and the probes run: `iterations` increments of a
 * global. Every iteration costs the same (x stays a one-digit int below 2^30), so a cost
 * probed at one length holds at another.
 */
export const loopSource = (iterations: number) => `x = 0\nfor i in range(${iterations}):\n    x += 1\n`;

function benchPackage(dir: string, iterations: number): string {
  return writeTree(dir, {
    "pyproject.toml": `[project]\nname = "${PKG}"\n`,
    [`${PKG}/__init__.py`]: "import json\nimport email.parser\nfrom . import work\n",
    [`${PKG}/work.py`]: loopSource(iterations),
  });
}

export interface TimedFixtures {
  base: string;
  /** A second copy of the base (A/A comparisons measure two trees, as two refs would be). */
  baseCopy: string;
  plus3: string;
  plus10: string;
  /** Fastest import time of the base, ms, by the harness (the calibration's reference). */
  baseImportMs: number;
  /** Median import time of the base, ms, over the same runs. */
  baseMedianMs: number;
  /** One loop iteration, µs. */
  iterationUs: number;
  loops: { base: number; plus3: number; plus10: number };
}

/** Harness times (ms) of `statements` in `dir`, taken alternately, `runs` each. */
export async function alternateTimes(bench: Bench, dir: string, statements: string[], runs: number): Promise<number[][]> {
  const config = benchConfig(dir, PKG, { python: [bench.python.executable] });
  const prepared = await prepareTree({ label: "calibration", dir, git: null }, config);
  try {
    const executor = new PythonExecutor({ timeoutMs: 30_000, pyc: "warm" });
    const times: number[][] = statements.map(() => []);
    for (let run = 0; run < runs + 1; run += 1) {
      for (const [index, statement] of statements.entries()) {
        const result = await executor.run({ tree: prepared.runtime, statement, kind: "timed", checks: [] });
        if (!result.ok) throw new Error(`calibration: \`${statement}\` failed in ${dir}: ${result.failure.message}`);
        if (run > 0) times[index]!.push(result.quantities.import_ms!); // the first round warms the bytecode cache
      }
    }
    return times;
  } finally {
    prepared.removeCache();
  }
}

export function timedFixtures(bench: Bench): Promise<TimedFixtures> {
  return once(bench, "timed-fixtures", async () => {
    const calibration = benchPackage(join(bench.work, "calibration"), 0);
    const probeStatement = loopSource(PROBE_ITERATIONS);
    const [, probeTimes] = await alternateTimes(bench, calibration, ["import benchpkg", probeStatement], 9);
    const iterationMs = Math.min(...probeTimes!) / PROBE_ITERATIONS;
    const baseLoops = Math.round(LOOP_MS / iterationMs);
    const base = benchPackage(join(bench.work, "base"), baseLoops);
    // The base import and the probe loop alternately: the same hours for both.
    const [baseTimes, loopTimes] = await alternateTimes(bench, base, ["import benchpkg", probeStatement], 15);
    const perIterationMs = Math.min(...loopTimes!) / PROBE_ITERATIONS;
    const baseImportMs = Math.min(...baseTimes!);
    const extra = (share: number) => Math.round((share * baseImportMs) / perIterationMs);
    const loops = { base: baseLoops, plus3: baseLoops + extra(0.03), plus10: baseLoops + extra(0.1) };
    const baseCopy = join(bench.work, "base-copy");
    copyTree(base, baseCopy);
    const fixtures: TimedFixtures = {
      base,
      baseCopy,
      plus3: benchPackage(join(bench.work, "plus3"), loops.plus3),
      plus10: benchPackage(join(bench.work, "plus10"), loops.plus10),
      baseImportMs,
      baseMedianMs: median(baseTimes!),
      iterationUs: perIterationMs * 1000,
      loops,
    };
    bench.log(
      `fixture: base import fastest ${baseImportMs.toFixed(1)} ms, median ${median(baseTimes!).toFixed(1)} ms (${loops.base} loop iterations of ${(perIterationMs * 1e6).toFixed(1)} ns); ` +
        `+3%: ${loops.plus3 - loops.base} more, +10%: ${loops.plus10 - loops.base} more`,
    );
    return fixtures;
  });
}
