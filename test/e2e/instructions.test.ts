/**
 * --metric instructions end to end: real git, real python3, real valgrind (skipped, with
 * the reason printed, where no instruction counter exists; CI installs valgrind).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { detectCounter } from "../../scripts/lib/measure/counter.ts";
import { readResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, gitRepo, hangLimit, missing, runScript, scaledSeconds, tempDir } from "../helpers.ts";
import { background } from "../support/background.ts";

// The A/A run starts with the suite (test/support/background.ts); the timeout test runs
// here, at once (test.concurrent): it mostly waits for its counted run's timeout.
setDefaultTimeout(hangLimit(400_000));
afterAll(cleanupTempDirs);

const counter = await detectCounter();
const noCounter = missing("--metric instructions end to end", counter ? null : "no instruction counter (apt-get install valgrind)");
const noValgrind = !noCounter && missing("the counted-run timeout test", counter!.name === "cachegrind" ? null : `its fixture hangs only under valgrind's preload library, and the counter here is ${counter!.name}`);

test.concurrent.skipIf(noCounter)("A/A agrees within 0.5%, a heavier import counts more, and the verdicts speak in instructions", async () => {
  // Started with the suite, beside the files before this one (test/support/background.ts).
  const { run, out } = (await background("instructions-aa"))!;
  expect(run.code).toBe(0);
  const files = (await Array.fromAsync(new Bun.Glob("cold_start_*_*.json").scan(out))).filter((name) => !name.includes("latest")).sort();
  const loaded = await Promise.all(files.map((name) => readResult(join(out, name))));
  const counts = (ref: string) => loaded.filter((r) => r.data.git?.ref === ref).map((r) => r.measurements.tiny_total!.quantities.instructions!);
  const [a, b] = counts("main");
  const [heavy] = counts("heavier");
  expect(a!.n).toBeGreaterThanOrEqual(5);
  expect(Math.abs(a!.median - b!.median) / a!.median).toBeLessThan(0.005);
  expect((a!.max - a!.min) / a!.median).toBeLessThan(0.005);
  expect(heavy!.median).toBeGreaterThan(a!.median * 1.5);
  expect(loaded[0]!.data.environment!.counter).toMatch(/^(cachegrind|perf) /);
  expect(loaded[0]!.data.environment!.env.PYTHONHASHSEED).toBe("0 (counted runs)");
  // Wall time is measured in the same invocation: the files hold both.
  expect(loaded[0]!.measurements.tiny_total!.quantities.import_ms!.n).toBe(6);
  expect(run.stdout).toMatch(/more instructions/);
  expect(run.stdout).toContain("Counting instructions of 'tiny_total'");
});

test.concurrent.skipIf(noCounter || noValgrind)("an import that outlives its timeout under the counter: one line, exit 2", async () => {
  // The timeout must trip in the counted run only. The uncounted runs (timed runs, the
  // interpreter baseline) start python3 in some 40 ms on a calm machine: 0.5 s, stretched by
  // the machine's slowness, leaves them a wide margin. A counted run gets 40 times the
  // timeout (COUNT_TIMEOUT_FACTOR), and under the counter this import never ends.
  const timeout = scaledSeconds(0.5);
  const slow = gitRepo({ "pyproject.toml": '[project]\nname = "slow"\n', "slow/__init__.py": "import time, os\n# Only under valgrind (its preload library): the timed runs are quick.\nif 'vgpreload' in os.environ.get('LD_PRELOAD', ''):\n    time.sleep(100_000)\n" });
  const run = await runScript("benchmark_cold_start.ts", [
    "--metric", "instructions", "--timeout", String(timeout), "--iterations", "6", "--max-iterations", "6", "--warmup", "0", "--importtime-runs", "0", "--out", tempDir(), "main",
  ], { cwd: slow });
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/timed out .* under (cachegrind|perf)/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
});
