/** Shared test helpers: temp folders, fixture trees, real git repos, running the scripts. */
import { expect } from "bun:test";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../scripts/lib/errors.ts";
import { appendFile, openForOutput, writeFile } from "../scripts/lib/write.ts";

export const ROOT = resolve(import.meta.dir, "..");

/**
 * The suite's own temporary folder: every test's files and, through TMPDIR, every child
 * process's (worktrees, bytecode caches) go under it, so the suite never looks at another
 * coldstart run's files and passes while one runs beside it.
 */
export const TEST_TMP = mkdtempSync(join(tmpdir(), "coldstart-suite-"));
// Others may pass through (a test runs a bundle as an unprivileged user), not list it.
chmodSync(TEST_TMP, 0o711);
process.env.TMPDIR = TEST_TMP;
// Environments (bench --env) are cached here, never in the user's cache folder.
process.env.XDG_CACHE_HOME = join(TEST_TMP, "xdg-cache");
// Removed after the last test file by test/preload.ts (bun test fires no "exit" event); here for other runners.
process.on("exit", () => rmSync(TEST_TMP, { recursive: true, force: true }));

const made: string[] = [];

export function tempDir(prefix = "coldstart-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path -> content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export function sh(cwd: string, argv: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const proc = Bun.spawnSync(argv, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { code: proc.exitCode ?? -1, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

/** A git repo with `files` committed on `main`. */
export function gitRepo(files: Record<string, string>): string {
  const dir = writeTree(tempDir("coldstart-repo-"), files);
  const git = (...args: string[]) => {
    const result = sh(dir, ["git", ...args]);
    if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim();
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "coldstart test");
  git("config", "commit.gpgsign", "false");
  git("add", "-A");
  git("commit", "-qm", "initial");
  return dir;
}

/**
 * Runs one of the entry scripts with bun, as a user would, with a TMPDIR of its own
 * (returned as `tmp`): whatever the run leaves in its temporary folder is its own.
 */
export async function runScript(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; tmp?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string; tmp: string }> {
  const tmp = options.tmp ?? tempDir("coldstart-runtmp-");
  const proc = Bun.spawn(["bun", join(ROOT, "scripts", script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", CI: "true", TMPDIR: tmp, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, tmp };
}

/** Fast settings for integration tests: few runs, no importtime unless asked. */
export const FAST = ["--iterations", "3", "--max-iterations", "3", "--warmup", "0", "--importtime-runs", "0"];

/** Worktree folders a run left in its own TMPDIR (see runScript's and startBench's `tmp`). */
export function worktreeFolders(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("coldstart-wt-"));
}

/** True while `pid` runs; a zombie (killed, waiting for a parent that does not reap) is gone. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Worktrees git knows for `dir`, the main one included. */
export function worktreeCount(dir: string): number {
  return sh(dir, ["git", "worktree", "list", "--porcelain"]).stdout.split("\n").filter((line) => line.startsWith("worktree ")).length;
}

/** Each way of writing, as a function of (path, text) that leaves `text` at the target. */
export const WRITERS: Record<string, (path: string, text: string) => void> = {
  writeFile: (path, text) => writeFile(path, text, { flag: "--output" }),
  appendFile: (path, text) => appendFile(path, text, { flag: "--output" }),
  openForOutput: (path, text) => {
    const fd = openForOutput(path, { flag: "--out" });
    writeFileSync(fd, text);
    closeSync(fd);
  },
};

/** Runs `run`, which must throw a one-line UserError with exit code 2; returns it. */
export function oneLineError(run: () => void): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).not.toContain("\n");
    expect((error as UserError).exitCode).toBe(2);
    return error as UserError;
  }
  throw new Error("expected a UserError");
}

