import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../scripts/lib/compare.ts";
import { parseResult, type LoadedResult } from "../scripts/lib/result.ts";

const DIR = join(import.meta.dir, "fixtures", "results");
function fixture(name: string): LoadedResult {
  return parseResult(readFileSync(join(DIR, name), "utf8"), name);
}

describe("the seed's example numbers", () => {
  const c = buildComparison([fixture("seed_baseline.json"), fixture("seed_optimized.json")]).candidates[0]!;
  test("the seed's deltas and percentages", () => {
    const rows = Object.fromEntries(c.measurements.map((r) => [r.name, [r.deltaMs!.toFixed(2), r.deltaPct!.toFixed(2)]]));
    expect(rows).toEqual({
      runpod_total: ["12.35", "4.32"],
      runpod_serverless: ["-18.81", "-5.00"],
      runpod_endpoint: ["-20.75", "-5.48"],
    });
  });
  test("no samples: verdicts unknown, arithmetic only, summary from the arithmetic with a note", () => {
    expect(c.arithmeticOnly).toBe(true);
    expect(c.measurements.every((r) => r.verdict === "unknown" && r.pValue === null)).toBe(true);
    expect(c.summary.lines).toEqual([
      "Cold start improved by 12.35ms",
      "That's a 4.3% improvement over baseline",
      "Baseline: 285.64ms → Optimized: 273.29ms",
    ]);
    expect(c.summary.note).toContain("samples");
  });
  test("module counts and lazy keys from top-level booleans", () => {
    expect(c.moduleCounts.map((r) => [r.label, r.delta])).toEqual([["Total modules loaded", 116], ["Runpod modules loaded", 2]]);
    expect(c.lazy.map((r) => [r.label, r.change])).toEqual([["Paramiko", "now-lazy"], ["SSH CLI", "now-lazy"]]);
    expect(c.moduleDiff).toBeNull();
    expect(c.importTime).toEqual([]);
  });
});

describe("schema-1 files with samples", () => {
  const base = fixture("schema1_base.json");
  test("faster candidate: significant, summary speaks from the verdict", () => {
    const c = buildComparison([base, fixture("schema1_faster.json")]).candidates[0]!;
    const total = c.measurements.find((r) => r.name === "pkg_total")!;
    expect(total.verdict).toBe("faster");
    expect(total.primary).toBe(true);
    expect(total.ci!.low).toBeGreaterThan(0);
    expect(total.mdeMs!).toBeGreaterThan(0);
    expect(c.summary.verdict).toBe("faster");
    expect(c.summary.tone).toBe("good");
    expect(c.moduleDiff!.newlyLoaded).toEqual([{ package: "tomllib", modules: 2 }]);
    expect(c.moduleDiff!.noLongerLoaded).toEqual([{ package: "email", modules: 4 }, { package: "heavy", modules: 3 }]);
    expect(c.importTime[0]!.largestChanges[0]).toEqual({ module: "pkg", baselineUs: 45000, candidateUs: 16000, deltaUs: 29000 });
    expect(c.importTime[0]!.topSelf[0]!.module).toBe("pkg.core");
  });
  test("same distribution: no significant change; noise is not reported as a change", () => {
    const c = buildComparison([base, fixture("schema1_same.json")]).candidates[0]!;
    expect(c.measurements.map((r) => r.verdict)).toEqual(["no-change", "no-change"]);
    expect(c.summary.tone).toBe("same");
    expect(c.summary.headline).toStartWith("No significant change");
    expect(c.summary.lines.join(" ")).not.toContain("improved");
  });
  test("--primary picks the measurement the summary speaks from", () => {
    const c = buildComparison([base, fixture("schema1_faster.json")], { primary: "pkg_sub" }).candidates[0]!;
    expect(c.summary.measurement).toBe("pkg_sub");
    // pkg_sub's fastest runs are 1.7 ms slower in this file, though its total got faster.
    expect(c.summary.verdict).toBe("slower");
    expect(() => buildComparison([base, base], { primary: "nope" })).toThrow("--primary nope");
    expect(() => buildComparison([base, base], { primary: "toString" })).toThrow("no such measurement");
  });
  test("slower candidate: regression flag, now-eager, environment mismatch", () => {
    const c = buildComparison([base, fixture("schema1_slower.json")], { failOnRegressionPct: 5 });
    const k = c.candidates[0]!;
    expect(k.environmentMismatches).toEqual([{ field: "pyc", baseline: "warm", candidate: "cold" }]);
    expect(k.lazy.find((r) => r.key === "cli_loaded")!.change).toBe("now-eager");
    expect(c.regression).toBe(true);
    expect(k.regressions.some((r) => r.startsWith("pkg_total is significantly slower"))).toBe(true);
    // pkg_sub's shift is about 3%: below the 5% threshold.
    expect(k.regressions.some((r) => r.startsWith("pkg_sub"))).toBe(false);
  });
  test("no --fail-on-regression: never a regression", () => {
    expect(buildComparison([base, fixture("schema1_slower.json")]).regression).toBe(false);
  });
  test("three files: each compared with the first", () => {
    const c = buildComparison([base, fixture("schema1_faster.json"), fixture("schema1_slower.json")]);
    expect(c.candidates.map((k) => [k.baseline.source, k.candidate.source, k.summary.verdict])).toEqual([
      ["schema1_base.json", "schema1_faster.json", "faster"],
      ["schema1_base.json", "schema1_slower.json", "slower"],
    ]);
  });
  test("seed file against schema-1 file: arithmetic only, python version mismatch", () => {
    const k = buildComparison([fixture("seed_baseline.json"), base]).candidates[0]!;
    expect(k.arithmeticOnly).toBe(true);
    expect(k.environmentMismatches[0]).toEqual({ field: "python_version", baseline: "3.8.20", candidate: "3.11.2" });
    expect(k.measurements.every((r) => r.status !== "ok")).toBe(true);
  });
  test("fewer than two results is a usage error", () => {
    expect(() => buildComparison([base])).toThrow("at least two");
  });
  test("the model survives JSON (no NaN or Infinity)", () => {
    const c = buildComparison([base, fixture("schema1_faster.json"), fixture("seed_baseline.json")]);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });
});
