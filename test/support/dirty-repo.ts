/**
 * A dirty repository, as a user's is while they benchmark: on a branch of its own, with a
 * stash entry, staged and unstaged edits, a staged new file, untracked and ignored files;
 * and the check that a run left it exactly as it was (helpers.ts repoSnapshot). Used by
 * the safety, fault and bisect tests.
 */
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { git, repoSnapshot, tempDir, worktreeCount, writeTree } from "../helpers.ts";

/** What makeDirty writes, each a map of path -> content. */
export interface Dirt {
  /** Written, then stashed. */
  stash: Record<string, string>;
  /** Written, then staged. */
  staged: Record<string, string>;
  /** Written after staging: edits that are not staged. */
  unstaged: Record<string, string>;
  /** Never added (ignored ones too). */
  untracked: Record<string, string>;
}

/** Makes the repository in `dir` dirty: a branch `work`, then `dirt` in the order of its fields. */
export function makeDirty(dir: string, dirt: Dirt): void {
  git(dir, "switch", "-q", "-c", "work");
  writeTree(dir, dirt.stash);
  git(dir, "stash", "push", "-q", "-m", "wip: stashed before the benchmark");
  writeTree(dir, dirt.staged);
  git(dir, "add", ...Object.keys(dirt.staged));
  writeTree(dir, dirt.unstaged);
  writeTree(dir, dirt.untracked);
  git(dir, "status"); // let git settle the index's stat data before the snapshot
}

export interface DirtyRepo {
  dir: string;
  /** The snapshot taken when the repository was made. */
  original: string;
  /** Everything the user could notice about the repository, as one string. */
  snapshot(): string;
  /** Asserts the repository equals its state when it was made, with only the main worktree. */
  expectUntouched(): void;
}

/** The demo repository (main, lazy), made dirty. */
export async function makeDirtyRepo(): Promise<DirtyRepo> {
  const dir = tempDir("coldstart-dirty-");
  await buildDemoRepo(dir);
  const init = readFileSync(join(dir, "demopkg", "__init__.py"), "utf8");
  makeDirty(dir, {
    stash: { "demopkg/tasks.py": "# stashed work\n" },
    staged: { "demopkg/formats.py": "# staged edit\n", "NOTES.md": "staged new file\n" },
    unstaged: { "demopkg/__init__.py": `${init}# unstaged edit\n`, "demopkg/formats.py": "# staged edit, then edited again\n" },
    untracked: { "scratch.py": "print('untracked')\n", "debug.pyc": "ignored bytes" },
  });
  const snapshot = () => repoSnapshot(dir);
  const original = snapshot();
  return {
    dir,
    original,
    snapshot,
    expectUntouched() {
      expect(snapshot()).toBe(original);
      expect(worktreeCount(dir)).toBe(1);
    },
  };
}
