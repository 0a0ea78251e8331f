/**
 * The dependency step for one tree, before it is measured:
 *
 * 1. `install` from the config, run by `/bin/sh -c` with cwd = the tree (the user wrote
 *    that command line, so a shell is what they expect);
 * 2. else `uv sync` when the tree has `uv.lock` and uv is on PATH (the tree gets its own
 *    `.venv`, which `defaultPython` then picks up);
 * 3. else nothing here: the environment step (env/attach.ts) gives the tree a cached
 *    environment of its declared dependencies, or puts it (or its `src/`) on PYTHONPATH.
 *
 * With `env = "venv"` or `"uv"` step 2 is left to the environment step too (uv sync then
 * fills a cached environment).
 *
 * The step's output goes to a log file in the output folder. On failure the caller gets
 * an InstallError with the log's tail; a signal kills the step's whole process group.
 */
import { closeSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "./errors.ts";
import { trackChild, untrackChild } from "./process.ts";
import { ensureOutputDir, openForOutput } from "./write.ts";

export type InstallKind = "config" | "uv" | "none";

export interface InstallPlan {
  kind: InstallKind;
  /** The argv that is run (for "config": sh -c <install>), or null for "none". */
  argv: string[] | null;
  /** How the step is described to the user. */
  description: string;
}

export interface InstallOutcome extends InstallPlan {
  /** Log file path, or null when nothing ran. */
  log: string | null;
  ms: number;
}

/** Raised when the dependency step fails; `tail` holds the last lines of its log. */
export class InstallError extends UserError {
  constructor(
    message: string,
    readonly tail: string,
    readonly log: string,
  ) {
    super(message, 2);
  }
}

/** Decides what the dependency step is for a tree; `env` is the `env` setting (env/plan.ts). */
export function planInstall(dir: string, install: string | null, which: (name: string) => string | null = Bun.which, env = "auto"): InstallPlan {
  if (install) return { kind: "config", argv: ["/bin/sh", "-c", install], description: install };
  if (env === "venv" || env === "uv") return { kind: "none", argv: null, description: `none here (env = ${env}: a cached environment)` };
  if (existsSync(join(dir, "uv.lock"))) {
    const uv = which("uv");
    if (uv) return { kind: "uv", argv: [uv, "sync"], description: "uv sync" };
    return { kind: "none", argv: null, description: "none (uv.lock found but uv is not on PATH; using PYTHONPATH)" };
  }
  return { kind: "none", argv: null, description: "none (PYTHONPATH on the tree)" };
}

/** The last `lines` non-empty lines of a log file. */
export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").split("\n").filter((line) => line.trim() !== "").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Variables that would send `uv sync` or pip somewhere other than the tree. */
const REDIRECTING = ["VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PIP_TARGET", "PIP_PREFIX"];

/**
 * Runs the dependency step in `dir`, its output to `<logDir>/<logName>`. Throws an
 * InstallError when it fails (exit code, or not startable).
 */
export async function runInstall(dir: string, plan: InstallPlan, logDir: string, logName: string, label: string): Promise<InstallOutcome> {
  const started = performance.now();
  if (!plan.argv) return { ...plan, log: null, ms: 0 };
  ensureOutputDir(logDir);
  const log = join(logDir, logName);
  const fd = openForOutput(log, { flag: "--out" });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !REDIRECTING.includes(key)) env[key] = value;
  let proc: Bun.Subprocess;
  try {
    proc = Bun.spawn(plan.argv, { cwd: dir, env, stdin: "ignore", stdout: fd, stderr: fd, detached: true });
  } catch (error) {
    closeSync(fd);
    const reason = error instanceof Error ? error.message : String(error);
    throw new InstallError(`dependency step for ${label} could not start (${plan.description}): ${reason}`, "", log);
  }
  // A signal kills the step's whole process group (process.ts).
  trackChild(proc.pid);
  let code: number;
  try {
    code = await proc.exited;
  } finally {
    untrackChild(proc.pid);
    closeSync(fd);
  }
  if (code !== 0) {
    throw new InstallError(`dependency step for ${label} failed (exit ${code}): ${plan.description}; full log: ${log}`, logTail(log), log);
  }
  return { ...plan, log, ms: performance.now() - started };
}
