/**
 * Fault suite: the branch runner stopped by SIGINT/SIGTERM at random moments, two runs at
 * once in one repository, and an output folder that is full or read-only.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readResult } from "../../scripts/lib/result/read.ts";
import { makeDirtyRepo, type DirtyRepo } from "../support/dirty-repo.ts";
import { FAST, alive, cleanupTempDirs, expectOneLine, hangLimit, missing, runScript, seeded, sh, startScript, tempDir, worktreeFolders } from "../helpers.ts";

setDefaultTimeout(hangLimit(300_000));

let dirty: DirtyRepo;
beforeAll(async () => {
  dirty = await makeDirtyRepo();
});
/** tmpfs mounts made here: unmounted before the temporary folders go. */
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.splice(0)) sh(dir, ["umount", "-l", dir]);
  cleanupTempDirs();
});

/** Every file in `out` is a whole, valid result (or a log); no temporary file is left. */
async function expectWholeFiles(out: string): Promise<void> {
  for (const name of existsSync(out) ? readdirSync(out) : []) {
    expect(name).not.toMatch(/\.tmp$/);
    if (name.endsWith(".json")) await readResult(join(out, name));
  }
}

/** The branch runner on the dirty repository, its output followed. */
const startBench = (args: string[]) => startScript("benchmark_cold_start.ts", args, { cwd: dirty.dir });

/** How long two whole runs at once take here (the first test): the window the signals fall into. */
let windowMs: number | undefined;

test("two runs at once in the same repository both finish, and neither overwrites the other's files", async () => {
  const out = tempDir("coldstart-out-");
  const started = Date.now();
  const runs = [0, 1].map(() => startBench([...FAST, "--out", out, "main", "lazy"]));
  expect(await Promise.all(runs.map((run) => run.proc.exited))).toEqual([0, 0]);
  windowMs = Date.now() - started;
  for (const run of runs) expect(run.output()).toContain("COLD START BENCHMARK COMPARISON");
  const files = readdirSync(out).filter((name) => /^cold_start_(main|lazy)_/.test(name));
  expect(files).toHaveLength(4);
  await expectWholeFiles(out);
  dirty.expectUntouched();
});

test("SIGINT and SIGTERM at twelve random moments of a two-ref run on a dirty repo", async () => {
  // The moments are taken two at a time (two runs at once, as the test before shows they may
  // be): how long two whole runs at once take here sets the window the signals fall into.
  if (windowMs === undefined) {
    const started = Date.now();
    const full = [0, 1].map(() => startBench([...FAST, "--out", tempDir("coldstart-out-"), "main", "lazy"]));
    expect(await Promise.all(full.map((run) => run.proc.exited))).toEqual([0, 0]);
    windowMs = Date.now() - started;
  }
  const duration = windowMs;

  const random = seeded(20261126);
  const stopAt = async (moment: number) => {
    const signal = moment % 2 === 0 ? "SIGINT" : "SIGTERM";
    const delay = Math.round(random() * duration * 0.95);
    const out = tempDir("coldstart-out-");
    const run = startBench([...FAST, "--out", out, "main", "lazy"]);
    await Bun.sleep(delay);
    // A run that has just ended is not running, though its exit is not yet read (a zombie until then).
    const stillRunning = run.proc.exitCode === null && alive(run.proc.pid);
    run.proc.kill(signal);
    const code = await run.proc.exited;
    const where = `${signal} after ${delay} ms of a ${duration} ms window`;
    if (stillRunning) {
      // Stopped by our handler (130/143) or, before it was installed, by the signal itself.
      expect({ where, stopped: code !== 0 || run.proc.signalCode !== null }).toEqual({ where, stopped: true });
    }
    expect({ where, left: worktreeFolders(run.tmp) }).toEqual({ where, left: [] });
    await expectWholeFiles(out);
  };
  for (let moment = 0; moment < 12; moment += 2) {
    await Promise.all([stopAt(moment), stopAt(moment + 1)]);
    dirty.expectUntouched();
  }
});

/** Mounts a small tmpfs (root only), unmounted after the file; { skip } where this machine does not allow it. */
function tmpfs(options: string): { dir: string } | { skip: string } {
  const dir = tempDir("coldstart-mnt-");
  const mounted = sh(dir, ["mount", "-t", "tmpfs", "-o", options, "tmpfs", dir]);
  if (mounted.code !== 0) return { skip: `cannot mount a tmpfs here (${mounted.stderr.trim() || "not root"})` };
  mounts.push(dir);
  return { dir };
}
const readOnlyMount = tmpfs("size=64k,ro");
const fullMount = tmpfs("size=8k");
const noTmpfs = missing("read-only and full output folders", "skip" in readOnlyMount ? readOnlyMount.skip : "skip" in fullMount ? fullMount.skip : null);

test.skipIf(noTmpfs)("a read-only output folder: one clear line, exit 2, before anything is measured", async () => {
  const readOnly = (readOnlyMount as { dir: string }).dir;
  const bench = await runScript("benchmark_cold_start.ts", [...FAST, "--out", join(readOnly, "results"), "main", "lazy"], { cwd: dirty.dir });
  expectOneLine(bench, "the file system is read-only");
  expect(bench.stdout).not.toContain("Measuring");
  const single = await runScript("test_cold_start.ts", [...FAST, "--out", readOnly], { cwd: dirty.dir });
  expectOneLine(single, "the file system is read-only");
  dirty.expectUntouched();
});

test.skipIf(noTmpfs)("a full disk: one clear line, exit 2, no partial file", async () => {
  const full = (fullMount as { dir: string }).dir;
  // Leave room for the write check, not for a result file.
  const filler = join(full, "filler");
  mkdirSync(filler);
  sh(full, ["dd", "if=/dev/zero", `of=${join(filler, "zeros")}`, "bs=1024", "count=6"]);
  const single = await runScript("test_cold_start.ts", [...FAST, "--out", full], { cwd: dirty.dir });
  expectOneLine(single, "the disk is full");
  await expectWholeFiles(full);
  dirty.expectUntouched();
});
