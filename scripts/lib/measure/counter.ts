/**
 * Instruction counters: a deterministic cold start metric for CI gates.
 *
 * Wall time on a shared machine moves by tens of percent within minutes; the number of
 * user-space instructions a fresh interpreter executes moves by about 0.1 %. A counted
 * run spawns the usual argv under a counter and reads back how many instructions the
 * process (and, separately, every process it started) executed.
 *
 * Two counters:
 * - `perf`: `perf stat --no-inherit -e instructions:u`, hardware counters, near full
 *   speed. Needs a PMU the kernel exposes (most VMs and containers do not: perf then
 *   prints `<not supported>` and exits 0, so detection reads the count, not the exit
 *   code). It counts the spawned process alone; its children are not counted, so
 *   `perProcess` is false and `children` is null.
 * - `cachegrind`: `valgrind --tool=cachegrind --cache-sim=no`, a CPU emulator counting
 *   guest instructions (~30x slower, any Linux). One output file per process
 *   (`cg.<pid>`) and one log per exec'd process (`vg.<pid>`, which names the command and
 *   its parent), so main and children are told apart.
 *
 * Valgrind caveats that shape the parsing:
 * - After a fork *without* exec, the child's cachegrind file starts from the parent's
 *   counts at the fork, so summing it would count the parent twice. With
 *   `--child-silent-after-fork=yes` such a child writes no log file until it execs; a
 *   count file without a log is therefore a fork-only child: it is left out of the total
 *   and reported in `forkedWithoutExec`.
 * - A process that execs keeps its pid; only the last program's counts survive.
 *
 * Layout: `detectCounter` once per session, then per run `wrapArgv`, the spawn (the
 * executor's `countInstructions`, with its timeout and process-group kill), `readCounts`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type CounterName = "cachegrind" | "perf";

export interface Counter {
  name: CounterName;
  /** e.g. "valgrind-3.19.0" or "perf version 6.1.187", for the result's environment record. */
  version: string;
  /** The binary that is spawned (`valgrind` or `perf`), an absolute path when found on PATH. */
  binary: string;
  /** True when main and children are counted separately (cachegrind); perf sums them. */
  perProcess: boolean;
}

/**
 * Environment every counted run gets, recorded with the result: a fixed hash seed so
 * str/bytes hashing, and with it dict/set layouts and probe counts, is the same each run.
 */
export const COUNTED_ENV: Readonly<Record<string, string>> = Object.freeze({ PYTHONHASHSEED: "0" });

/** Variables removed from a counted run's environment: they could add valgrind options. */
export const COUNTED_ENV_UNSET: readonly string[] = Object.freeze(["VALGRIND_OPTS"]);

/** Valgrind options, recorded with the result. `--cache-sim=no` halves the run time (3.19 defaults to yes). */
export const CACHEGRIND_OPTIONS: readonly string[] = Object.freeze([
  "--tool=cachegrind",
  "--cache-sim=no",
  "--branch-sim=no",
  "--trace-children=yes",
  "--child-silent-after-fork=yes",
]);

export type CounterErrorKind = "unavailable" | "failed" | "no-count" | "timeout";

/**
 * A counted run that produced no count. `message` is one line naming what to do next;
 * `exitCode` follows the tools' convention (2: environment/usage, 1: failed measurement).
 */
export class CounterError extends Error {
  readonly exitCode: number;
  constructor(
    readonly kind: CounterErrorKind,
    message: string,
    /** Last lines of the counter's log and the program's stderr, for --verbose output. */
    readonly detail = "",
    /** The spawned pid (its process group is gone by the time this is thrown), when there was one. */
    readonly pid?: number,
  ) {
    super(message);
    this.name = "CounterError";
    this.exitCode = kind === "unavailable" ? 2 : 1;
  }
}

// ---------------------------------------------------------------------------------------
// Detection

async function capture(argv: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } catch (error) {
    return { code: null, stdout: "", stderr: error instanceof Error ? error.message : String(error) };
  }
}

function which(name: string, path?: string): string | null {
  if (name.includes("/")) return existsSync(name) ? name : null;
  return Bun.which(name, path === undefined ? undefined : { PATH: path });
}

/** perf with a working `instructions:u` event, or null (missing, no PMU, paranoid level too high). */
export async function probePerf(binary = "perf", path?: string): Promise<Counter | null> {
  const perf = which(binary, path);
  const truePath = which("true", path) ?? "/bin/true";
  if (!perf) return null;
  const dir = mkdtempSync(join(tmpdir(), "coldstart-perf-probe-"));
  try {
    const out = join(dir, "perf.csv");
    const run = await capture([perf, "stat", "-x,", "-o", out, "-e", "instructions:u", "--", truePath], 10_000);
    if (run.code !== 0 || !existsSync(out)) return null;
    const count = parsePerfStat(readFileSync(out, "utf8"));
    if (count === null || count <= 0) return null;
    const version = await capture([perf, "--version"], 10_000);
    return { name: "perf", version: version.stdout.trim() || "perf", binary: perf, perProcess: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** valgrind whose cachegrind tool actually counts (`true` under it writes a count), or null. */
export async function probeCachegrind(binary = "valgrind", path?: string): Promise<Counter | null> {
  const valgrind = which(binary, path);
  const truePath = which("true", path) ?? "/bin/true";
  if (!valgrind) return null;
  const version = await capture([valgrind, "--version"], 10_000);
  if (version.code !== 0) return null;
  const counter: Counter = { name: "cachegrind", version: version.stdout.trim() || "valgrind", binary: valgrind, perProcess: true };
  const dir = mkdtempSync(join(tmpdir(), "coldstart-cg-probe-"));
  try {
    const wrapped = wrapArgv(counter, [truePath], dir);
    const run = await capture(wrapped.argv, 30_000);
    if (run.code !== 0) return null;
    const files = readdirSync(wrapped.outDir).filter((name) => name.startsWith("cg."));
    const count = files.length === 1 ? parseCachegrindOut(readFileSync(join(wrapped.outDir, files[0]!), "utf8")) : null;
    return count !== null && count > 0 ? counter : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let detected: Promise<Counter | null> | null = null;

/**
 * The counter to use: perf when hardware counters work (faster), else cachegrind, else
 * null (see `noCounterMessage`). Each candidate is tried on `true`, so a perf without a
 * PMU or a broken valgrind is skipped. Cached per process unless options are given.
 */
export function detectCounter(options: { prefer?: CounterName; path?: string } = {}): Promise<Counter | null> {
  const custom = options.prefer !== undefined || options.path !== undefined;
  if (!custom && detected) return detected;
  const order: CounterName[] = options.prefer === "cachegrind" ? ["cachegrind", "perf"] : ["perf", "cachegrind"];
  const result = (async () => {
    for (const name of order) {
      const counter = name === "perf" ? await probePerf("perf", options.path) : await probeCachegrind("valgrind", options.path);
      if (counter) return counter;
    }
    return null;
  })();
  if (!custom) detected = result;
  return result;
}

/** One line for `--metric instructions` without any counter. */
export function noCounterMessage(platform: string = process.platform): string {
  if (platform === "linux") {
    return "--metric instructions needs an instruction counter: install valgrind (apt-get install valgrind, dnf install valgrind) or use a machine where `perf stat -e instructions:u true` reports a count";
  }
  return `--metric instructions needs perf or valgrind on Linux (valgrind does not run on ${platform === "darwin" ? "arm macOS" : platform}); run it in a Linux container or CI job, or use --metric time`;
}

/** detectCounter, or a CounterError("unavailable") carrying `noCounterMessage`. */
export async function requireCounter(): Promise<Counter> {
  const counter = await detectCounter();
  if (!counter) throw new CounterError("unavailable", noCounterMessage());
  return counter;
}

// ---------------------------------------------------------------------------------------
// Wrapping and reading

export interface WrappedRun {
  counter: Counter;
  /** The argv to spawn, directly (no shell). */
  argv: string[];
  /** Variables to add to the child's environment; record them with the result. */
  env: Record<string, string>;
  /** Variables to remove from the child's environment. */
  unsetEnv: string[];
  /** A fresh folder (inside workDir) for the counter's files; `readCounts`/`discardRun` remove it. */
  outDir: string;
}

/** `%` is the only character valgrind expands in file names. */
function valgrindPath(path: string): string {
  return path.replaceAll("%", "%%");
}

/**
 * The argv that runs `argv` under `counter`, following every child process, with its
 * files in a new folder under `workDir` (a fresh one per run, so a reused pid can never
 * mix two runs' files).
 */
export function wrapArgv(counter: Counter, argv: string[], workDir: string): WrappedRun {
  if (argv.length === 0) throw new Error("wrapArgv: empty argv");
  const outDir = mkdtempSync(join(workDir, "coldstart-count-"));
  const env = { ...COUNTED_ENV };
  const unsetEnv = [...COUNTED_ENV_UNSET];
  if (counter.name === "perf") {
    // --no-inherit: the importing process alone (children's work varies run to run); -o keeps perf out of the program's stderr.
    return { counter, argv: [counter.binary, "stat", "--no-inherit", "-x,", "-o", join(outDir, "perf.csv"), "-e", "instructions:u", "--", ...argv], env, unsetEnv, outDir };
  }
  const dir = valgrindPath(outDir);
  return {
    counter,
    argv: [counter.binary, ...CACHEGRIND_OPTIONS, `--cachegrind-out-file=${dir}/cg.%p`, `--log-file=${dir}/vg.%p`, "--", ...argv],
    env,
    unsetEnv,
    outDir,
  };
}

export interface InstructionCounts {
  /** main + children (perf: main). */
  total: number;
  /** The spawned process alone. */
  main: number;
  /** Every descendant that exec'd a program, summed; null with perf, which counts the main process only. */
  children: number | null;
  /** Processes counted, main included (perf: 1). */
  processes: number;
  /** Children that forked without exec: their counts include the parent's and are left out. */
  forkedWithoutExec: number;
  perProcess: boolean;
}

/** How the wrapped argv ended; `pid` is the spawned (counter's) pid. */
export interface CounterExit {
  pid: number;
  code: number | null;
  signal?: string | null;
  timedOut: boolean;
  timeoutMs?: number;
  /** The program's stderr (valgrind's own messages go to its log files). */
  stderr: string;
}

/** The instruction count of one cachegrind output file (the `Ir` column of `summary:`), or null. */
export function parseCachegrindOut(text: string): number | null {
  // `cmd:` holds the raw command line, which may contain newlines (python -c "a\nsummary: 1"),
  // so take the *last* events and summary lines: both follow the command.
  const lines = text.split("\n");
  let events: string[] | null = null;
  let summary: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith("events:")) events = line.slice(7).trim().split(/\s+/);
    else if (line.startsWith("summary:")) summary = line.slice(8).trim().split(/\s+/);
  }
  if (!events || !summary) return null;
  const at = events.indexOf("Ir");
  if (at < 0 || at >= summary.length) return null;
  const value = Number(summary[at]);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * The `instructions` count from `perf stat -x,` output (summed over PMUs on hybrid CPUs),
 * or null when perf printed `<not supported>` / `<not counted>` or nothing.
 */
export function parsePerfStat(text: string): number | null {
  let total: number | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const fields = line.split(",");
    if (!(fields[2] ?? "").includes("instructions")) continue;
    // A hybrid CPU's idle PMU says <not counted>; the other one holds the count.
    if (!/^\d+$/.test(fields[0] ?? "")) continue;
    const value = Number(fields[0]);
    if (!Number.isSafeInteger(value)) return null;
    total = (total ?? 0) + value;
  }
  return total;
}

function tailLines(text: string, lines: number): string {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "" && !line.startsWith("@@coldstart-"))
    .slice(-lines)
    .join("\n");
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Removes a run's counter files (readCounts does this itself). */
export function discardRun(run: Pick<WrappedRun, "outDir">): void {
  rmSync(run.outDir, { recursive: true, force: true });
}

function describeExit(exit: CounterExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * The counts of a finished run; removes its files. Throws CounterError when the run
 * timed out or the counter wrote no count for the spawned process. A program that failed
 * (non-zero exit, e.g. an ImportError) still has counts: judging that is the caller's job.
 */
export function readCounts(counter: Counter, run: WrappedRun, exit: CounterExit): InstructionCounts {
  try {
    return readCountsIn(counter, run, exit);
  } finally {
    discardRun(run);
  }
}

function readCountsIn(counter: Counter, run: WrappedRun, exit: CounterExit): InstructionCounts {
  const label = counter.name === "perf" ? "perf" : "cachegrind";
  if (exit.timedOut) {
    const seconds = exit.timeoutMs === undefined ? "" : ` after ${Math.round(exit.timeoutMs / 100) / 10} s`;
    const slow = counter.name === "cachegrind" ? " (runs are ~30x slower under valgrind)" : "";
    throw new CounterError("timeout", `counted run timed out${seconds} under ${label}${slow}; raise --timeout or check the import for a hang`, tailLines(exit.stderr, 8), exit.pid);
  }
  if (counter.name === "perf") {
    const text = readText(join(run.outDir, "perf.csv"));
    const count = parsePerfStat(text);
    if (count === null) {
      const detail = tailLines(`${text}\n${exit.stderr}`, 8);
      const reason = /<not (supported|counted)>/.test(text) ? "reported no instructions:u count (no hardware counters here?)" : `${describeExit(exit)} without a count`;
      throw new CounterError("no-count", `perf ${reason}; check that \`${counter.binary} stat -e instructions:u true\` prints a count, or install valgrind`, detail, exit.pid);
    }
    return { total: count, main: count, children: null, processes: 1, forkedWithoutExec: 0, perProcess: false };
  }

  let names: string[] = [];
  try {
    names = readdirSync(run.outDir);
  } catch {
    // folder gone: treated as no count below
  }
  const logs = new Set(names.filter((name) => name.startsWith("vg.")).map((name) => name.slice(3)));
  const mainLog = readText(join(run.outDir, `vg.${exit.pid}`));
  let main: number | null = null;
  let children = 0;
  let processes = 0;
  let forkedWithoutExec = 0;
  const unreadable: string[] = [];
  for (const name of names) {
    if (!name.startsWith("cg.")) continue;
    const pid = name.slice(3);
    const count = parseCachegrindOut(readText(join(run.outDir, name)));
    if (count === null) {
      unreadable.push(name);
      continue;
    }
    if (pid === String(exit.pid)) {
      main = count;
      processes += 1;
    } else if (!logs.has(pid)) {
      // Silent after fork and never exec'd: the count starts from the parent's.
      forkedWithoutExec += 1;
    } else {
      children += count;
      processes += 1;
    }
  }
  if (main === null) {
    const detail = tailLines(`${mainLog}\n${exit.stderr}`, 8);
    const why = exit.code === 0 && !exit.signal ? "exited without writing a count" : `${describeExit(exit)} without writing a count`;
    const last = tailLines(mainLog || exit.stderr, 1);
    throw new CounterError(
      names.length === 0 && !mainLog ? "failed" : "no-count",
      `cachegrind (${counter.binary}) ${why}${last ? `: ${last.replace(/^==\d+==\s*/, "")}` : ""}; check that \`valgrind --tool=cachegrind true\` works, or use --metric time`,
      detail,
      exit.pid,
    );
  }
  return { total: main + children, main, children, processes, forkedWithoutExec, perProcess: true };
}
