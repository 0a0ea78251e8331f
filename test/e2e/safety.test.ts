/**
 * The promise of benchmark_cold_start.ts: the user's repository is never changed. A dirty
 * repository (see dirty-repo.ts) is snapshotted and compared after a full run, after runs
 * stopped by SIGINT and SIGTERM at several moments, and after a SIGKILLed run plus the next
 * run's pruning.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirtyRepo, type DirtyRepo } from "../support/dirty-repo.ts";
import { FAST, alive, cleanupTempDirs, eventually, hangLimit, startScript, tempDir, worktreeCount, worktreeFolders } from "../helpers.ts";

// Real git and python3 runs: limits that catch hangs, scaled to the machine.
setDefaultTimeout(hangLimit(120_000));

let dirty: DirtyRepo;
const startBench = (args: string[], tmp?: string) => startScript("benchmark_cold_start.ts", args, { cwd: dirty.dir, tmp });
const expectUntouched = () => dirty.expectUntouched();

beforeAll(async () => {
  dirty = await makeDirtyRepo();
  const snapshot = dirty.snapshot();
  expect(snapshot).toContain("stash@{0}");
  expect(snapshot).toContain("?? scratch.py");
  expect(snapshot).toContain("!! debug.pyc");
  expect(snapshot).toContain("MM demopkg/formats.py");
  expect(snapshot).toContain("A  NOTES.md");
  expect(snapshot).toContain(" M demopkg/__init__.py");
  expect(snapshot).toContain("branch: refs/heads/work");
});
afterAll(cleanupTempDirs);

test("a full two-ref run leaves the dirty repository exactly as it was", async () => {
  const out = tempDir("coldstart-out-");
  const run = startBench([...FAST, "--out", out, "main", "lazy"]);
  expect(await run.proc.exited).toBe(0);
  expect(run.output()).toContain("COLD START BENCHMARK COMPARISON");
  expectUntouched();
});

test("three runs on one repository at once all finish, and leave it exactly as it was", async () => {
  // git names worktree records after folder names; runs started together once raced for one
  // ("failed to read .git/worktrees/tree1/commondir").
  const runs = [0, 1, 2].map(() => startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy"]));
  const codes = await Promise.all(runs.map((run) => run.proc.exited));
  expect(codes.map((code, index) => (code === 0 ? 0 : `${code}: ${runs[index]!.output().slice(-300)}`))).toEqual([0, 0, 0]);
  expectUntouched();
});

describe.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s", (signal, code) => {
  test("right after start", async () => {
    const run = startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy"]);
    await Bun.sleep(150);
    run.proc.kill(signal);
    await run.proc.exited;
    // Before the handlers are installed the default action applies: killed by the signal, nothing created yet.
    expect(run.proc.exitCode === code || run.proc.signalCode === signal).toBe(true);
    expectUntouched();
    expect(worktreeFolders(run.tmp)).toEqual([]);
  });

  test("while worktrees are being added", async () => {
    const run = startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy", "HEAD~0"]);
    await run.waitFor("main: ");
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expect(await run.stderr).toContain(`coldstart-bench: ${signal}: stopping; removing worktrees`);
    expectUntouched();
    expect(worktreeFolders(run.tmp)).toEqual([]);
  });

  test("during the dependency step (the step is killed too)", async () => {
    const dir = tempDir("coldstart-cfg-");
    const pidFile = join(dir, "install.pid");
    // The step sleeps far longer than any hang limit here: the run ends only if the step is killed.
    writeFileSync(join(dir, "slow.json"), JSON.stringify({ install: `echo $$ > ${pidFile}; exec sleep 100000` }));
    const run = startBench([...FAST, "--out", dir, "--config", join(dir, "slow.json"), "main", "lazy"]);
    await run.waitFor("Dependencies for main");
    // The shell creates the file before echo writes the pid: wait for the pid itself.
    expect(await eventually(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "")).toBe(true);
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(alive(pid)).toBe(false);
    expectUntouched();
    expect(worktreeFolders(run.tmp)).toEqual([]);
  });

  test("while measuring", async () => {
    const out = tempDir("coldstart-out-");
    const run = startBench(["--iterations", "200", "--warmup", "0", "--importtime-runs", "0", "--out", out, "main", "lazy"]);
    await run.waitFor("Measuring 'import demopkg'");
    await Bun.sleep(300);
    run.proc.kill(signal);
    expect(await run.proc.exited).toBe(code);
    expectUntouched();
    expect(worktreeFolders(run.tmp)).toEqual([]);
    expect(readdirSync(out).filter((name) => name.endsWith(".json"))).toEqual([]);
  });
});

test("a SIGKILLed run leaves worktrees behind; the next run prunes them and the repository is untouched", async () => {
  const run = startBench(["--iterations", "200", "--warmup", "0", "--importtime-runs", "0", "--out", tempDir("coldstart-out-"), "main", "lazy"]);
  await run.waitFor("Measuring 'import demopkg'");
  run.proc.kill("SIGKILL");
  await run.proc.exited;
  const stale = worktreeFolders(run.tmp);
  expect(stale).toHaveLength(2);
  expect(worktreeCount(dirty.dir)).toBe(3);
  // The user's own checkout is still untouched even so.
  expect(dirty.snapshot()).toBe(dirty.original);

  const next = startBench([...FAST, "--out", tempDir("coldstart-out-"), "lazy"], run.tmp);
  expect(await next.proc.exited).toBe(0);
  expect(next.output()).toContain("Removed 2 worktree folder(s) left by an earlier run that was killed");
  expect(worktreeFolders(run.tmp)).toEqual([]);
  expectUntouched();
});
