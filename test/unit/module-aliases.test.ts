/**
 * Module counts count module objects, not names: requests v2.32.0 puts
 * `requests.packages.<module>` aliases of already loaded modules into sys.modules, and the
 * comparison read "Requests modules 49 → 91". The importers records know each alias (the
 * same module object under another name); counts shown are of distinct modules, and the
 * names are said beside them ("91 names, 49 modules").
 */
import { expect, test } from "bun:test";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { render } from "../../scripts/lib/formats.ts";
import { treeReport } from "../../scripts/lib/render/tree.ts";
import { resolveConfig } from "../../scripts/lib/config.ts";
import { type LoadedResult, validateResult } from "../../scripts/lib/result/read.ts";

const OWN = ["requests", "requests.adapters", "requests.api", "requests.packages", "urllib3", "urllib3.util", "idna"];
const ALIASES = { "requests.packages.urllib3": "urllib3", "requests.packages.urllib3.util": "urllib3.util", "requests.packages.idna": "idna" };

function file(source: string, aliased: boolean): LoadedResult {
  const loaded = [...OWN, ...(aliased ? Object.keys(ALIASES) : []), "sys", "os"].sort();
  const record = (name: string) => (name in ALIASES && aliased
    ? { by: null, file: null, line: null, code: null, alias: ALIASES[name as keyof typeof ALIASES] }
    : { by: "requests", file: "requests/__init__.py", line: 1, code: `import ${name}` });
  const samples = [50, 51, 52, 50, 51, 52];
  const series = { n: 6, min: 50, max: 52, mean: 51, median: 51, stddev: 1, mad: 1, p25: 50, p75: 52, samples };
  return validateResult({
    timestamp: 1, python_version: "3.11.2", schema_version: 1, run_id: "run", run_order: aliased ? 1 : 0,
    git: { ref: aliased ? "v2.32.0" : "v2.31.0", commit: aliased ? "b".repeat(40) : "a".repeat(40), dirty: false },
    measurements: { requests_total: { ...series, iterations: 6, statement: "import requests", quantities: { import_ms: series } } },
    module_counts: { total: loaded.length, filtered: loaded.filter((m) => m === "requests" || m.startsWith("requests.")).length },
    modules: { after: "import requests", package: "requests", loaded },
    importers: { requests_total: Object.fromEntries(loaded.map((name) => [name, record(name)])) },
    failures: {},
  }, source);
}

const comparison = buildComparison([file("a.json", false), file("b.json", true)], {});

test("the model counts module objects, and carries the names when aliases made them differ", () => {
  const rows = comparison.candidates[0]!.moduleCounts;
  const filtered = rows.find((row) => row.key === "filtered")!;
  expect([filtered.baseline, filtered.candidate, filtered.delta]).toEqual([4, 4, 0]);
  expect(filtered.names).toEqual({ baseline: 4, candidate: 7 });
  const total = rows.find((row) => row.key === "total")!;
  expect([total.baseline, total.candidate, total.delta]).toEqual([9, 9, 0]);
  expect(total.names).toEqual({ baseline: 9, candidate: 12 });
  expect(comparison.candidates[0]!.moduleDiff!.candidateModules).toBe(9);
  expect(comparison.sides[0]!.moduleCounts).toEqual({ total: 9, filtered: 4 });
  expect(comparison.sides[1]!.moduleCounts).toEqual({ total: 9, filtered: 4, names: { total: 12, filtered: 7 } });
});

test("every format says names and modules apart", () => {
  const terminal = render("terminal", "comparison", comparison);
  expect(terminal).toMatch(/Requests modules loaded:\n\s+Baseline:\s+4\s+Optimized:\s+4\s+Δ:\s+0\s+\(names in sys\.modules: 4 → 7; an alias, the same module under another name, is counted once\)/);
  expect(render("markdown", "comparison", comparison)).toContain("| requests modules loaded | 4 | 4 (7 names) | 0 |");
  expect(render("html", "comparison", comparison)).toContain("4 (7 names)");
});

test("the single-tree report too", () => {
  const result = file("b.json", true);
  const config = resolveConfig("/nowhere", [{ input: { package: "requests" }, where: "test" }], "requests");
  const lines = treeReport(result.data, config, {}, []);
  expect(lines).toContain("  Total modules: 9 (12 names in sys.modules: 3 aliases)");
  expect(lines).toContain("  Requests modules: 4 (7 names in sys.modules: 3 aliases)");
});
