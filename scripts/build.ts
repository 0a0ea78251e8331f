#!/usr/bin/env bun
/**
 * `bun run build`: compiles the one standalone binary, ./coldstart, and links the three
 * tool names to it (./coldstart-test, ./coldstart-bench, ./coldstart-compare, all
 * git-ignored): a download is one file, and every name keeps working.
 * `bun run build -- --target bun-linux-arm64` cross-compiles (see .github/workflows/release.yml).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TEMP_PREFIXES, temporaryDir } from "./lib/process.ts";
import { linkOrCopy } from "./lib/write.ts";

const ROOT = join(import.meta.dir, "..");

export const BINARY = "coldstart";
export const TOOL_NAMES: readonly string[] = ["coldstart-test", "coldstart-bench", "coldstart-compare"];
/** JavaScriptCore's tier-up thresholds, scaled, as the binary starts (see `build`). */
export const JIT_POLICY = 100;

/**
 * The comparisons the binary is trained on: a result-file pair with importtime rows, lazy
 * checks and module lists, reported as text and as JSON. A run of them records which
 * functions the comparer calls, in order (BUN_BYTECODE_ORDER_OUT), and the build lays their
 * bytecode out first: the comparer's start-up touches fewer pages of a 110 MB binary.
 */
const TRAINING_PAIR = ["base.json", "candidate.json"].map((name) => join(ROOT, "test", "fixtures", "html", name));
const TRAINING_RUNS: readonly string[][] = [[...TRAINING_PAIR], [...TRAINING_PAIR, "--format", "json"]];

/** `bun build --compile` of scripts/coldstart.ts into `outfile`; the failure message, or null. */
async function compile(outfile: string, target: string | undefined, orderFiles: readonly string[]): Promise<string | null> {
  // Bytecode: the binary starts without parsing its sources (--version in ~7 ms instead of ~30).
  // JIT policy 100: the compiler tiers up 100 times later, so a comparison's run-once code
  // stays in the interpreter instead of paying for compilations it never profits from
  // (coldstart-compare on two runpod-sized files: 71 -> 64 ms); the measuring tools, which
  // run long, set it back to 1 (coldstart.ts).
  const argv = [
    process.execPath, "build", "--compile", "--minify", "--bytecode", `--compile-jit-policy=${JIT_POLICY}`, "--sourcemap=none",
    join(ROOT, "scripts", "coldstart.ts"), "--outfile", outfile,
  ];
  if (orderFiles.length) argv.push(`--bytecode-order=${orderFiles.join(",")}`);
  if (target) argv.push(`--target=${target}`);
  const child = Bun.spawn(argv, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  return code === 0 ? null : `exit ${code}:\n${stderr.trim()}`;
}

/**
 * The bytecode order of the comparer's start-up: a binary for this machine, built in
 * `scratch` and run on the training pair. Empty when a run fails (the build then goes on
 * without an order: slower to start, not wrong).
 */
async function trainOrder(scratch: string): Promise<string[]> {
  const trainee = join(scratch, "coldstart-compare");
  if (await compile(trainee, undefined, [])) return [];
  const orders: string[] = [];
  for (const [index, args] of TRAINING_RUNS.entries()) {
    const order = join(scratch, `order-${index}.txt`);
    const run = Bun.spawnSync([trainee, ...args], { env: { ...process.env, BUN_BYTECODE_ORDER_OUT: order, NO_COLOR: "1" }, stdout: "ignore", stderr: "ignore" });
    if (run.exitCode !== 0 || !existsSync(order)) return [];
    orders.push(order);
  }
  return orders;
}

/** Builds ./coldstart (or for `target`) into `outDir` and links the tool names to it; returns the number of failures. */
export async function build(outDir: string = ROOT, target?: string): Promise<number> {
  const outfile = join(outDir, BINARY);
  // The order is the same for every target (it names functions of the one bundle), so a
  // cross-compiled binary is laid out by this machine's run.
  const scratch = temporaryDir(TEMP_PREFIXES.scratch);
  try {
    const failure = await compile(outfile, target, await trainOrder(scratch.dir));
    if (failure) {
      process.stderr.write(`build: ${BINARY} failed (${failure})\n`);
      return 1;
    }
  } finally {
    scratch.remove();
  }
  for (const name of TOOL_NAMES) {
    linkOrCopy(outfile, join(outDir, name)); // a copy on a file system without hard links
  }
  process.stdout.write(`built ${outfile}${target ? ` (${target})` : ""}, linked as ${TOOL_NAMES.join(", ")}\n`);
  return 0;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const targetIndex = args.indexOf("--target");
  const target = targetIndex >= 0 ? args[targetIndex + 1] : args.find((arg) => arg.startsWith("--target="))?.slice(9);
  process.exit((await build(ROOT, target)) ? 1 : 0);
}
