/**
 * The one way coldstart runs git: synchronously, with an argv array (no shell), with the
 * user's environment minus anything that would point git at another repository or index,
 * and without optional locks (so `git status` never rewrites the user's index file).
 */
import { stopIfSignalled } from "../process.ts";

/** Git variables that would point our commands at another repository or index. */
const GIT_LOCATION_VARIABLES = [
  "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/** The environment for every git command: the user's, minus repository overrides. */
export function gitEnvironment(base: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !GIT_LOCATION_VARIABLES.includes(key)) env[key] = value;
  env.GIT_OPTIONAL_LOCKS = "0";
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

export interface GitResult {
  ok: boolean;
  /** stdout, trimmed. */
  out: string;
  /** stderr, trimmed. */
  err: string;
}

/**
 * Runs `git <args>` in `cwd`; never throws for git's own failure (a missing git is `ok:
 * false`). A git ended by the user's Ctrl-C stops the run (StoppedBySignal), so it is
 * never mistaken for a failed git command.
 */
export function git(cwd: string, args: readonly string[]): GitResult {
  let proc: Bun.SyncSubprocess<"pipe", "pipe">;
  try {
    proc = Bun.spawnSync(["git", ...args], { cwd, env: gitEnvironment(), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  } catch (error) {
    return { ok: false, out: "", err: error instanceof Error ? error.message : String(error) };
  }
  stopIfSignalled(proc.signalCode);
  return { ok: proc.exitCode === 0, out: proc.stdout.toString().trim(), err: proc.stderr.toString().trim() };
}

/** The last non-empty line of git's stderr, for one-line messages. */
export function lastLine(text: string): string {
  return text.split("\n").filter((line) => line.trim()).pop()?.replace(/^(fatal|error): /, "") ?? "";
}
