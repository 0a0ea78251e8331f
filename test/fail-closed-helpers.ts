/**
 * Shared by the fail-closed suites (issue #11): fixture repositories made in the test's own
 * temporary folder, one-line error checks, result and worktree listings, process checks.
 */
import { expect } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gitRepo, sh, writeTree } from "./helpers.ts";

export type Run = { code: number; stdout: string; stderr: string };

/** A minimal importable project: `[project] name = "pkg"`, folder pkg/. */
export const PKG = { "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "import json\n" };

/** Runs git in `dir` (with an identity, file submodules allowed); throws with git's stderr on failure. */
export function git(dir: string, ...args: string[]): string {
  const result = sh(dir, ["git", "-c", "user.name=coldstart test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always", ...args]);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A repository with `files` on main, and each branch of `branches` a commit on top of main with its files. */
export function repoWithBranches(files: Record<string, string>, branches: Record<string, Record<string, string>> = {}): string {
  const dir = gitRepo(files);
  for (const [branch, changes] of Object.entries(branches)) {
    git(dir, "checkout", "-q", "-b", branch, "main");
    writeTree(dir, changes);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", branch);
  }
  if (Object.keys(branches).length) git(dir, "checkout", "-q", "main");
  return dir;
}

/** Exit 2, one line on stderr that names the tool and matches, no stack trace, nothing on stdout. */
export function expectOneLine(run: Run, tool: string, pattern: RegExp | string): string {
  const lines = run.stderr.trimEnd().split("\n");
  expect({ code: run.code, lines }).toEqual({ code: 2, lines: [expect.stringMatching(new RegExp(`^${tool}: error: `))] });
  if (typeof pattern === "string") expect(lines[0]).toContain(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain("internal error");
  expect(run.stdout).toBe("");
  return lines[0]!;
}

/** Result files (cold_start_*.json) in `out`, sorted; [] when the folder does not exist. */
export function resultFiles(out: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((name) => /^cold_start_.*\.json$/.test(name)).sort() : [];
}

/** The one result file in `out` whose name matches (not cold_start_latest.json), parsed. */
export function resultFile(out: string, pattern: RegExp): { name: string; data: Record<string, any> } {
  const names = resultFiles(out).filter((name) => pattern.test(name) && name !== "cold_start_latest.json");
  expect(names).toHaveLength(1);
  return { name: names[0]!, data: JSON.parse(readFileSync(join(out, names[0]!), "utf8")) };
}

/** Process ids a fixture wrote, one a line, to `file`. */
export function pidsIn(file: string): number[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
}

/** Polls until `check` holds (true) or `ms` pass (false). */
export async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}
