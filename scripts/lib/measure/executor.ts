/**
 * The executor runs one job — one fresh interpreter — and returns what it measured. The
 * scheduler (scheduler.ts) decides which jobs run when and never spawns anything itself,
 * so it can be tested with a fake executor; `PythonExecutor` is the real one.
 *
 * A job's interpreter is spawned directly with an argv array (no shell, whose start-up
 * would be timed too), in its own process group, with a marker in its environment. The
 * timeout holds until the harness's result is in, whatever holds the pipes open; when the
 * job ends, nothing it started is left running.
 */
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { UserError } from "../errors.ts";
import { writeSetting } from "../write.ts";
import type { QuantityValues } from "../quantities.ts";
import {
  groupAlive, killGroup, killMarked, newMarker, RUN_MARKER, TEMP_PREFIXES, temporaryDir, trackChild, untrackChild, waitGroupGone,
} from "../process.ts";
import type { Failure, Hotspot, ImporterRecord, ImportTimeRow } from "../result/schema.ts";
import { HARNESS, parseHarnessOutput, RESULT_FD } from "./harness.ts";
import { parseImportTime } from "./importtime.ts";
import type { PythonInfo } from "./python.ts";
import { type Counter, CounterError, discardRun, type InstructionCounts, readCounts, wrapArgv } from "./counter.ts";
import { hotspotsArgv, importersArgv, parseHotspots, parseImporters } from "./why.ts";

/** A tree as the executor runs it. */
export interface TreeRuntime {
  /** How the tree is named in progress and reports: a ref, or "working tree". */
  label: string;
  dir: string;
  python: PythonInfo;
  /** The child's environment (bytecode cache excluded). */
  env: Record<string, string>;
  /** What the tool set (value) or removed (null) in that environment, recorded in the result. */
  envChanges: Record<string, string | null>;
  /** This tree's bytecode cache (pyc "warm"): kept across its runs, outside the user's tree. */
  pycache: string;
}

/**
 * timed: the harness; importtime: the harness under -X importtime; importers / hotspots:
 * the why programs (why.ts); count: the harness under the instruction counter.
 */
export type JobKind = "timed" | "importtime" | "importers" | "hotspots" | "count";

export interface Job {
  tree: TreeRuntime;
  statement: string;
  kind: JobKind;
  /** Modules whose presence in sys.modules after the statement is reported. */
  checks: readonly string[];
  /** The interpreter is known not to exit after this statement: stop it once the result is in. */
  stopAfterResult?: boolean;
}

export interface JobSuccess {
  ok: true;
  quantities: QuantityValues;
  modules: string[];
  loaded: string[];
  /** Spawn to exit (or to the kill, when the interpreter did not exit), ms. */
  wallMs: number;
  /** The harness reported its result but the interpreter did not exit (a non-daemon thread?). */
  noExit: boolean;
  /** `-X importtime` rows of the statement (kind "importtime"). */
  importtime?: ImportTimeRow[];
  /** Who imported each module (kind "importers"). */
  importers?: Record<string, ImporterRecord>;
  /** Calls made by module top-level code, largest first (kind "hotspots"). */
  hotspots?: Hotspot[];
  /** Instructions of the run and of the processes it started (kind "count"). */
  counts?: InstructionCounts;
}

export interface JobFailure {
  ok: false;
  failure: Failure;
  wallMs: number;
}

export type JobResult = JobSuccess | JobFailure;

export interface Executor {
  run(job: Job): Promise<JobResult>;
}

export interface ExecutorOptions {
  timeoutMs: number;
  pyc: "warm" | "cold";
  /** The instruction counter for "count" jobs (metric instructions). */
  counter?: Counter;
  /** Runs before every job (e.g. dropping the page cache). */
  beforeEach?: () => void;
}

/** The last `lines` non-empty lines of a child's stderr, without the harness markers. */
export function stderrTail(stderr: string, lines = 8): string {
  return stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("@@coldstart-") && !line.startsWith("import time:"))
    .slice(-lines)
    .join("\n");
}

/** What one spawned process did. */
export interface ChildOutcome {
  pid: number;
  /** What arrived on the result channel (fd 3) up to its first newline; "" when nothing came. */
  channel: string;
  stdout: string;
  stderr: string;
  code: number | null;
  wallMs: number;
  /** Killed at the timeout before any result came. */
  timedOut: boolean;
  /** A result came but the process did not exit before the timeout; it was killed. */
  noExit: boolean;
  /** Processes the run started were still running when it ended (they were killed). */
  leftovers: boolean;
  spawnError?: string;
}

/** Reads a stream into `sink` until it ends or is cancelled. */
async function drain(stream: ReadableStream<Uint8Array>, sink: { text: string }, until?: (text: string) => boolean): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      sink.text += decoder.decode(value, { stream: true });
      if (until?.(sink.text)) break;
    }
  } catch {
    // cancelled or the pipe broke: what arrived is kept
  } finally {
    reader.releaseLock();
  }
}

/** How long to wait for the pipes after the process exits before something holding them is killed. */
const PIPE_GRACE_MS = 200;
/** How long a run cut short waits for the processes it killed to be gone (SIGKILL: they go at once, a busy machine permitting). */
const GROUP_GONE_MS = 2_000;

/**
 * Spawns `argv` with a result pipe on fd 3, in its own process group, and waits for: the
 * result line, then the exit — both within `timeoutMs` of the spawn. Whatever the process
 * started is killed when it ends (its group, and anything still carrying its marker).
 */
export async function runProcess(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; stopAfterResult?: boolean; reportLeftovers?: boolean },
): Promise<ChildOutcome> {
  const marker = newMarker();
  const started = performance.now();
  let proc: Bun.Subprocess;
  try {
    proc = Bun.spawn(argv, {
      cwd: options.cwd,
      env: { ...options.env, [RUN_MARKER]: marker },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    });
  } catch (error) {
    return {
      pid: 0, channel: "", stdout: "", stderr: "", code: null, wallMs: 0, timedOut: false, noExit: false, leftovers: false,
      spawnError: error instanceof Error ? error.message : String(error),
    };
  }
  trackChild(proc.pid);
  const channel = { text: "" };
  const stdout = { text: "" };
  const stderr = { text: "" };
  const channelFd = proc.stdio[RESULT_FD] as unknown as number;
  const channelStream = Bun.file(channelFd).stream();
  const resultIn = drain(channelStream, channel, (text) => text.includes("\n"));
  const stdoutDone = drain(proc.stdout as ReadableStream<Uint8Array>, stdout);
  const stderrDone = drain(proc.stderr as ReadableStream<Uint8Array>, stderr);
  let exitedAt: number | null = null;
  const exited = proc.exited.then((code) => {
    exitedAt = performance.now();
    return code;
  });
  const deadline = started + options.timeoutMs;
  const remaining = () => Math.max(0, deadline - performance.now());
  // Timers are cleared when the run ends: a pending one would keep a caller alive until it fires.
  const timers: ReturnType<typeof setTimeout>[] = [];
  const timeout = (ms: number) => new Promise<"timeout">((resolve) => timers.push(setTimeout(() => resolve("timeout"), ms)));

  let timedOut = false;
  let noExit = false;
  // 1. The result (or the process's end, or the deadline).
  const first = await Promise.race([resultIn.then(() => "result" as const), exited.then(() => "exited" as const), timeout(remaining())]);
  if (first === "timeout") {
    timedOut = true;
  } else if (first === "result" || channel.text.includes("\n")) {
    // 2. The exit, within the same deadline (at once when it is known not to come).
    const wait = options.stopAfterResult ? 0 : remaining();
    if ((await Promise.race([exited, timeout(wait)])) === "timeout") noExit = true;
  }
  for (const timer of timers) clearTimeout(timer);
  const endedAt = exitedAt ?? performance.now();
  // Whatever is left in the run's process group goes (one signal; the /proc scan only when asked).
  let leftovers = options.reportLeftovers === true && !timedOut && !noExit && groupAlive(proc.pid);
  killGroup(proc.pid);
  // A run cut short is over when what it started is: the signal is sent, not yet acted on
  // (a child killed on a busy machine was still running a moment after).
  if (timedOut || noExit) await waitGroupGone(proc.pid, GROUP_GONE_MS);
  const code = timedOut || noExit ? null : await exited;
  untrackChild(proc.pid);
  // 3. Pipes still open after the end: something the run started holds them. End it.
  const pipesClosed = await Promise.race([Promise.all([stdoutDone, stderrDone]).then(() => true), Bun.sleep(PIPE_GRACE_MS).then(() => false)]);
  // Always: a process that left the group (setsid) with its pipes closed still carries the
  // marker. The scan takes well under a millisecond per hundred processes, after the timing.
  const killed = killMarked(marker) > 0;
  if (!pipesClosed || timedOut || noExit) leftovers = killed || leftovers;
  await Promise.race([Promise.all([stdoutDone, stderrDone, resultIn]), Bun.sleep(PIPE_GRACE_MS)]);
  for (const stream of [channelStream, proc.stdout, proc.stderr] as ReadableStream[]) {
    stream.cancel().catch(() => {});
  }
  return {
    pid: proc.pid,
    channel: channel.text.split("\n")[0] ?? "",
    stdout: stdout.text,
    stderr: stderr.text,
    code,
    wallMs: endedAt - started,
    timedOut,
    noExit,
    leftovers,
  };
}



/** A failed run, described in one line plus the tail of its stderr. */
export function describeFailure(statement: string, run: ChildOutcome, timeoutS: number): Failure {
  const tail = stderrTail(run.stderr);
  if (run.spawnError) return { statement, kind: "spawn", message: `could not start python: ${run.spawnError}`, stderr_tail: "" };
  if (run.timedOut) {
    return { statement, kind: "timeout", message: `\`${statement}\` did not finish within ${timeoutS}s; killed`, stderr_tail: tail };
  }
  const lastLine = tail.split("\n").pop() ?? "";
  const exit = run.code === 0 ? "exit 0 without a result: did the import end the interpreter (sys.exit, os._exit)?" : `exit ${run.code}`;
  return { statement, kind: "error", message: `\`${statement}\` failed (${exit})${lastLine ? `: ${lastLine}` : ""}`, stderr_tail: tail };
}

/** The real executor: fresh interpreters with the harness. */
export class PythonExecutor implements Executor {
  constructor(private readonly options: ExecutorOptions) {}

  async run(job: Job): Promise<JobResult> {
    if (job.kind === "importers" || job.kind === "hotspots") return this.why(job);
    if (job.kind === "count") return this.count(job);
    const { tree } = job;
    const argv = [tree.python.executable];
    if (job.kind === "importtime") argv.push("-X", importtimeOption(tree.python));
    argv.push("-c", HARNESS, job.statement, job.checks.join(","));
    const cold = this.options.pyc === "cold" ? temporaryDir(TEMP_PREFIXES.pycache) : null;
    try {
      this.options.beforeEach?.();
      const env = { ...tree.env, PYTHONPYCACHEPREFIX: cold?.dir ?? tree.pycache };
      const run = await runProcess(argv, {
        cwd: tree.dir, env, timeoutMs: this.options.timeoutMs, stopAfterResult: job.stopAfterResult,
      });
      const output = parseHarnessOutput(run.channel);
      if (!output) return { ok: false, failure: describeFailure(job.statement, run, this.options.timeoutMs / 1000), wallMs: run.wallMs };
      const quantities: QuantityValues = { ...output.quantities };
      // The process's own wall time means nothing when it had to be killed.
      if (!run.noExit) quantities.process_ms = run.wallMs;
      return {
        ok: true,
        quantities,
        modules: output.modules,
        loaded: output.loaded,
        wallMs: run.wallMs,
        noExit: run.noExit,
        importtime: job.kind === "importtime" ? parseImportTime(run.stderr) : undefined,
      };
    } finally {
      cold?.remove();
    }
  }

  /** The harness under the instruction counter: the run's instructions, and its children's. */
  private async count(job: Job): Promise<JobResult> {
    const { tree } = job;
    const counter = this.options.counter;
    if (!counter) throw new UserError("internal: a counted run without an instruction counter");
    const timeoutMs = this.options.timeoutMs * COUNT_TIMEOUT_FACTOR;
    const argv = [tree.python.executable, "-c", HARNESS, job.statement, job.checks.join(",")];
    let run;
    try {
      run = await countInstructions(argv, { cwd: tree.dir, env: { ...tree.env, PYTHONPYCACHEPREFIX: tree.pycache }, timeoutMs, counter });
    } catch (error) {
      if (error instanceof CounterError) throw new UserError(`${tree.label}: \`${job.statement}\`: ${error.message}`);
      throw error;
    }
    const output = parseHarnessOutput(run.channel);
    if (!output) return { ok: false, failure: describeFailure(job.statement, run, timeoutMs / 1000), wallMs: run.wallMs };
    return {
      ok: true, quantities: { instructions: run.total }, modules: output.modules, loaded: output.loaded, wallMs: run.wallMs, noExit: false,
      counts: { total: run.total, main: run.main, children: run.children, processes: run.processes, forkedWithoutExec: run.forkedWithoutExec, perProcess: run.perProcess },
    };
  }

  /**
   * The why programs: who imported what, and the calls module top-level code makes. Not
   * timed samples; they get more time than a timed run (the profiler slows the import).
   */
  private async why(job: Job): Promise<JobResult> {
    const { tree } = job;
    const importers = job.kind === "importers";
    const argv = (importers ? importersArgv : hotspotsArgv)(tree.python.executable, job.statement, [tree.dir]);
    // An interpreter known not to exit gets the plain timeout: its report is on stdout before the kill.
    const timeoutMs = this.options.timeoutMs * (job.stopAfterResult ? 1 : importers ? 2 : 3);
    const run = await runProcess(argv, { cwd: tree.dir, env: { ...tree.env, PYTHONPYCACHEPREFIX: tree.pycache }, timeoutMs });
    const records = importers ? parseImporters(run.stdout) : null;
    const hotspots = importers ? null : parseHotspots(run.stdout);
    if (!records && !hotspots) return { ok: false, failure: describeFailure(job.statement, run, timeoutMs / 1000), wallMs: run.wallMs };
    return {
      ok: true, quantities: {}, modules: [], loaded: [], wallMs: run.wallMs, noExit: run.noExit,
      ...(records ? { importers: records } : {}), ...(hotspots ? { hotspots } : {}),
    };
  }
}

/** A counted run takes this many times the timeout: the counter slows the interpreter (cachegrind ~30x). */
export const COUNT_TIMEOUT_FACTOR = 40;

/**
 * Runs `argv` once under the instruction counter (each child process followed) and reads
 * its counts. Throws CounterError when the counter fails, writes no count, or the run
 * times out; whatever the run left running is killed.
 */
export async function countInstructions(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; counter: Counter; workDir?: string; envOverrides?: Record<string, string> },
): Promise<ChildOutcome & InstructionCounts & { killedLeftovers: boolean; env: Record<string, string> }> {
  const wrapped = wrapArgv(options.counter, argv, options.workDir ?? options.env.TMPDIR ?? tmpdir());
  const added = { ...wrapped.env, ...options.envOverrides };
  const env: Record<string, string> = { ...options.env, ...added };
  for (const name of wrapped.unsetEnv) delete env[name];
  const run = await runProcess(wrapped.argv, { cwd: options.cwd, env, timeoutMs: options.timeoutMs, reportLeftovers: true });
  if (run.spawnError) {
    discardRun(wrapped);
    throw new CounterError("failed", `cannot start ${options.counter.name} (${options.counter.binary}): ${run.spawnError}`);
  }
  const killedLeftovers = run.leftovers;
  await waitGroupGone(run.pid);
  const counts = readCounts(options.counter, wrapped, {
    pid: run.pid, code: run.code, signal: null, timedOut: run.timedOut, timeoutMs: options.timeoutMs, stderr: run.stderr,
  });
  return { ...run, ...counts, killedLeftovers, env: added };
}

/** `-X importtime=2` where Python supports it (3.14+: also cached imports), else `-X importtime`. */
function importtimeOption(python: PythonInfo): string {
  const [major, minor] = python.versionInfo;
  return major > 3 || (major === 3 && minor >= 14) ? "importtime=2" : "importtime";
}

/** Drops the OS page cache (Linux, root): `sync`, then 3 > /proc/sys/vm/drop_caches. */
export const DROP_CACHES = "/proc/sys/vm/drop_caches";

/** Fails with one line unless the page cache can be dropped here. */
export function checkDropCaches(): void {
  if (process.platform !== "linux") throw new UserError("--drop-caches works on Linux only");
  if (process.getuid?.() !== 0) throw new UserError("--drop-caches needs root (it writes /proc/sys/vm/drop_caches); run with sudo or leave it out");
  try {
    accessSync(DROP_CACHES, constants.W_OK);
  } catch {
    throw new UserError(`--drop-caches: ${DROP_CACHES} is not writable here (a container?); leave the flag out`);
  }
}

export function dropPageCache(): void {
  Bun.spawnSync(["sync"]);
  writeSetting(DROP_CACHES, "3\n");
}
