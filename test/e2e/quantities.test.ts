/**
 * The quantities beside import time, checked against independent truth on real python3
 * processes: peak memory against the interpreter's own accounting, CPU time against wall
 * time, and "not on the CPU" against an import that sleeps.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { loadConfig } from "../../scripts/lib/config.ts";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { measureTrees } from "../../scripts/lib/measure/trees.ts";
import { render as renderTerminal } from "../../scripts/lib/render/terminal.ts";
import { checkBudgets, budgetFailed } from "../../scripts/lib/budgets.ts";
import { validateResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, sh, tempDir, writeTree, hangLimit } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

const HEAVY = "import email.parser, asyncio, http.client, decimal, json\nBLOB = [bytes(1024) for _ in range(20000)]\n";

function tree(files: Record<string, string>) {
  const dir = writeTree(tempDir(), files);
  return { label: "t", dir, git: null };
}

describe("memory and CPU of a real import", async () => {
  const spec = tree({ "pyproject.toml": '[project]\nname = "heavy"\n', "heavy/__init__.py": HEAVY });
  const config = loadConfig(spec.dir, undefined, { iterations: 5, warmup: 1, importtime_runs: 0 });
  const [result] = await measureTrees([spec], { config, toolVersion: "t", runId: "r" });
  const m = result!.measurements.heavy_total!;

  test("rss_mb agrees within 15% with the interpreter's own peak (ru_maxrss of a process started from a shell)", () => {
    // Started through sh: ru_maxrss carries the spawning parent's size across fork+exec on
    // Linux, and sh is small, while this test runner is not.
    const probe = sh(spec.dir, ["sh", "-c", "python3 -c 'import resource, heavy; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)'"], { PYTHONPATH: spec.dir });
    const reference = (Number(probe.stdout.trim()) * 1024) / 1e6;
    expect(reference).toBeGreaterThan(10);
    const measured = m.quantities!.rss_mb!.median;
    expect(Math.abs(measured - reference) / reference).toBeLessThan(0.15);
  });

  test("the import adds memory over the interpreter alone (python -c pass through the same harness)", () => {
    const interpreter = result!.interpreter!.quantities!.rss_mb!.median;
    expect(m.quantities!.rss_mb!.median - interpreter).toBeGreaterThan(15); // 20,000 KiB of bytes objects, at least
  });

  test("cpu_ms is at most the import's wall time and the process time, per run", () => {
    const cpu = m.quantities!.cpu_ms!.samples;
    const wall = m.quantities!.import_ms!.samples;
    const process = m.quantities!.process_ms!.samples;
    cpu.forEach((value, i) => {
      expect(value).toBeLessThanOrEqual(wall[i]! * 1.05 + 0.5);
      expect(value).toBeLessThanOrEqual(process[i]!);
    });
  });

  test("budgets name quantities: a memory limit below the import's peak fails, above it passes", () => {
    const peak = m.quantities!.rss_mb!.median;
    const checks = checkBudgets(result!, { targets: {}, limits: { "heavy_total.rss_mb.median": peak / 2 } });
    expect(checks[0]).toMatchObject({ status: "fail", quantity: "rss_mb" });
    expect(budgetFailed(checks)).toBe(true);
    expect(checkBudgets(result!, { targets: {}, limits: { "heavy_total.rss_mb.median": peak * 2 } })[0]!.status).toBe("pass");
  });
});

test("an import that sleeps 300 ms shows at least 250 ms not on the CPU, and the report says so", async () => {
  const spec = tree({ "pyproject.toml": '[project]\nname = "sleepy"\n', "sleepy/__init__.py": "import time\ntime.sleep(0.3)\n" });
  const config = loadConfig(spec.dir, undefined, { iterations: 3, warmup: 0, importtime_runs: 0 });
  const [result] = await measureTrees([spec], { config, toolVersion: "t", runId: "r" });
  const q = result!.measurements.sleepy_total!.quantities!;
  expect(q.import_ms!.median - q.cpu_ms!.median).toBeGreaterThanOrEqual(250);
  // Two copies compared: the CPU line names the wait.
  const comparison = buildComparison([validateResult(result, "a.json"), validateResult(result, "b.json")]);
  expect(renderTerminal(comparison)).toMatch(/of which \d+ ms not on the CPU/);
});

test("a lazy branch that avoids heavy modules shows less memory, with a verdict", async () => {
  const eager = tree({ "pyproject.toml": '[project]\nname = "app"\n', "app/__init__.py": HEAVY });
  const lazy = tree({ "pyproject.toml": '[project]\nname = "app"\n', "app/__init__.py": "def load():\n    import email.parser, asyncio\n" });
  const config = loadConfig(eager.dir, undefined, { iterations: 8, warmup: 1, importtime_runs: 0, max_iterations: 8 });
  const results = await measureTrees([eager, lazy], { config, toolVersion: "t", runId: "r" });
  const comparison = buildComparison(results.map((result, i) => validateResult(result, `${i}.json`)));
  const memory = comparison.candidates[0]!.measurements[0]!.quantities.find((q) => q.quantity === "rss_mb")!;
  expect(memory.direction).toBe("lower");
  expect(memory.typical!.estimatePct!).toBeGreaterThan(20);
  expect(memory.importAdds!.baseline!).toBeGreaterThan(memory.importAdds!.candidate!);
});
