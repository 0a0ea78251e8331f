/**
 * A generated git history for bisect and history runs: a package `fixpkg` with commits
 * 1..count on `main` (commit k sets VERSION = k); from commit `slowAt` on, its
 * `__init__.py` imports heavy standard-library modules up front (about 10x the import time
 * and instructions) or, with `slowdown: "work"`, does work at import without loading a
 * module more (a table built in a loop: only time and instructions see it). Written with
 * one `git fast-import`, so 128 commits cost one process. The bench's bisect section and the
 * bisect and history tests build on it.
 */
export const HEAVY = "import email.parser, asyncio, http.client, decimal";
export const WORK = "TABLE = [i * i % 7 for i in range(400_000)]";

export type Slowdown = "modules" | "work";

export interface HistoryOptions {
  count?: number;
  slowAt?: number;
  slowdown?: Slowdown;
}

function initPy(k: number, slowAt: number, slowdown: Slowdown): string {
  return [
    '"""fixpkg: a fixture for coldstart\'s bisect and history tests."""',
    "import argparse",
    "import csv",
    "import json",
    ...(k < slowAt ? [] : slowdown === "modules" ? [`${HEAVY}  # eager: every import pays for them`] : [`${WORK}  # built at import: every import pays for it`]),
    "",
    "from .version import VERSION",
    "",
  ].join("\n");
}

function blob(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function git(dir: string, args: string[], stdin?: string): string {
  const run = Bun.spawnSync(["git", ...args], { cwd: dir, stdin: stdin === undefined ? "ignore" : Buffer.from(stdin), stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr.toString().trim()}`);
  return run.stdout.toString().trim();
}

/** The subject of commit k. */
export function subjectOf(k: number, options: HistoryOptions = {}): string {
  const slowdown = options.slowdown ?? "modules";
  return k !== (options.slowAt ?? 23) ? `commit ${k}: version ${k}` : `commit ${k}: ${slowdown === "modules" ? HEAVY : WORK} up front`;
}

/**
 * Builds the repository in `dir` (an empty folder): commits 1..count on `main`, checked
 * out. Returns the commit ids, oldest first (index k − 1 is commit k).
 */
export function buildHistoryRepo(dir: string, options: HistoryOptions = {}): string[] {
  const count = options.count ?? 40;
  const slowAt = options.slowAt ?? 23;
  const slowdown = options.slowdown ?? "modules";
  git(dir, ["init", "-q", "-b", "main"]);
  for (const [key, value] of [["user.email", "test@example.com"], ["user.name", "coldstart test"], ["commit.gpgsign", "false"]]) git(dir, ["config", key!, value!]);
  const stream: string[] = [];
  for (let k = 1; k <= count; k += 1) {
    stream.push(
      "commit refs/heads/main",
      `mark :${k}`,
      `author coldstart test <test@example.com> ${1_700_000_000 + k * 60} +0000`,
      `committer coldstart test <test@example.com> ${1_700_000_000 + k * 60} +0000`,
      blob(subjectOf(k, options)).trimEnd(),
      ...(k > 1 ? [`from :${k - 1}`] : []),
      `M 100644 inline pyproject.toml`,
      blob('[project]\nname = "fixpkg"\nversion = "0"\n').trimEnd(),
      `M 100644 inline fixpkg/__init__.py`,
      blob(initPy(k, slowAt, slowdown)).trimEnd(),
      `M 100644 inline fixpkg/version.py`,
      blob(`VERSION = ${k}\n`).trimEnd(),
      "",
    );
  }
  git(dir, ["fast-import", "--quiet"], `${stream.join("\n")}\n`);
  git(dir, ["checkout", "-q", "-f", "main"]);
  return git(dir, ["rev-list", "--reverse", "main"]).split("\n");
}
