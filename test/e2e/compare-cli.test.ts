/**
 * `coldstart-compare` as a user runs it, on the result fixtures: the seed's report, colour,
 * formats, --html, exit codes, and one-line refusals.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, expectOneLine, FIXTURES, hangLimit, ROOT, tempDir } from "../helpers.ts";

setDefaultTimeout(hangLimit(30_000));
/** A refusal of compare: exit 2, one line naming the tool, nothing on stdout. */
const REFUSED = { tool: "coldstart-compare", quiet: true };

const SCRIPT = join(ROOT, "scripts", "compare_benchmarks.ts");
let dir = "";

beforeAll(() => {
  dir = tempDir("coldstart-compare-");
  cpSync(join(FIXTURES, "results"), dir, { recursive: true });
  writeFileSync(join(dir, "bad.json"), "{ not json");
  writeFileSync(join(dir, "empty.json"), "");
  writeFileSync(join(dir, "shape.json"), JSON.stringify({ timestamp: 1, python_version: "3.11", measurements: { x: { min: 1 } }, module_counts: { total: 1, filtered: 1 } }));
});
afterAll(cleanupTempDirs);

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const baseEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, GITHUB_STEP_SUMMARY: undefined };
  const result = Bun.spawnSync([process.execPath, SCRIPT, ...args], { cwd: dir, env: { ...baseEnv, ...env } as Record<string, string> });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}


describe("coldstart-compare", () => {
  test("seed files: the seed's report, exit 0, no colour when not a terminal", () => {
    const result = run(["seed_baseline.json", "seed_optimized.json"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("runpod_total                  285.64ms     273.29ms ↓  12.35ms   4.32%");
    expect(result.stdout).toContain("runpod_serverless             376.33ms     395.14ms ↑ -18.81ms  -5.00%");
    expect(result.stdout).not.toContain("\u001b[");
  });
  test("FORCE_COLOR colours, NO_COLOR wins over nothing", () => {
    expect(run(["seed_baseline.json", "seed_optimized.json"], { FORCE_COLOR: "1" }).stdout).toContain("\u001b[32m");
    expect(run(["seed_baseline.json", "seed_optimized.json"], { NO_COLOR: "1" }).stdout).not.toContain("\u001b[");
  });
  test("schema-1 files, markdown and json formats", () => {
    const markdown = run(["schema1_base.json", "schema1_faster.json", "--format", "markdown"]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toStartWith("## Cold start benchmark comparison");
    const json = run(["schema1_base.json", "schema1_faster.json", "schema1_same.json", "--format=json"]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.candidates.map((c: { summary: { verdict: string } }) => c.summary.verdict)).toEqual(["faster", "no-change"]);
  });
  test("--html writes one self-contained page beside the terminal report; --no-chart is accepted", () => {
    const result = run(["schema1_base.json", "schema1_slower.json", "--html", "report.html", "--no-chart"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("IMPORT TIME COMPARISON");
    expect(result.stderr).toContain("report.html");
    const page = readFileSync(join(dir, "report.html"), "utf8");
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(page.match(/<svg class="dist"/g)?.length).toBe(2);
  });
  test("--html into a folder that does not exist: one line, exit 2", () => {
    expectOneLine(run(["schema1_base.json", "schema1_slower.json", "--html", "no/such/dir/report.html"]), "no/such/dir/report.html", REFUSED);
  });
  test("--fail-on-regression fails closed: 1 regression, 3 inconclusive, 0 only what it measured", () => {
    expect(run(["schema1_base.json", "schema1_slower.json", "--fail-on-regression"]).code).toBe(1);
    expect(run(["schema1_base.json", "schema1_slower.json", "--fail-on-regression", "5"]).code).toBe(1);
    expect(run(["schema1_base.json", "schema1_slower.json"]).code).toBe(0);
    // pkg_sub's typical run is 2.4% slower in the "faster" file, but not significantly (p=0.055).
    expect(run(["schema1_base.json", "schema1_faster.json", "--fail-on-regression"]).code).toBe(0);
    expect(run(["schema1_base.json", "schema1_faster.json", "--fail-on-regression=5"]).code).toBe(0);
    expect(run(["schema1_base.json", "schema1_same.json", "--fail-on-regression=5"]).code).toBe(0);
    // The original tool's files hold no samples: nothing was decided, so the gate cannot pass.
    const seed = run(["seed_baseline.json", "seed_optimized.json", "--fail-on-regression=5"]);
    expect(seed.code).toBe(3);
    expect(seed.stdout).toContain("INCONCLUSIVE (exit 3)");
    expectOneLine(run(["schema1_base.json", "schema1_same.json", "--fail-on-regression=abc"]), "--fail-on-regression", REFUSED);
  });
  test("--output writes the file, --github appends markdown to GITHUB_STEP_SUMMARY", () => {
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "before\n");
    const result = run(["seed_baseline.json", "seed_optimized.json", "--output", "out.json", "--format", "json", "--github"], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(JSON.parse(readFileSync(join(dir, "out.json"), "utf8")).formatVersion).toBe(2);
    const appended = readFileSync(summary, "utf8");
    expect(appended).toStartWith("before\n## Cold start benchmark comparison");
  });
  test("input errors: exit 2, one line naming file and field, no stack", () => {
    expectOneLine(run(["seed_baseline.json", "missing.json"]), "missing.json", REFUSED);
    expectOneLine(run(["seed_baseline.json", "bad.json"]), ["bad.json", "not valid JSON"], REFUSED);
    expectOneLine(run(["seed_baseline.json", "empty.json"]), "empty.json", REFUSED);
    expectOneLine(run(["seed_baseline.json", "shape.json"]), ["shape.json", "measurements.x.max"], REFUSED);
  });
  test("usage errors: exit 2", () => {
    expectOneLine(run(["seed_baseline.json"]), "at least two", REFUSED);
    expectOneLine(run(["seed_baseline.json", "seed_optimized.json", "--format", "xml"]), "--format", REFUSED);
    expectOneLine(run(["seed_baseline.json", "seed_optimized.json", "--bogus"]), "--bogus", REFUSED);
    expectOneLine(run(["seed_baseline.json", "seed_optimized.json", "--primary", "nope"]), "nope", REFUSED);
  });
  test("--help and --version", () => {
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--fail-on-regression");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(run(["--version"]).stdout.trim()).toBe(`coldstart-compare ${pkg.version}`);
  });
  test("imports no zx and no @clack/prompts, directly or transitively", async () => {
    const built = await Bun.build({ entrypoints: [SCRIPT], target: "bun", metafile: true } as Parameters<typeof Bun.build>[0]);
    expect(built.success).toBe(true);
    const inputs = Object.keys((built as unknown as { metafile?: { inputs: Record<string, unknown> } }).metafile?.inputs ?? {});
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((path) => /node_modules\/(zx|@clack)\//.test(path))).toEqual([]);
  });
});
