/**
 * Several interpreters and several CI jobs, on crafted files (test/support/matrix-files.ts):
 * each candidate is compared with the baseline of its own group only, the matrix says so in
 * every format, and `--merge` groups the files of a CI matrix. The tool on folders of CI
 * artifacts: test/e2e/matrix.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { planGroups, runnerLabel } from "../../scripts/lib/compare/matrix.ts";
import { render as renderFormat } from "../../scripts/lib/formats.ts";
import { parseResult, resultFilesIn, type LoadedResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";
import { LAZY, LINUX, load, MAC, MAIN, ms, oneRun, pairs, twoJobs, writeArtifacts } from "../support/matrix-files.ts";

afterAll(cleanupTempDirs);

describe("several interpreters in one run", () => {
  const c = buildComparison(oneRun(), { failOnRegressionPct: 5 });
  test("each candidate against the baseline of its own interpreter, never across", () => {
    expect(pairs(c)).toEqual(["lazy · 3.11 vs main · 3.11", "lazy · 3.12 vs main · 3.12"]);
    for (const k of c.candidates) {
      expect(c.sides[k.candidate]!.environment.python).toBe(c.sides[k.baseline]!.environment.python);
      expect(k.environmentMismatches).toEqual([]); // the warning does not belong here
      expect(k.paired).toBe(true);
    }
  });
  test("the matrix: interpreter × measurement -> verdict, estimate, interval, and its comparison", () => {
    const matrix = c.matrix!;
    expect(matrix.axis).toBe("interpreter");
    expect(matrix.measurements).toEqual(["pkg_total", "pkg_sub"]);
    expect(matrix.primary).toBe("pkg_total");
    expect(matrix.groups.map((g) => [g.label, g.sides, g.baseline])).toEqual([["3.11", [0, 2], 0], ["3.12", [1, 3], 1]]);
    expect(matrix.rows.map((row) => [row.group, row.side, row.candidate, row.missing, row.cells.map((cell) => cell?.verdict)])).toEqual([
      [0, 2, 0, null, ["faster", "no-change"]],
      [1, 3, 1, null, ["no-change", "slower"]],
    ]);
    const cell = matrix.rows[0]!.cells[0]!;
    const row = c.candidates[matrix.rows[0]!.candidate!]!.measurements[0]!;
    expect([cell.estimatePct, cell.ciPct, cell.mdePct]).toEqual([row.estimatePct, row.ciPct, row.mdePct]);
    expect(cell.estimatePct!).toBeGreaterThan(20);
  });
  test("the gate is the worst of the groups", () => {
    expect(c.gate!.exitCode).toBe(1);
    expect(c.gate!.reasons).toEqual([expect.objectContaining({ kind: "slower", measurement: "pkg_sub" })]);
  });
  test("the order files are given in does not pick the baseline within a group", () => {
    const [m11, m12, l11, l12] = oneRun();
    const shuffled = buildComparison([m11!, l12!, l11!, m12!]);
    // In the 3.12 group the candidate comes first: the baseline is still the first file's ref.
    expect(pairs(shuffled)).toEqual(["lazy · 3.11 vs main · 3.11", "lazy · 3.12 vs main · 3.12"]);
  });
  test("a file with no baseline of its interpreter is said so, and compared with nothing", () => {
    const [m11, , l11, l12] = oneRun();
    const k = buildComparison([m11!, l11!, l12!]);
    expect(pairs(k)).toEqual(["lazy · 3.11 vs main · 3.11"]);
    expect(k.matrix!.rows.map((row) => [row.side, row.candidate, row.missing])).toEqual([[1, 0, null], [2, null, "baseline"]]);
    for (const format of ["terminal", "markdown", "html"] as const) {
      expect(renderFormat(format, "comparison", k)).toContain("not compared: no baseline file for this interpreter");
    }
    expect(renderFormat("html", "comparison", k)).toContain("<td class=\"muted\">not compared</td>");
  });
  test("the same ref under two interpreters, and nothing else: the plain comparison, with its warning", () => {
    const [m11, m12] = oneRun();
    const k = buildComparison([m11!, m12!]);
    expect(k.matrix).toBeUndefined();
    expect(k.candidates[0]!.environmentMismatches.map((m) => m.field)).toContain("python_version");
  });
});

describe("files of separate runs", () => {
  test("grouped by Python version; no warning inside a group", () => {
    const files = [
      load({ ref: "main", commit: MAIN, runId: "a", runOrder: 0, requested: "python3", version: "3.11.2", ms: ms(100, 50), seed: 1 }),
      load({ ref: "lazy", commit: LAZY, runId: "a", runOrder: 1, requested: "python3", version: "3.11.2", ms: ms(70, 50), seed: 2 }),
      load({ ref: "main", commit: MAIN, runId: "b", runOrder: 0, requested: "python3", version: "3.12.1", ms: ms(100, 50), seed: 3 }),
      load({ ref: "lazy", commit: LAZY, runId: "b", runOrder: 1, requested: "python3", version: "3.12.1", ms: ms(70, 50), seed: 4 }),
    ];
    const c = buildComparison(files);
    expect(c.matrix!.groups.map((g) => g.label)).toEqual(["3.11.2", "3.12.1"]);
    expect(pairs(c)).toEqual(["lazy · 3.11.2 vs main · 3.11.2", "lazy · 3.12.1 vs main · 3.12.1"]);
    expect(c.candidates.every((k) => k.environmentMismatches.length === 0 && k.paired)).toBe(true); // each pair is one run
  });
  test("two refs on two interpreters, nothing shared: the plain comparison, warning loudly", () => {
    const c = buildComparison([
      load({ ref: "main", commit: MAIN, runId: "a", version: "3.11.2", ms: ms(100, 50), seed: 1 }),
      load({ ref: "lazy", commit: LAZY, runId: "b", version: "3.12.1", ms: ms(70, 50), seed: 2 }),
    ]);
    expect(c.matrix).toBeUndefined();
    expect(c.candidates[0]!.environmentMismatches).toContainEqual({ field: "python_version", baseline: "3.11.2", candidate: "3.12.1" });
    expect(renderFormat("terminal", "comparison", c)).toContain("WARNING: ENVIRONMENTS DIFFER");
  });
});

describe("one interpreter: the output as before", () => {
  const files = oneRun().filter((_, index) => index % 2 === 0);
  const c = buildComparison(files);
  test("no matrix key, labels without a group, no matrix section in any format", () => {
    expect("matrix" in c).toBe(false);
    expect(c.sides.map((s) => s.label)).toEqual(["main", "lazy"]);
    expect(planGroups(files, false).axis).toBeNull();
    expect(renderFormat("terminal", "comparison", c)).not.toContain("MATRIX");
    expect(renderFormat("markdown", "comparison", c)).not.toContain("## Matrix");
    expect(renderFormat("html", "comparison", c)).not.toContain('id="matrix"');
    expect(JSON.parse(renderFormat("json", "comparison", c))).not.toHaveProperty("matrix");
  });
});

describe("--merge: the files of a CI matrix", () => {
  const c = buildComparison(twoJobs(), { merge: true, failOnRegressionPct: 0 });
  test("grouped by job, baseline first by run order, each cell compared within its own runner", () => {
    expect(c.sides.map((s) => s.source)).toEqual(["mac/base.json", "mac/head.json", "linux/base.json", "linux/head.json"]);
    expect(pairs(c)).toEqual(["HEAD · macOS arm64 · 3.12 vs origin/main · macOS arm64 · 3.12", "HEAD · Linux x86_64 · 3.12 vs origin/main · Linux x86_64 · 3.12"]);
    for (const k of c.candidates) {
      expect(c.sides[k.candidate]!.runId).toBe(c.sides[k.baseline]!.runId!);
      expect(k.environmentMismatches).toEqual([]);
    }
    expect(c.matrix!.axis).toBe("runner");
    expect(c.matrix!.rows.map((row) => [c.matrix!.groups[row.group]!.label, row.cells.map((cell) => cell?.verdict)])).toEqual([
      ["macOS arm64 · 3.12", ["slower", "no-change"]],
      ["Linux x86_64 · 3.12", ["faster", "no-change"]],
    ]);
    expect(c.gate!.exitCode).toBe(1); // the worst of the jobs
  });
  test("one table at the end of every format", () => {
    const terminal = renderFormat("terminal", "comparison", c);
    expect(terminal.trimEnd().split("\n").slice(-7, -3).join("\n")).toMatch(/^Runner\s+Candidate\s+pkg_total \(primary\)\s+pkg_sub\n-+\nmacOS arm64 · 3\.12\s+HEAD vs origin\/main\s+✗ \d+\.\d% slower \(CI [\d.]+ to [\d.]+%\)\s+= no significant change \(±[\d.]+%\)\nLinux x86_64/);
    const markdown = renderFormat("markdown", "comparison", c);
    expect(markdown).toContain("## Matrix: every CI job\n\n| Runner | Candidate | pkg\\_total (primary) | pkg\\_sub |");
    expect(markdown).toMatch(/\| Linux x86\\_64 · 3\.12 \| HEAD vs origin/);
    expect(markdown.lastIndexOf("## Matrix")).toBeGreaterThan(markdown.lastIndexOf("## Cold start benchmark comparison"));
    const html = renderFormat("html", "comparison", c);
    expect(html).toContain('<section id="matrix">');
    expect(html.indexOf('id="matrix"')).toBeGreaterThan(html.indexOf('id="environment"'));
    expect(html).toContain('<a href="#m-0"><span class="pill bad">✗');
    expect(JSON.parse(renderFormat("json", "comparison", c)).matrix.groups[0].label).toBe("macOS arm64 · 3.12");
  });
  test("the HTML compares each side with its own group's baseline", () => {
    const html = renderFormat("html", "comparison", c);
    // Two baselines in the side table and in each measurement's table (2 measurements).
    expect(html.match(/<td class="muted">baseline<\/td>/g)).toHaveLength(6);
    // Environment cells are highlighted against the side's own baseline: nothing differs within a job.
    expect(html).not.toContain('class="diff"');
  });
  test("what --merge refuses: no run_id, no run_order, the same file twice, no pair", () => {
    const [, base, head] = twoJobs(); // the Linux job's
    const strip = (result: LoadedResult, key: string) => {
      const data = JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>;
      delete data[key];
      return parseResult(JSON.stringify(data), result.source);
    };
    expect(() => buildComparison([strip(base!, "run_id"), head!], { merge: true })).toThrow("linux/base.json: no run_id");
    expect(() => buildComparison([strip(base!, "run_order"), head!], { merge: true })).toThrow("linux/base.json: no run_order");
    expect(() => buildComparison([base!, base!], { merge: true })).toThrow("the same file of one run");
    expect(() => buildComparison([head!, twoJobs()[0]!], { merge: true })).toThrow("no CI job has both a baseline and a candidate");
  });
});

test("runner labels from platform.platform() and the version", () => {
  expect(runnerLabel(LINUX, "3.12.1")).toBe("Linux x86_64 · 3.12");
  expect(runnerLabel(MAC, "3.13.0")).toBe("macOS arm64 · 3.13");
  expect(runnerLabel("Linux-6.8.0-1014-azure-aarch64-with-glibc2.39", "3.9.20")).toBe("Linux aarch64 · 3.9");
  expect(runnerLabel(null, "3.11.2")).toBe("unknown platform · 3.11");
});

test("folders of CI artifacts are searched for cold_start_*.json, never cold_start_latest.json", () => {
  const dir = tempDir("coldstart-merge-");
  writeArtifacts(dir);
  expect(resultFilesIn(join(dir, "artifacts")).map((path) => path.slice(dir.length + 1))).toEqual([
    "artifacts/cold-start-linux/cold_start_HEAD_1700000000.json",
    "artifacts/cold-start-linux/cold_start_origin_main_1700000000.json",
    "artifacts/cold-start-mac/cold_start_HEAD_1700000000.json",
    "artifacts/cold-start-mac/cold_start_origin_main_1700000000.json",
  ]);
});
