/**
 * Running the suite's files two at a time. bun test runs files one after another unless
 * given `--parallel` (no bunfig key sets it), and the README's test command is `bun test`.
 * So a `bun test` over the whole suite (or over folders of it) hands itself to
 * `bun test --parallel=2 --no-isolate --timings=test/timings.json` with the same arguments:
 * two worker processes, the slowest files first (test/timings.json: per-file durations,
 * refreshed with `--update-timings`), each worker keeping one module registry across its
 * files as the serial run does. The first process only waits, passes signals on, and
 * exits with the run's code; the output is the run's own.
 *
 * Not handed off: a run of named files, the unit layer, `COLDSTART_TEST_SERIAL=1`, a
 * machine of one core, and the parallel run's own processes (its coordinator and workers).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { SIGNAL_EXIT } from "../../scripts/lib/process.ts";
import { ROOT } from "../helpers.ts";

export const WORKERS = 2;
export const TIMINGS = join(ROOT, "test", "timings.json");

/** This process's part in a `bun test` run. */
export type Role = "serial" | "hand-off" | "coordinator" | "worker";

/** The arguments after `test` on this process's command line (the kernel's record: Bun's own argv names the test file being loaded); null when unknown (not Linux). */
export function testArgs(): string[] | null {
  try {
    const argv = readFileSync("/proc/self/cmdline", "utf8").split("\0").filter(Boolean);
    const at = argv.indexOf("test");
    return at < 0 ? null : argv.slice(at + 1);
  } catch {
    return null;
  }
}

/** Path filters: the arguments that are not options. */
export function pathFilters(args: readonly string[]): string[] {
  return args.filter((arg) => !arg.startsWith("-"));
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** What this process is in the run of `args` (null: unknown), under `env`, on a machine of `cores`. */
export function role(args: readonly string[] | null, env: Record<string, string | undefined> = process.env, cores = availableParallelism()): Role {
  if (args === null) return "serial";
  if (args.includes("--test-worker")) return "worker";
  if (args.some((arg) => arg.startsWith("--parallel"))) return "coordinator";
  const manyFiles = pathFilters(args).every(isFolder);
  const serial = env.COLDSTART_TEST_SERIAL === "1" || env.COLDSTART_TEST_LAYER === "unit" || cores < WORKERS;
  return manyFiles && !serial ? "hand-off" : "serial";
}

/** Runs the same `bun test` with two workers, output and input shared; resolves to its exit code. */
export async function handOff(args: readonly string[]): Promise<number> {
  const argv = [process.execPath, "test", `--parallel=${WORKERS}`, "--no-isolate", ...(existsSync(TIMINGS) ? [`--timings=${TIMINGS}`] : []), ...args];
  const child = Bun.spawn(argv, { stdio: ["inherit", "inherit", "inherit"], env: process.env });
  // Passed on as they arrive; the run's own end by one of them is answered as coldstart answers it.
  for (const signal of Object.keys(SIGNAL_EXIT)) process.on(signal, () => child.kill(signal as NodeJS.Signals));
  const code = await child.exited;
  return child.signalCode ? SIGNAL_EXIT[child.signalCode] ?? 1 : code;
}
