/**
 * The lists written once are really the only place to extend: a throwaway quantity added
 * to the quantity list in memory shows in the harness parser, the result builder's reader,
 * every report format, the single-tree report and the budget check; a throwaway format
 * added to the formats table is a flag choice, in --help, renders, and is refused where it
 * renders nothing. No other code changes.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { budgetFailed, checkBudgets } from "../../scripts/lib/budgets.ts";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { resolveConfig } from "../../scripts/lib/config.ts";
import { UserError } from "../../scripts/lib/errors.ts";
import { checkFormat, FORMATS, formatNames, render } from "../../scripts/lib/formats.ts";
import { parseHarnessOutput } from "../../scripts/lib/measure/harness.ts";
import { QUANTITIES, type QuantityDef, type QuantityKey, UNITS } from "../../scripts/lib/quantities.ts";
import { treeReport } from "../../scripts/lib/render/tree.ts";
import { parseResult, type LoadedResult } from "../../scripts/lib/result/read.ts";
import { optionsHelp, parseArgs } from "../../scripts/lib/settings.ts";

const KEY = "gc_ms" as QuantityKey;
const THROWAWAY: QuantityDef = {
  key: KEY, label: "collector time", column: "GC", unit: "ms", source: "harness", decimals: 3, lower: "less collecting", higher: "more collecting",
  pairable: true, startup: false,
};

afterEach(() => {
  const at = QUANTITIES.indexOf(THROWAWAY);
  if (at >= 0) QUANTITIES.splice(at, 1);
  const format = FORMATS.findIndex((item) => item.name === "csv");
  if (format >= 0) FORMATS.splice(format, 1);
});

/** A result file with import time and the throwaway quantity, both from one run of `n` rounds. */
function resultWith(gc: number[], runId: string): LoadedResult {
  const n = gc.length;
  const importMs = gc.map((value, round) => 40 + (round % 3) * 0.5);
  const series = (samples: number[]) => ({ samples, n, min: Math.min(...samples), max: Math.max(...samples), mean: 0, median: 0, stddev: 0, mad: 0, p25: 0, p75: 0 });
  const body = {
    timestamp: 1, python_version: "3.11.7", schema_version: 1, run_id: runId,
    measurements: {
      pkg_total: { min: 40, max: 41, mean: 40.5, median: 40.5, iterations: n, samples: importMs, statement: "import pkg", quantities: { import_ms: series(importMs), [KEY]: series(gc) } },
    },
    module_counts: { total: 10, filtered: 2 },
  };
  return parseResult(JSON.stringify(body), `${runId}.json`);
}

describe("a quantity added to the list and nowhere else", () => {
  test("is read from the harness, compared with a verdict, and shown by every format", () => {
    QUANTITIES.push(THROWAWAY);
    expect(parseHarnessOutput(JSON.stringify({ quantities: { import_ms: 1, [KEY]: 2.5 }, modules: [], loaded: [] }))?.quantities).toEqual({ import_ms: 1, [KEY]: 2.5 });
    const baseline = resultWith([10, 11, 10.5, 10.2, 11.1, 10.7, 10.4, 10.9, 10.1, 10.6], "run");
    const candidate = resultWith([20, 21, 20.5, 20.2, 21.1, 20.7, 20.4, 20.9, 20.1, 20.6], "run");
    expect(baseline.measurements.pkg_total!.quantities[KEY]!.median).toBeCloseTo(10.55, 5);
    const comparison = buildComparison([baseline, candidate]);
    const row = comparison.candidates[0]!.measurements[0]!.quantities.find((q) => q.quantity === KEY)!;
    expect(row.direction).toBe("higher");
    for (const format of formatNames("comparison")) {
      const text = render(format, "comparison", comparison);
      expect({ format, shown: format === "json" ? text.includes(`"quantity": "${KEY}"`) : /collector time|GC/.test(text) }).toEqual({ format, shown: true });
    }
    expect(render("terminal", "comparison", comparison)).toContain("more collecting");
  });

  test("budgets name it, and the single-tree report lists it", () => {
    QUANTITIES.push(THROWAWAY);
    const result = resultWith([10, 11, 12], "one").data;
    const config = resolveConfig("/nonexistent", [{ input: { package: "pkg", budgets: { limits: { [`pkg_total.${KEY}.median`]: 5 } } }, where: "test" }], null);
    const checks = checkBudgets(result, config.budgets);
    expect(checks.map((check) => [check.quantity, check.value, check.status])).toEqual([[KEY, 11, "fail"]]);
    expect(budgetFailed(checks)).toBe(true);
    expect(treeReport(result, config, {}, checks).join("\n")).toMatch(/collector time 11\.00 ms.*\n[\s\S]*FAIL .*pkg_total\.gc_ms\.median: 11\.00 ms/);
  });

  test("without the entry, the same key is unknown (nothing else knew it)", () => {
    expect(() => resolveConfig("/nonexistent", [{ input: { package: "pkg", budgets: { limits: { [`pkg_total.${KEY}.median`]: 5 } } }, where: "test" }], null))
      .toThrow(/no measurement "pkg_total.gc_ms"/);
    expect(Object.keys(UNITS)).toContain("ms");
  });
});

describe("a format added to the table and nowhere else", () => {
  test("is a flag choice, in --help, renders a comparison, and is refused for a trend", () => {
    FORMATS.push({ name: "csv", about: "a spreadsheet", renders: { comparison: () => (c) => `measurement,verdict\n${c.candidates[0]!.measurements.map((m) => `${m.name},${m.verdict}`).join("\n")}\n` } });
    expect(parseArgs(["a.json", "b.json", "--format", "csv"], "compare", "coldstart-compare").values.format).toBe("csv");
    expect(optionsHelp("compare")).toContain("csv (a spreadsheet)");
    const same = [10, 11, 12, 10, 11, 10.5, 11.5, 10.2, 11.2, 10.8];
    const comparison = buildComparison([resultWith(same, "run"), resultWith(same, "run")]);
    expect(render("csv", "comparison", comparison)).toBe("measurement,verdict\npkg_total,no-change\n");
    expect(() => checkFormat("csv", "trend", "--history")).toThrow(UserError);
    expect(() => checkFormat("csv", "trend", "--history")).toThrow("--history reports as terminal, json or html (--format terminal|json|html), not csv");
  });

  test("without the entry, --format csv is refused with the list", () => {
    expect(() => parseArgs(["--format", "csv"], "compare", "coldstart-compare")).toThrow('--format must be one of "terminal", "markdown", "md", "json", "html"');
  });
});
