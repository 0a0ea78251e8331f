/**
 * "Fix it, measured" from the command line, on the acceptance fixture (test/fixtures/advise/
 * service: `acme/__init__.py` eagerly imports a reporting module whose heavy standard-
 * library imports only one function uses, and an admin module whose class derives from
 * http.server's; the workload uses neither): coldstart-bench --advise --apply --check in a
 * real git repository, with real python3.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, gitRepo, ROOT, runScript, sh, tempDir } from "../helpers.ts";

setDefaultTimeout(600_000);
afterAll(cleanupTempDirs);

const FIXTURE = join(ROOT, "test", "fixtures", "advise", "service");
const CHECK = "python3 -c \"import acme; print(acme.render_report([[1, 2], [3, 4]]))\"";

/** The fixture committed on `main` of a new repository, with `changes` over it. */
function fixtureRepo(changes: Record<string, string> = {}): string {
  const files: Record<string, string> = {};
  for (const path of new Bun.Glob("**/*").scanSync({ cwd: FIXTURE })) files[path] = readFileSync(join(FIXTURE, path), "utf8");
  return gitRepo({ ...files, ...changes });
}

const state = (repo: string) => ["status --porcelain --ignored=no", "stash list", "branch --list", "rev-parse HEAD"].map((args) => sh(repo, ["git", ...args.split(" ")]).stdout);

describe("--advise --apply on the acceptance fixture", () => {
  const repo = fixtureRepo();
  const before = state(repo);
  const out = join(tempDir(), "results");
  let run: Awaited<ReturnType<typeof runScript>>;
  let report: any;

  test("runs: advice, a patch, the benchmark of the ref against its patch", async () => {
    run = await runScript("benchmark_cold_start.ts", [
      "--advise", "--apply", "--check", CHECK, "--iterations", "15", "--max-iterations", "15", "--format", "json", "--output", join(tempDir(), "report.json"), "--out", out, "main",
    ], { cwd: repo });
    expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: "" });
    report = JSON.parse(readFileSync(run.stderr.match(/wrote (\S+report\.json)/)![1]!, "utf8"));
    expect(state(repo)).toEqual(before);
  });

  test("names the reporting statements with their modules, and nothing the workload used", () => {
    const advice = report.advice.advice;
    const names = advice.candidates.map((c: any) => `${c.file}:${c.line}`);
    expect(names).toContain("acme/__init__.py:7");
    const reporting = advice.candidates.find((c: any) => c.file === "acme/__init__.py" && c.line === 7);
    expect(reporting.modules).toEqual(expect.arrayContaining(["csv", "sqlite3", "statistics", "decimal"]));
    expect(reporting.packages).toEqual(expect.arrayContaining(["csv", "sqlite3", "statistics"]));
    for (const candidate of advice.candidates) expect(candidate.modules).not.toContain("json");
    expect(advice.kept.map((k: any) => k.file)).toContain("acme/core.py");
  });

  test("the base-class case is not movable, with its reason and the __getattr__ form offered", () => {
    const admin = report.advice.advice.candidates.find((c: any) => c.file === "acme/admin.py");
    expect(admin.movable).toBe(false);
    expect(admin.reason).toMatch(/used in the base classes of AdminConsole/);
    expect(admin.reason).toMatch(/__getattr__/);
  });

  test("the patch applies with git apply --check; the check passes on the patched tree", () => {
    const patch = join(out, "advice", "main-defer.patch");
    expect(existsSync(patch)).toBe(true);
    expect(sh(repo, ["git", "apply", "--check", patch]).code).toBe(0);
    const applied = report.advice.advice.candidates.filter((c: any) => c.applied);
    expect(applied.length).toBeGreaterThan(0);
    expect(report.advice.patch.applied).toBe(applied.length);
  });

  test("faster, and the measured saving within ±30% of the predicted, in time and in memory", () => {
    const row = report.candidates[0].measurements[0];
    expect(row.verdict).toBe("faster");
    const { predictedMs, measuredMs, predictedMb, measuredMb, verdict } = report.advice.patch;
    expect(verdict).toBe("faster");
    console.log(`predicted ${predictedMs} ms, ${predictedMb} MB; measured ${measuredMs} ms, ${measuredMb} MB`);
    expect(measuredMs / predictedMs).toBeGreaterThan(0.7);
    expect(measuredMs / predictedMs).toBeLessThan(1.3);
    expect(measuredMb / predictedMb).toBeGreaterThan(0.7);
    expect(measuredMb / predictedMb).toBeLessThan(1.3);
  });

  test("the result file of the ref carries the advice with the contract's keys", () => {
    const files = (sh(out, ["sh", "-c", "ls cold_start_main_[0-9]*.json"]).stdout.trim().split("\n"));
    const result = JSON.parse(readFileSync(join(out, files[0]!), "utf8"));
    expect(Object.keys(result.advice)).toEqual(expect.arrayContaining(["workload", "candidates", "eagerWork"]));
    expect(Object.keys(result.advice.workload)).toEqual(expect.arrayContaining(["statement", "ok", "ms"]));
    for (const key of ["file", "line", "code", "modules", "packages", "predictedMs", "predictedMb", "form", "movable", "reason"]) {
      expect(result.advice.candidates[0]).toHaveProperty(key);
    }
  });
});

describe("bad input: one line, exit 2, the tree untouched", () => {
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ["a workload that raises", {}, ["--workload", "acme.nothing_here()"], /workload.*AttributeError/],
    ["a workload that hangs", {}, ["--workload", "import time; time.sleep(600)", "--timeout", "3"], /workload.*(timeout|did not finish|time)/i],
    ["a check command that fails on the original", {}, ["--apply", "--check", "false"], /check/i],
    ["a target with no package of its own", { "pyproject.toml": '[project]\nname = "acme"\n[tool.coldstart]\npackage = "json"\nworkload = "print(1)"\n' }, [], /package/i],
  ];
  for (const [name, changes, args, message] of cases) {
    test(name, async () => {
      const repo = fixtureRepo(changes);
      const before = state(repo);
      const run = await runScript("benchmark_cold_start.ts", ["--advise", ...args, "--iterations", "3", "--importtime-runs", "0", "--out", join(tempDir(), "r"), "main"], { cwd: repo });
      expect({ name, code: run.code }).toEqual({ name, code: 2 });
      expect(run.stderr.trim().split("\n").filter((line) => line.includes("error:"))).toEqual([expect.stringMatching(message)]);
      expect(state(repo)).toEqual(before);
    });
  }
});
