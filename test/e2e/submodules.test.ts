/**
 * Submodules in a ref's worktree (`--submodules auto|all|none`): with auto, only those the
 * measured import can need are checked out, so an uninitialised test-data submodule (as
 * tomlkit's tests/toml-test) no longer stops a benchmark; a needed one that is missing is
 * one line of advice. The user's repository stays as it was.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { cleanupTempDirs, expectOneLine, FAST, git, gitRepo, resultFile, runScript, sh, tempDir } from "../helpers.ts";

setDefaultTimeout(180_000);
afterAll(cleanupTempDirs);

/** app imports app/vendored (a submodule with a local clone); tests/data is a submodule never initialised here. */
function appRepo(): string {
  const lib = gitRepo({ "__init__.py": "VALUE = 42\n" });
  const data = gitRepo({ "case.toml": "a = 1\n" });
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "app"\n', "app/__init__.py": "from app.vendored import VALUE\n" });
  git(repo, "submodule", "add", "-q", lib, "app/vendored");
  git(repo, "submodule", "add", "-q", data, "tests/data");
  git(repo, "commit", "-qm", "vendored library and test data");
  // As a clone without --recurse-submodules leaves it: no local clone of tests/data.
  git(repo, "submodule", "deinit", "-q", "-f", "tests/data");
  sh(repo, ["rm", "-rf", join(repo, ".git", "modules", "tests")]);
  return repo;
}

const status = (repo: string) => sh(repo, ["git", "status", "--porcelain", "--ignored"]).stdout + sh(repo, ["git", "submodule", "status"]).stdout;

test("auto: an uninitialised submodule the import does not need is skipped, and said so", async () => {
  const repo = appRepo();
  const before = status(repo);
  const out = tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "main"], { cwd: repo });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Submodule tests/data not checked out (not under app nor on the import path; --submodules all checks it out)");
  const { data } = resultFile(out, /^cold_start_main_\d+\.json$/);
  expect(data.failures).toEqual({});
  expect(data.modules.loaded).toContain("app.vendored");
  expect(status(repo)).toBe(before);

  // all: every submodule, so the missing one stops the run with the advice.
  const all = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--submodules", "all", "main"], { cwd: repo });
  expectOneLine(all, /main: submodule tests\/data at [0-9a-f]{9} is not in a local clone; .*--submodules auto skips those the import does not need$/);
  expect(status(repo)).toBe(before);
});

test("auto: a needed submodule that is missing is one line of advice; none checks out nothing", async () => {
  const repo = appRepo();
  git(repo, "submodule", "deinit", "-q", "-f", "app/vendored");
  sh(repo, ["rm", "-rf", join(repo, ".git", "modules")]);
  const before = status(repo);
  const out = tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "main"], { cwd: repo });
  expectOneLine(run, /main: submodule app\/vendored at [0-9a-f]{9} is not in a local clone; run `git submodule update --init --recursive` .*; it is under app or on the import path; --submodules none skips it$/);
  expect(status(repo)).toBe(before);

  const none = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--submodules", "none", "main"], { cwd: repo });
  expect(none.stdout).toContain("Submodule app/vendored not checked out (--submodules none)");
  expect(none.code).not.toBe(0); // the import needs it: a failed measurement, never a silent success
  expect(none.stderr).toContain("ImportError");
  expect(status(repo)).toBe(before);
});
