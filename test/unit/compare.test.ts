import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { parseResult, type LoadedResult } from "../../scripts/lib/result/read.ts";
import { estimateText, figuresText, summaryLines } from "../../scripts/lib/render/words.ts";
import { FIXTURES, loadFixture } from "../helpers.ts";

const fixture = (name: string): LoadedResult => loadFixture(name);

/** A minimal coldstart file with the given import-time samples per measurement. */
function file(name: string, measurements: Record<string, number[]>, extra: Record<string, unknown> = {}): LoadedResult {
  const body: Record<string, unknown> = {
    timestamp: 1, python_version: "3.11.7", schema_version: 1,
    measurements: Object.fromEntries(Object.entries(measurements).map(([key, samples]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return [key, { min: sorted[0], max: sorted.at(-1), mean, median: sorted[Math.floor(samples.length / 2)], iterations: samples.length, samples, statement: `import ${key}` }];
    })),
    module_counts: { total: 10, filtered: 2 },
    modules: { after: "import x", package: "x", loaded: ["x"] },
    ...extra,
  };
  return parseResult(JSON.stringify(body), name);
}

describe("the seed's example numbers", () => {
  const c = buildComparison([fixture("seed_baseline.json"), fixture("seed_optimized.json")]).candidates[0]!;
  test("the seed's deltas and percentages, on means, labelled as such", () => {
    const rows = Object.fromEntries(c.measurements.map((r) => [r.name, [r.means!.deltaMs.toFixed(2), r.means!.deltaPct!.toFixed(2)]]));
    expect(rows).toEqual({
      runpod_total: ["12.35", "4.32"],
      runpod_serverless: ["-18.81", "-5.00"],
      runpod_endpoint: ["-20.75", "-5.48"],
    });
  });
  test("no samples: inconclusive (no samples), arithmetic only, summary from the means with that said", () => {
    expect(c.arithmeticOnly).toBe(true);
    expect(c.measurements.every((r) => r.verdict === "inconclusive" && r.reason?.kind === "no-samples" && r.pValue === null)).toBe(true);
    const lines = summaryLines(c.summary).lines;
    expect(lines[0]).toStartWith("Cold start improved by 12.35ms");
    expect(lines[0]).toContain("no significance");
    expect(lines.slice(1)).toEqual(["That's a 4.3% improvement over baseline", "Baseline: 285.64ms → Optimized: 273.29ms (means)"]);
  });
  test("module counts and lazy keys from top-level booleans", () => {
    expect(c.moduleCounts.map((r) => [r.key, r.package, r.delta])).toEqual([["total", null, 116], ["filtered", "runpod", 2]]);
    expect(c.lazy.map((r) => [r.label, r.change])).toEqual([["Paramiko", "now-lazy"], ["SSH CLI", "now-lazy"]]);
    expect(c.moduleDiff).toBeNull();
    expect(c.importTime).toEqual([]);
  });
  test("the gate fails closed on files without samples: inconclusive, exit 3", () => {
    const gated = buildComparison([fixture("seed_baseline.json"), fixture("seed_optimized.json")], { failOnRegressionPct: 5 });
    expect(gated.gate!.exitCode).toBe(3);
  });
});

describe("schema-1 files with samples (unpaired: no shared run_id)", () => {
  const base = fixture("schema1_base.json");
  test("faster candidate: every figure of the row from one estimate", () => {
    const c = buildComparison([base, fixture("schema1_faster.json")]).candidates[0]!;
    const total = c.measurements.find((r) => r.name === "pkg_total")!;
    expect(c.paired).toBe(false);
    expect(total.test).toBe("mann-whitney");
    expect(total.verdict).toBe("faster");
    expect(total.primary).toBe(true);
    expect(total.estimatePct!).toBeGreaterThan(0);
    expect(total.ciPct!.low).toBeGreaterThan(0);
    expect(total.ciPct!.low).toBeLessThanOrEqual(total.estimatePct!);
    expect(total.ciPct!.high).toBeGreaterThanOrEqual(total.estimatePct!);
    expect(total.mdePct!).toBeGreaterThan(0);
    expect(total.bestCase?.test).toBe("minimum-permutation");
    expect(c.summary.verdict).toBe("faster");
    expect(summaryLines(c.summary).tone).toBe("good");
    expect(c.moduleDiff!.newlyLoaded.map((row) => [row.package, row.modules])).toEqual([["tomllib", 2]]);
    expect(c.moduleDiff!.noLongerLoaded.map((row) => [row.package, row.modules])).toEqual([["email", 4], ["heavy", 3]]);
    expect(c.importTime[0]!.largestChanges[0]).toEqual({ module: "pkg", baselineUs: 45000, candidateUs: 16000, deltaUs: 29000 });
    expect(c.importTime[0]!.topSelf[0]!.module).toBe("pkg.core");
  });
  test("same distribution: no significant change; noise is not reported as a change", () => {
    const c = buildComparison([base, fixture("schema1_same.json")]).candidates[0]!;
    expect(c.measurements.map((r) => r.verdict)).toEqual(["no-change", "no-change"]);
    const summary = summaryLines(c.summary);
    expect(summary.tone).toBe("same");
    expect(summary.lines[0]).toStartWith("No significant change");
    expect(summary.lines.join(" ")).not.toContain("improved");
  });
  test("--primary picks the measurement the summary speaks from", () => {
    const c = buildComparison([base, fixture("schema1_faster.json")], { primary: "pkg_sub" }).candidates[0]!;
    expect(c.summary.measurement).toBe("pkg_sub");
    expect(() => buildComparison([base, base], { primary: "nope" })).toThrow("--primary nope");
    expect(() => buildComparison([base, base], { primary: "toString" })).toThrow("not a measurement");
  });
  test("slower candidate: gate exit 1, now-eager, environment mismatch", () => {
    const c = buildComparison([base, fixture("schema1_slower.json")], { failOnRegressionPct: 5 });
    const k = c.candidates[0]!;
    expect(k.environmentMismatches).toEqual([{ field: "pyc", baseline: "warm", candidate: "cold" }]);
    expect(k.lazy.find((r) => r.key === "cli_loaded")!.change).toBe("now-eager");
    expect(c.gate!.exitCode).toBe(1);
    expect(k.gate!.reasons.some((r) => r.kind === "slower" && r.measurement === "pkg_total")).toBe(true);
    expect(k.gate!.reasons.some((r) => r.kind === "now-eager")).toBe(true);
    expect(k.summary.lazyTurnedEager.map((row) => row.key)).toEqual(["cli_loaded"]);
  });
  test("no --fail-on-regression: no gate", () => {
    expect(buildComparison([base, fixture("schema1_slower.json")]).gate).toBeNull();
  });
  test("three files: each compared with the first", () => {
    const c = buildComparison([base, fixture("schema1_faster.json"), fixture("schema1_slower.json")]);
    expect(c.candidates.map((k) => [c.sides[k.baseline]!.source, c.sides[k.candidate]!.source, k.summary.verdict])).toEqual([
      ["schema1_base.json", "schema1_faster.json", "faster"],
      ["schema1_base.json", "schema1_slower.json", "slower"],
    ]);
  });
  test("seed file against a schema-1 file of the same measurements: means only, python version mismatch", () => {
    const seed = fixture("seed_baseline.json");
    const renamed = JSON.parse(readFileSync(join(FIXTURES, "results", "schema1_base.json"), "utf8"));
    renamed.measurements = { runpod_total: renamed.measurements.pkg_total };
    const k = buildComparison([seed, parseResult(JSON.stringify(renamed), "renamed.json")]).candidates[0]!;
    expect(k.arithmeticOnly).toBe(true);
    expect(k.environmentMismatches[0]).toEqual({ field: "python_version", baseline: "3.8.20", candidate: "3.11.2" });
    expect(k.measurements.find((r) => r.name === "runpod_total")!.means).not.toBeNull();
    expect(k.measurements.filter((r) => r.name !== "runpod_total").every((r) => r.status === "missing-candidate")).toBe(true);
  });
  test("fewer than two results, or no measurement in common, is a usage error (exit 2)", () => {
    expect(() => buildComparison([base])).toThrow("at least two");
    expect(() => buildComparison([base, file("other.json", { other: [1, 2, 3] })])).toThrow("no measurement in common");
  });
  test("the model survives JSON (no NaN or Infinity)", () => {
    const c = buildComparison([base, fixture("schema1_faster.json"), fixture("schema1_slower.json")], { failOnRegressionPct: 0 });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(JSON.stringify(c)).not.toMatch(/NaN|Infinity/);
  });
});

describe("verdicts you can act on: the counterexamples", () => {
  test("the summary never says 'improved' when the estimate says slower (fastest run faster, typical slower)", () => {
    // The candidate's single fastest run beats the baseline's, but its typical run is 10% slower.
    const baseline = [30.0, 30.2, 30.1, 30.4, 30.3, 30.2, 30.5, 30.1, 30.2, 30.3, 30.1, 30.4];
    const candidate = [26.7, 33.1, 33.3, 33.2, 33.5, 33.0, 33.4, 33.6, 33.2, 33.1, 33.3, 33.4];
    const c = buildComparison([file("a.json", { x: baseline }), file("b.json", { x: candidate })]).candidates[0]!;
    const row = c.measurements[0]!;
    expect(row.verdict).toBe("slower");
    expect(row.estimatePct!).toBeLessThan(0);
    const lines = summaryLines(c.summary).lines.join("\n");
    expect(lines).not.toContain("improved");
    expect(lines).toContain("regressed");
  });
  test("3 runs a side: inconclusive (too few runs), and the gate exits 3, even for 100 ms -> 1000 ms", () => {
    const c = buildComparison([file("a.json", { x: [100, 101, 99] }), file("b.json", { x: [1000, 1001, 999] })], { failOnRegressionPct: 5 });
    const row = c.candidates[0]!.measurements[0]!;
    expect(row.verdict).toBe("inconclusive");
    expect(row.reason).toMatchObject({ kind: "too-few-runs", n: 3 });
    expect(c.gate!.exitCode).toBe(3);
  });
  test("a candidate whose import failed where the baseline's succeeded: the gate exits 1", () => {
    const samples = [10, 11, 10.5, 10.2, 10.8, 10.1, 10.4];
    const failed = file("b.json", { y: samples }, {
      measurements: { x: { min: 0, max: 0, mean: 0, median: 0, iterations: 0 } },
      failures: { x: { statement: "import x", kind: "error", message: "`import x` failed (exit 1): ImportError", stderr_tail: "ImportError" } },
    });
    const c = buildComparison([file("a.json", { x: samples }), failed], { failOnRegressionPct: 5 });
    const k = c.candidates[0]!;
    expect(k.measurements[0]!.status).toBe("failed-candidate");
    expect(c.gate!.exitCode).toBe(1);
    expect(k.gate!.reasons[0]).toMatchObject({ kind: "candidate-failed", measurement: "x" });
    expect(k.summary.failed).toEqual([{ measurement: "x", side: "candidate", message: "`import x` failed (exit 1): ImportError" }]);
  });
  test("no significant change, but the interval straddles 5%: the gate says inconclusive (3), not pass", () => {
    const noisy = [10, 14, 9, 13, 11, 15, 10, 12, 16, 9];
    const c = buildComparison([file("a.json", { x: noisy }), file("b.json", { x: [...noisy].reverse() })], { failOnRegressionPct: 5 });
    expect(c.candidates[0]!.measurements[0]!.verdict).toBe("no-change");
    expect(c.gate!.exitCode).toBe(3);
    expect(c.gate!.reasons[0]).toMatchObject({ kind: "straddles", part: "typical", thresholdPct: 5 });
    expect((c.gate!.reasons[0] as { couldBePct: number }).couldBePct).toBeGreaterThan(5);
  });
  test("files of one run (same run_id, same counts) are compared paired, by round", () => {
    const a = [20.1, 25.3, 20.4, 30.2, 20.6, 22.8, 20.3, 27.5, 20.9, 21.2];
    const b = a.map((value) => value * 1.03);
    const c = buildComparison([file("a.json", { x: a }, { run_id: "r1" }), file("b.json", { x: b }, { run_id: "r1" })]).candidates[0]!;
    expect(c.paired).toBe(true);
    const row = c.measurements[0]!;
    expect(row.test).toBe("wilcoxon-signed-rank");
    expect(row.paired).toBe(true);
    // A uniform 3% slowdown across rounds that vary by 50% is found only by pairing.
    expect(row.verdict).toBe("slower");
    expect(row.estimatePct!).toBeCloseTo(-3, 1);
    const unpaired = buildComparison([file("a.json", { x: a }), file("b.json", { x: b })]).candidates[0]!.measurements[0]!;
    expect(unpaired.test).toBe("mann-whitney");
    expect(unpaired.verdict).toBe("no-change");
  });
});

test("instruction counts: a significant change below what counts resolve (0.05%) is no change", () => {
  const counts = (base: number, step: number) => Array.from({ length: 5 }, (_, i) => base + i * step);
  const env = { environment: { python: "p", python_version: "3.11.7", platform: "x", cpu: "x", pyc: "warm", env: {}, metric: "instructions" } };
  const withCounts = (name: string, values: number[]) => {
    const result = file(name, { x: [10, 11, 10.5, 10.2, 10.8, 10.1] }, env);
    result.measurements.x!.quantities.instructions = { n: 5, min: 0, max: 0, mean: 0, median: values[2]!, stddev: 0, mad: 0, p25: 0, p75: 0, samples: values };
    return result;
  };
  const tiny = buildComparison([withCounts("a.json", counts(230_000_000, 100)), withCounts("b.json", counts(230_010_000, 100))]).candidates[0]!.measurements[0]!;
  expect(tiny.headline).toBe("instructions");
  expect(tiny.pValue!).toBeLessThan(0.05);
  expect(tiny.verdict).toBe("no-change");
  expect(tiny.quantities[0]!.belowFloor).toBe(0.05);
  // Counts this steady could see far less than 0.05%, but no smaller change is reported: could detect ±0.05%.
  expect(tiny.mdePct).toBe(0.05);
  const real = buildComparison([withCounts("a.json", counts(230_000_000, 100)), withCounts("b.json", counts(232_300_000, 100))]).candidates[0]!.measurements[0]!;
  expect(real.verdict).toBe("slower");
});

describe("the summary when the typical change cannot tell but another part moved", () => {
  // Two modes (fast and slow runs); the candidate's both 15% slower, but more of its runs
  // fall in the fast mode, so the typical change is lost in the mix (requests v2.31.0 →
  // v2.32.0 on a noisy machine read "no significant change" while its fastest and slow
  // runs were 17–21% slower).
  const base = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 100 + i * 0.1 : 180 + i * 0.1));
  const cand = Array.from({ length: 30 }, (_, i) => (i % 10 < 8 ? 115 + i * 0.1 : 207 + i * 0.1)).reverse();

  test("'no significant change' is followed by what did move, and what would decide", () => {
    const c = buildComparison([file("a.json", { pkg_total: base }), file("b.json", { pkg_total: cand })]).candidates[0]!;
    expect(c.measurements[0]!.verdict).toBe("no-change");
    const lines = summaryLines(c.summary).lines;
    expect(lines[0]).toStartWith("No significant change in cold start");
    expect(lines[1]).toMatch(/^But fastest runs: 15\.0% slower \(95% CI .*\), p<0\.001: the typical runs are too noisy to tell; more --iterations, or --metric instructions, would decide$/);
  });

  test("nothing moved: no such line", () => {
    const c = buildComparison([file("a.json", { pkg_total: base }), file("b.json", { pkg_total: [...base].reverse() })]).candidates[0]!;
    expect(summaryLines(c.summary).lines.some((line) => line.startsWith("But "))).toBe(false);
  });
});

describe("a direction word only for a change the test can claim", () => {
  const figures = (direction: "lower" | "higher" | "no-change" | "inconclusive", estimatePct: number, low: number, high: number, pValue: number) => ({
    test: "wilcoxon-signed-rank" as const, paired: true, direction, pValue, estimatePct, ciPct: { low, high }, estimate: estimatePct, ci: { low, high },
    mdePct: 4, mde: 4, confidence: 0.95, reason: null, n: { baseline: 10, candidate: 10 }, reference: 100, scale: "log-ratio" as const,
  });
  test("significant: the direction stands alone", () => {
    expect(estimateText("process_ms", figures("higher", -1.6, -4.1, -0.5, 0.01))).toBe("1.6% slower (95% CI 0.5% to 4.1%), p=0.010");
  });
  test("not significant: said so, the estimate given as one", () => {
    const text = estimateText("process_ms", figures("no-change", -1.6, -4.1, 1.0, 0.202));
    expect(text).toBe("no significant change (estimate 1.6% slower, 95% CI -1.0% to 4.1%, p=0.202)");
    expect(figuresText("process_ms", figures("no-change", -1.6, -4.1, 1.0, 0.202))).toBe("estimate 1.6% slower (95% CI -1.0% to 4.1%), p=0.202");
    expect(estimateText("process_ms", figures("inconclusive", 2, -1, 5, 0.3))).toStartWith("undecided (estimate 2.0% faster");
  });
  test("every run alike on both sides: no change", () => {
    expect(estimateText("read_calls", figures("no-change", 0, 0, 0, 1))).toBe("no change");
  });
});

describe("counts in words", () => {
  test("one of a thing is singular: \"1 more module\", \"1 fewer child process\"; more are plural", async () => {
    const { changeWord } = await import("../../scripts/lib/quantities.ts");
    expect(changeWord("modules", true, 1)).toBe("more module");
    expect(changeWord("modules", false, -1)).toBe("fewer module");
    expect(changeWord("modules", true, 3)).toBe("more modules");
    expect(changeWord("child_processes", true, 1)).toBe("more child process");
    expect(changeWord("import_ms", true, 1)).toBe("slower");
  });
});

describe("a quantity whose every run is one value on both sides", () => {
  // 0 instructions in child processes in each of 3 counted runs, both sides: no test with 3
  // runs could call that, but nothing needs testing: it is no change (found on click).
  const withChildren = (name: string, children: number[]) => {
    const samples = [10.1, 10.4, 10.2];
    const series = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { n: values.length, min: sorted[0], max: sorted.at(-1), mean: values.reduce((a, b) => a + b, 0) / values.length, median: sorted[1], stddev: 0, mad: 0, p25: sorted[0], p75: sorted.at(-1), samples: values };
    };
    const body = {
      timestamp: 1, python_version: "3.11.7", schema_version: 1,
      measurements: { pkg_total: { ...series(samples), iterations: 3, statement: "import pkg", quantities: { import_ms: series(samples), child_instructions: series(children) } } },
      module_counts: { total: 10, filtered: 2 }, modules: { after: "import pkg", package: "pkg", loaded: ["pkg"] },
    };
    return parseResult(JSON.stringify(body), name);
  };
  test("0 → 0 in every run: no change, exact", () => {
    const c = buildComparison([withChildren("a.json", [0, 0, 0]), withChildren("b.json", [0, 0, 0])]).candidates[0]!;
    const row = c.measurements[0]!.quantities.find((q) => q.quantity === "child_instructions")!;
    expect(row.direction).toBe("no-change");
    expect(estimateText("child_instructions", row.typical!)).toBe("no change");
  });
  test("runs that differ still go to the test (3 runs cannot decide)", () => {
    const c = buildComparison([withChildren("a.json", [0, 0, 0]), withChildren("b.json", [0, 5, 0])]).candidates[0]!;
    const row = c.measurements[0]!.quantities.find((q) => q.quantity === "child_instructions")!;
    expect(row.direction).toBe("inconclusive");
  });
});
