/**
 * `benchmark_results/` showed up untracked in the user's repository after a run (only its
 * `cache/` ignored itself). The output folder now gets a `.gitignore` of `*` when coldstart
 * creates it, or when it has none and holds only coldstart's files; a user's own
 * `.gitignore` is never replaced, and a folder of other files is left alone.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, FAST, gitRepo, runScript, sh, writeTree } from "../helpers.ts";

setDefaultTimeout(180_000);
afterAll(cleanupTempDirs);

const PROJECT = { "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "import json\n" };
const status = (repo: string) => sh(repo, ["git", "status", "--porcelain", "--untracked-files=all"]).stdout;

test("a run in the user's repository leaves git status clean: test, then bench with the working tree", async () => {
  const repo = gitRepo(PROJECT);
  const single = await runScript("test_cold_start.ts", FAST, { cwd: repo });
  expect(single.code).toBe(0);
  expect(existsSync(join(repo, "benchmark_results", "cold_start_latest.json"))).toBe(true);
  expect(readFileSync(join(repo, "benchmark_results", ".gitignore"), "utf8")).toMatch(/^\*$/m);
  expect(status(repo)).toBe("");
  const bench = await runScript("benchmark_cold_start.ts", [...FAST, "main", "."], { cwd: repo });
  expect(bench.code).toBe(0);
  expect(status(repo)).toBe("");
});

test("an existing output folder: a user's .gitignore is kept; one of coldstart's files gets one; a folder of other files is left alone", async () => {
  const repo = gitRepo(PROJECT);
  writeTree(repo, { "benchmark_results/.gitignore": "*.json\n" });
  expect((await runScript("test_cold_start.ts", FAST, { cwd: repo })).code).toBe(0);
  expect(readFileSync(join(repo, "benchmark_results", ".gitignore"), "utf8")).toBe("*.json\n");

  const old = gitRepo({ ...PROJECT, "benchmark_results/cold_start_1700000000.json": "{}\n" });
  sh(old, ["git", "rm", "-q", "--cached", "benchmark_results/cold_start_1700000000.json"]);
  sh(old, ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "untrack"]);
  expect((await runScript("test_cold_start.ts", FAST, { cwd: old })).code).toBe(0);
  expect(existsSync(join(old, "benchmark_results", ".gitignore"))).toBe(true);
  expect(status(old)).toBe("");

  const mine = gitRepo({ ...PROJECT, "notes/todo.txt": "mine\n" });
  expect((await runScript("test_cold_start.ts", [...FAST, "--out", "notes"], { cwd: mine })).code).toBe(0);
  expect(existsSync(join(mine, "notes", ".gitignore"))).toBe(false);
});
