/**
 * Where the project is: the target folder, its git repository, and what its working tree
 * holds (branch, commit, uncommitted changes). Read-only questions.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { git } from "./run.ts";

/** The git top level of `dir`, or null when it is not in a git work tree. */
export function gitTopLevel(dir: string): string | null {
  const result = git(dir, ["rev-parse", "--show-toplevel"]);
  return result.ok && result.out ? result.out : null;
}

function isBareRepository(dir: string): boolean {
  const result = git(dir, ["rev-parse", "--is-bare-repository"]);
  return result.ok && result.out === "true";
}

/**
 * The project to measure: `--repo DIR` (relative to the current folder), else the nearest
 * folder at or above the current one with a pyproject.toml (up to the git top level), else
 * the git top level. So `packages/alpha` of a monorepo measures `packages/alpha`.
 */
export function resolveTarget(repo: string | undefined, cwd = process.cwd()): string {
  if (repo !== undefined) {
    const dir = resolve(cwd, repo);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--repo ${repo}: no such folder`);
    if (!existsSync(join(dir, "pyproject.toml")) && isBareRepository(dir)) {
      throw new UserError(`--repo ${repo} is a bare git repository (no working tree): run coldstart in a checkout of it`);
    }
    return dir;
  }
  const top = gitTopLevel(cwd);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pyproject.toml"))) return dir;
    if (dir === top || dirname(dir) === dir) break;
  }
  if (top) return top;
  if (isBareRepository(cwd)) throw new UserError(`${cwd} is a bare git repository (no working tree): run coldstart in a checkout of it, or pass --repo DIR`);
  throw new UserError(`${cwd} is not inside a git repository or a Python project; run coldstart from your project or pass --repo DIR`);
}

/** The git top level of a target, or a one-line error saying why there is none. */
export function repoTopLevel(dir: string): string {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder (--repo)`);
  const top = gitTopLevel(dir);
  if (top) return top;
  if (isBareRepository(dir)) {
    throw new UserError(`${dir} is a bare git repository (no working tree to read the configuration from): clone it and run coldstart in the clone`);
  }
  throw new UserError(`${dir} is not inside a git repository; comparing refs needs one (measure a plain folder with coldstart-test --repo DIR)`);
}

/** The target's path inside its repository ("" at the top level). */
export function subdirectory(top: string, target: string): string {
  return relative(top, target);
}

export interface WorkingTreeInfo {
  ref: string | null;
  commit: string | null;
  dirty: boolean;
}

/**
 * Branch, commit and dirtiness of a working tree; nulls outside git. Untracked files
 * count as changes: a new module in the tree can change what an import loads.
 */
export function describeWorkingTree(dir: string): WorkingTreeInfo {
  const commit = git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (!commit.ok) return { ref: null, commit: null, dirty: false };
  const ref = git(dir, ["rev-parse", "--abbrev-ref", "HEAD"]);
  const status = git(dir, ["status", "--porcelain", "--untracked-files=normal"]);
  return { ref: ref.ok && ref.out !== "HEAD" ? ref.out : null, commit: commit.out, dirty: status.out !== "" };
}
