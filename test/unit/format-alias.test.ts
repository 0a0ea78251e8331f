/** `--format md`, as people type it, is the markdown format: an alias in the formats table, one list. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { formatDef, formatNames, render } from "../../scripts/lib/formats.ts";
import { parseToolArgs } from "../../scripts/lib/options.ts";
import { validateResult } from "../../scripts/lib/result/read.ts";
import { optionsHelp } from "../../scripts/lib/settings.ts";
import { ROOT } from "../helpers.ts";

test("--format md is markdown, for compare and bench; the names stay one list", () => {
  for (const tool of ["compare", "bench"] as const) {
    expect(parseToolArgs(["--format", "md"], tool, "coldstart").report.format).toBe("markdown");
    expect(parseToolArgs(["--format=markdown"], tool, "coldstart").report.format).toBe("markdown");
  }
  expect(formatDef("md")).toBe(formatDef("markdown"));
  expect(formatNames()).toEqual(["terminal", "markdown", "json", "html"]);
  expect(optionsHelp("compare")).toMatch(/markdown \(or md\b/);
  expect(() => parseToolArgs(["--format", "mdx"], "compare", "coldstart")).toThrow(/--format must be one of/);
  const fixture = (name: string) => validateResult(JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "results", name), "utf8")), name);
  const comparison = buildComparison([fixture("schema1_base.json"), fixture("schema1_faster.json")], {});
  expect(render("md", "comparison", comparison)).toBe(render("markdown", "comparison", comparison));
});
