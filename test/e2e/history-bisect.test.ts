/**
 * `coldstart-bench --bisect GOOD BAD` end to end (real git and python3). On a 40-commit
 * fixture whose commit 23 imports heavy standard-library modules up front it names commit
 * 23 in at most 7 measurements with wall time, reads a repeated bisect from the cache, says
 * "not reproducible" (exit 1) when nothing slowed, refuses bad input in one line (exit 2).
 * On histories slowed at a random commit, the default bisect picks its metric and names the
 * commit: modules when the slow commit adds modules (128 commits), instructions (with a
 * counter) when it only adds work (16 commits: every counted step is some 20 s under
 * valgrind, so that bisect starts with the suite, in test/support/background.ts's lane;
 * `bun run bench --only 11` bisects 128 such commits). Every repository —
 * dirty, with a stash — is left exactly as it was, also when interrupted.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { detectCounter } from "../../scripts/lib/measure/counter.ts";
import type { BisectReport } from "../../scripts/lib/model/history.ts";
import { background } from "../support/background.ts";
import { buildHistoryRepo, makeHistoryDirty, slowedHistory, type SlowedHistory } from "../support/history-fixture.ts";
import { cleanupTempDirs, hangLimit, missing, repoSnapshot, runScript, startScript, tempDir, worktreeCount, worktreeFolders } from "../helpers.ts";

// Real git and python3 runs; an instruction-counted bisect runs python under valgrind (a
// few minutes on a calm two-core machine, beside the wall-time bisect): limits for hangs.
setDefaultTimeout(hangLimit(600_000));

let repo = "";
let commits: string[] = [];
let snapshot = "";
const noCounter = missing("the work-only bisect (history-bisect.test.ts)", (await detectCounter()) ? null : "no instruction counter (apt-get install valgrind)");

/** The 128-commit history slowed by modules, and its snapshot; the work-only one is background.ts's. */
let modulesHistory: SlowedHistory & { snapshot: string };

beforeAll(() => {
  repo = tempDir("coldstart-bisect-");
  commits = buildHistoryRepo(repo);
  makeHistoryDirty(repo);
  snapshot = repoSnapshot(repo);
  const history = slowedHistory(tempDir("coldstart-bisect-long-"), "modules", 128);
  modulesHistory = { ...history, snapshot: repoSnapshot(history.dir) };
});
afterAll(cleanupTempDirs);

/**
 * Fast wall-time settings. The step is 10x; on a busy two-core machine identical commits
 * can differ by half or more in wall time, so "slow" here means 3x (200% slower).
 */
const TIME = ["--metric", "time", "--iterations", "6", "--max-iterations", "8", "--importtime-runs", "0", "--threshold", "200"];

function expectUntouched(tmp?: string, dir = repo, before = snapshot): void {
  expect(repoSnapshot(dir)).toBe(before);
  expect(worktreeCount(dir)).toBe(1);
  if (tmp) expect(worktreeFolders(tmp)).toEqual([]);
}

const stepLines = (stdout: string) => stdout.split("\n").filter((line) => /^(check|step \d+)\s/.test(line));

const out = () => join(tempDir("coldstart-bisect-out-"), "results");
let cacheOut = "";

describe("wall time", () => {
  test.concurrent("names commit 23 in at most 7 measurements, with its subject, author, date, modules and chains", async () => {
    cacheOut = out();
    const started = performance.now();
    const run = await runScript("benchmark_cold_start.ts", ["--bisect", "main~39", "main", ...TIME, "--out", cacheOut], { cwd: repo });
    console.log(`wall-time bisect: ${((performance.now() - started) / 1000).toFixed(1)} s\n${run.stdout}`);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const steps = stepLines(run.stdout);
    expect(steps.length).toBeLessThanOrEqual(7);
    expect(steps[0]).toMatch(/^check\s+\S+\s+commit 40: .*slower.* → slow$/);
    expect(run.stdout).toContain(`First slow commit: ${commits[22]}`);
    expect(run.stdout).toContain("  commit 23: import email.parser, asyncio, http.client, decimal up front");
    expect(run.stdout).toContain("  Author: coldstart test <test@example.com>");
    expect(run.stdout).toMatch(/ {2}Date: {3}2023-11-1\dT/);
    expect(run.stdout).toMatch(/Modules after the import, against its parent [0-9a-f]{9}: \d+ → \d+ \(\+\d+\)/);
    expect(run.stdout).toMatch(/\+ asyncio \(\d+ modules, standard library\): import fixpkg → fixpkg\/__init__\.py:5 import email\.parser, asyncio/);
    expectUntouched(run.tmp);
  });
});

// The default bisect, as a user runs it: no --metric, no --iterations. Beside the wall-time
// bisect above (test.concurrent): modules are exact and instructions do not depend on the load.
describe("the default bisect picks its metric", () => {
  test.concurrent("128 commits, one adds modules: the modules metric, one run per commit, the commit named", async () => {
    const history = modulesHistory;
    const started = performance.now();
    const run = await runScript("benchmark_cold_start.ts", ["--bisect", `main~${history.count - 1}`, "main", "--out", join(tempDir("coldstart-bisect-out-"), "r")], { cwd: history.dir });
    console.log(`modules bisect (slow at ${history.slowAt}): ${((performance.now() - started) / 1000).toFixed(1)} s\n${run.stdout}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("metric: modules loaded, because the two ends load different modules");
    const steps = stepLines(run.stdout);
    expect(steps.length).toBeLessThanOrEqual(8);
    expect(steps.every((line) => line.includes("modules"))).toBe(true);
    expect(run.stdout).toContain(`First slow commit: ${history.commits[history.slowAt - 1]}`);
    expect(run.stdout).toContain(`commit ${history.slowAt}: import email.parser`);
    expectUntouched(run.tmp, history.dir, history.snapshot);
  });

  // Started with the suite, beside the files before this one (test/support/background.ts).
  test.concurrent.skipIf(noCounter)("16 commits, one adds only work: instructions, the counter's default, the commit named", async () => {
    const history = (await background("bisect-work"))!;
    const run = history.run;
    console.log(`instructions bisect (${history.count} commits, slow at ${history.slowAt}): ${history.seconds.toFixed(1)} s\n${run.stdout}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("metric: instructions (counted), the default for bisect when an instruction counter is found");
    const steps = stepLines(run.stdout);
    expect(steps.length).toBeLessThanOrEqual(5);
    expect(steps.every((line) => line.includes("instructions"))).toBe(true);
    expect(steps.some((line) => line.includes("undecided"))).toBe(false);
    expect(run.stdout).toContain(`First slow commit: ${history.commits[history.slowAt - 1]}`);
    expectUntouched(run.tmp, history.repo, history.snapshot);
  });
});

describe("wall time", () => {
  test("a repeated bisect reads every step from the cache (--json)", async () => {
    const run = await runScript("benchmark_cold_start.ts", ["--bisect", "main~39", "main", ...TIME, "--out", cacheOut, "--json"], { cwd: repo });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BisectReport;
    expect(report.kind).toBe("bisect");
    expect(report.metricSource).toBe("asked");
    expect(report.first!.commit.commit).toBe(commits[22]!);
    expect(report.first!.commit.depth).toBe(23);
    expect(report.steps.every((step) => step.cached)).toBe(true);
    expect(report.first!.moduleDiff!.newlyLoaded.some((row) => row.package === "asyncio" && row.chain !== null)).toBe(true);
    expect(run.stderr).not.toContain("measuring");
    // Cache files are ordinary result files: compare reads them.
    const cache = join(cacheOut, "cache");
    expect(existsSync(join(cache, ".gitignore"))).toBe(true);
    const [good, bad] = report.steps[0]!.files;
    const compared = await runScript("compare_benchmarks.ts", [good, bad]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain("COLD START BENCHMARK COMPARISON");
    expectUntouched();
  });

  test("nothing slowed: exit 1, with the estimate and what the runs could detect", async () => {
    const run = await runScript("benchmark_cold_start.ts", ["--bisect", "main~39", "main~20", ...TIME, "--out", out()], { cwd: repo });
    console.log(run.stdout);
    expect(run.code).toBe(1);
    expect(stepLines(run.stdout)).toHaveLength(1);
    expect(run.stdout).toMatch(/Not reproducible: bad [0-9a-f]{9} is not significantly slower than good [0-9a-f]{9} by 200% or more: \d+\.\d+% (faster|slower).*could detect ±\d/);
    expectUntouched(run.tmp);
  });
});

describe("bad input: one line, exit 2, nothing created", () => {
  test.each([
    [["--bisect", "main~39", "nosuchref"], /^coldstart-bench: error: unknown ref "nosuchref"/],
    [["--bisect", "main", "main~39"], /GOOD main \([0-9a-f]{9}\) is not an ancestor of BAD main~39 .*give the older commit first/],
    [["--bisect", "main", "main~0"], /are the same commit/],
    [["--bisect", "main~3"], /--bisect needs two refs, GOOD then BAD/],
    [["--bisect", "main~3", "main", "--every", "2"], /--every goes with --history, not --bisect/],
    [["--bisect", "main~3", "main", "--html", "x.html"], /--html: a bisect has no html report; it reports as terminal or json/],
    [["--history", "main"], /give a range OLD\.\.NEW/],
    [["--history", "main~3..main", "--shard", "3/2"], /--shard "3\/2": must be K\/N/],
    [["--history", "main..main~3"], /is not an ancestor of/],
    [["--history", "main~3..main", "main"], /takes the range as its value/],
    [["--bisect", "main~3", "main", "--history", "main~3..main"], /two different questions/],
    [["--bisect", "main~3", "main", "--python", "python3,python3"], /--bisect measures under one interpreter/],
  ])("%p", async (args, message) => {
    const out = join(tempDir("coldstart-bisect-out-"), "r");
    const run = await runScript("benchmark_cold_start.ts", [...args, "--metric", "time", "--out", out], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expectUntouched(run.tmp);
  });
});

describe("interrupted", () => {
  test.each([["SIGINT", 130, "Checking bad"], ["SIGTERM", 143, "Step 1: measuring"]] as const)("%s while measuring: the repository is untouched, no worktree left", async (signal, code, waitFor) => {
    const out = join(tempDir("coldstart-bisect-out-"), "r");
    const run = startScript("benchmark_cold_start.ts", ["--bisect", "main~39", "main", ...TIME, "--out", out], { cwd: repo });
    await run.waitFor(waitFor);
    await Bun.sleep(400); // worktrees exist, python runs
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expect(await run.stderr).toContain(`coldstart-bench: ${signal}: stopping; removing worktrees`);
    expectUntouched(run.tmp);
  });
});
