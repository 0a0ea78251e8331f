#!/usr/bin/env bun
/**
 * `bun run build`: compiles the one standalone binary, ./coldstart, and links the three
 * tool names to it (./coldstart-test, ./coldstart-bench, ./coldstart-compare, all
 * git-ignored): a download is one file, and every name keeps working.
 * `bun run build -- --target bun-linux-arm64` cross-compiles (see .github/workflows/release.yml).
 */
import { join } from "node:path";
import { linkOrCopy } from "./lib/write.ts";

const ROOT = join(import.meta.dir, "..");

export const BINARY = "coldstart";
export const TOOL_NAMES: readonly string[] = ["coldstart-test", "coldstart-bench", "coldstart-compare"];
/** JavaScriptCore's tier-up thresholds, scaled, as the binary starts (see `build`). */
export const JIT_POLICY = 100;

/** Builds ./coldstart (or for `target`) into `outDir` and links the tool names to it; returns the number of failures. */
export async function build(outDir: string = ROOT, target?: string): Promise<number> {
  const outfile = join(outDir, BINARY);
  // Bytecode: the binary starts without parsing its sources (--version in ~7 ms instead of ~30).
  // JIT policy 100: the compiler tiers up 100 times later, so a comparison's run-once code
  // stays in the interpreter instead of paying for compilations it never profits from
  // (coldstart-compare on two runpod-sized files: 71 -> 64 ms); the measuring tools, which
  // run long, set it back to 1 (coldstart.ts).
  const argv = [
    process.execPath, "build", "--compile", "--minify", "--bytecode", `--compile-jit-policy=${JIT_POLICY}`, "--sourcemap=none",
    join(ROOT, "scripts", "coldstart.ts"), "--outfile", outfile,
  ];
  if (target) argv.push(`--target=${target}`);
  const child = Bun.spawn(argv, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0) {
    process.stderr.write(`build: ${BINARY} failed (exit ${code}):\n${stderr.trim()}\n`);
    return 1;
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
