/**
 * Loaded before every test file (bunfig.toml [test] preload).
 *
 * - The suite's temporary folder (helpers.ts) goes once every file has run. bun test fires
 *   no process "exit" event, so a handler there never ran and every run left its folder
 *   behind in the OS temporary folder.
 * - Under `bun run test:unit` (COLDSTART_TEST_LAYER=unit) a unit test spawns no process:
 *   Bun.spawn, Bun.spawnSync, Bun.$ and node:child_process throw "a unit test spawns no
 *   process", and a test that tried fails even where a library swallowed the error (zx).
 * - Otherwise the suite's python3 is chosen (helpers.ts choosePython) and the long
 *   instruction-counted runs start, in a lane beside the files (test/support/background.ts):
 *   bun test runs files one after another.
 */
import { afterAll, afterEach, mock } from "bun:test";
import * as childProcess from "node:child_process";
import { rmSync } from "node:fs";
import { choosePython, TEST_TMP } from "./helpers.ts";

// Removing a whole suite's worktrees and caches takes seconds on a busy machine: a limit for a hang only.
afterAll(() => rmSync(TEST_TMP, { recursive: true, force: true }), 600_000);

if (process.env.COLDSTART_TEST_LAYER !== "unit") {
  choosePython();
  const { startBackground } = await import("./support/background.ts");
  startBackground();
} else {
  const attempts: string[] = [];
  const refuse = (name: string) =>
    (..._args: unknown[]): never => {
      attempts.push(name);
      throw new Error(`a unit test spawns no process (${name}): move the test to test/e2e/`);
    };
  const bun = Bun as unknown as Record<string, unknown>;
  for (const name of ["spawn", "spawnSync", "$"]) bun[name] = refuse(`Bun.${name}`);
  const guarded: Record<string, unknown> = { ...childProcess };
  for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) guarded[name] = refuse(`child_process.${name}`);
  for (const specifier of ["node:child_process", "child_process"]) mock.module(specifier, () => ({ ...guarded, default: guarded }));
  afterEach(() => {
    const tried = attempts.splice(0);
    if (tried.length) throw new Error(`a unit test spawns no process: this test called ${[...new Set(tried)].join(", ")}`);
  });
}
