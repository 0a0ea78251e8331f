/**
 * The fixture of the bisect and history tests: the generated history of the bench's bisect
 * section (scripts/selfbench/history-repo.ts), made dirty the way a user's repository is.
 */
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
