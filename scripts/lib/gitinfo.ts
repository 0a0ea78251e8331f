/**
 * Read-only git questions asked at start-up, answered with plain synchronous spawns (zx
 * costs start-up time and is only needed by the branch runner).
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "./errors.ts";

/** Git variables that would point our commands at another repository or index. */
const GIT_LOCATION_VARIABLES = [
  "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/** The environment for every git command we run: the user's, minus repository overrides. */
export function gitEnvironment(base: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !GIT_LOCATION_VARIABLES.includes(key)) env[key] = value;
  // Never take optional locks (git status would otherwise refresh the user's index file).
  env.GIT_OPTIONAL_LOCKS = "0";
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

/** Runs `git <args>` synchronously (for start-up questions and cleanup on exit paths); never throws. */
export function gitSync(cwd: string, args: string[]): { ok: boolean; out: string } {
  try {
    const proc = Bun.spawnSync(["git", ...args], { cwd, env: gitEnvironment(), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    return { ok: proc.exitCode === 0, out: proc.stdout.toString().trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

/** The git top level of `dir`, or null when it is not in a git repository. */
export function gitTopLevel(dir: string): string | null {
  const result = gitSync(dir, ["rev-parse", "--show-toplevel"]);
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

/**
 * Branch, commit and dirtiness of a working tree; nulls outside git. Untracked files
 * count as changes: a new module in the tree can change what an import loads.
 */
export function describeWorkingTree(dir: string): { ref: string | null; commit: string | null; dirty: boolean } {
  const commit = gitSync(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (!commit.ok) return { ref: null, commit: null, dirty: false };
  const ref = gitSync(dir, ["rev-parse", "--abbrev-ref", "HEAD"]);
  const status = gitSync(dir, ["status", "--porcelain", "--untracked-files=normal"]);
  return { ref: ref.ok && ref.out !== "HEAD" ? ref.out : null, commit: commit.out, dirty: status.out !== "" };
}
