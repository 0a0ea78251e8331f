/**
 * The fixture of the bisect and history tests: a package `fixpkg` with a history of N
 * commits on `main` (commit k sets VERSION = k); from commit `slowAt` on, its
 * `__init__.py` imports heavy standard-library modules up front (about 10x the import
 * time and instructions). Written with one `git fast-import`, so 40 commits cost one process.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { filesOf } from "./dirty-repo.ts";
import { sh } from "./helpers.ts";

export const HEAVY = "import email.parser, asyncio, http.client, decimal";

function initPy(k: number, slowAt: number): string {
  return [
    '"""fixpkg: a fixture for coldstart\'s bisect and history tests."""',
    "import argparse",
    "import csv",
    "import json",
    ...(k >= slowAt ? [`${HEAVY}  # eager: every import pays for them`] : []),
    "",
    "from .version import VERSION",
    "",
  ].join("\n");
}

function blob(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/**
 * Builds the repository in `dir` (an empty folder): commits 1..count on `main`, checked
 * out. Returns the commit ids, oldest first (index k − 1 is commit k).
 */
export function buildHistoryRepo(dir: string, options: { count?: number; slowAt?: number } = {}): string[] {
  const count = options.count ?? 40;
  const slowAt = options.slowAt ?? 23;
  const git = (args: string[], input?: string) => {
    const proc = Bun.spawnSync(["git", ...args], { cwd: dir, stdin: input === undefined ? "ignore" : Buffer.from(input), stdout: "pipe", stderr: "pipe" });
    if (proc.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${proc.stderr.toString()}`);
    return proc.stdout.toString().trim();
  };
  git(["init", "-q", "-b", "main"]);
  git(["config", "user.email", "test@example.com"]);
  git(["config", "user.name", "coldstart test"]);
  git(["config", "commit.gpgsign", "false"]);
  const stream: string[] = [];
  for (let k = 1; k <= count; k += 1) {
    const subject = k === slowAt ? `commit ${k}: ${HEAVY} up front` : `commit ${k}: version ${k}`;
    stream.push(
      "commit refs/heads/main",
      `mark :${k}`,
      `author coldstart test <test@example.com> ${1_700_000_000 + k * 60} +0000`,
      `committer coldstart test <test@example.com> ${1_700_000_000 + k * 60} +0000`,
      blob(subject).trimEnd(),
      ...(k > 1 ? [`from :${k - 1}`] : []),
      `M 100644 inline pyproject.toml`,
      blob('[project]\nname = "fixpkg"\nversion = "0"\n').trimEnd(),
      `M 100644 inline fixpkg/__init__.py`,
      blob(initPy(k, slowAt)).trimEnd(),
      `M 100644 inline fixpkg/version.py`,
      blob(`VERSION = ${k}\n`).trimEnd(),
      "",
    );
  }
  git(["fast-import", "--quiet"], `${stream.join("\n")}\n`);
  git(["checkout", "-q", "-f", "main"]);
  return git(["rev-list", "--reverse", "main"]).split("\n");
}

/**
 * Makes the fixture repository dirty the way a user's is: on a branch of its own, with a
 * stash entry, a staged new file, an unstaged edit and an untracked file.
 */
export function makeDirty(dir: string): void {
  const git = (...args: string[]) => {
    const result = sh(dir, ["git", ...args]);
    if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  };
  git("switch", "-q", "-c", "work");
  writeFileSync(join(dir, "fixpkg", "version.py"), "VERSION = 'stashed'\n");
  git("stash", "push", "-q", "-m", "wip before the bisect");
  writeFileSync(join(dir, "NOTES.md"), "staged\n");
  git("add", "NOTES.md");
  writeFileSync(join(dir, "fixpkg", "version.py"), "VERSION = 'edited, not staged'\n");
  writeFileSync(join(dir, "scratch.py"), "print('untracked')\n");
  git("status");
}

/** Everything a user could notice about a repository: status, stash, branch, HEAD, refs, index, worktrees, files. */
export function repoSnapshot(dir: string): string {
  const run = (...args: string[]) => sh(dir, ["git", "--no-optional-locks", ...args]).stdout;
  return [
    run("status", "--porcelain=v1", "--untracked-files=all", "--ignored"),
    run("stash", "list"),
    run("symbolic-ref", "HEAD"),
    run("rev-parse", "HEAD"),
    run("for-each-ref", "--format=%(refname) %(objectname)"),
    run("ls-files", "--stage", "--debug").replace(/\s+(ctime|mtime|dev|uid|gid|size|flags):.*$/gm, ""),
    run("worktree", "list", "--porcelain"),
    run("diff"),
    createHash("sha256").update(readFileSync(join(dir, ".git", "index"))).digest("hex"),
    filesOf(dir).join("\n"),
  ].join("\n---\n");
}
