/**
 * The promise of benchmark_cold_start.ts: the user's repository is never changed. A dirty
 * repository (modified, staged, untracked and ignored files, a stash entry, on a branch
 * other than the refs) is snapshotted — status, stash, branch, HEAD, refs, the index file
 * and every file's bytes — and compared after a full run, after runs stopped by SIGINT and
 * SIGTERM at several moments, and after a SIGKILLed run plus the next run's pruning.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { buildDemoRepo } from "../scripts/demo.ts";
import { FAST, ROOT, cleanupTempDirs, sh, tempDir } from "./helpers.ts";

// Real git and python3 runs; the default 5 s is too tight on a busy two-core machine.
setDefaultTimeout(60_000);

let repo = "";
let snapshot = "";

function git(...args: string[]): string {
  const result = sh(repo, ["git", ...args]);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

function filesOf(dir: string, root = dir): string[] {
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

/** Everything the user could notice about their repository, as one string. */
function takeSnapshot(): string {
  const noLocks = ["--no-optional-locks"];
  return [
    `status:\n${git(...noLocks, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")}`,
    `stash:\n${git("stash", "list")}`,
    `branch: ${git("symbolic-ref", "HEAD")}`,
    `head: ${git("rev-parse", "HEAD")}`,
    `refs:\n${git("for-each-ref", "--format=%(refname) %(objectname)")}`,
    `index: ${createHash("sha256").update(readFileSync(join(repo, ".git", "index"))).digest("hex")}`,
    `staged:\n${git(...noLocks, "diff", "--cached", "--stat")}`,
    `files:\n${filesOf(repo).join("\n")}`,
  ].join("\n");
}

function worktrees(): string[] {
  return git("worktree", "list", "--porcelain").split("\n").filter((line) => line.startsWith("worktree "));
}

function leftovers(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith("coldstart-wt-"));
}

/** True while `pid` runs (a zombie left to a non-reaping pid 1 in a container counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function expectUntouched(): void {
  expect(takeSnapshot()).toBe(snapshot);
  expect(worktrees()).toHaveLength(1);
}

beforeAll(async () => {
  repo = tempDir("coldstart-dirty-");
  await buildDemoRepo(repo);
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "coldstart test");
  git("config", "commit.gpgsign", "false");
  git("switch", "-q", "-c", "work");
  writeFileSync(join(repo, "demopkg", "tasks.py"), "# stashed work\n");
  git("stash", "push", "-q", "-m", "wip: stashed before the benchmark");
  writeFileSync(join(repo, "demopkg", "__init__.py"), `${readFileSync(join(repo, "demopkg", "__init__.py"), "utf8")}# unstaged edit\n`);
  writeFileSync(join(repo, "demopkg", "formats.py"), "# staged edit\n");
  writeFileSync(join(repo, "NOTES.md"), "staged new file\n");
  git("add", "demopkg/formats.py", "NOTES.md");
  writeFileSync(join(repo, "demopkg", "formats.py"), "# staged edit, then edited again\n");
  writeFileSync(join(repo, "scratch.py"), "print('untracked')\n");
  writeFileSync(join(repo, "debug.pyc"), "ignored bytes");
  git("status"); // let git settle the index's stat data before the snapshot
  snapshot = takeSnapshot();
  expect(snapshot).toContain("stash@{0}");
  expect(snapshot).toContain("?? scratch.py");
  expect(snapshot).toContain("!! debug.pyc");
  expect(snapshot).toContain("MM demopkg/formats.py");
  expect(snapshot).toContain("A  NOTES.md");
  expect(snapshot).toContain(" M demopkg/__init__.py");
  expect(snapshot).toContain("branch: refs/heads/work");
});
afterAll(cleanupTempDirs);

interface Running {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  output(): string;
  stderr: Promise<string>;
}

function startBench(args: string[]): Running {
  const proc = Bun.spawn(["bun", join(ROOT, "scripts", "benchmark_cold_start.ts"), ...args], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: "1", CI: "true" },
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

test("a full two-ref run leaves the dirty repository exactly as it was", async () => {
  const out = tempDir("coldstart-out-");
  const run = startBench([...FAST, "--out", out, "main", "lazy"]);
  expect(await run.proc.exited).toBe(0);
  expect(run.output()).toContain("COLD START BENCHMARK COMPARISON");
  expectUntouched();
});

describe.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s", (signal, code) => {
  test("right after start", async () => {
    const before = leftovers();
    const run = startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy"]);
    await Bun.sleep(150);
    run.proc.kill(signal);
    await run.proc.exited;
    // Before the handlers are installed the default action applies: killed by the signal, nothing created yet.
    expect(run.proc.exitCode === code || run.proc.signalCode === signal).toBe(true);
    expectUntouched();
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  });

  test("while worktrees are being added", async () => {
    const before = leftovers();
    const run = startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy", "HEAD~0"]);
    await run.waitFor("main: ");
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expect(await run.stderr).toContain(`coldstart-bench: ${signal}: stopping; removing worktrees`);
    expectUntouched();
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  });

  test("during the dependency step (the step is killed too)", async () => {
    const before = leftovers();
    const dir = tempDir("coldstart-cfg-");
    const pidFile = join(dir, "install.pid");
    writeFileSync(join(dir, "slow.json"), JSON.stringify({ install: `echo $$ > ${pidFile}; exec sleep 60` }));
    const started = Date.now();
    const run = startBench([...FAST, "--out", dir, "--config", join(dir, "slow.json"), "main", "lazy"]);
    await run.waitFor("Dependencies for main");
    for (let i = 0; i < 200 && !existsSync(pidFile); i += 1) await Bun.sleep(10);
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expect(Date.now() - started).toBeLessThan(20_000);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(running(pid)).toBe(false);
    expectUntouched();
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  });

  test("while measuring", async () => {
    const before = leftovers();
    const out = tempDir("coldstart-out-");
    const run = startBench(["--iterations", "200", "--warmup", "0", "--importtime-runs", "0", "--out", out, "main", "lazy"]);
    await run.waitFor("Measuring 'import demopkg'");
    await Bun.sleep(300);
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expectUntouched();
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
    expect(readdirSync(out).filter((name) => name.endsWith(".json"))).toEqual([]);
  });
});

test("a SIGKILLed run leaves worktrees behind; the next run prunes them and the repository is untouched", async () => {
  const before = leftovers();
  const run = startBench(["--iterations", "200", "--warmup", "0", "--importtime-runs", "0", "--out", tempDir("coldstart-out-"), "main", "lazy"]);
  await run.waitFor("Measuring 'import demopkg'");
  run.proc.kill("SIGKILL");
  await run.proc.exited;
  const stale = leftovers().filter((name) => !before.includes(name));
  expect(stale).toHaveLength(2);
  expect(worktrees()).toHaveLength(3);
  // The user's own checkout is still untouched even so.
  expect(takeSnapshot()).toBe(snapshot);

  const next = startBench([...FAST, "--out", tempDir("coldstart-out-"), "lazy"]);
  expect(await next.proc.exited).toBe(0);
  expect(next.output()).toContain("Removed 2 worktree folder(s) left by an earlier run that was killed");
  expect(leftovers().filter((name) => stale.includes(name))).toEqual([]);
  expectUntouched();
});
