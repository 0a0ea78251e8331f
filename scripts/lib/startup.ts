/**
 * One start-up for every measuring flow (coldstart-test, coldstart-bench on refs, --bisect,
 * --history): the signal handlers first, then the target, its configuration (loaded
 * once), the output folder (checked writable, not created), the interpreters named on the
 * command line, the instruction counter when counting, and the progress reporter.
 * Everything that can be checked without creating anything is checked here, before any
 * worktree, process or file exists.
 */
import { join } from "node:path";
import { type Config, loadConfig } from "./config.ts";
import { gitTopLevel, repoTopLevel, resolveTarget } from "./git/tree.ts";
import type { Counter } from "./measure/counter.ts";
import type { MeasureArgs } from "./options.ts";
import { installSignalHandlers } from "./process.ts";
import { createReporter, type Reporter } from "./render/progress.ts";
import type { Environment } from "./result/schema.ts";
import { ensureWritableDir } from "./write.ts";

export interface Started {
  /** The project folder measured. */
  target: string;
  /** Its git top level; null for a plain folder (coldstart-test only). */
  top: string | null;
  config: Config;
  outDir: string;
  reporter: Reporter;
  /** With metric instructions: the counter, and what the result files record about it. */
  counting: { counter: Counter; environment: Partial<Environment> } | null;
}

export interface StartOptions {
  tool: string;
  /** Said on stderr when a signal stops the run (after "<tool>: SIGINT: "). */
  onStop: string;
  /** True when the flow needs a git repository (refs, bisect, history). */
  git: boolean;
  /** The report on stdout is JSON (--json, --format json): progress goes to stderr. */
  jsonOnStdout: boolean;
  /** Checks that need the configuration, run before anything is created (report paths, --drop-caches). */
  check?: (config: Config, target: string) => void;
}

let reporter: Reporter | null = null;

/**
 * Installs the signal handlers; call first thing: a Ctrl-C during start-up (git, the
 * interpreter probe) then stops the run at once.
 */
export function catchSignals(tool: string, onStop: string): void {
  installSignalHandlers((signal) => {
    reporter?.stop();
    process.stderr.write(`${tool}: ${signal}: ${onStop}\n`);
  });
}

export async function start(options: MeasureArgs, how: StartOptions): Promise<Started> {
  catchSignals(how.tool, how.onStop);
  const target = resolveTarget(options.repo);
  const top = how.git ? repoTopLevel(target) : gitTopLevel(target);
  const config = loadConfig(target, options.configFile, options.settings);
  const outDir = options.out ?? join(target, "benchmark_results");
  ensureWritableDir(outDir);
  how.check?.(config, target);
  const { checkInterpreters } = await import("./measure/python.ts");
  // Interpreters named on the command line must start before anything is printed or run.
  await checkInterpreters(config.python);
  let counting: Started["counting"] = null;
  if (config.metric === "instructions") {
    const { instructionCounter } = await import("./measure/trees.ts");
    counting = await instructionCounter();
  }
  reporter = createReporter({ quiet: options.quiet, streams: how.jsonOnStdout ? { out: process.stderr, err: process.stderr } : undefined });
  return { target, top, config, outDir, reporter, counting };
}
