/**
 * End to end: `bun scripts/test_cold_start.ts` on real fixture repos.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readResult } from "../../scripts/lib/result/read.ts";
import { FAST, cleanupTempDirs, expectOneLine, gitRepo, hangLimit, runScript, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

const PACKAGE = {
  "pyproject.toml": `[project]
name = "shop"

[[tool.coldstart.lazy]]
key = "decimal_eagerly_loaded"
label = "Decimal"
module = "decimal"
`,
  "shop/__init__.py": "import json\nfrom . import cart\n",
  "shop/cart.py": "TOTAL = 0\n",
};

/** One plain repository for the refusals: each checks that nothing was written in it. */
let plain = "";
beforeAll(() => {
  plain = gitRepo(PACKAGE);
});

test("prints the seed's progress and writes a schema-1 file with exact module counts", async () => {
  const repo = gitRepo(PACKAGE);
  const run = await runScript("test_cold_start.ts", ["--iterations", "3", "--warmup", "0", "--importtime-runs", "1"], { cwd: repo });
  expect(run.code).toBe(0);
  for (const line of [
    "Running cold start benchmarks...",
    "Measuring 'import shop'...",
    "  Mean: ",
    "Counting loaded modules...",
    "  Total modules: ",
    "  Shop modules: 2",
    "Checking if decimal is eagerly loaded...",
    "  Decimal loaded: False",
    "Top import-time offenders",
  ]) {
    expect(run.stdout).toContain(line);
  }
  const all = readdirSync(join(repo, "benchmark_results")).sort();
  expect(all[0]).toBe(".gitignore"); // the output folder ignores itself
  const files = all.slice(1);
  expect(files).toHaveLength(2);
  expect(files[0]).toMatch(/^cold_start_\d+\.json$/);
  expect(files[1]).toBe("cold_start_latest.json");
  const result = await readResult(join(repo, "benchmark_results", "cold_start_latest.json"));
  expect(result.data.schema_version).toBe(1);
  expect(result.data.git!.ref).toBe("main");
  expect(result.data.git!.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(result.data.decimal_eagerly_loaded).toBe(false);
  expect(readFileSync(join(repo, "benchmark_results", files[0]!), "utf8")).toBe(
    readFileSync(join(repo, "benchmark_results", "cold_start_latest.json"), "utf8"),
  );
});

test("--json prints only the result on stdout; --out chooses the folder", async () => {
  const repo = gitRepo(PACKAGE);
  const out = tempDir();
  const run = await runScript("test_cold_start.ts", [...FAST, "--json", "--repo", repo, "--out", out]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.measurements.shop_total.iterations).toBe(3);
  expect(readdirSync(out)).toContain("cold_start_latest.json");
});

test("a failed limit exits 1; a passing target does not", async () => {
  const repo = gitRepo({
    ...PACKAGE,
    "coldstart.json": JSON.stringify({ budgets: { targets: { "modules.total": 100000 }, limits: { "shop_total.mean": 0.001 } } }),
  });
  const run = await runScript("test_cold_start.ts", [...FAST, "--config", "coldstart.json"], { cwd: repo });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/PASS\s+target modules\.total/);
  expect(run.stdout).toMatch(/FAIL\s+limit\s+shop_total\.mean/);
});

test("a package that fails to import: named with its error, exit 2, file still written", async () => {
  const repo = gitRepo({ ...PACKAGE, "shop/__init__.py": "import definitely_not_installed_anywhere\n" });
  const run = await runScript("test_cold_start.ts", FAST, { cwd: repo });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("shop_total: `import shop` failed");
  expect(run.stderr).toContain("ModuleNotFoundError");
  const result = await readResult(join(repo, "benchmark_results", "cold_start_latest.json"));
  expect(result.data.failures!.shop_total!.kind).toBe("error");
});

test.each([
  [["--iterations", "ten"], '--iterations must be a whole number >= 1 (got "ten")'],
  [["--iterations", "0"], "--iterations must be a whole number >= 1"],
  [["--iterations", "-1"], "--iterations must be a whole number >= 1"],
  [["--python", "/nonexistent/python9"], "--python /nonexistent/python9: no such file"],
  [["--python", "no-such-python-anywhere"], 'python interpreter "no-such-python-anywhere": not found'],
  [["--python", "3.99"], 'python interpreter "3.99": no python3.99 on PATH, in pyenv or in uv'],
  [["--bogus"], 'unknown option "--bogus"; see coldstart-test --help'],
])("bad input %p: one line, exit 2, no stack", async (args, message) => {
  expectOneLine(await runScript("test_cold_start.ts", [...FAST, ...args], { cwd: plain }), message);
  expect(readdirSync(plain)).not.toContain("benchmark_results");
});

test("outside a git repository and any Python project, without --repo: one line, exit 2", async () => {
  const dir = tempDir();
  expectOneLine(await runScript("test_cold_start.ts", FAST, { cwd: dir }), "is not inside a git repository or a Python project");
});

test("a Python project outside git is measured where it is (the nearest pyproject.toml), with git null", async () => {
  const dir = writeTree(tempDir(), PACKAGE);
  const run = await runScript("test_cold_start.ts", FAST, { cwd: join(dir, "shop") });
  expect(run.code).toBe(0);
  const result = await readResult(join(dir, "benchmark_results", "cold_start_latest.json"));
  expect(result.data.git).toBeUndefined();
  expect(result.data.measurements.shop_total!.iterations).toBe(3);
});

test("--help and --version", async () => {
  const help = await runScript("test_cold_start.ts", ["--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage: coldstart-test");
  const version = await runScript("test_cold_start.ts", ["--version"]);
  expect(version.stdout.trim()).toMatch(/^coldstart-test \d+\.\d+\.\d+$/);
});
