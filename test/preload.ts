/**
 * Loaded before every test file (bunfig.toml [test] preload).
 *
 * - The suite's temporary folder (helpers.ts) goes once every file has run. bun test fires
 *   no process "exit" event, so a handler there never ran and every run left its folder
 *   behind in the OS temporary folder.
 * - Under `bun run test:unit` (COLDSTART_TEST_LAYER=unit) a unit test spawns no process:
 *   Bun.spawn, Bun.spawnSync, Bun.$ and node:child_process throw "a unit test spawns no
 *   process", and a test that tried fails even where a library swallowed the error (zx).
 * - A `bun test` over the whole suite hands itself to `bun test --parallel=2`
 *   (test/support/parallel.ts) and exits with its code: two files at a time.
 * - Otherwise the suite's python3 is chosen (helpers.ts choosePython); a serial run also
 *   starts the long instruction-counted runs in a lane beside the files
 *   (test/support/background.ts).
 */
import { afterAll, afterEach, mock } from "bun:test";
import * as childProcess from "node:child_process";
import { rmSync } from "node:fs";
import { choosePython, TEST_TMP } from "./helpers.ts";
import { handOff, role, testArgs } from "./support/parallel.ts";

const args = testArgs();
const part = role(args);
if (part === "hand-off") process.exit(await handOff(args!));

// Removing a whole suite's worktrees and caches takes seconds on a busy machine: a limit for a hang only.
// A worker's hooks run after each of its files: its folder (inside the first process's) goes with the first process.
if (part !== "worker") afterAll(() => rmSync(TEST_TMP, { recursive: true, force: true }), 600_000);

if (process.env.COLDSTART_TEST_LAYER !== "unit") {
  if (part !== "coordinator") choosePython();
  if (part === "serial") {
    const { startBackground } = await import("./support/background.ts");
    startBackground();
  }
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
