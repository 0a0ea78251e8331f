/**
 * The fixture of the bisect and history tests: the generated history of the bench's bisect
 * section (scripts/selfbench/history-repo.ts), made dirty the way a user's repository is.
 */
import { buildHistoryRepo, type Slowdown } from "../../scripts/selfbench/history-repo.ts";
import { makeDirty } from "./dirty-repo.ts";

export { buildHistoryRepo, HEAVY, type Slowdown, WORK } from "../../scripts/selfbench/history-repo.ts";

/** The history repository made dirty the way a user's is (dirty-repo.ts makeDirty). */
export function makeHistoryDirty(dir: string): void {
  makeDirty(dir, {
    stash: { "fixpkg/version.py": "VERSION = 'stashed'\n" },
    staged: { "NOTES.md": "staged\n" },
    unstaged: { "fixpkg/version.py": "VERSION = 'edited, not staged'\n" },
    untracked: { "scratch.py": "print('untracked')\n" },
  });
}

/** A history of `count` commits slowed at a random commit. */
export interface SlowedHistory {
  dir: string;
  commits: string[];
  count: number;
  slowAt: number;
}

/** A dirty history of `count` commits in `dir`, slowed by `slowdown` at a random commit (printed: a failure names it). */
export function slowedHistory(dir: string, slowdown: Slowdown, count: number): SlowedHistory {
  const slowAt = 2 + Math.floor(Math.random() * (count - 1));
  const commits = buildHistoryRepo(dir, { count, slowAt, slowdown });
  makeHistoryDirty(dir);
  console.log(`${count}-commit history slowed by ${slowdown} at commit ${slowAt}`);
  return { dir, commits, count, slowAt };
}
