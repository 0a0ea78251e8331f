/**
 * Read-only git questions asked at start-up, answered with plain synchronous spawns (zx
 * costs start-up time and is only needed by the branch runner).
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "./errors.ts";

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
  try {
    // --no-optional-locks: `git status` must not refresh (rewrite) the user's index.
    const proc = Bun.spawnSync(["git", "--no-optional-locks", ...args], { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    return { ok: proc.exitCode === 0, out: proc.stdout.toString().trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

/** The git top level of `dir`, or null when it is not in a git repository. */
export function gitTopLevel(dir: string): string | null {
  const result = git(dir, ["rev-parse", "--show-toplevel"]);
  return result.ok && result.out ? result.out : null;
}

/** Target = --repo DIR, else the git top level of the current folder. */
export function resolveTarget(repo: string | undefined, cwd = process.cwd()): string {
  if (repo !== undefined) {
    if (!existsSync(repo) || !statSync(repo).isDirectory()) throw new UserError(`--repo ${repo}: no such folder`);
    return resolve(repo);
  }
  const top = gitTopLevel(cwd);
  if (!top) throw new UserError(`${cwd} is not inside a git repository; run coldstart from your project or pass --repo DIR`);
  return top;
}

/** Ref, commit and dirtiness of a working tree; nulls outside git. */
export function describeWorkingTree(dir: string): { ref: string | null; commit: string | null; dirty: boolean } {
  const commit = git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (!commit.ok) return { ref: null, commit: null, dirty: false };
  const ref = git(dir, ["rev-parse", "--abbrev-ref", "HEAD"]);
  const status = git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  return { ref: ref.ok && ref.out !== "HEAD" ? ref.out : null, commit: commit.out, dirty: status.out !== "" };
}
