#!/usr/bin/env bun
/**
 * `bun run build`: compiles each entry script into a standalone binary in the repository
 * root (git-ignored): ./coldstart-compare, ./coldstart-bench, ./coldstart-test.
 * An entry whose script does not exist yet is skipped with a note.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

export const ENTRIES: readonly { script: string; binary: string }[] = [
  { script: "scripts/compare_benchmarks.ts", binary: "coldstart-compare" },
  { script: "scripts/benchmark_cold_start.ts", binary: "coldstart-bench" },
  { script: "scripts/test_cold_start.ts", binary: "coldstart-test" },
];

/** Builds the named binaries (default: all) into `outDir`; returns the number of failed builds. */
export async function build(only?: readonly string[], outDir: string = ROOT): Promise<number> {
  let failed = 0;
  for (const entry of ENTRIES) {
    if (only && !only.includes(entry.binary)) continue;
    if (!existsSync(join(ROOT, entry.script))) {
      process.stdout.write(`skip ${entry.binary}: ${entry.script} does not exist yet\n`);
      continue;
    }
    const child = Bun.spawn([process.execPath, "build", "--compile", "--minify", entry.script, "--outfile", join(outDir, entry.binary)], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    if (code === 0) {
      process.stdout.write(`built ${outDir === ROOT ? `./${entry.binary}` : join(outDir, entry.binary)} from ${entry.script}\n`);
    } else {
      failed += 1;
      process.stderr.write(`build: ${entry.binary} failed (exit ${code}):\n${stderr.trim()}\n`);
    }
  }
  return failed;
}

if (import.meta.main) {
  const failed = await build(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
  process.exit(failed ? 1 : 0);
}
