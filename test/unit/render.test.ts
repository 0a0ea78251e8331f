import { describe, expect, test } from "bun:test";
import { colorEnabled, createPalette } from "../../scripts/lib/render/color.ts";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { escapeMarkdown, render as renderMarkdown } from "../../scripts/lib/render/markdown.ts";
import { render as renderTerminal } from "../../scripts/lib/render/terminal.ts";
import { render as renderFormat } from "../../scripts/lib/formats.ts";
import { formatAdds } from "../../scripts/lib/render/words.ts";
import type { LoadedResult } from "../../scripts/lib/result/read.ts";
import { loadFixture } from "../helpers.ts";

const fixture = (name: string): LoadedResult => loadFixture(name);
const seed = buildComparison([fixture("seed_baseline.json"), fixture("seed_optimized.json")]);
const schema1 = buildComparison([fixture("schema1_base.json"), fixture("schema1_faster.json"), fixture("schema1_slower.json")], { failOnRegressionPct: 0 });

describe("terminal", () => {
  test("the seed's example: the seed's rows, sections and summary, verbatim", () => {
    const text = renderTerminal(seed);
    for (const line of [
      "IMPORT TIME COMPARISON",
      "Metric                        Baseline    Optimized       Δ ms      Δ %",
      "runpod_total                  285.64ms     273.29ms ↓  12.35ms   4.32%",
      "runpod_serverless             376.33ms     395.14ms ↑ -18.81ms  -5.00%",
      "runpod_endpoint               378.61ms     399.36ms ↑ -20.75ms  -5.48%",
      "MODULE LOAD COMPARISON",
      "Total modules loaded:",
      "  Baseline:   698  Optimized:  582  Δ:  116",
      "Runpod modules loaded:",
      "  Baseline:    48  Optimized:   46  Δ:    2",
      "LAZY LOADING STATUS",
      "Paramiko             Baseline: LOADED       Optimized: NOT LOADED   ✓ NOW LAZY",
      "SSH CLI              Baseline: LOADED       Optimized: NOT LOADED   ✓ NOW LAZY",
      "SUMMARY",
      "✓ That's a 4.3% improvement over baseline",
      "✓ Baseline: 285.64ms → Optimized: 273.29ms (means)",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    const order = ["IMPORT TIME COMPARISON", "MODULE LOAD COMPARISON", "LAZY LOADING STATUS", "SUMMARY"].map((s) => text.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("✓ Cold start improved by 12.35ms (no samples in these files, so no significance");
    expect(text).toContain("significance needs samples");
    expect(text).not.toContain("\u001b[");
  });
  test("snapshot: seed files", () => {
    expect(renderTerminal(seed)).toMatchSnapshot();
  });
  test("snapshot: schema-1 files, three-way, with verdicts and diffs", () => {
    expect(renderTerminal(schema1)).toMatchSnapshot();
  });
  test("colours: green better, red worse, only when enabled", () => {
    const text = renderTerminal(schema1, { palette: createPalette(true) });
    expect(text).toContain("\u001b[32m"); // green
    expect(text).toContain("\u001b[31m"); // red
    expect(text.replace(/\u001b\[[0-9;]*m/g, "")).toBe(renderTerminal(schema1));
  });
  test("names from input files cannot inject terminal escapes", () => {
    const base = fixture("seed_baseline.json");
    const evil = { ...base, source: "evil\u001b]0;pwned\u0007.json" };
    const text = renderTerminal(buildComparison([evil, base]));
    expect(text).toContain("evil");
    expect(text).not.toContain("\u001b");
  });
});

describe("colour decision", () => {
  test("FORCE_COLOR, NO_COLOR, TERM=dumb, TTY", () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({}, undefined)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "" }, true)).toBe(true);
    expect(colorEnabled({ TERM: "dumb" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
  });
});

describe("markdown", () => {
  test("snapshot: seed files", () => {
    expect(renderMarkdown(seed)).toMatchSnapshot();
  });
  test("snapshot: schema-1 files", () => {
    expect(renderMarkdown(schema1)).toMatchSnapshot();
  });
  test("escapes | and < and friends from input files", () => {
    expect(escapeMarkdown("a|b<script>`x`")).toBe("a\\|b&lt;script&gt;\\`x\\`");
    const base = fixture("seed_baseline.json");
    const evil = { ...base, source: "x|<img src=y>.json" };
    const text = renderMarkdown(buildComparison([evil, base]));
    expect(text).not.toContain("<img");
    expect(text).toContain("x\\|&lt;img");
  });
});

describe("json", () => {
  test("parses and carries every verdict with its one estimate, interval, could-detect, test and best case", () => {
    const parsed = JSON.parse(renderFormat("json", "comparison", schema1));
    expect(parsed.formatVersion).toBe(2);
    const verdicts = parsed.candidates.map((c: { measurements: { verdict: string }[] }) => c.measurements.map((m) => m.verdict));
    expect(verdicts[0][0]).toBe("faster");
    expect(verdicts[1][0]).toBe("slower");
    const row = parsed.candidates[0].measurements[0];
    for (const key of ["verdict", "estimatePct", "ciPct", "mdePct", "pValue", "test", "paired", "bestCase"]) expect(row).toHaveProperty(key);
    expect(row.ciPct.low).toBeLessThanOrEqual(row.estimatePct);
    expect(row.bestCase.test).toBe("minimum-permutation");
    expect(parsed.gate.exitCode).toBe(1);
  });
  test("snapshot: seed files", () => {
    expect(renderFormat("json", "comparison", seed)).toMatchSnapshot();
  });
});

describe("one report input, one renderer per format", () => {
  test("renderReport picks the renderer of the format; every format reads the same model", () => {
    expect(renderFormat("terminal", "comparison", seed)).toBe(renderTerminal(seed));
    expect(renderFormat("markdown", "comparison", seed)).toBe(renderMarkdown(seed));
    expect(JSON.parse(renderFormat("json", "comparison", seed))).toEqual(JSON.parse(JSON.stringify(seed)));
    expect(renderFormat("html", "comparison", seed)).toStartWith("<!DOCTYPE html>");
  });
  test("the terminal, markdown and html reports say the same verdict words and figures", () => {
    const row = schema1.candidates[0]!.measurements[0]!;
    const figure = `${Math.abs(row.estimatePct!).toFixed(1)}% faster`;
    for (const format of ["terminal", "markdown", "html"] as const) expect(renderFormat(format, "comparison", schema1)).toContain(figure);
  });
});

test("what an import adds: a median at or below the interpreter's own is noise, shown as ≈0, never as a negative cost", () => {
  expect(formatAdds("rss_mb", 12.94)).toBe("12.9 MB");
  expect(formatAdds("process_ms", 42.956)).toBe("42.96 ms");
  expect(formatAdds("process_ms", -0.53)).toBe("≈0.00 ms");
  expect(formatAdds("rss_mb", 0)).toBe("≈0.0 MB");
  expect(formatAdds("rss_mb", 0.02)).toBe("≈0.0 MB");
});
