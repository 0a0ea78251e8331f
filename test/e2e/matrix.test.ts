/**
 * `coldstart-compare --merge` on folders of CI artifacts (the files of test/support/
 * matrix-files.ts, laid out as actions/download-artifact does): one report ending in the
 * matrix, the usual exit codes, one-line errors. The model: test/unit/matrix.test.ts.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, expectOneLine, hangLimit, ROOT, tempDir } from "../helpers.ts";
import { writeArtifacts } from "../support/matrix-files.ts";

setDefaultTimeout(hangLimit(60_000));
afterAll(cleanupTempDirs);

describe("coldstart-compare --merge, folders of CI artifacts", () => {
  const dir = tempDir("coldstart-merge-");
  const script = join(ROOT, "scripts", "compare_benchmarks.ts");
  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = Bun.spawnSync([process.execPath, script, ...args], {
      cwd: dir, env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", ...env },
    });
    return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  };
  writeArtifacts(dir);
  mkdirSync(join(dir, "empty"));

  test("one report ending in the matrix; exit codes as usual, the worst of the jobs", () => {
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "");
    const result = run(["--merge", "artifacts", "--github", "--html", "merged.html"], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("MATRIX: EVERY CI JOB");
    const markdown = readText(summary);
    expect(markdown).toContain("## Matrix: every CI job");
    expect(markdown).toContain("| Linux x86\\_64 · 3.12 | HEAD vs origin/main | ✅");
    expect(readText(join(dir, "merged.html"))).toContain('<section id="matrix">');
    expect(run(["--merge", "artifacts", "--fail-on-regression=5"]).code).toBe(1);
    expect(run(["--merge", "artifacts/cold-start-linux", "--fail-on-regression=5"]).code).toBe(0);
  });
  test("errors are one line, exit 2", () => {
    for (const [args, part] of [
      [["--merge", "empty"], "no cold_start_*.json result files"],
      [["--merge"], "--merge needs result files or folders"],
      [["--merge", "artifacts/cold-start-linux/cold_start_HEAD_1700000000.json"], "found 1 result file"],
      [["artifacts"], "give at least two result files"],
    ] as const) {
      expectOneLine(run([...args]), part, { tool: "coldstart-compare" });
    }
  });
});

function readText(path: string): string {
  return readFileSync(path, "utf8");
}
