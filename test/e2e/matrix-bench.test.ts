/**
 * End to end on the demo repository with two real interpreters: `--python A,B` measures
 * every ref under both (one file per ref and interpreter, one run), the comparison pairs
 * each candidate with its own interpreter's baseline, every format ends with the matrix,
 * and the environment warning appears only where interpreters are really compared.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { readResult } from "../../scripts/lib/result/read.ts";
import { cleanupTempDirs, FAST, hangLimit, missing, runScript, tempDir, twoInterpreters } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
const pythons = twoInterpreters();
const noSecondPython = missing("--python A,B end to end", pythons ? null : "this machine has one Python 3.8+ version only (a second one from pyenv or uv is needed)");
let repo = "";

beforeAll(async () => {
  repo = tempDir("coldstart-matrixrepo-");
  await buildDemoRepo(repo);
});
afterAll(cleanupTempDirs);

test.skipIf(noSecondPython)("--python A,B: two files per ref, one run, a matrix in every format, a warning only where it belongs", async () => {
  const [a, b] = pythons!;
  const out = tempDir("coldstart-matrixout-");
  const reports = tempDir("coldstart-matrixreports-");
  const summary = join(reports, "summary.md");
  writeFileSync(summary, "");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--iterations", "6", "--max-iterations", "6", "--python", `${a},${b}`, "--out", out, "--html", join(reports, "report.html"), "--github", "main", "lazy"], {
    cwd: repo, env: { GITHUB_STEP_SUMMARY: summary },
  });
  expect(run.code).toBe(0);
  const files = readdirSync(out).filter((name) => name.startsWith("cold_start_") && name !== "cold_start_latest.json").sort();
  expect(files).toHaveLength(4);
  const results = await Promise.all(files.map((name) => readResult(join(out, name))));
  expect(new Set(results.map((r) => r.runId)).size).toBe(1);
  expect(results.map((r) => [r.data.git?.ref, r.data.run_order, r.data.environment?.python_requested]).sort((x, y) => Number(x[1]) - Number(y[1])))
    .toEqual([["main", 0, a], ["main", 1, b], ["lazy", 2, a], ["lazy", 3, b]]);

  // Terminal: one block per interpreter, no environment warning, the matrix last.
  expect(run.stdout).not.toContain("ENVIRONMENTS DIFFER");
  const matrix = run.stdout.slice(run.stdout.indexOf("MATRIX: EVERY INTERPRETER"));
  expect(matrix.split("\n").filter((line) => line.includes("lazy vs main"))).toHaveLength(2);
  expect(matrix).toMatch(/lazy vs main\s+✓ \d+\.\d% faster/);
  // Markdown (the job summary) and HTML end with it too.
  const markdown = readFileSync(summary, "utf8");
  expect(markdown).not.toContain("Environments differ");
  expect(markdown.slice(markdown.lastIndexOf("\n---\n"))).toContain("## Matrix: every interpreter");
  expect(readFileSync(join(reports, "report.html"), "utf8")).toContain('<section id="matrix">');

  // The same files through coldstart-compare: the json carries the matrix.
  const paths = files.map((name) => join(out, name));
  const json = await runScript("compare_benchmarks.ts", [...paths, "--format", "json"]);
  expect(json.code).toBe(0);
  const model = JSON.parse(json.stdout);
  expect(model.matrix.axis).toBe("interpreter");
  expect(model.matrix.rows.map((row: { missing: string | null }) => row.missing)).toEqual([null, null]);

  // Two files of different interpreters compared on purpose: there the warning belongs.
  const byOrder = (order: number) => paths[results.findIndex((r) => r.data.run_order === order)]!;
  const across = await runScript("compare_benchmarks.ts", [byOrder(0), byOrder(3)]);
  expect(across.stdout).toContain("WARNING: ENVIRONMENTS DIFFER (python_version");
  expect(across.stdout).not.toContain("MATRIX");
});
