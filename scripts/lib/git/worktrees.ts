/**
 * Our worktrees: every ref is measured in its own `git worktree add --detach` folder
 * under the OS temporary folder, so the user's working tree, index, stash, untracked
 * files and current branch are never touched. Each is removed on every exit path (see
 * process.ts); a run that was killed outright leaves a folder whose owner pid is dead,
 * and the next run removes it and prunes the repository's worktree list.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { onExit, pruneStaleTemporaries, TEMP_PREFIXES, temporaryDir } from "../process.ts";
import { writeFile } from "../write.ts";
import { git, lastLine } from "./run.ts";

const OWNER_FILE = "coldstart-owner.json";
/** Retries of a `worktree add` that met another process's add. */
const ADD_RETRIES = 3;

interface OwnedWorktree {
  /** The worktree itself, `<folder>/tree-<the folder's unique suffix>`. */
  dir: string;
  repo: string;
  /** Removes the worktree (git's record and the folder); idempotent. */
  remove: () => void;
}

const owned = new Map<string, OwnedWorktree>();

function worktreeRecords(repo: string): string[] {
  return git(repo, ["worktree", "list", "--porcelain"])
    .out.split("\n")
    .filter((line) => line.startsWith("worktree "))
    .map((line) => line.slice("worktree ".length));
}

/** Which submodules a worktree gets (default: every one). */
export interface SubmoduleChoice {
  /** Whether the submodule at `path` (from the worktree's top) is checked out; `tree` is the worktree. */
  wanted: (path: string, tree: string) => boolean;
  /** Told of each submodule left out. */
  skipped?: (path: string) => void;
  /** Added to the error when a wanted submodule has no local clone (why it is wanted, what else to do). */
  advice?: string;
}

const EVERY_SUBMODULE: SubmoduleChoice = { wanted: () => true };

/**
 * Adds a detached worktree of `commit` in a new temporary folder, registered for cleanup,
 * with its submodules (if any, those `submodules` wants) cloned from the repository's own
 * submodule clones. Hooks are off for the checkout: a post-checkout hook must not run on
 * our behalf.
 */
export function addWorktree(repo: string, commit: string, label: string, submodules: SubmoduleChoice = EVERY_SUBMODULE): string {
  const { dir: folder, remove: removeFolder } = temporaryDir(TEMP_PREFIXES.worktree, true);
  // git names its record of a worktree after the folder's base name; a name of our own
  // keeps two coldstart runs on one repository from choosing the same one at once.
  const dir = join(folder, `tree-${basename(folder).slice(TEMP_PREFIXES.worktree.length)}`);
  const remove = onExit(() => {
    owned.delete(dir);
    if (existsSync(dir)) git(repo, ["worktree", "remove", "--force", "--force", dir]);
    removeFolder();
    // Drops git's record if `worktree remove` could not (e.g. the add was cut short).
    if (existsSync(repo) && worktreeRecords(repo).includes(dir)) git(repo, ["worktree", "prune"]);
  });
  owned.set(dir, { dir, repo, remove });
  writeFile(join(folder, OWNER_FILE), `${JSON.stringify({ pid: process.pid, repo, commit, label })}\n`);
  const add = () => git(repo, ["-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet", dir, commit]);
  let added = add();
  // Another process adding a worktree to the same repository at that instant can make git
  // read its half-written record ("failed to read .git/worktrees/<name>/commondir"): retry.
  for (let retry = 1; !added.ok && retry <= ADD_RETRIES && /\.git\/worktrees\/|\.lock\b/.test(added.err); retry += 1) {
    Bun.sleepSync(50 * retry + Math.floor(Math.random() * 100));
    added = add();
  }
  if (!added.ok) {
    remove();
    throw new UserError(`git worktree add for ${label} failed: ${lastLine(added.err)}`);
  }
  try {
    initSubmodules(repo, dir, label, { ...submodules, top: dir, prefix: "" });
  } catch (error) {
    remove();
    throw error;
  }
  return dir;
}

/** Removes one of our worktrees. */
export function removeWorktree(dir: string): void {
  owned.get(dir)?.remove();
}

/** The worktrees this process still owns (for tests and messages). */
export function ownedWorktrees(): string[] {
  return [...owned.keys()];
}

/** Removes every worktree we own. Synchronous and idempotent: safe from any exit path. */
export function cleanupWorktrees(): void {
  for (const entry of [...owned.values()]) entry.remove();
}

/**
 * Leftovers of killed runs: our temporary folders whose owner is gone are removed, and
 * `git worktree prune` drops the records of worktrees whose folders no longer exist.
 */
export function pruneStaleWorktrees(repo: string): string[] {
  const repos = new Set([repo]);
  const removed = pruneStaleTemporaries(TEMP_PREFIXES.worktree, (folder) => {
    const owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), "utf8")) as { repo?: unknown };
    if (typeof owner.repo === "string") repos.add(owner.repo);
  });
  for (const target of repos) if (existsSync(target)) git(target, ["worktree", "prune"]);
  return removed;
}

/**
 * Checks out the submodules of a worktree without the network and without touching the
 * user's repository configuration: each is cloned (`--shared`) from the repository's own
 * clone of it (`.git/modules/<name>`, or the checked-out submodule folder) and detached at
 * the recorded commit. A wanted submodule with no local clone is one clear error; the others
 * are left as the empty folders git made for them.
 */
function initSubmodules(
  repo: string, tree: string, label: string, choice: SubmoduleChoice & { top: string; prefix: string }, source = resolveGitCommonDir(repo),
): void {
  if (!existsSync(join(tree, ".gitmodules"))) return;
  const links = git(tree, ["ls-files", "--stage"]).out.split("\n").filter((line) => line.startsWith("160000 "));
  if (links.length === 0) return;
  const names = new Map<string, string>();
  for (const line of git(tree, ["config", "--file", ".gitmodules", "--get-regexp", "^submodule\\..*\\.path$"]).out.split("\n")) {
    const match = /^submodule\.(.+)\.path (.+)$/.exec(line);
    if (match) names.set(match[2]!, match[1]!);
  }
  for (const line of links) {
    const [, sha, , path] = /^160000 ([0-9a-f]+) (\d)\t(.+)$/.exec(line) ?? [];
    if (!sha || !path) continue;
    const name = names.get(path) ?? path;
    const full = `${choice.prefix}${path}`;
    if (!choice.wanted(full, choice.top)) {
      choice.skipped?.(full);
      continue;
    }
    const candidates = [join(source, "modules", name), join(repo, path)];
    const origin = candidates.find((candidate) => existsSync(candidate) && git(candidate, ["cat-file", "-e", `${sha}^{commit}`]).ok);
    if (!origin) {
      throw new UserError(
        `${label}: submodule ${full} at ${sha.slice(0, 9)} is not in a local clone; run \`git submodule update --init --recursive\` in your checkout first (coldstart never fetches)${choice.advice ? `; ${choice.advice}` : ""}`,
      );
    }
    const target = join(tree, path);
    const cloned = git(tree, ["-c", "core.hooksPath=/dev/null", "clone", "--quiet", "--shared", "--no-checkout", origin, target]);
    const checkedOut = cloned.ok && git(target, ["-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--detach", sha]).ok;
    if (!checkedOut) throw new UserError(`${label}: could not check out submodule ${full}: ${lastLine(cloned.err) || "git checkout failed"}`);
    initSubmodules(origin, target, label, { ...choice, prefix: `${full}/` }, resolveGitCommonDir(origin));
  }
}

function resolveGitCommonDir(repo: string): string {
  const result = git(repo, ["rev-parse", "--git-common-dir"]);
  return resolve(repo, result.ok ? result.out : ".git");
}
