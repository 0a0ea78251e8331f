/**
 * The one helpers module of the suite (unit and end-to-end): temporary folders and fixture
 * trees, fixture files, git repositories, running the scripts, one-line-error checks,
 * seeded random numbers, and the machine: its speed (for time limits that catch hangs)
 * and the tools it has (for skips that say why).
 *
 * Nothing here starts a process when the module loads: test/unit/ imports it too, and a
 * unit test spawns no process (test/preload.ts). The functions that spawn say so.
 */
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { UserError } from "../scripts/lib/errors.ts";
import { parseResult, type LoadedResult } from "../scripts/lib/result/read.ts";
import { appendFile, openForOutput, writeFile } from "../scripts/lib/write.ts";
import { mulberry32 } from "../scripts/selfbench/random.ts";

export const ROOT = resolve(import.meta.dir, "..");
export const FIXTURES = join(ROOT, "test", "fixtures");

// ---- temporary folders and fixture trees ---------------------------------------------

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

/**
 * A temporary folder no file's cleanupTempDirs removes (it goes with the suite's folder):
 * for work that outlives the file that started it (test/support/background.ts).
 */
export function suiteDir(prefix: string): string {
  return mkdtempSync(join(TEST_TMP, prefix));
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

/** A fresh temporary folder holding `files`. */
export function fixtureTree(files: Record<string, string>, prefix = "coldstart-tree-"): string {
  return writeTree(tempDir(prefix), files);
}

/** A minimal importable project: `[project] name = "pkg"`, folder pkg/. */
export const PKG = { "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "import json\n" };

// ---- fixture files -------------------------------------------------------------------

/** A result file from test/fixtures/<folder>/, read as the tools read it. */
export function loadFixture(name: string, folder = "results"): LoadedResult {
  return parseResult(readFileSync(join(FIXTURES, folder, name), "utf8"), name);
}

/** Result files (cold_start_*.json) in `out`, sorted; [] when the folder does not exist. */
export function resultFiles(out: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((name) => /^cold_start_.*\.json$/.test(name)).sort() : [];
}

/** The one result file in `out` whose name matches (not cold_start_latest.json), parsed. */
export function resultFile(out: string, pattern: RegExp): { name: string; data: Record<string, any> } {
  const names = resultFiles(out).filter((name) => pattern.test(name) && name !== "cold_start_latest.json");
  expect(names).toHaveLength(1);
  return { name: names[0]!, data: JSON.parse(readFileSync(join(out, names[0]!), "utf8")) };
}

// ---- one-line errors -----------------------------------------------------------------

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

export type Run = { code: number; stdout: string; stderr: string };

/**
 * A tool's refusal: exit 2, one line on stderr that matches `pattern` (a regular
 * expression, or text it contains, or several such texts), starting with
 * "<tool>: error: " when `tool` is given; no stack trace, no internal error; with `quiet`,
 * nothing on stdout. Returns the line.
 */
export function expectOneLine(run: Run, pattern: RegExp | string | readonly string[], options: { tool?: string; quiet?: boolean } = {}): string {
  const lines = run.stderr.trimEnd().split("\n");
  expect({ code: run.code, lines }).toEqual({ code: 2, lines: [expect.any(String)] });
  if (options.tool) expect(lines[0]).toStartWith(`${options.tool}: error: `);
  if (pattern instanceof RegExp) expect(lines[0]).toMatch(pattern);
  else for (const part of typeof pattern === "string" ? [pattern] : pattern) expect(lines[0]).toContain(part);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain("internal error");
  if (options.quiet) expect(run.stdout).toBe("");
  return lines[0]!;
}

// ---- seeded random numbers -----------------------------------------------------------

/** Seeded uniform numbers in [0, 1): the self-benchmark's mulberry32, so a failing draw can be replayed. */
export const seeded = (seed: number): (() => number) => mulberry32(seed);

// ---- processes (everything below spawns: end-to-end tests only) ----------------------

export function sh(cwd: string, argv: string[], env: Record<string, string> = {}): Run {
  const proc = Bun.spawnSync(argv, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { code: proc.exitCode ?? -1, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

/** Runs git in `dir` with a test identity (no signing, file submodules allowed); throws with git's stderr on failure. */
export function git(dir: string, ...args: string[]): string {
  const identity = ["-c", "user.name=coldstart test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always"];
  const result = sh(dir, ["git", ...identity, ...args]);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A git repo with `files` committed on `main`, and each branch of `branches` a commit on top of main with its files. */
export function gitRepo(files: Record<string, string>, branches: Record<string, Record<string, string>> = {}, into = tempDir("coldstart-repo-")): string {
  const dir = writeTree(into, files);
  git(dir, "init", "-q", "-b", "main");
  for (const [key, value] of [["user.email", "test@example.com"], ["user.name", "coldstart test"], ["commit.gpgsign", "false"]]) git(dir, "config", key!, value!);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "initial");
  for (const [branch, changes] of Object.entries(branches)) {
    git(dir, "checkout", "-q", "-b", branch, "main");
    writeTree(dir, changes);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", branch);
  }
  if (Object.keys(branches).length) git(dir, "checkout", "-q", "main");
  return dir;
}

/** Worktrees git knows for `dir`, the main one included. */
export function worktreeCount(dir: string): number {
  return sh(dir, ["git", "worktree", "list", "--porcelain"]).stdout.split("\n").filter((line) => line.startsWith("worktree ")).length;
}

/** Worktree folders a run left in its own TMPDIR (see startScript's `tmp`). */
export function worktreeFolders(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("coldstart-wt-"));
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

/**
 * Everything a user could notice about a repository, as one string: status (untracked and
 * ignored files too), stash, branch, HEAD, refs, the index (entries and file bytes), the
 * staged and unstaged changes and every file's bytes. Worktrees are counted apart
 * (worktreeCount): a killed run's stale ones change nothing the user sees here.
 */
export function repoSnapshot(dir: string): string {
  const run = (...args: string[]) => sh(dir, ["git", "--no-optional-locks", ...args]).stdout;
  return [
    `status:\n${run("status", "--porcelain=v1", "--untracked-files=all", "--ignored")}`,
    `stash:\n${run("stash", "list")}`,
    `branch: ${run("symbolic-ref", "HEAD")}`,
    `head: ${run("rev-parse", "HEAD")}`,
    `refs:\n${run("for-each-ref", "--format=%(refname) %(objectname)")}`,
    `index entries:\n${run("ls-files", "--stage", "--debug").replace(/\s+(ctime|mtime|dev|uid|gid|size|flags):.*$/gm, "")}`,
    `index: ${createHash("sha256").update(readFileSync(join(dir, ".git", "index"))).digest("hex")}`,
    `staged:\n${run("diff", "--cached", "--stat")}`,
    `unstaged:\n${run("diff")}`,
    `files:\n${filesOf(dir).join("\n")}`,
  ].join("\n");
}

/** A script of scripts/ started with bun as a user would, its output followed as it comes. */
export interface RunningScript {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** The run's own TMPDIR: its worktrees and caches, and nothing of any other run's. */
  tmp: string;
  /** Standard output so far. */
  output(): string;
  stderr: Promise<string>;
  /** Resolves once `text` is on standard output; throws when the run ends first or `ms` pass (a hang). */
  waitFor(text: string, ms?: number): Promise<void>;
  /** The whole run, once it has ended. */
  finished(): Promise<Run & { tmp: string }>;
}

/**
 * Starts `scripts/<script>` with bun in `cwd` (default: the repository), with a TMPDIR of
 * its own (or `tmp`: a run that follows a killed one); NO_COLOR and CI are set. `prefix`
 * goes before bun (e.g. setpriv to drop privileges).
 */
export function startScript(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; tmp?: string; prefix?: string[] } = {},
): RunningScript {
  const tmp = options.tmp ?? tempDir("coldstart-runtmp-");
  const proc = Bun.spawn([...(options.prefix ?? []), "bun", join(ROOT, "scripts", script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", CI: "true", TMPDIR: tmp, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let out = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(proc.stderr).text();
  return {
    proc,
    tmp,
    output: () => out,
    stderr,
    async waitFor(text, ms = hangLimit(60_000)) {
      const deadline = Date.now() + ms;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" did not appear within ${ms} ms; output so far:\n${out}`);
        if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode} before "${text}":\n${out}`);
        await Bun.sleep(15);
      }
    },
    async finished() {
      const [code, err] = await Promise.all([proc.exited, stderr, reading]);
      return { code, stdout: out, stderr: err, tmp };
    },
  };
}

/** Runs `scripts/<script>` to its end (see startScript); returns its exit code, output and TMPDIR. */
export async function runScript(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; tmp?: string; prefix?: string[] } = {},
): Promise<Run & { tmp: string }> {
  return startScript(script, args, options).finished();
}

/**
 * Lanes for independent end-to-end tests marked `test.concurrent`: at most `n` of the
 * bodies wrapped by the returned function run at once, so tests that each keep one core
 * busy (a tool measures one run at a time) share the two cores without crowding them.
 * A test's time limit counts its wait for a lane too: give the file a limit for that.
 */
export function lanes(n = 2): <T>(body: () => Promise<T>) => () => Promise<T> {
  let free = n;
  const waiting: (() => void)[] = [];
  return (body) => async () => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await body();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

/** Fast settings for end-to-end tests: few runs, no importtime unless asked. */
export const FAST = ["--iterations", "3", "--max-iterations", "3", "--warmup", "0", "--importtime-runs", "0"];

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

/** Process ids a fixture wrote, one a line, to `file`. */
export function pidsIn(file: string): number[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
}

/** Polls until `check` holds (true) or `ms` pass (false: a hang, so `ms` is generous). */
export async function eventually(check: () => boolean, ms = hangLimit(20_000)): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

// ---- the machine: its speed and its tools --------------------------------------------

/** python3 on PATH resolved to its real executable (a pyenv shim is a shell script); "" when there is none. */
export function realPython(): string {
  if (python === undefined) {
    const probe = Bun.spawnSync(["python3", "-c", "import sys; print(sys.executable)"], { env: process.env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    python = probe.exitCode === 0 ? probe.stdout.toString().trim() : "";
  }
  return python;
}
let python: string | undefined;

/** The system's interpreter, the other candidate for the suite's python3 (choosePython). */
const SYSTEM_PYTHON = "/usr/bin/python3";

/** Runs `argv` with no output kept; true when it exits 0. */
function succeeds(argv: string[]): boolean {
  return Bun.spawnSync(argv, { stdout: "ignore", stderr: "ignore", stdin: "ignore" }).exitCode === 0;
}

/** Median of five `exe -c pass` wall times (ms). */
function startMs(executable: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    succeeds([executable, "-c", "pass"]);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** True when `executable` is Python 3.8+ that can make a virtualenv with pip (environments tests need both). */
function fitForSuite(executable: string): boolean {
  return succeeds([executable, "-c", "import sys; sys.exit(sys.version_info < (3, 8))"]) && succeeds([executable, "-m", "ensurepip", "--version"]);
}

/** python3 as PATH had it before choosePython: the interpreter CALM_PYTHON_MS was taken with. */
let firstPython: string | undefined;

/** python3 as PATH had it before choosePython, resolved (realPython until then). */
export function firstPathPython(): string {
  return firstPython || realPython();
}

/**
 * The suite's python3 (test/preload.ts, end-to-end layer): $COLDSTART_TEST_PYTHON when set,
 * else the one of python3 on PATH and the system's /usr/bin/python3 that starts faster,
 * when it is fit for the suite. Every python3 the tests and the tool start goes through it
 * (a folder of the suite's first on PATH), so the choice matters: a version manager's
 * interpreter whose site start-up runs .pth files can take three times as long to start,
 * thousands of times per suite, and under valgrind longer still. Nothing about the tool
 * depends on which Python 3.8+ it measures; the tests that need other versions find them
 * by version (findPython). Hang limits stay scaled by the first python3's speed (slowness).
 */
export function choosePython(): void {
  if (firstPython !== undefined) return; // once per process
  const original = realPython();
  firstPython = original;
  const requested = process.env.COLDSTART_TEST_PYTHON;
  let chosen = original;
  let why = "";
  if (requested) {
    chosen = requested;
    why = "COLDSTART_TEST_PYTHON";
  } else if (original && existsSync(SYSTEM_PYTHON) && realpathOf(SYSTEM_PYTHON) !== realpathOf(original) && fitForSuite(SYSTEM_PYTHON)) {
    const [fromPath, system] = [startMs(original), startMs(SYSTEM_PYTHON)];
    if (system < fromPath * 0.8) {
      chosen = SYSTEM_PYTHON;
      why = `it starts in ${system.toFixed(0)} ms, ${original} in ${fromPath.toFixed(0)} ms; COLDSTART_TEST_PYTHON chooses another`;
    }
  }
  if (why) console.log(`suite python3: ${chosen} (${why})`);
  if (!chosen || chosen === original) return;
  const bin = join(TEST_TMP, "python-bin");
  mkdirSync(bin, { recursive: true });
  for (const name of ["python3", "python"]) symlinkSync(chosen, join(bin, name));
  process.env.PATH = `${bin}:${process.env.PATH ?? ""}`;
  python = undefined;
}

function realpathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** What `python3 -c pass` takes on a calm machine of the kind this suite runs on (real binary). */
const CALM_PYTHON_MS = 40;

/**
 * How many times slower than a calm machine this one is now, at least 1: the median of
 * five `python3 -c pass` runs over CALM_PYTHON_MS. Measured once, on first use.
 */
export function slowness(): number {
  if (factor === undefined) {
    const median = startMs(firstPathPython() || "python3");
    factor = Math.max(1, median / CALM_PYTHON_MS);
    console.log(`machine probe: python3 -c pass takes ${median.toFixed(0)} ms (calm: ${CALM_PYTHON_MS}): hang limits ×${factor.toFixed(1)}`);
  }
  return factor;
}
let factor: number | undefined;

/**
 * A time limit that catches a hang, never a claim that something is fast: `ms` is generous
 * for a calm two-core machine and is stretched by how slow this one is now (slowness()).
 */
export function hangLimit(ms: number): number {
  return Math.round(ms * slowness());
}

/**
 * A tool's --timeout (seconds) that is `seconds` on a calm machine, stretched by how slow
 * this one is now, to one decimal: for tests that tell "waited for the timeout" from "did
 * not", the timeout and the bound between the two stretch together.
 */
export function scaledSeconds(seconds: number): number {
  return Math.round(seconds * slowness() * 10) / 10;
}

/**
 * True when the tests it guards must be skipped: `reason` is why (printed once, so a skip
 * is never silent); null when the tool is there.
 */
export function missing(what: string, reason: string | null): boolean {
  if (reason !== null) console.log(`skipped: ${what}: ${reason}`);
  return reason !== null;
}

/** Where pyenv and uv keep interpreters. */
function interpreterRoots(): string[] {
  const home = process.env.HOME ?? "";
  return [join(process.env.PYENV_ROOT ?? join(home, ".pyenv"), "versions"), join(home, ".local", "share", "uv", "python")];
}

/** An installed interpreter of `version` (e.g. "3.12"), by path: pyenv, uv, /usr/bin; null when none. */
export function findPython(version: string): string | null {
  for (const root of interpreterRoots()) {
    for (const name of existsSync(root) ? readdirSync(root).sort().reverse() : []) {
      if (!name.startsWith(`${version}.`) && !name.startsWith(`cpython-${version}.`)) continue;
      const path = join(root, name, "bin", `python${version}`);
      if (existsSync(path)) return path;
    }
  }
  return existsSync(`/usr/bin/python${version}`) ? `/usr/bin/python${version}` : null;
}

/** `sys.executable` and "3.x" of an interpreter, or null when it does not run. */
function pythonVersion(path: string): { executable: string; minor: string } | null {
  const result = Bun.spawnSync([path, "-c", "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])"], { stderr: "ignore", stdin: "ignore" });
  if (result.exitCode !== 0) return null;
  const [executable, minor] = result.stdout.toString().trim().split("\n");
  return executable && minor ? { executable, minor } : null;
}

/**
 * python3 (as its real executable) and an interpreter of another Python 3.8+ version from
 * pyenv or uv (by path, so no shim decides); null when this machine has only one.
 */
export function twoInterpreters(): [string, string] | null {
  const first = pythonVersion("python3");
  if (!first) return null;
  for (const root of interpreterRoots()) {
    for (const name of existsSync(root) ? readdirSync(root).sort().reverse() : []) {
      const minor = /(?:^|-)(3\.(\d+))\./.exec(`${name}.`);
      if (!minor || Number(minor[2]) < 8 || minor[1] === first.minor) continue;
      const path = join(root, name, "bin", `python${minor[1]}`);
      const found = existsSync(path) ? pythonVersion(path) : null;
      if (found && found.minor !== first.minor) return [first.executable, path];
    }
  }
  return null;
}

// ---- the one writer's ways of writing ------------------------------------------------

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
