/**
 * A dirty repository for the safety and fault tests — modified, staged, untracked and
 * ignored files, a stash entry, on a branch other than the refs — and a snapshot of
 * everything the user could notice about it (status, stash, branch, HEAD, refs, the index
 * file and every file's bytes), plus a way to run the branch runner on it.
 */
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildDemoRepo } from "../scripts/demo.ts";
import { ROOT, sh, tempDir } from "./helpers.ts";

export interface DirtyRepo {
  dir: string;
  /** The snapshot taken when the repository was made. */
  original: string;
  git(...args: string[]): string;
  /** Everything the user could notice about the repository, as one string. */
  snapshot(): string;
  worktrees(): string[];
  /** Asserts the repository equals its state when it was made, with only the main worktree. */
  expectUntouched(): void;
}

/** Every file under `dir` (not .git) with its mode and content hash, folders marked with /. */
export function filesOf(dir: string, root = dir): string[] {
  const lines: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (relative(root, full) === ".git") continue;
    const stat = statSync(full);
    if (stat.isDirectory()) lines.push(`${relative(root, full)}/`, ...filesOf(full, root));
    else lines.push(`${relative(root, full)} ${stat.mode.toString(8)} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
  }
  return lines;
}

export async function makeDirtyRepo(): Promise<DirtyRepo> {
  const dir = tempDir("coldstart-dirty-");
  await buildDemoRepo(dir);
  const git = (...args: string[]): string => {
    const result = sh(dir, ["git", ...args]);
    if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "coldstart test");
  git("config", "commit.gpgsign", "false");
  git("switch", "-q", "-c", "work");
  writeFileSync(join(dir, "demopkg", "tasks.py"), "# stashed work\n");
  git("stash", "push", "-q", "-m", "wip: stashed before the benchmark");
  writeFileSync(join(dir, "demopkg", "__init__.py"), `${readFileSync(join(dir, "demopkg", "__init__.py"), "utf8")}# unstaged edit\n`);
  writeFileSync(join(dir, "demopkg", "formats.py"), "# staged edit\n");
  writeFileSync(join(dir, "NOTES.md"), "staged new file\n");
  git("add", "demopkg/formats.py", "NOTES.md");
  writeFileSync(join(dir, "demopkg", "formats.py"), "# staged edit, then edited again\n");
  writeFileSync(join(dir, "scratch.py"), "print('untracked')\n");
  writeFileSync(join(dir, "debug.pyc"), "ignored bytes");
  git("status"); // let git settle the index's stat data before the snapshot

  const noLocks = ["--no-optional-locks"];
  const snapshot = () =>
    [
      `status:\n${git(...noLocks, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")}`,
      `stash:\n${git("stash", "list")}`,
      `branch: ${git("symbolic-ref", "HEAD")}`,
      `head: ${git("rev-parse", "HEAD")}`,
      `refs:\n${git("for-each-ref", "--format=%(refname) %(objectname)")}`,
      `index: ${createHash("sha256").update(readFileSync(join(dir, ".git", "index"))).digest("hex")}`,
      `staged:\n${git(...noLocks, "diff", "--cached", "--stat")}`,
      `files:\n${filesOf(dir).join("\n")}`,
    ].join("\n");
  const original = snapshot();
  const worktrees = () => git("worktree", "list", "--porcelain").split("\n").filter((line) => line.startsWith("worktree "));
  return {
    dir,
    original,
    git,
    snapshot,
    worktrees,
    expectUntouched() {
      expect(snapshot()).toBe(original);
      expect(worktrees()).toHaveLength(1);
    },
  };
}

export interface RunningBench {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** The run's own TMPDIR: its worktrees and caches, and nothing of any other run's. */
  tmp: string;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  output(): string;
  stderr: Promise<string>;
}

/** Starts `benchmark_cold_start.ts` in `cwd`, in its own TMPDIR (or `tmp`: a run that follows a killed one), and follows its output. */
export function startBench(cwd: string, args: string[], tmp = tempDir("coldstart-runtmp-")): RunningBench {
  const proc = Bun.spawn(["bun", join(ROOT, "scripts", "benchmark_cold_start.ts"), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "true", TMPDIR: tmp },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  return {
    proc,
    tmp,
    output: () => out,
    stderr: new Response(proc.stderr).text(),
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" did not appear; output so far:\n${out}`);
        if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode} before "${text}":\n${out}`);
        await Bun.sleep(15);
      }
    },
  };
}
