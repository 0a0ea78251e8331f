/**
 * `coldstart-bench --history RANGE` end to end on the 40-commit fixture (real git and
 * python3; commit 23 imports heavy modules up front): the trend marks commit 23 and no
 * other, the HTML page renders in headless Chromium (light and dark), a second run reads
 * every point from the cache, and two CI shards' files assemble with
 * `coldstart-compare --history` — with the warning that wall times from two machines are
 * not comparable.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Trend } from "../../scripts/lib/model/history.ts";
import { renderTrendTerminal } from "../../scripts/lib/render/history-terminal.ts";
import { CHROMIUM, colourStats, luminance, screenshot } from "../support/chromium.ts";
import { buildHistoryRepo } from "../support/history-fixture.ts";
import { cleanupTempDirs, hangLimit, missing, repoSnapshot, runScript, tempDir, worktreeCount } from "../helpers.ts";

// Real git and python3 runs: a history of 11 commits with enough runs each for Holm's correction.
setDefaultTimeout(hangLimit(400_000));

const noChromium = missing("the trend page in a browser (history-trend.test.ts)", CHROMIUM ? null : "no chromium on PATH (apt-get install -y chromium)");

let repo = "";
let commits: string[] = [];
let snapshot = "";
let shardRepo = "";
let shardSnapshot = "";
let out = "";
let dir = "";

beforeAll(() => {
  repo = tempDir("coldstart-history-");
  commits = buildHistoryRepo(repo);
  snapshot = repoSnapshot(repo);
  shardRepo = tempDir("coldstart-history-");
  buildHistoryRepo(shardRepo);
  shardSnapshot = repoSnapshot(shardRepo);
  dir = tempDir("coldstart-history-out-");
  out = join(dir, "results");
});
afterAll(cleanupTempDirs);

/** Wall time, every 4th commit from commit 3 (commit 23 is a point), a 10x step against a 200% threshold (see history-bisect.test.ts). */
const HISTORY = ["--history", "main~37..main", "--every", "4", "--metric", "time", "--importtime-runs", "0", "--threshold", "200"];

/** The repository as it was (helpers.ts repoSnapshot), with only its own worktree. */
function expectUntouched(dir = repo, before = snapshot): void {
  expect(repoSnapshot(dir)).toBe(before);
  expect(worktreeCount(dir)).toBe(1);
}

const markedDepths = (trend: Trend) => trend.points.filter((point) => point.change?.marked).map((point) => point.depth);
const cacheFiles = () => readdirSync(join(out, "cache")).filter((name) => name.endsWith(".json")).sort();

describe("history", () => {
  test.concurrent("marks commit 23 and no other; writes the trend as JSON and the HTML page", async () => {
    const started = performance.now();
    const run = await runScript("benchmark_cold_start.ts", [...HISTORY, "--out", out, "--format", "json", "--output", join(dir, "trend.json"), "--html", join(dir, "trend.html")], { cwd: repo });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("History of main~37..main: 11 points (every 4 commits); 9+ runs per commit");
    expect(run.stdout).toContain("0 points from the cache, 11 measured now.");
    expect(run.stderr).toBe(`coldstart-bench: wrote ${join(dir, "trend.html")}\ncoldstart-bench: wrote ${join(dir, "trend.json")}\n`);
    const trend = JSON.parse(readFileSync(join(dir, "trend.json"), "utf8")) as Trend;
    console.log(`history of 11 points, measured: ${seconds} s\n${renderTrendTerminal(trend)}`);
    expect(trend.points).toHaveLength(11);
    expect(trend.points.map((point) => point.depth)).toEqual([3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 40]);
    expect(markedDepths(trend)).toEqual([23]);
    const step = trend.points.find((point) => point.depth === 23)!;
    expect(step.commit).toBe(commits[22]!);
    expect(step.change!.verdict).toBe("slower");
    expect(step.change!.figures.paired).toBe(true);
    expect(step.change!.modulesDelta).toBeGreaterThan(40);
    expect(trend.correction).toBe("holm");
    expect(trend.comparisons).toBe(10);
    expect(trend.comparable).toBe(true);
    expect(trend.points.every((point) => point.n >= 9 && point.cached === false)).toBe(true);
    // Neighbours are measured together, in batches of 8 that overlap by one: 11 points, 12 files.
    expect(cacheFiles()).toHaveLength(12);
    expect(readFileSync(join(out, "cache", ".gitignore"), "utf8")).toContain("*");
    const page = readFileSync(join(dir, "trend.html"), "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain(`data-commit="${commits[22]}"`);
    expect(page.match(/class="tmark-head /g)).toHaveLength(1); // one labelled marker, in the trend chart
    expectUntouched();
  });
});

// Measured beside the history above (test.concurrent: each keeps about one core busy), on a
// repository of its own, so each checks that its own repository is untouched.
describe("shards", () => {
  test.concurrent("two CI shards' files assemble with compare --history; wall time from two machines is flagged", async () => {
    // Commits 21..25: shard 1 measures 21, 23, 25 and shard 2 measures 22, 24.
    const shardArgs = ["--history", "main~19..main~15", "--metric", "time", "--importtime-runs", "0", "--threshold", "200", "--iterations", "5", "--max-iterations", "5"];
    const outs = [join(tempDir("coldstart-shard-"), "r"), join(tempDir("coldstart-shard-"), "r")];
    const runs = await Promise.all([1, 2].map(async (k) => runScript("benchmark_cold_start.ts", [...shardArgs, "--shard", `${k}/2`, "--out", outs[k - 1]!], { cwd: shardRepo })));
    for (const run of runs) expect(run.code).toBe(0);
    expect(runs[0]!.stdout).toContain("shard 1/2: 3 of them");
    expect(runs[1]!.stdout).toContain("Note: Shard 2/2: 2 of 5 points.");
    const files = outs.map((folder) => readdirSync(join(folder, "cache")).filter((name) => name.endsWith(".json")));
    expect(files.map((list) => list.length)).toEqual([3, 2]);
    // The second shard ran on "another machine".
    for (const name of files[1]!) {
      const path = join(outs[1]!, "cache", name);
      const data = JSON.parse(readFileSync(path, "utf8"));
      data.history.host = "runner-b";
      writeFileSync(path, JSON.stringify(data));
    }
    const html = join(tempDir("coldstart-shard-"), "trend.html");
    const assembled = await runScript("compare_benchmarks.ts", ["--history", ...outs.map((folder) => join(folder, "cache")), "--threshold", "200", "--html", html]);
    console.log(assembled.stdout);
    expect(assembled.code).toBe(0);
    const rows = assembled.stdout.split("\n").filter((line) => /^\d+\s+[0-9a-f]{9}\s/.test(line));
    expect(rows.map((line) => /commit (\d+)/.exec(line)![1])).toEqual(["21", "22", "23", "24", "25"]);
    expect(rows.filter((line) => line.includes("◆")).map((line) => /commit (\d+)/.exec(line)![1])).toEqual(["23"]);
    expect(assembled.stdout).toContain("Note: Points come from 2 machines: wall times are not comparable across machines.");
    expect(readFileSync(html, "utf8")).toContain('<div class="warning" role="alert">⚠ These points are not comparable');
    const json = await runScript("compare_benchmarks.ts", ["--history", ...outs.map((folder) => join(folder, "cache")), "--threshold", "200", "--format", "json"]);
    const trend = JSON.parse(json.stdout) as Trend;
    expect(trend.comparable).toBe(false);
    expect(trend.points.every((point) => point.change === null || !point.change.figures.paired)).toBe(true);
    expect(markedDepths(trend)).toEqual([23]);
    expectUntouched(shardRepo, shardSnapshot);
  });
});

describe("history", () => {
  test("a second run reads every point from the cache", async () => {
    const before = cacheFiles();
    const run = await runScript("benchmark_cold_start.ts", [...HISTORY, "--out", out], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("11 points from the cache, 0 measured now.");
    expect(run.stdout).toContain("COLD START HISTORY: fixpkg_total (import fixpkg), import time per commit");
    const markedRows = run.stdout.split("\n").filter((line) => /^\s*\d+\s+[0-9a-f]{9}\s.*◆/.test(line));
    expect(markedRows).toHaveLength(1);
    expect(markedRows[0]).toContain("commit 23: import email.parser");
    expect(cacheFiles()).toEqual(before);
    // --no-cache measures afresh (here: one commit's worth, to keep it short).
    const fresh = await runScript("benchmark_cold_start.ts", ["--history", "main~1..main", "--metric", "time", "--importtime-runs", "0", "--no-cache", "--out", out, "--iterations", "6", "--max-iterations", "6", "--threshold", "200"], { cwd: repo });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("0 points from the cache, 2 measured now.");
    expectUntouched();
  });
});

test.skipIf(noChromium)("the HTML page renders in headless Chromium, light and dark", async () => {
  const page = join(dir, "trend.html");
  expect(existsSync(page)).toBe(true);
  const light = colourStats(await screenshot(page, join(dir, "light.png")));
  const dark = colourStats(await screenshot(page, join(dir, "dark.png"), ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]));
  // A chart, a table and text: many colours, a good share of the page inked.
  expect(light.distinct).toBeGreaterThan(200);
  expect(light.inked).toBeGreaterThan(0.05);
  expect(luminance(light.background)).toBeGreaterThan(200);
  expect(dark.distinct).toBeGreaterThan(200);
  expect(luminance(dark.background)).toBeLessThan(60);
});
