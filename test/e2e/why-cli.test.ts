/**
 * "Why" end to end: the measuring tools collect importers and hotspots in uncounted runs,
 * print where the time goes and `--why MODULE`'s chain, and compare names the chains.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { HOTSPOT_RUNS } from "../../scripts/lib/measure/hotspot-merge.ts";
import { readResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, git, gitRepo, hangLimit, runScript, slowness, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

const FILES = {
  "pyproject.toml": '[project]\nname = "acme"\n[tool.coldstart]\nimporttime_runs = 0\n',
  "acme/__init__.py": "from .cli import ssh\nfrom . import probe\n",
  "acme/cli/__init__.py": "",
  "acme/cli/ssh.py": "import asyncio\n",
  "acme/probe.py": "import time\n\n\ndef get_info():\n    time.sleep(0.15)\n    return 1\n\n\nINFO = get_info()\n",
};

test("coldstart-test: the chain to a module with file:line, and the line behind the time", async () => {
  const repo = gitRepo(FILES);
  const run = await runScript("test_cold_start.ts", ["--iterations", "3", "--warmup", "0", "--why", "asyncio"], { cwd: repo });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("import acme → acme/__init__.py:1 from .cli import ssh → acme/cli/ssh.py:1 import asyncio");
  // The 150 ms sleep, shown to the hundredth; on a busy machine the sleeper waits for a CPU after it wakes.
  const shown = /Where the time goes in 'import acme'[\s\S]*acme\/probe\.py:9\s+acme\.probe\.get_info\s+(\d+\.\d\d)ms/.exec(run.stdout);
  expect(shown).not.toBeNull();
  expect(Number(shown![1])).toBeGreaterThanOrEqual(140);
  expect(Number(shown![1])).toBeLessThan(200 * slowness());
  const result = await readResult(join(repo, "benchmark_results", "cold_start_latest.json"));
  // The importers and hotspots runs are not samples, but they are processes the run needed.
  expect(result.data.measurements.acme_total!.samples).toHaveLength(3);
  expect(result.data.runs!.processes).toBe(1 + 3 * 2 + 1 + HOTSPOT_RUNS); // probe, 3 rounds of (statement, pass), importers, the hotspots runs
  expect(result.data.importers!.acme_total!.asyncio!.file).toBe("acme/cli/ssh.py");
  const hotspot = result.data.hotspots!.acme_total!.find((h) => h.call.endsWith("get_info"))!;
  expect(hotspot.line).toBe(9);
  expect(hotspot.ms).toBeGreaterThan(120);
  expect(hotspot.ms).toBeLessThan(180 * slowness());
});

test("compare names the chain behind a lazy check that turned eager and a newly loaded package", async () => {
  const repo = gitRepo({
    ...FILES,
    "pyproject.toml": `${FILES["pyproject.toml"]}\n[[tool.coldstart.lazy]]\nkey = "asyncio_loaded"\nmodule = "asyncio"\n`,
    "acme/__init__.py": "from . import probe\n",
  });
  git(repo, "checkout", "-qb", "eager");
  writeTree(repo, { "acme/__init__.py": "from .cli import ssh\nfrom . import probe\n" });
  git(repo, "commit", "-qam", "eager");
  const run = await runScript("benchmark_cold_start.ts", ["--iterations", "3", "--max-iterations", "3", "--warmup", "0", "--out", tempDir(), "main", "eager"], { cwd: repo });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/asyncio\s+Baseline: NOT LOADED\s+Optimized: LOADED\s+✗ NOW EAGER\n\s+import acme → acme\/__init__\.py:1 from \.cli import ssh → acme\/cli\/ssh\.py:1 import asyncio/);
  expect(run.stdout).toMatch(/Newly loaded:\n\s+\+ asyncio \(\d+ modules, standard library\): import acme → /);
  expect(run.stdout).toContain("✗ asyncio (asyncio) is now loaded eagerly");
});
