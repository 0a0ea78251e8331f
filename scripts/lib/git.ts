/**
 * Git for benchmarking refs, without ever touching the user's checkout.
 *
 * Every ref is measured in its own `git worktree add --detach` folder under the OS temp
 * folder; the user's working tree, index, stash list, untracked files and current branch
 * are never read-write. Our worktrees are kept in a registry and removed by an
 * idempotent, synchronous cleanup that also runs on SIGINT, SIGTERM, SIGHUP and exit; a
 * run that was killed outright (SIGKILL) leaves a temp folder whose owner pid is dead,
 * and the next run removes it and prunes the repository's worktree list.
 *
 * Refs are validated before git sees them: a ref with shell metacharacters or anything
 * `git check-ref-format` would refuse is rejected up front, then resolved with
 * `git rev-parse --verify --end-of-options REF^{commit}` (zx quotes every argument).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "./errors.ts";
import { gitEnvironment, gitSync, gitTopLevel } from "./gitinfo.ts";
import { killAllChildren } from "./spawn.ts";

/** Prefix of our temp folders; the owner's pid follows, so stale ones can be recognised. */
export const WORKTREE_PREFIX = "coldstart-wt-";
const OWNER_FILE = "coldstart-owner.json";

/** The words that stand for the working tree with its uncommitted changes. */
export const WORKTREE_WORDS = new Set([".", "WORKTREE"]);

interface GitRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in `cwd` via zx (arguments quoted by zx), never throwing. */
export async function git(cwd: string, args: string[]): Promise<GitRun> {
  const { $ } = await import("zx");
  const result = await $({ cwd, env: gitEnvironment(), nothrow: true, quiet: true })`git ${args}`;
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}


function firstLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).pop() ?? "";
}

/**
 * Checks a ref the user typed before any command sees it. Allowed: what branch and tag
 * names, commit ids and revision suffixes use (`feat/x`, `v1.2`, `HEAD~3`, `main^2`,
 * `HEAD@{1}`); refused: shell metacharacters, whitespace, control characters, a leading
 * `-`, and the shapes `git check-ref-format` refuses (`..`, `//`, `.lock`, trailing `/` or `.`).
 */
export function validateRefSyntax(ref: string): void {
  const shown = JSON.stringify(ref);
  if (ref === "") throw new UserError("empty ref: name a branch, tag or commit");
  if (/[^A-Za-z0-9._\/~^@{}+-]/.test(ref)) {
    throw new UserError(`invalid ref ${shown}: only letters, digits and . _ / - + ~ ^ @ { } are allowed in a ref`);
  }
  const problem =
    ref.startsWith("-") ? "starts with '-'" :
    ref.includes("..") ? "contains '..' (ranges are not refs; name one commit)" :
    ref.includes("//") ? "contains '//'" :
    ref.startsWith("/") || ref.endsWith("/") ? "starts or ends with '/'" :
    ref.endsWith(".") ? "ends with '.'" :
    /(^|\/)\./.test(ref) ? "has a component starting with '.'" :
    /\.lock(\/|$)/.test(ref) ? "has a component ending in '.lock'" :
    /[{}]/.test(ref.replace(/@\{[A-Za-z0-9._-]*\}/g, "")) ? "has '{' or '}' outside '@{...}'" :
    null;
  if (problem) throw new UserError(`invalid ref ${shown}: ${problem}`);
}

/** The top level of the git repository containing `dir`. */
export async function repoTopLevel(dir: string): Promise<string> {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder (--repo)`);
  const top = gitTopLevel(dir);
  if (!top) throw new UserError(`${dir} is not inside a git repository; pass --repo DIR`);
  return top;
}

/** The full commit id a ref names; a ref that names no commit is a UserError. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  validateRefSyntax(ref);
  const result = await git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  const commit = result.stdout.trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new UserError(`unknown ref ${JSON.stringify(ref)}: no branch, tag or commit of that name in ${repo}`);
  }
  return commit;
}



/** Local branches, most recently committed first. */
export async function localBranches(repo: string): Promise<string[]> {
  const result = await git(repo, ["for-each-ref", "--sort=-committerdate", "--format=%(refname:short)", "refs/heads/"]);
  return result.exitCode === 0 ? result.stdout.split("\n").map((line) => line.trim()).filter(Boolean) : [];
}


// --- our worktrees -------------------------------------------------------------------

interface OwnedWorktree {
  /** The temp folder we created (holds the owner file and the worktree). */
  folder: string;
  /** The worktree itself, `<folder>/tree`. */
  dir: string;
  repo: string;
}

const owned = new Map<string, OwnedWorktree>();
/** In-flight `git worktree add` commands; a signal handler waits for them before cleaning up. */
const inFlight = new Set<Promise<unknown>>();

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Adds a detached worktree of `commit` in a new temp folder and registers it for cleanup.
 * Hooks are disabled for the checkout (a post-checkout hook must not run on our behalf).
 */
export async function addWorktree(repo: string, commit: string, label: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), `${WORKTREE_PREFIX}${process.pid}-`));
  const dir = join(folder, "tree");
  owned.set(folder, { folder, dir, repo });
  writeFileSync(join(folder, OWNER_FILE), `${JSON.stringify({ pid: process.pid, repo, commit, label })}\n`);
  const adding = git(repo, ["-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet", dir, commit]);
  inFlight.add(adding);
  let result: GitRun;
  try {
    result = await adding;
  } finally {
    inFlight.delete(adding);
  }
  if (result.exitCode !== 0) {
    removeWorktree(folder);
    throw new UserError(`git worktree add for ${label} failed: ${firstLine(result.stderr)}`);
  }
  return dir;
}

/** Removes one of our worktrees (by folder or worktree path): git's record and the files. */
export function removeWorktree(folderOrDir: string): void {
  const entry = owned.get(folderOrDir) ?? [...owned.values()].find((item) => item.dir === folderOrDir);
  if (!entry) return;
  owned.delete(entry.folder);
  if (existsSync(entry.repo)) {
    if (existsSync(entry.dir)) gitSync(entry.repo, ["worktree", "remove", "--force", "--force", entry.dir]);
  }
  rmSync(entry.folder, { recursive: true, force: true });
  // Drops git's record if `worktree remove` could not (e.g. the add was cut short).
  if (existsSync(entry.repo) && existsSync(join(entry.repo, ".git"))) {
    const stale = gitWorktreeRecords(entry.repo).includes(entry.dir);
    if (stale) gitSync(entry.repo, ["worktree", "prune"]);
  }
}

function gitWorktreeRecords(repo: string): string[] {
  return gitSync(repo, ["worktree", "list", "--porcelain"])
    .out.split("\n")
    .filter((line) => line.startsWith("worktree "))
    .map((line) => line.slice("worktree ".length));
}

/** The worktrees this process still owns (for tests and messages). */
export function ownedWorktrees(): string[] {
  return [...owned.values()].map((entry) => entry.dir);
}

/** Removes every worktree we own. Synchronous and idempotent: safe from any exit path. */
export function cleanupWorktrees(): void {
  for (const folder of [...owned.keys()]) {
    try {
      removeWorktree(folder);
    } catch {
      // keep going: one stuck folder must not keep the others behind
    }
  }
}

/**
 * Leftovers of killed runs: our temp folders whose owner process is gone are removed, and
 * `git worktree prune` drops the records of worktrees whose folders no longer exist.
 * Returns the folders removed.
 */
export async function pruneStaleWorktrees(repo: string): Promise<string[]> {
  const removed: string[] = [];
  const repos = new Set([repo]);
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    // no temp folder to scan
  }
  for (const name of names) {
    if (!name.startsWith(WORKTREE_PREFIX)) continue;
    const pid = Number(name.slice(WORKTREE_PREFIX.length).split("-")[0]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const folder = join(tmpdir(), name);
    try {
      const owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), "utf8")) as { repo?: unknown };
      if (typeof owner.repo === "string") repos.add(owner.repo);
    } catch {
      // a folder cut short before its owner file was written is still ours by its name
    }
    rmSync(folder, { recursive: true, force: true });
    removed.push(folder);
  }
  for (const target of repos) {
    if (existsSync(target)) await git(target, ["worktree", "prune"]);
  }
  return removed;
}

// --- signals ------------------------------------------------------------------------

let interruptedBy: NodeJS.Signals | null = null;
let handlersInstalled = false;
const extraKillers = new Set<() => void>();

/** True once SIGINT/SIGTERM/SIGHUP arrived; measuring polls it between runs. */
export function interrupted(): boolean {
  return interruptedBy !== null;
}

/** The exit code for the signal that arrived: 130 SIGINT, 143 SIGTERM, 129 SIGHUP. */
export function interruptExitCode(): number {
  return interruptedBy ? SIGNAL_EXIT[interruptedBy] ?? 130 : 130;
}

/** Registers something to kill when a signal arrives (e.g. a running install step). Returns an unregister function. */
export function onInterrupt(kill: () => void): () => void {
  extraKillers.add(kill);
  return () => extraKillers.delete(kill);
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Installs the handlers that remove our worktrees on SIGINT, SIGTERM, SIGHUP and process
 * exit. A signal kills running children, waits briefly for an in-flight `worktree add`,
 * removes every worktree we own and exits 130 / 143 / 129.
 */
export function installCleanupHandlers(onSignal?: (signal: NodeJS.Signals) => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => cleanupWorktrees());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (interruptedBy) return;
      interruptedBy = signal;
      try {
        onSignal?.(signal);
      } catch {
        // reporting must not stop the cleanup
      }
      killAllChildren();
      for (const kill of extraKillers) {
        try {
          kill();
        } catch {
          // already gone
        }
      }
      const pending = [...inFlight];
      const settle = pending.length ? Promise.race([Promise.allSettled(pending), Bun.sleep(10_000)]) : Promise.resolve();
      void settle.then(() => {
        cleanupWorktrees();
        process.exit(SIGNAL_EXIT[signal] ?? 130);
      });
    });
  }
}
