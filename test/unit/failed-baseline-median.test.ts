/**
 * A measurement that failed in the baseline still shows the candidate's median: httpx
 * 0.27.0 against the Debian httpcore failed, 0.28.1 measured 402.08 ms, and the row read
 * `httpx_total — — n/a`.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { render } from "../../scripts/lib/formats.ts";
import { validateResult } from "../../scripts/lib/result/read.ts";
import { ROOT } from "../helpers.ts";

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "results", name), "utf8"));

const failedBase = fixture("schema1_base.json");
delete failedBase.measurements.pkg_total;
failedBase.failures = { pkg_total: { statement: "import pkg", kind: "error", message: "`import pkg` failed (exit 1): TypeError: unexpected keyword argument 'socket_options'", stderr_tail: "TypeError" } };
const comparison = buildComparison([validateResult(failedBase, "base.json"), validateResult(fixture("schema1_faster.json"), "cand.json")], { primary: "pkg_sub" });
const candidateMedian = comparison.sides[1]!.measurements.pkg_total!.quantities.import_ms!.median;

test("the model carries the side that measured", () => {
  const row = comparison.candidates[0]!.measurements.find((r) => r.name === "pkg_total")!;
  expect(row.status).toBe("failed-baseline");
  expect(row.verdict).toBe("inconclusive");
  expect(row.quantities[0]!.baseline).toBeNull();
  expect(row.quantities[0]!.candidate!.median).toBe(candidateMedian);
  expect(row.reason).toMatchObject({ kind: "failed", side: "baseline" });
});

test("terminal and markdown show the candidate's median beside the failed baseline", () => {
  const shown = `${candidateMedian.toFixed(2)}ms`;
  const terminal = render("terminal", "comparison", comparison).split("\n").find((line) => line.startsWith("pkg_total"))!;
  expect(terminal).toMatch(new RegExp(`^pkg_total\\s+—\\s+${shown.replace(".", "\\.")}\\s+n/a`));
  const markdown = render("markdown", "comparison", comparison).split("\n").find((line) => line.startsWith("| pkg\\_total"))!;
  expect(markdown).toContain(`| — | ${candidateMedian.toFixed(2)} ms |`);
  expect(markdown).toContain("failed");
});
