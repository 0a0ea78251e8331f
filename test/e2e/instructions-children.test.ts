/**
 * An import that starts a Python subprocess (as py-cpuinfo does at import): counted
 * instructions of the importing process stay exact — they spread by ≤ 0.01% — while the
 * child's instructions and the number of child processes are reported apart, and an A/A
 * comparison finds no change. Real git, python3 and valgrind (a reported skip without a
 * counter).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { detectCounter } from "../../scripts/lib/measure/counter.ts";
import { readResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs } from "../helpers.ts";
import { background } from "../support/background.ts";

setDefaultTimeout(600_000);
afterAll(cleanupTempDirs);

const counter = await detectCounter();
if (!counter) console.log("skipped: instruction counts of an import that starts a process (no instruction counter: install valgrind)");

test.skipIf(!counter)("importing process exact, children apart, A/A no change", async () => {
  // Started with the suite, beside the files before this one (test/support/background.ts).
  const { run, out } = (await background("instructions-children"))!;
  expect(run.code).toBe(0);
  const files = (await Array.fromAsync(new Bun.Glob("cold_start_main_*.json").scan(out))).sort();
  const results = await Promise.all(files.map((name) => readResult(join(out, name))));
  expect(results).toHaveLength(2);
  for (const result of results) {
    const quantities = result.measurements.spawner_total!.quantities;
    const own = quantities.instructions!;
    const spread = (own.max - own.min) / own.median;
    console.log(`importing process: ${own.samples.join(", ")} (spread ${(spread * 100).toFixed(5)}%); children: ${quantities.child_instructions?.samples.join(", ")}`);
    expect(spread).toBeLessThanOrEqual(0.0001);
    expect(quantities.child_processes?.samples.every((value) => value === 1)).toBe(counter!.perProcess);
    // The child is a whole Python start-up: at least most of what `python -c pass` counts.
    const interpreter = result.data.interpreter?.quantities?.instructions?.median;
    expect(interpreter).toBeGreaterThan(0);
    if (counter!.perProcess) expect(quantities.child_instructions!.median).toBeGreaterThan(interpreter! * 0.5);
  }
  expect(run.stdout).toMatch(/instructions\s.*no (significant )?change|no change/);
  expect(run.stdout).not.toMatch(/spread .* though meant to be exact/);
});
