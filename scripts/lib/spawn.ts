/**
 * Spawning one timed Python process: directly with an argv array (no shell, whose start-up
 * would be timed too), in its own process group so a hung import and anything it started
 * can be killed together.
 */

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, ms. */
  wallMs: number;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  spawnError?: string;
}

const running = new Set<number>();

/** Kills every child still running (their whole process groups). For signal handlers. */
export function killAllChildren(): void {
  for (const pid of running) killGroup(pid);
}

function killGroup(pid: number): void {
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

export async function runChild(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<ChildRun> {
  const started = performance.now();
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn(argv, { cwd: options.cwd, env: options.env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
  } catch (error) {
    return { code: null, stdout: "", stderr: "", wallMs: 0, timedOut: false, spawnError: error instanceof Error ? error.message : String(error) };
  }
  running.add(proc.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(proc.pid);
  }, options.timeoutMs);
  const stdoutText = new Response(proc.stdout).text();
  const stderrText = new Response(proc.stderr).text();
  const code = await proc.exited;
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  running.delete(proc.pid);
  // A grandchild that kept the pipes open would otherwise keep us waiting past the timeout.
  if (timedOut) killGroup(proc.pid);
  const [stdout, stderr] = await Promise.all([stdoutText, stderrText]);
  return { code, stdout, stderr, wallMs, timedOut };
}

/** The last `lines` non-empty lines of a child's stderr, without the harness markers. */
export function stderrTail(stderr: string, lines = 8): string {
  return stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("@@coldstart-"))
    .slice(-lines)
    .join("\n");
}
