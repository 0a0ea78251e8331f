/**
 * `compare --history` with a commit in two folders (two shards' caches, a cache restored
 * twice): each point is drawn from one file, so its median and its change against the
 * previous point come from the same measurement; the files left out are named in a note.
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { assembleHistory, assemblePoints } from "../../scripts/lib/history/assemble.ts";
import { buildTrend } from "../../scripts/lib/history/trend.ts";
import { renderTrendTerminal } from "../../scripts/lib/render/history-terminal.ts";
import { type LoadedResult, validateResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, tempDir, writeTree } from "../helpers.ts";

afterAll(cleanupTempDirs);

const commitOf = (k: number) => k.toString(16).padStart(40, "0");

function cacheFile(path: string, options: { depth: number; samples: number[]; runId: string; timestamp: number }): LoadedResult {
  const sorted = [...options.samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const stats = { n: sorted.length, min: sorted[0]!, max: sorted.at(-1)!, mean: median, median, stddev: 0, mad: 0, p25: median, p75: median };
  const commit = commitOf(options.depth);
  return validateResult({
    timestamp: options.timestamp,
    python_version: "3.11.7",
    measurements: { pkg_total: { ...stats, iterations: sorted.length, samples: options.samples, statement: "import pkg", quantities: { import_ms: { ...stats, samples: options.samples } } } },
    module_counts: { total: 100, filtered: 3 },
    schema_version: 1,
    git: { ref: commit.slice(0, 12), commit, dirty: false },
    run_id: options.runId,
    environment: { python: "/usr/bin/python3", python_version: "3.11.7", platform: "Linux", cpu: "cpu", pyc: "warm", env: {}, metric: "time" },
    failures: {},
    history: { subject: `commit ${options.depth}`, author: "A <a@example.com>", date: "2024-01-01T00:00:00Z", first_parent_depth: options.depth, host: "ci", cache_key: "k" },
  }, path);
}

const around = (centre: number, n: number, phase = 0) => Array.from({ length: n }, (_, i) => Number((centre * (1 + 0.01 * Math.sin(i * 1.7 + phase))).toFixed(3)));

test("compare --history over three folders, a commit in two of them: a median that rose never reads faster", async () => {
  const dir = tempDir();
  const [a, b, c] = ["shard1/cache", "shard2/cache", "other/cache"].map((folder) => join(dir, folder));
  const files = [
    cacheFile(join(a!, "cold_start_c1_a_1000.json"), { depth: 1, samples: around(14, 6), runId: "A", timestamp: 1000 }),
    cacheFile(join(a!, "cold_start_c2_a_1000.json"), { depth: 2, samples: around(12, 6, 1), runId: "A", timestamp: 1000 }),
    cacheFile(join(b!, "cold_start_c1_b_2000.json"), { depth: 1, samples: around(10, 10, 2), runId: "B", timestamp: 2000 }),
    cacheFile(join(c!, "cold_start_c3_c_3000.json"), { depth: 3, samples: around(12.5, 6, 3), runId: "C", timestamp: 3000 }),
  ];
  writeTree("/", Object.fromEntries(files.map((file) => [file.source, JSON.stringify(file.data)])));
  const trend = await assembleHistory([a!, b!, c!], { thresholdPct: 5 });
  expect(trend.points.map((point) => point.files.length)).toEqual([1, 1, 1]);
  const [first, second] = trend.points;
  expect(second!.median!).toBeGreaterThan(first!.median!);
  expect(second!.change!.figures.estimatePct!).toBeLessThan(0); // baseline − candidate: slower
  const text = renderTrendTerminal(trend);
  expect(text).not.toContain("faster");
  expect(text).toContain(`Note: 1 commit in more than one file: one file per commit is used`);
  expect(text).toContain(`not ${files[0]!.source}`);
});

test("a commit in two folders: one file per point, median and change from the same files, the others named", () => {
  // Commit 1 in two shards' caches: run A (paired with commit 2, median 14 ms) and run B (more runs, median 10 ms).
  const files = [
    cacheFile("shard1/cache/c1_a.json", { depth: 1, samples: around(14, 6), runId: "A", timestamp: 1000 }),
    cacheFile("shard1/cache/c2_a.json", { depth: 2, samples: around(12, 6, 1), runId: "A", timestamp: 1000 }),
    cacheFile("shard2/cache/c1_b.json", { depth: 1, samples: around(10, 10, 2), runId: "B", timestamp: 2000 }),
    cacheFile("other/cache/c3_c.json", { depth: 3, samples: around(12.5, 6, 3), runId: "C", timestamp: 3000 }),
  ];
  const { points, duplicates } = assemblePoints(files, undefined);
  expect(points.map((point) => point.files.map((file) => file.path))).toEqual([["shard2/cache/c1_b.json"], ["shard1/cache/c2_a.json"], ["other/cache/c3_c.json"]]);
  expect(duplicates).toEqual([{ commit: commitOf(1), used: "shard2/cache/c1_b.json", skipped: ["shard1/cache/c1_a.json"] }]);

  const trend = buildTrend(points, { range: null, every: null, thresholdPct: 5, metric: null });
  trend.notes.push({ kind: "duplicates", commits: duplicates });
  for (const point of trend.points.slice(1)) {
    const before = trend.points.find((p) => p.commit === point.change!.from)!;
    // The change (baseline − candidate, + faster) agrees with the medians shown: a median that rose never reads "faster".
    expect(Math.sign(point.change!.figures.estimatePct!)).toBe(Math.sign(before.median! - point.median!));
  }
  expect(trend.points[1]!.change!.figures.estimatePct!).toBeLessThan(0);
  const text = renderTrendTerminal(trend);
  expect(text).not.toContain("faster");
  expect(text).toContain("one file per commit");
  expect(text).toContain("shard1/cache/c1_a.json");
});

test("copies of one file in two folders are one file, and no note", () => {
  const a = cacheFile("shard1/cache/c1.json", { depth: 1, samples: around(10, 6), runId: "A", timestamp: 1000 });
  const copy = cacheFile("shard2/cache/c1.json", { depth: 1, samples: around(10, 6), runId: "A", timestamp: 1000 });
  const b = cacheFile("shard1/cache/c2.json", { depth: 2, samples: around(10, 6, 1), runId: "A", timestamp: 1000 });
  const { points, duplicates } = assemblePoints([a, copy, b], undefined);
  expect(points.map((point) => point.files.length)).toEqual([1, 1]);
  expect(duplicates).toEqual([]);
});
