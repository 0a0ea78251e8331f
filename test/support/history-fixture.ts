/**
 * The fixture of the bisect and history tests: a package `fixpkg` with a history of N
 * commits on `main` (commit k sets VERSION = k); from commit `slowAt` on, its
 * `__init__.py` imports heavy standard-library modules up front (about 10x the import
 * time and instructions). Written with one `git fast-import`, so 40 commits cost one process.
 * Made dirty, for the bisect, with dirty-repo.ts makeDirty (makeHistoryDirty).
 */
import { git } from "../helpers.ts";
import { makeDirty } from "./dirty-repo.ts";

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
  git(dir, "init", "-q", "-b", "main");
  for (const [key, value] of [["user.email", "test@example.com"], ["user.name", "coldstart test"], ["commit.gpgsign", "false"]]) git(dir, "config", key!, value!);
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
  const imported = Bun.spawnSync(["git", "fast-import", "--quiet"], { cwd: dir, stdin: Buffer.from(`${stream.join("\n")}\n`), stdout: "pipe", stderr: "pipe" });
  if (imported.exitCode !== 0) throw new Error(`git fast-import: ${imported.stderr.toString()}`);
  git(dir, "checkout", "-q", "-f", "main");
  return git(dir, "rev-list", "--reverse", "main").split("\n");
}

/** The history repository made dirty the way a user's is (dirty-repo.ts makeDirty). */
export function makeHistoryDirty(dir: string): void {
  makeDirty(dir, {
    stash: { "fixpkg/version.py": "VERSION = 'stashed'\n" },
    staged: { "NOTES.md": "staged\n" },
    unstaged: { "fixpkg/version.py": "VERSION = 'edited, not staged'\n" },
    untracked: { "scratch.py": "print('untracked')\n" },
  });
}
