/**
 * Measuring over time without spawning anything: the bisect's search and judgement with a
 * fake source of result files, the trend (markers, Holm's correction, notes), sampling and
 * shards, the batches, the statistics helpers, and the renderers' safety (escaping, CSP).
 */
import { describe, expect, test } from "bun:test";
import { bisect, judge, maxSteps, type PairSource, stepLevel } from "../../scripts/lib/history/bisect.ts";
import type { CachedFile } from "../../scripts/lib/history/cache.ts";
import { inShard, parseRange, parseShard, sample } from "../../scripts/lib/history/commits.ts";
import type { CommitFacts, Figures } from "../../scripts/lib/model/history.ts";
import { historyBatches } from "../../scripts/lib/history/sources.ts";
import { buildTrend, type PointInput } from "../../scripts/lib/history/trend.ts";
import { pointsFromFiles } from "../../scripts/lib/history/assemble.ts";
import { renderTrendHtml } from "../../scripts/lib/render/history-html.ts";
import { renderTrendTerminal } from "../../scripts/lib/render/history-terminal.ts";
import { bisectResult, stepLine } from "../../scripts/lib/render/bisect-terminal.ts";
import { type LoadedResult, validateResult } from "../../scripts/lib/result/read.ts";
import { holmAdjusted, medianInterval, runsForLevel } from "../../scripts/lib/stats/multiple.ts";
import { normal } from "../../scripts/selfbench/random.ts";
import { seeded } from "../helpers.ts";

const facts = (k: number, subject = `commit ${k}`): CommitFacts => ({
  commit: k.toString(16).padStart(40, "0"), subject, author: "A <a@example.com>", date: "2024-01-01T00:00:00Z", depth: k,
});

/** A deterministic, slightly spread series around `centre` (ms). */
function series(centre: number, n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Number((centre * (1 + 0.01 * Math.sin(i * 1.7 + phase))).toFixed(3)));
}

function result(options: { commit: CommitFacts; samples: number[]; runId?: string; modules?: number; host?: string; python?: string; failed?: boolean; metric?: "time" | "modules" }): LoadedResult {
  const { samples } = options;
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const stats = { n: samples.length, min: sorted[0]!, max: sorted[sorted.length - 1]!, mean: median, median, stddev: 0, mad: 0, p25: median, p75: median };
  const measurements = options.failed ? {} : {
    pkg_total: {
      ...stats, iterations: samples.length, samples, statement: "import pkg",
      quantities: {
        import_ms: { ...stats, samples },
        ...(options.metric === "modules" ? { modules: { ...stats, mean: options.modules ?? 100, median: options.modules ?? 100, min: options.modules ?? 100, max: options.modules ?? 100, samples: samples.map(() => options.modules ?? 100) } } : {}),
      },
    },
  };
  return validateResult({
    timestamp: 1_700_000_000 + (options.commit.depth ?? 0),
    python_version: options.python ?? "3.11.7",
    measurements,
    module_counts: { total: options.modules ?? 100, filtered: 3 },
    schema_version: 1,
    git: { ref: options.commit.commit.slice(0, 12), commit: options.commit.commit, dirty: false },
    run_id: options.runId ?? `run-${options.commit.depth}`,
    environment: { python: "/usr/bin/python3", python_version: options.python ?? "3.11.7", platform: "Linux", cpu: "cpu", pyc: "warm", env: {}, metric: options.metric ?? "time" },
    modules: { after: "import pkg", package: "pkg", loaded: Array.from({ length: options.modules ?? 100 }, (_, i) => `m${i}`) },
    failures: options.failed ? { pkg_total: { statement: "import pkg", kind: "error", message: "ImportError: boom", stderr_tail: "" } } : {},
    history: { subject: options.commit.subject, author: options.commit.author, date: options.commit.date, first_parent_depth: options.commit.depth, host: options.host ?? "ci-1", cache_key: "k" },
  }, `${options.commit.commit.slice(0, 6)}.json`);
}

const file = (loaded: LoadedResult): CachedFile => ({ path: loaded.source, result: loaded, commit: loaded.data.git!.commit! });

describe("bisect search", () => {
  const path = Array.from({ length: 41 }, (_, i) => facts(i + 1)); // commits 1..41: good is 1, bad 41
  const slowFrom = 23;
  const centre = (k: number) => (k >= slowFrom ? 30 : 10);

  test("names the first slow commit of 40 in at most 6 steps after the check, paired runs", async () => {
    const measured: number[] = [];
    const source: PairSource = {
      attempts: 3,
      async measure(candidate) {
        const k = candidate.depth!;
        measured.push(k);
        const runId = `pair-${k}`;
        return { baseline: file(result({ commit: path[0]!, samples: series(10, 8), runId })), candidate: file(result({ commit: candidate, samples: series(centre(k), 8, 1), runId, modules: k >= slowFrom ? 190 : 100 })), cached: false };
      },
    };
    const report = await bisect(source, { path, thresholdPct: 5, measurement: "pkg_total", metric: "time", metricSource: "asked" });
    expect(report.outcome).toBe("found");
    expect(report.first!.commit.depth).toBe(slowFrom);
    expect(report.first!.parent.depth).toBe(slowFrom - 1);
    expect(report.steps.length).toBeLessThanOrEqual(7);
    expect(report.steps.length - 1).toBeLessThanOrEqual(maxSteps(40));
    expect(maxSteps(40)).toBe(6);
    expect(measured[0]).toBe(41);
    expect(report.steps.every((step) => step.figures.paired)).toBe(true);
    const total = report.first!.moduleCounts.find((row) => row.key === "total")!;
    expect([total.baseline, total.candidate]).toEqual([100, 190]);
    expect(report.first!.moduleDiff!.newlyLoaded.length).toBeGreaterThan(0);
    const text = bisectResult(report).join("\n");
    expect(text).toContain(`First slow commit: ${path[slowFrom - 1]!.commit}`);
    expect(text).toContain("Author: A <a@example.com>");
    expect(text).not.toContain("Loads ");
    // --why MODULE --bisect: the lines that load it at the first commit that does.
    const chain = [
      { module: "pkg", by: null, file: null, line: null, code: "import pkg" },
      { module: "uuid", by: "pkg.types", file: "src/pkg/types.py", line: 10, code: "import uuid" },
    ];
    const why = bisectResult({ ...report, module: "uuid", first: { ...report.first!, whyChain: chain as never } }).join("\n");
    expect(why).toMatch(/  Loads uuid: .*src\/pkg\/types\.py:10 import uuid/);
    expect(bisectResult({ ...report, module: "uuid", first: { ...report.first!, whyChain: null } }).join("\n")).toContain("Loads uuid: (its importer was not recorded)");
  });

  test("too few runs at first: measured again with more, then decided", async () => {
    const attempts: number[] = [];
    const source: PairSource = {
      attempts: 3,
      async measure(candidate, attempt) {
        attempts.push(attempt);
        const n = attempt === 0 ? 3 : 8;
        const runId = `r-${candidate.depth}-${attempt}`;
        return { baseline: file(result({ commit: path[0]!, samples: series(10, n), runId })), candidate: file(result({ commit: candidate, samples: series(centre(candidate.depth!), n, 2), runId })), cached: false };
      },
    };
    const report = await bisect(source, { path: path.slice(0, 3), thresholdPct: 5, measurement: "pkg_total", metric: "time", metricSource: "asked" });
    expect(report.steps[0]!.attempts).toBe(2);
    expect(attempts.slice(0, 2)).toEqual([0, 1]);
    expect(report.outcome).toBe("not-reproducible");
  });

  test("bad not slower: not reproducible after the check alone", async () => {
    const source: PairSource = {
      attempts: 3,
      async measure(candidate) {
        return { baseline: file(result({ commit: path[0]!, samples: series(10, 8), runId: "x" })), candidate: file(result({ commit: candidate, samples: series(10, 8, 3), runId: "x" })), cached: true };
      },
    };
    const report = await bisect(source, { path, thresholdPct: 5, measurement: "pkg_total", metric: "time", metricSource: "asked" });
    expect(report.outcome).toBe("not-reproducible");
    expect(report.steps).toHaveLength(1);
    const text = bisectResult(report).join("\n");
    expect(text).toContain("Not reproducible: bad");
    expect(text).toContain("could detect ±");
    expect(stepLine(report.steps[0]!)).toContain("[paired, n=8/8, from the cache]");
  });

  test("judge: slow needs the threshold; no change needs the power to see it", () => {
    const base: Figures = {
      measurement: "m", headline: "import_ms", verdict: "slower", reason: null, estimatePct: -4, ciPct: null, mdePct: 2, pValue: 0.01,
      paired: true, n: null, baselineMedian: null, candidateMedian: null,
    };
    expect(judge(base, 5)).toBe("good");
    expect(judge({ ...base, estimatePct: -5 }, 5)).toBe("slow");
    expect(judge({ ...base, verdict: "no-change" }, 5)).toBe("good");
    expect(judge({ ...base, verdict: "no-change", mdePct: 9 }, 5)).toBe("again");
    expect(judge({ ...base, verdict: "no-change", mdePct: 9 }, 0)).toBe("good");
    // The interval's slow end (−ciPct.low) below the threshold rules a threshold-sized slowdown out.
    expect(judge({ ...base, verdict: "no-change", mdePct: 9, ciPct: { low: -4, high: 3 } }, 5)).toBe("good");
    expect(judge({ ...base, verdict: "no-change", mdePct: 9, ciPct: { low: -6, high: 3 } }, 5)).toBe("again");
    expect(judge({ ...base, verdict: "inconclusive" }, 5)).toBe("again");
    expect(judge({ ...base, verdict: "faster", estimatePct: 20 }, 5)).toBe("good");
    // A step needs the search's shared level: slower by the threshold at p = 0.03 is measured again.
    expect(stepLevel(40)).toBeCloseTo(0.05 / 6, 12);
    expect(judge({ ...base, estimatePct: -5, pValue: 0.03 }, 5, stepLevel(40))).toBe("again");
    expect(judge({ ...base, estimatePct: -5, pValue: 0.001 }, 5, stepLevel(40))).toBe("slow");
    expect(judge({ ...base, estimatePct: -5, pValue: 0.03 }, 5)).toBe("slow");
  });

  test("noise misleads the search at most 5% of the time: 300 seeded bisects over 16 commits, 15% noise", async () => {
    const random = seeded(20261126);
    const draw = (centre: number, n: number) => Array.from({ length: n }, () => Number((centre * Math.exp(0.15 * normal(random))).toFixed(4)));
    const short = path.slice(0, 17);
    const firstSlow = 12;
    let wrong = 0;
    let pairs = 0;
    for (let trial = 0; trial < 300; trial += 1) {
      const source: PairSource = {
        attempts: 3,
        async measure(candidate, attempt) {
          const n = 10 * 2 ** attempt;
          const runId = `t${trial}-${candidate.depth}-${attempt}`;
          pairs += 1;
          return {
            baseline: file(result({ commit: short[0]!, samples: draw(10, n), runId })),
            candidate: file(result({ commit: candidate, samples: draw(candidate.depth! >= firstSlow ? 20 : 10, n), runId })),
            cached: false,
          };
        },
      };
      const report = await bisect(source, { path: short, thresholdPct: 2, measurement: "pkg_total", metric: "time", metricSource: "asked" });
      if (report.first?.commit.depth !== firstSlow) wrong += 1;
    }
    // Each search takes 4 steps after the check; a per-step 5% level would be misled far more often.
    expect(pairs).toBeGreaterThanOrEqual(300 * 5);
    expect(wrong / 300).toBeLessThanOrEqual(0.05);
  }, 60_000); // a hang limit: a few seconds on a calm machine, many more on a busy one
});

describe("trend", () => {
  const commits = Array.from({ length: 12 }, (_, i) => facts(i + 1));
  const points = (centre: (k: number) => number, options: { host?: (k: number) => string; n?: number } = {}): PointInput[] =>
    commits.map((commit) => ({
      facts: commit,
      files: [{ path: `${commit.depth}.json`, result: result({ commit, samples: series(centre(commit.depth!), options.n ?? 12, commit.depth!), host: options.host?.(commit.depth!), modules: centre(commit.depth!) > 15 ? 180 : 100 }) }],
      cached: true,
    }));

  test("one step is marked; the unpaired neighbours elsewhere are not", () => {
    const trend = buildTrend(points((k) => (k >= 7 ? 30 : 10)), { range: "a..b", every: 1, thresholdPct: 5, metric: "time" });
    expect(trend.correction).toBe("holm");
    expect(trend.comparisons).toBe(11);
    const marked = trend.points.filter((point) => point.change?.marked).map((point) => point.depth);
    expect(marked).toEqual([7]);
    expect(trend.points[6]!.change!.verdict).toBe("slower");
    expect(trend.points[6]!.change!.modulesDelta).toBe(80);
    expect(trend.points[0]!.change).toBeNull();
    expect(trend.comparable).toBe(true);
    expect(trend.notes).toEqual([]);
    const text = renderTrendTerminal(trend);
    expect(text).toContain("◆");
    expect(text.split("\n").filter((line) => line.includes("◆"))).toHaveLength(2); // the row and the summary
  });

  test("--metric modules: every change of the module set is a step, exact, whatever its size; no change reads so", () => {
    const input: PointInput[] = commits.map((commit) => ({
      facts: commit,
      files: [{ path: `${commit.depth}.json`, result: result({ commit, samples: [10], metric: "modules", modules: commit.depth! >= 5 ? 103 : 100 }) }],
      cached: true,
    }));
    const trend = buildTrend(input, { range: "a..b", every: 1, thresholdPct: 5, metric: "modules" });
    expect(trend.headline).toBe("modules");
    expect(trend.correction).toBe("exact");
    expect(trend.comparisons).toBe(11);
    expect(trend.points.filter((point) => point.change?.marked).map((point) => point.depth)).toEqual([5]);
    const text = renderTrendTerminal(trend);
    expect(text).toContain("modules loaded per commit");
    expect(text).toContain("Markers: every change in modules loaded (exact: one run per commit).");
    expect(text).toContain("◆ 3 more modules (+3.0%), exact");
    expect(text).toContain("no change: 100 modules on both (exact)");
    expect(text).not.toContain("Holm");
  });

  test("a change below the threshold is significant but not marked", () => {
    const trend = buildTrend(points((k) => (k >= 7 ? 10.4 : 10)), { range: null, every: null, thresholdPct: 5, metric: "time" });
    expect(trend.points[6]!.change!.verdict).toBe("below-threshold");
    expect(trend.points.some((point) => point.change?.marked)).toBe(false);
  });

  test("Holm: with few runs a step that would pass alone does not pass among many", () => {
    // 6 vs 6 unpaired: p = 2/924 = 0.0022 alone, times 11 comparisons = 0.024 < 0.05: still marked;
    // 5 vs 5: p = 2/252 = 0.0079, times 11 = 0.087: not.
    expect(buildTrend(points((k) => (k >= 7 ? 30 : 10), { n: 6 }), { range: null, every: null, thresholdPct: 5, metric: "time" }).points[6]!.change!.marked).toBe(true);
    const few = buildTrend(points((k) => (k >= 7 ? 30 : 10), { n: 5 }), { range: null, every: null, thresholdPct: 5, metric: "time" });
    expect(few.points[6]!.change!.verdict).toBe("no-change");
    expect(few.points[6]!.change!.figures.verdict).toBe("slower");
    expect(few.points[6]!.change!.adjustedP).toBeCloseTo((2 / 252) * 11, 6);
  });

  test("wall time from two machines: not comparable, and said so on the page", () => {
    const trend = buildTrend(points((k) => (k >= 7 ? 30 : 10), { host: (k) => (k % 2 ? "runner-a" : "runner-b") }), { range: null, every: null, thresholdPct: 5, metric: "time" });
    expect(trend.comparable).toBe(false);
    expect(trend.machines).toHaveLength(2);
    expect(trend.notes[0]).toEqual({ kind: "machines-differ", machines: 2 });
    expect(renderTrendHtml(trend)).toContain("not comparable");
  });

  test("a failed commit: no point value, the next compared with the last measured one", () => {
    const input = points((k) => (k >= 7 ? 30 : 10));
    input[6] = { ...input[6]!, files: [{ path: "f.json", result: result({ commit: commits[6]!, samples: [], failed: true }) }] };
    const trend = buildTrend(input, { range: null, every: null, thresholdPct: 5, metric: "time" });
    expect(trend.points[6]!.status).toBe("failed");
    expect(trend.points[6]!.failure).toBe("ImportError: boom");
    expect(trend.points[7]!.change!.from).toBe(commits[5]!.commit);
    expect(trend.points[7]!.change!.distance).toBe(2);
    expect(trend.points[7]!.change!.marked).toBe(true);
    expect(trend.notes.map((note) => note.kind)).toEqual(["failed"]);
  });

  test("the page is self-contained and escapes what files say", () => {
    const input = points((k) => (k >= 7 ? 30 : 10));
    const evil = { ...commits[3]!, subject: `<script>alert("x")</script> & "quotes"` };
    input[3] = { ...input[3]!, facts: evil };
    const page = renderTrendHtml(buildTrend(input, { range: "v1..v2", every: 2, thresholdPct: 5, metric: "time" }));
    expect(page).toContain("Content-Security-Policy");
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(page).toContain('<svg class="trend"');
    expect(page).toContain("prefers-color-scheme:dark");
  });

  test("assembling files: ordered by depth, duplicates once, two histories refused", () => {
    const a = result({ commit: commits[2]!, samples: series(10, 6) });
    const b = result({ commit: commits[0]!, samples: series(10, 6) });
    const points = pointsFromFiles([a, b, a]);
    expect(points.map((point) => point.facts.depth)).toEqual([1, 3]);
    expect(points[1]!.files).toHaveLength(1);
    const twin = result({ commit: { ...facts(99), depth: 3 }, samples: series(10, 6) });
    expect(() => pointsFromFiles([a, twin])).toThrow(/same depth/);
    const bare = validateResult({ ...a.data, history: undefined }, "bare.json");
    expect(() => pointsFromFiles([bare])).toThrow(/bare\.json: no "history" record/);
  });
});

describe("commits, sampling, shards, batches", () => {
  test("ranges and shards", () => {
    expect(parseRange("main~50..main")).toEqual({ from: "main~50", to: "main" });
    expect(parseRange("v1.0..")).toEqual({ from: "v1.0", to: "HEAD" });
    expect(() => parseRange("main")).toThrow(/OLD\.\.NEW/);
    expect(() => parseRange("a...b")).toThrow(/symmetric/);
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/2", "3/2", "x", "1/0"]) expect(() => parseShard(bad)).toThrow(/K\/N/);
  });

  test("every K-th from the first, the last always kept; each point in exactly one shard", () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(sample(items, 1)).toEqual(items);
    expect(sample(items, 3)).toEqual([0, 3, 6, 9]);
    expect(sample(items, 4)).toEqual([0, 4, 8, 9]);
    const shard = (index: number) => items.filter((i) => inShard(i, { index, count: 3 }));
    expect([shard(1), shard(2), shard(3)]).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
  });

  test("batches overlap by one so every neighbour pair shares a run; a shard's do not", () => {
    const points = Array.from({ length: 21 }, (_, i) => facts(i));
    const depths = (batches: CommitFacts[][]) => batches.map((batch) => batch.map((p) => p.depth));
    expect(depths(historyBatches(points, points.map(() => true), null))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [7, 8, 9, 10, 11, 12, 13, 14], [14, 15, 16, 17, 18, 19, 20]]);
    // Only 5, 6 and 20 missing from the cache: each measured with its neighbours.
    expect(depths(historyBatches(points, points.map((_, i) => i === 5 || i === 6 || i === 20), null))).toEqual([[4, 5, 6, 7], [19, 20]]);
    expect(depths(historyBatches(points, points.map((_, i) => i % 3 === 1), { index: 2, count: 3 }))).toEqual([[1, 4, 7, 10, 13, 16, 19]]);
  });
});

describe("statistics for many comparisons", () => {
  test("Holm's adjusted p-values", () => {
    expect(holmAdjusted([0.01, null, 0.04, 0.03, 0.005])).toEqual([0.03, null, 0.06, 0.06, 0.02]);
    expect(holmAdjusted([0.9, 0.8])).toEqual([1, 1]);
  });

  test("runs for a level: the rank tests' floors", () => {
    expect(runsForLevel(0.05, true)).toBe(6); // 2^-5 = 0.031
    expect(runsForLevel(0.05 / 39, true)).toBe(11); // 2^-10 = 0.00098
    expect(runsForLevel(0.05, false)).toBe(4); // 2/70 = 0.029
    expect(runsForLevel(0.05 / 39, false)).toBe(7); // 2/3432
  });

  test("the median's interval from order statistics", () => {
    expect(medianInterval([5, 1, 4, 2, 3])).toBeNull();
    expect(medianInterval([1, 2, 3, 4, 5, 6])).toEqual({ low: 1, high: 6, confidence: 1 - 2 / 64 });
    const ten = medianInterval([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!;
    expect([ten.low, ten.high]).toEqual([2, 9]);
    expect(ten.confidence).toBeCloseTo(0.9785, 4);
  });
});
