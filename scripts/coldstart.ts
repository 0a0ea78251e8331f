#!/usr/bin/env bun
/**
 * coldstart: one program, three tools. Called by one of their names (coldstart-test,
 * coldstart-bench, coldstart-compare: links to the one binary) it is that tool; called
 * as `coldstart`, the first argument names the tool (`coldstart compare a.json b.json`).
 * Only the chosen tool's code is loaded.
 */
import { basename } from "node:path";
import { runMain, UserError } from "./lib/errors.ts";
import { VERSION } from "./lib/settings.ts";

const TOOLS = {
  test: { name: "coldstart-test", load: () => import("./test_cold_start.ts"), does: "measure the imports of one working tree" },
  bench: { name: "coldstart-bench", load: () => import("./benchmark_cold_start.ts"), does: "benchmark git refs side by side, bisect, history" },
  compare: { name: "coldstart-compare", load: () => import("./compare_benchmarks.ts"), does: "compare result files: verdicts, reports" },
} as const;
type ToolName = keyof typeof TOOLS;

const HELP = `coldstart ${VERSION}: cold start benchmarking for Python packages

Usage: coldstart <tool> [options]       (or run the tool by its own name)

${Object.entries(TOOLS).map(([key, tool]) => `  ${key.padEnd(9)}${tool.name.padEnd(19)}${tool.does}`).join("\n")}

\`coldstart <tool> --help\` shows the tool's options.`;

function chooseTool(argv: string[]): { tool: ToolName | null; args: string[] } {
  const invoked = basename(process.argv0);
  for (const [key, tool] of Object.entries(TOOLS)) if (invoked === tool.name) return { tool: key as ToolName, args: argv };
  const [first, ...rest] = argv;
  if (first && first in TOOLS) return { tool: first as ToolName, args: rest };
  return { tool: null, args: argv };
}

/** Runs the chosen tool, or answers for `coldstart` itself. No top-level await: the binary is compiled to bytecode. */
function dispatch(): Promise<never> {
  const { tool, args } = chooseTool(process.argv.slice(2));
  if (tool) {
    const entry = TOOLS[tool];
    // The binary starts with the JIT held back (scripts/build.ts), for the comparer's short
    // run; the measuring tools run for minutes and get the normal policy.
    if (tool !== "compare") Bun.unsafe.setJITPolicy(1);
    return runMain(entry.name, async () => (await entry.load()).main(args));
  }
  return runMain("coldstart", async () => {
    const [first] = args;
    if (first === undefined || first === "-h" || first === "--help") {
      console.log(HELP);
      return first === undefined ? 2 : 0;
    }
    if (first === "-V" || first === "--version") {
      console.log(`coldstart ${VERSION}`);
      return 0;
    }
    throw new UserError(`unknown tool "${first}": choose test, bench or compare (see coldstart --help)`);
  });
}

void dispatch();
