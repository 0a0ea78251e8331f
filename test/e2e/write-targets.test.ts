/**
 * Writes that cannot harm, end to end: the one writer against devices, FIFOs and read-only
 * folders, and the tools' `--output` / `--html` against each kind of target (the issue's
 * reproduction: a compare run as root replaced /dev/null with a regular file).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, FIXTURES, hangLimit, missing, runScript, sh, tempDir, WRITERS } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

const RESULTS = join(FIXTURES, "results");
const COMPARE = [join(RESULTS, "schema1_base.json"), join(RESULTS, "schema1_slower.json")];
const root = process.getuid?.() === 0;

/** A character device like /dev/null (c 1 3) made with mknod, or why it cannot be made here. */
function makeNull(dir: string): { path: string } | { skip: string } {
  const path = join(dir, "mynull");
  if (!root) return { skip: "mknod needs root" };
  const made = sh(dir, ["mknod", "-m", "666", path, "c", "1", "3"]);
  if (made.code !== 0) return { skip: `mknod failed: ${made.stderr.trim()}` };
  try {
    writeFileSync(path, "probe"); // a container may allow mknod but not opening the device
  } catch (error) {
    return { skip: `the device cannot be opened here: ${(error as Error).message}` };
  }
  return { path };
}

const probeDir = tempDir();
const device = makeNull(probeDir);
const noDevice = missing("character device tests", "skip" in device ? device.skip : null);
const unprivileged = root ? (Bun.which("setpriv") ? "setpriv" : null) : "self";
const noUnprivileged = missing("read-only folder tests", unprivileged ? null : "running as root and setpriv is missing: root ignores folder permissions");

describe.each(Object.keys(WRITERS))("%s", (name) => {
  const write = WRITERS[name]!;

  test("FIFO with a reader: the reader receives it, the FIFO stays a FIFO", () => {
    const fifo = join(tempDir(), "pipe");
    expect(sh("/", ["mkfifo", fifo]).code).toBe(0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      write(fifo, "through the pipe\n");
      const buffer = Buffer.alloc(100);
      expect(buffer.subarray(0, readSync(reader, buffer)).toString()).toBe("through the pipe\n");
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  test.skipIf(noDevice)("character device (mknod c 1 3): written in place, stays a device", () => {
    const { path } = makeNull(tempDir()) as { path: string };
    write(path, "gone\n");
    expect(lstatSync(path).isCharacterDevice()).toBe(true);
  });
});

/** Runs the compare tool as an unprivileged user (setpriv when root), in `cwd`. */
async function compareAsUser(cwd: string, args: string[]) {
  const home = tempDir();
  chmodSync(home, 0o777);
  if (unprivileged === "self") return runScript("compare_benchmarks.ts", args, { cwd, env: { HOME: home } });
  return runScript("compare_benchmarks.ts", args, { cwd, env: { HOME: home }, tmp: home, prefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] });
}

describe.skipIf(noUnprivileged)("a read-only folder", () => {
  function readOnlyFolder(): string {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const folder = join(dir, "ro");
    mkdirSync(folder);
    writeFileSync(join(folder, "existing.md"), "old\n");
    chmodSync(join(folder, "existing.md"), 0o666);
    chmodSync(folder, 0o555);
    return folder;
  }

  test("a new file there: one line naming the problem, exit 2, nothing created", async () => {
    const folder = readOnlyFolder();
    const run = await compareAsUser(folder, [...COMPARE, "--format", "markdown", "--output", "report.md"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("permission denied");
    expect(() => statSync(join(folder, "report.md"))).toThrow();
  });

  test("a writable file there: rewritten in place", async () => {
    const folder = readOnlyFolder();
    const run = await compareAsUser(folder, [...COMPARE, "--format", "markdown", "--output", "existing.md"]);
    expect(run.stderr).toBe(`coldstart-compare: wrote existing.md\n`);
    expect(run.code).toBe(0);
    expect(readFileSync(join(folder, "existing.md"), "utf8")).toContain("| Metric |");
  });
});

describe("the tools' --output and --html", () => {
  test.skipIf(noDevice)("--output to a character device as root: exit 0, still a device", async () => {
    const dir = tempDir();
    const { path } = makeNull(dir) as { path: string };
    const run = await runScript("compare_benchmarks.ts", [...COMPARE, "--format", "json", "--output", path]);
    expect(run.code).toBe(0);
    expect(lstatSync(path).isCharacterDevice()).toBe(true);
    expect(statSync(path).rdev).toBe(statSync("/dev/null").rdev);
  });

  test("--output link.txt writes through to real.txt; link.txt stays a symlink", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.txt"), "target\n");
    symlinkSync("real.txt", join(dir, "link.txt"));
    const run = await runScript("compare_benchmarks.ts", [...COMPARE, "--format", "markdown", "--output", "link.txt"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(lstatSync(join(dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "link.txt"))).toBe("real.txt");
    expect(readFileSync(join(dir, "real.txt"), "utf8")).toContain("Cold start benchmark comparison");
  });

  test("--output fifo with a reader: the reader receives the report", async () => {
    const dir = tempDir();
    const fifo = join(dir, "fifo");
    expect(sh(dir, ["mkfifo", fifo]).code).toBe(0);
    const reader = Bun.spawn(["cat", fifo], { stdout: "pipe", stderr: "pipe" });
    const run = await runScript("compare_benchmarks.ts", [...COMPARE, "--format", "markdown", "--output", fifo]);
    const received = await new Response(reader.stdout).text();
    await reader.exited;
    expect(run.code).toBe(0);
    expect(received).toContain("Cold start benchmark comparison");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  test("--html somedir/: one line, exit 2", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "somedir"));
    const run = await runScript("compare_benchmarks.ts", [...COMPARE, "--html", "somedir/"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^coldstart-compare: error: --html somedir\/: is a folder/)]);
    expect(statSync(join(dir, "somedir")).isDirectory()).toBe(true);
  });

  test("--output - into a pipe its reader closed (`… | head`): no message, exit 141 as SIGPIPE gives", () => {
    // The read end is closed before the tool starts, so its first write fails: no race.
    const closed = "import os, subprocess, sys\nr, w = os.pipe()\nos.close(r)\np = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)\nprint(p.returncode, p.stderr.decode(), end='')";
    const script = join(import.meta.dir, "..", "..", "scripts", "compare_benchmarks.ts");
    const run = Bun.spawnSync(["python3", "-c", closed, process.execPath, script, ...COMPARE, "--format", "markdown", "--output", "-"], { stdout: "pipe", stderr: "pipe" });
    expect(run.stdout.toString()).toBe("141 ");
  });

  test("--output - is standard output", async () => {
    const run = await runScript("compare_benchmarks.ts", [...COMPARE, "--format", "markdown", "--output", "-"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Cold start benchmark comparison");
    expect(run.stderr).toBe("");
  });
});
