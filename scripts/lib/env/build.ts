/**
 * Building one environment into a folder, and installing a tree beside one. Every step's
 * command and output go to the log; a failed step is a StepError naming the step and its
 * last error line. Steps run in their own process group, tracked so a signal kills them
 * (process.ts), with the user's environment — pip reads its own configuration (pip.conf,
 * PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, ...) — minus what would send the install
 * elsewhere (VIRTUAL_ENV, PIP_TARGET, PIP_PREFIX, PIP_USER, PYTHONPATH, ...).
 *
 * venv: `python -m venv --without-pip` plus the interpreter's own pip pointed at it
 * (`python -m pip --python ENV install`, pip 22.3+) — a fraction of a second, where
 * `python -m venv` with its ensurepip copy of pip takes seconds; without such a pip,
 * `python -m venv` with ensurepip and the environment's own pip (also with
 * COLDSTART_VENV_WITH_PIP=1, for a base pip that misbehaves); with neither (Debian's
 * python3 without python3-venv and python3-pip), one line saying what to install.
 * uv: `uv venv --python PY`, then `uv pip install`, or `uv sync --frozen
 * --no-install-project` into it (UV_PROJECT_ENVIRONMENT) when the tree has uv.lock.
 */
import { existsSync, readFileSync } from "node:fs";
import { openLog as openOutputLog, type OutputLog, writeFile } from "../write.ts";
import { isAbsolute, join } from "node:path";
import { UserError } from "../errors.ts";
import { trackChild, untrackChild } from "../process.ts";
import type { Declarations } from "./declared.ts";

/** A step that failed: which, and the last line of its output that says why. */
export class StepError extends Error {
  constructor(readonly step: string, readonly lastLine: string) {
    super(`${step} failed: ${lastLine}`);
  }
}

/** Variables that would send an install somewhere other than the environment. */
const REDIRECTING = [
  "VIRTUAL_ENV", "CONDA_PREFIX", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PIP_PYTHON",
  "PIP_EDITABLE", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONEXECUTABLE",
];

export function stepEnvironment(base: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !REDIRECTING.includes(key)) env[key] = value;
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  env.PIP_NO_INPUT = "1";
  return env;
}

/** The line of a step's output that says why it failed: its last error line, else its last line. */
export function lastErrorLine(output: string): string {
  const lines = output.split("\n").map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /^(ERROR|error|fatal)\b|Error\b|× /.test(line));
  return (errors.pop() ?? lines.pop() ?? "").slice(0, 400);
}

/** An open log file that steps append to. */
export type Log = OutputLog;

export function openLog(path: string): Log {
  return openOutputLog(path, { flag: "--out" });
}

export function closeLog(log: Log): void {
  try {
    log.close();
  } catch {
    // closed already
  }
}

const MARK = "\n$ ";

/** Runs one step, its output appended to the log; throws a StepError when it fails. */
export async function runStep(step: string, argv: string[], options: { cwd: string; env: Record<string, string>; log: Log }): Promise<void> {
  options.log.write(`${MARK}${argv.join(" ")}\n`);
  let proc: Bun.Subprocess;
  try {
    proc = Bun.spawn(argv, { cwd: options.cwd, env: options.env, stdin: "ignore", stdout: options.log.fd, stderr: options.log.fd, detached: true });
  } catch (error) {
    throw new StepError(step, error instanceof Error ? error.message : String(error));
  }
  trackChild(proc.pid);
  let code: number;
  try {
    code = await proc.exited;
  } finally {
    untrackChild(proc.pid);
  }
  if (code !== 0) {
    const text = readFileSync(options.log.path, "utf8");
    throw new StepError(step, lastErrorLine(text.slice(text.lastIndexOf(MARK) + MARK.length).split("\n").slice(1).join("\n")) || `exit ${code}`);
  }
}

/** How pip is run for an interpreter: its own pip with --python (22.3+), or none. */
const pipProbe = new Map<string, Promise<boolean>>();

/** True when `python -m pip` is pip 22.3 or newer (it can install into another environment with --python). */
export function hasPipForOthers(python: string): Promise<boolean> {
  let known = pipProbe.get(python);
  if (!known) {
    known = (async () => {
      try {
        const proc = Bun.spawn([python, "-m", "pip", "--version"], { stdout: "pipe", stderr: "ignore", stdin: "ignore", env: stepEnvironment(), timeout: 60_000 });
        const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
        const match = /^pip (\d+)\.(\d+)/.exec(out.trim());
        return code === 0 && match !== null && (Number(match[1]) > 22 || (Number(match[1]) === 22 && Number(match[2]) >= 3));
      } catch {
        return false;
      }
    })();
    pipProbe.set(python, known);
  }
  return known;
}

/** How packages get into an environment: the command up to `install`'s arguments. */
export type Installer = { kind: "base-pip"; argv: string[] } | { kind: "own-pip"; argv: string[] } | { kind: "uv"; argv: string[] };

export function installerFor(kind: "base-pip" | "own-pip" | "uv", base: string, envPython: string, uv: string | null): Installer {
  if (kind === "uv") return { kind, argv: [uv!, "pip", "install", "--python", envPython] };
  if (kind === "own-pip") return { kind, argv: [envPython, "-m", "pip", "install", "--progress-bar", "off"] };
  return { kind, argv: [base, "-m", "pip", "--python", envPython, "install", "--progress-bar", "off"] };
}

export interface BuildSpec {
  mode: "venv" | "uv";
  /** The interpreter the environment is made from (a real executable). */
  interpreter: string;
  declarations: Declarations;
  /** The tree: uv sync runs there; relative --find-links paths are taken from there. */
  treeDir: string;
  uv: string | null;
  log: Log;
}

/** Option lines with relative local paths made absolute against the tree. */
function absoluteOptions(options: readonly string[], treeDir: string): string[] {
  return options.map((line) => line.replace(/^(-f|--find-links)(\s*=\s*|\s+)(\S+)$/, (whole, flag: string, gap: string, value: string) =>
    /^[a-z+]+:/i.test(value) || isAbsolute(value) ? whole : `${flag}${gap}${join(treeDir, value)}`));
}

/** Builds an environment in `dir` (which must not exist yet). Returns its python (relative to `dir`) and installer kind. */
export async function buildInto(dir: string, spec: BuildSpec): Promise<{ python: string; installer: Installer["kind"] }> {
  const env = stepEnvironment();
  const step = (name: string, argv: string[], cwd = spec.treeDir) => runStep(name, argv, { cwd, env, log: spec.log });
  const python = join(dir, "bin", "python");
  const { declarations } = spec;
  let installer: Installer["kind"];
  if (spec.mode === "uv") {
    await step("uv venv", [spec.uv!, "venv", "--quiet", "--python", spec.interpreter, dir]);
    installer = "uv";
    if (declarations.uvLock !== null) {
      await runStep("uv sync", [spec.uv!, "sync", "--frozen", "--no-install-project", "--python", spec.interpreter], {
        cwd: spec.treeDir, env: { ...env, UV_PROJECT_ENVIRONMENT: dir }, log: spec.log,
      });
      return { python: "bin/python", installer };
    }
  } else if (process.env.COLDSTART_VENV_WITH_PIP !== "1" && await hasPipForOthers(spec.interpreter)) {
    await step("python -m venv", [spec.interpreter, "-m", "venv", "--without-pip", dir]);
    installer = "base-pip";
  } else {
    try {
      await step("python -m venv", [spec.interpreter, "-m", "venv", dir]);
    } catch (error) {
      if (error instanceof StepError && /ensurepip|python3(\.\d+)?-venv/.test(readFileSync(spec.log.path, "utf8"))) {
        throw new UserError(`${spec.interpreter} cannot make a virtual environment with pip: it has no ensurepip and no pip 22.3+ (Debian/Ubuntu: apt-get install python3-venv); or set env = "none"`);
      }
      throw error;
    }
    installer = "own-pip";
  }
  if (declarations.requirements.length) {
    const requirements = join(dir, "coldstart-requirements.txt");
    writeFile(requirements, [...absoluteOptions(declarations.options, spec.treeDir), ...declarations.requirements, ""].join("\n"));
    const argv = [...installerFor(installer, spec.interpreter, python, spec.uv).argv, "-r", requirements];
    if (declarations.constraints.length) {
      const constraints = join(dir, "coldstart-constraints.txt");
      writeFile(constraints, `${declarations.constraints.join("\n")}\n`);
      argv.push("-c", constraints);
    }
    await step(installer === "uv" ? "uv pip install" : "pip install", argv);
  }
  return { python: "bin/python", installer };
}

/**
 * Installs the tree at `source` (not its dependencies) into `target`, a folder of its own
 * that goes first on the path: the cached environment itself is never changed after its
 * build, since other trees and other runs share it.
 */
export async function installTree(source: string, target: string, installer: Installer, log: Log): Promise<void> {
  const argv = [...installer.argv, "--no-deps", "--target", target, source];
  await runStep(installer.kind === "uv" ? "uv pip install (the tree)" : "pip install (the tree)", argv, { cwd: source, env: stepEnvironment(), log });
}

/** True when the environment's python runs: a cached environment whose base interpreter was removed does not. */
export function envPythonRuns(python: string): boolean {
  if (!existsSync(python)) return false;
  try {
    return Bun.spawnSync([python, "-c", "pass"], { stdout: "ignore", stderr: "ignore", stdin: "ignore", timeout: 30_000 }).exitCode === 0;
  } catch {
    return false;
  }
}
