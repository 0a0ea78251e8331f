/**
 * `coldstart-compare --merge benchmark_results/cold_start_*.json`, the glob a user types:
 * it matches cold_start_latest.json too, a copy of the run's last file. That copy is
 * skipped when its twin is given (and said so); alone, it stands for its run's file.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, FAST, gitRepo, runScript, tempDir } from "../helpers.ts";

setDefaultTimeout(180_000);
afterAll(cleanupTempDirs);

test("--merge with the shell's cold_start_*.json: the latest copy is skipped, the report is the folder's", async () => {
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "import json\n" }, { lazy: { "pkg/__init__.py": "" } });
  const out = tempDir("coldstart-out-");
  const bench = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "main", "lazy"], { cwd: repo });
  expect(bench.code).toBe(0);
  // What `cold_start_*.json` expands to in a shell: sorted, the latest copy among them.
  const glob = readdirSync(out).filter((name) => /^cold_start_.*\.json$/.test(name)).sort().map((name) => join(out, name));
  const names = glob.map((path) => path.slice(out.length + 1));
  expect(names).toHaveLength(3);
  const lazy = glob[names.findIndex((name) => /^cold_start_lazy_\d+\.json$/.test(name))]!;
  const main = glob[names.findIndex((name) => /^cold_start_main_\d+\.json$/.test(name))]!;
  expect(names).toContain("cold_start_latest.json");
  const typed = await runScript("compare_benchmarks.ts", ["--merge", ...glob, "--format", "json"]);
  expect(typed.stderr).toBe(`coldstart-compare: note: skipped ${join(out, "cold_start_latest.json")}: a copy of ${lazy}\n`);
  expect(typed.code).toBe(0);
  const folder = await runScript("compare_benchmarks.ts", ["--merge", out, "--format", "json"]);
  expect(folder.code).toBe(0);
  expect(JSON.parse(typed.stdout)).toEqual(JSON.parse(folder.stdout));

  // Without its twin, the latest copy is that run's file.
  const alone = await runScript("compare_benchmarks.ts", ["--merge", main, join(out, "cold_start_latest.json"), "--format", "json"]);
  expect(alone.stderr).toBe("");
  expect(alone.code).toBe(0);
});
