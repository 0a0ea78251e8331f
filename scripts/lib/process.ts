/**
 * The process lifecycle, in one place: signals, the cleanups that must run on every exit
 * path (worktrees, temporary folders), and the child processes to kill.
 *
 * - Cleanups are synchronous and idempotent, registered by whoever creates something
 *   (a worktree, a temporary folder) and run at exit and on SIGINT / SIGTERM / SIGHUP.
 * - Every Python process is started in its own process group and carries a marker in its
 *   environment (COLDSTART_RUN); killing a run kills its group and, on Linux, every
 *   process still carrying the marker — a grandchild that started its own session too.
 * - Temporary folders are named `<prefix><owner pid>-<random>`, so the next run can
 *   remove what a killed run (SIGKILL) left behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

const cleanups = new Set<() => void>();
const groups = new Set<number>();
const inFlight = new Set<Promise<unknown>>();
let interruptedBy: NodeJS.Signals | null = null;
let installed = false;

/** True once SIGINT / SIGTERM / SIGHUP arrived; long loops poll it between runs. */
export function interrupted(): boolean {
  return interruptedBy !== null;
}

/** The exit code for the signal that arrived: 130 SIGINT, 143 SIGTERM, 129 SIGHUP. */
export function interruptExitCode(): number {
  return interruptedBy ? SIGNAL_EXIT[interruptedBy] ?? 130 : 130;
}

/**
 * A child (git, the interpreter probe) ended by SIGINT / SIGTERM / SIGHUP: the user's Ctrl-C
 * reached the whole process group while coldstart was blocked waiting for it, before its
 * own handler could run. Treated as that signal (exit 130 / 143 / 129), never as the
 * child's failure. No-op for any other ending.
 */
export function stopIfSignalled(signal: string | number | null | undefined): void {
  if (typeof signal !== "string" || !(signal in SIGNAL_EXIT)) return;
  interruptedBy ??= signal as NodeJS.Signals;
  throw new StoppedBySignal(interruptedBy);
}

/** Thrown when a signal stops the run; entry scripts exit with its code. */
export class StoppedBySignal extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
    this.exitCode = SIGNAL_EXIT[signal] ?? 130;
  }
}

/** Registers a synchronous cleanup for every exit path; returns a function that runs and removes it. */
export function onExit(cleanup: () => void): () => void {
  ensureExitHook();
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup)) return;
    cleanup();
  };
}

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // keep going: one stuck cleanup must not keep the others behind
    }
  }
}

let exitHooked = false;
function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    killAllChildren();
    runCleanups();
  });
}

/** Waits for `promise` before a signal's cleanup runs (e.g. a `git worktree add` in flight). */
export function inFlightWhile<T>(promise: Promise<T>): Promise<T> {
  inFlight.add(promise);
  void promise.finally(() => inFlight.delete(promise)).catch(() => {});
  return promise;
}

/**
 * Installs the handlers for SIGINT, SIGTERM and SIGHUP: `onSignal` reports, every child is
 * killed, in-flight work gets up to 10 s to settle, the killed process groups up to 5 s to
 * be gone, every cleanup runs, and the process exits 130 / 143 / 129. Idempotent.
 */
export function installSignalHandlers(onSignal?: (signal: NodeJS.Signals) => void): void {
  ensureExitHook();
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (interruptedBy) return;
      interruptedBy = signal;
      // The run's own end (errors.ts runMain) reads this and leaves the exit to this handler:
      // a run that finishes while it cleans up still exits with the signal's code, after it.
      process.exitCode = SIGNAL_EXIT[signal] ?? 130;
      try {
        onSignal?.(signal);
      } catch {
        // reporting must not stop the cleanup
      }
      const killed = [...groups];
      killAllChildren();
      const pending = [...inFlight];
      const settle = pending.length ? Promise.race([Promise.allSettled(pending), Bun.sleep(10_000)]) : Promise.resolve();
      void settle.then(async () => {
        killed.push(...groups);
        killAllChildren();
        // What was killed is gone before coldstart is: no step outlives the run that started it.
        await Promise.all(killed.map((pid) => waitGroupGone(pid, 5_000)));
        runCleanups();
        process.exit(SIGNAL_EXIT[signal] ?? 130);
      });
    });
  }
}

// --- child processes --------------------------------------------------------------------

/** The environment variable every measured process (and whatever it starts) inherits. */
export const RUN_MARKER = "COLDSTART_RUN";

/** This invocation's marker; every child gets its own value under it (see `newMarker`). */
export const SESSION = `${process.pid}-${Math.random().toString(36).slice(2, 12)}`;
let markerCount = 0;

/** A new marker value for one child: set `env[RUN_MARKER]` to it; `killMarked(it)` ends what that child started. */
export function newMarker(): string {
  markerCount += 1;
  return `${SESSION}.${markerCount}`;
}

/** Remembers a child's process group so a signal or exit can kill it. */
export function trackChild(pid: number): void {
  ensureExitHook();
  groups.add(pid);
}

export function untrackChild(pid: number): void {
  groups.delete(pid);
}

/** SIGKILL to a process group, falling back to the process alone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Kills every process whose environment carries `marker` (Linux: /proc/<pid>/environ), or
 * with `SESSION` every child of this invocation. Catches what a process group kill
 * misses: a grandchild that called setsid(). Returns how many it killed.
 */
export function killMarked(marker: string): number {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return 0;
  }
  const needle = marker === SESSION ? `\0${RUN_MARKER}=${SESSION}.` : `\0${RUN_MARKER}=${marker}\0`;
  let killed = 0;
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, "latin1");
    } catch {
      continue;
    }
    if (!`\0${environ}\0`.includes(needle)) continue;
    try {
      process.kill(Number(name), "SIGKILL");
      killed += 1;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** Kills every tracked child's process group and every process of this session. For signal handlers and exit. */
export function killAllChildren(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
  killMarked(SESSION);
}

// --- temporary folders --------------------------------------------------------------------

export const TEMP_PREFIXES = { worktree: "coldstart-wt-", pycache: "coldstart-pyc-", scratch: "coldstart-tmp-", envtree: "coldstart-inst-" } as const;

/** A new temporary folder `<tmp>/<prefix><pid>-XXXXXX`, removed at exit unless `keep`. Returns its path and a remover. */
export function temporaryDir(prefix: string, keep = false): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  if (keep) return { dir, remove: removeNow };
  return { dir, remove: onExit(removeNow) };
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temporary folders with `prefix` whose owner process is gone (a killed run's
 * leftovers); `inspect` sees each folder first (e.g. to learn which repository a stale
 * worktree belonged to). Returns the folders removed.
 */
export function pruneStaleTemporaries(prefix: string, inspect?: (folder: string) => void): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const folder = join(tmpdir(), name);
    try {
      inspect?.(folder);
    } catch {
      // a folder cut short is still ours by its name
    }
    rmSync(folder, { recursive: true, force: true });
    removed.push(folder);
  }
  return removed;
}

/**
 * True while any process of group `pid` is still running. On Linux zombies (killed, not
 * yet reaped: orphans wait for a slow init) do not count; elsewhere any member that
 * signal 0 reaches does.
 */
export function groupAlive(pid: number): boolean {
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    // not Linux
  }
  if (entries.length > 0) {
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[2] === String(pid) && fields[0] !== "Z" && fields[0] !== "X") return true;
    }
    return false;
  }
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Waits until no process of group `pid` is left; true when it is gone within `ms`. */
export async function waitGroupGone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (groupAlive(pid)) {
    if (performance.now() > deadline) return false;
    await Bun.sleep(10);
  }
  return true;
}
