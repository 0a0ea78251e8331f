/**
 * The workload: loading it from the config, running it (statement + workload in one fresh
 * interpreter, py-run.ts), judging the unchanged tree's run (a workload that fails there is
 * bad input: one line, exit 2), comparing two runs (same stdout and exit status), and
 * running the user's `--check` command. Every process goes through executor.ts's
 * `runProcess` (own process group, timeout, leftovers killed). Output goes to files in a
 * scratch folder and is kept as a digest: megabytes of it cost no memory.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { UserError } from "../errors.ts";
import { runProcess, stderrTail } from "../measure/executor.ts";
import { TEMP_PREFIXES, temporaryDir } from "../process.ts";
import type { AdviseRuntime, OutputDigest, Workload, WorkloadRun } from "./model.ts";
import { RUN } from "./py-run.ts";

/** The workload from config keys `workload` (statements) or `workload_file` (relative to `base`, the target). */
export function loadWorkload(config: { workload?: string; workloadFile?: string }, base: string): Workload {
  if (config.workload !== undefined && config.workloadFile !== undefined) {
    throw new UserError("workload and workload_file are both set: keep one");
  }
  if (config.workloadFile !== undefined) {
    const path = isAbsolute(config.workloadFile) ? config.workloadFile : join(base, config.workloadFile);
    if (!existsSync(path)) throw new UserError(`workload_file ${config.workloadFile}: no such file (relative to ${base})`);
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      throw new UserError(`workload_file ${config.workloadFile}: cannot read it (${(error as Error).message})`);
    }
    return { source, filename: config.workloadFile, label: config.workloadFile };
  }
  if (config.workload === undefined || config.workload.trim() === "") {
    throw new UserError("--advise needs a workload: set `workload = \"...\"` or `workload_file = \"path.py\"` in [tool.coldstart]");
  }
  return { source: config.workload, filename: "<workload>", label: config.workload };
}

const EDGE_BYTES = 2048;

/** Size, sha256 and both ends of a file, read in chunks. */
export function digestFile(path: string): OutputDigest {
  if (!existsSync(path)) return { bytes: 0, sha256: createHash("sha256").digest("hex"), head: "", tail: "" };
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const hash = createHash("sha256");
    const chunk = Buffer.alloc(1 << 20);
    let head = Buffer.alloc(0);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n <= 0) break;
      if (at === 0) head = Buffer.from(chunk.subarray(0, Math.min(n, EDGE_BYTES)));
      hash.update(chunk.subarray(0, n));
      at += n;
    }
    const tailBytes = Buffer.alloc(Math.min(size, EDGE_BYTES));
    readSync(fd, tailBytes, 0, tailBytes.length, size - tailBytes.length);
    return { bytes: size, sha256: hash.digest("hex"), head: head.toString("utf8"), tail: tailBytes.toString("utf8") };
  } finally {
    closeSync(fd);
  }
}

/** argv of a program taking the advise arguments (py-common.ts). */
export function adviseArgv(runtime: AdviseRuntime, program: string, statement: string, workload: Workload, outputs: { stdout: string; stderr: string }): string[] {
  return [runtime.tree.python.executable, "-c", program, statement, workload.source, workload.filename, outputs.stdout, outputs.stderr, runtime.tree.dir];
}

/** Runs statement + workload once, as a user's program, on `runtime`'s tree. */
export async function runWorkload(runtime: AdviseRuntime, statement: string, workload: Workload, timeoutMs = runtime.timeoutMs): Promise<WorkloadRun> {
  const scratch = temporaryDir(TEMP_PREFIXES.scratch);
  try {
    const outputs = { stdout: join(scratch.dir, "stdout"), stderr: join(scratch.dir, "stderr") };
    const run = await runProcess(adviseArgv(runtime, RUN, statement, workload, outputs), {
      cwd: runtime.tree.dir,
      env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache },
      timeoutMs,
    });
    const stdout = digestFile(outputs.stdout);
    const stderr = digestFile(outputs.stderr);
    const base = { stdout, stderr, noExit: run.noExit, wallMs: run.wallMs };
    let report: Record<string, unknown> | null = null;
    try {
      report = run.channel ? (JSON.parse(run.channel) as Record<string, unknown>) : null;
    } catch {
      report = null;
    }
    if (!report) {
      const phase = run.timedOut ? "timeout" : "crash";
      const last = stderrTail(stderr.tail + run.stderr, 1);
      const error = run.timedOut
        ? `did not finish within ${Math.round(timeoutMs / 100) / 10}s; killed`
        : run.spawnError
          ? `could not start python: ${run.spawnError}`
          : `the interpreter ended without a result (exit ${run.code}; os._exit or a crash?)${last ? `: ${last}` : ""}`;
      return { ok: false, phase, error, status: run.code, exited: false, importMs: null, workloadMs: null, ...base };
    }
    const phase = (report.phase ?? null) as WorkloadRun["phase"];
    const status = typeof report.status === "number" ? report.status : null;
    const exited = report.exit === true;
    return {
      ok: phase === null || (phase === "workload" && exited && status === 0),
      phase,
      error: typeof report.error === "string" ? report.error : null,
      status,
      exited,
      importMs: typeof report.import_ms === "number" ? report.import_ms : null,
      workloadMs: typeof report.workload_ms === "number" && phase !== "import" ? report.workload_ms : null,
      ...base,
    };
  } finally {
    scratch.remove();
  }
}

/** The one-line description of a failed run ("the workload failed: ZeroDivisionError: ... (<workload>:3)"). */
export function describeRun(run: WorkloadRun): string {
  switch (run.phase) {
    case "compile":
      return `the ${run.error?.startsWith("statement:") ? "measured statement" : "workload"} does not compile: ${run.error?.replace(/^statement: /, "")}`;
    case "import":
      return `the measured statement failed before the workload ran: ${run.error}`;
    case "timeout":
      return `the workload ${run.error}`;
    case "crash":
      return `the workload ended ${run.error?.replace(/^the interpreter ended /, "the interpreter ")}`;
    default:
      return `the workload failed (exit ${run.status}): ${run.error}`;
  }
}

/** Throws the bad-input error (exit 2) unless the unchanged tree's run succeeded. */
export function requireWorkload(run: WorkloadRun, label = "the unchanged tree"): void {
  if (!run.ok) throw new UserError(`${describeRun(run)} (on ${label}); a workload must pass there first`);
}

/** Why two runs differ (null when the same output and exit status). */
export function runDifference(before: WorkloadRun, after: WorkloadRun): string | null {
  if (!after.ok && after.phase !== "workload") return describeRun(after);
  if (before.status !== after.status) return `exit status ${before.status} became ${after.status}${after.error ? `: ${after.error}` : ""}`;
  if (before.stdout.sha256 !== after.stdout.sha256) {
    return `the workload's output changed (${before.stdout.bytes} bytes before, ${after.stdout.bytes} after${after.error ? `; ${after.error}` : ""})`;
  }
  return null;
}

export interface CheckRun {
  ok: boolean;
  status: number | null;
  timedOut: boolean;
  /** Last lines of its output. */
  tail: string;
}

/** Runs the user's `--check` command with /bin/sh in the tree, with the tree's environment. */
export async function runCheck(runtime: AdviseRuntime, command: string, timeoutMs = runtime.timeoutMs * 6): Promise<CheckRun> {
  const run = await runProcess(["/bin/sh", "-c", command], {
    cwd: runtime.tree.dir,
    env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache },
    timeoutMs,
  });
  const tail = stderrTail(`${run.stdout}\n${run.stderr}`, 3);
  return { ok: !run.timedOut && run.code === 0, status: run.code, timedOut: run.timedOut, tail };
}
