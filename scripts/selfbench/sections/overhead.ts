/**
 * Section 4: overhead of a two-ref run. `bun scripts/benchmark_cold_start.ts main lazy` on
 * the demo repository (scripts/demo.ts), as a user runs it: its wall time from spawn to
 * exit, over the summed wall time of every Python process it needed (the result files'
 * `runs.child_ms`). What is left is bun's start-up, git worktrees, scheduling and writing.
 * Goal ≤ 1.10. `runTool` is shared with section 9 (the same run counting instructions).
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultFile } from "../../lib/result/schema.ts";
import { buildDemoRepo } from "../../demo.ts";
import { type Bench, once, ROOT, type SectionResult, seconds } from "../common.ts";

/** The demo repository (main: eager, lazy: deferred imports), built once. */
export function demoRepo(bench: Bench): Promise<string> {
  return once(bench, "demo-repo", async () => {
    const dir = join(bench.work, "demo-repo");
    mkdirSync(dir, { recursive: true });
    await buildDemoRepo(dir);
    return dir;
  });
}

export interface ToolRun {
  wallMs: number;
  childMs: number;
  processes: number;
  exitCode: number;
  stderrTail: string;
  results: ResultFile[];
}

/** Runs the branch runner on the demo repository with `args`; the result files go to a fresh folder. */
export async function runTool(bench: Bench, args: string[], outName: string): Promise<ToolRun> {
  const repo = await demoRepo(bench);
  const out = join(bench.work, outName);
  const argv = [process.execPath, join(ROOT, "scripts", "benchmark_cold_start.ts"), ...args, "--repo", repo, "--out", out, "-q"];
  const started = performance.now();
  const child = Bun.spawn(argv, { cwd: repo, env: { ...process.env, CI: "true", NO_COLOR: "1" }, stdout: "ignore", stderr: "pipe" });
  const [exitCode, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  const wallMs = performance.now() - started;
  const results: ResultFile[] = [];
  let childMs = 0;
  let processes = 0;
  let names: string[] = [];
  try {
    names = readdirSync(out);
  } catch {
    // no results: the run failed before writing any
  }
  for (const name of names) {
    if (!/^cold_start_.+_\d+(-\d+)?\.json$/.test(name) || name === "cold_start_latest.json") continue;
    const data = JSON.parse(readFileSync(join(out, name), "utf8")) as ResultFile;
    results.push(data);
    childMs += data.runs?.child_ms ?? 0;
    processes += data.runs?.processes ?? 0;
  }
  return { wallMs, childMs, processes, exitCode, stderrTail: stderr.trim().split("\n").slice(-3).join(" / "), results };
}

export async function runOverhead(bench: Bench): Promise<SectionResult> {
  const run = await runTool(bench, ["main", "lazy"], "overhead-results");
  const figure = "4. Overhead of a two-ref run (demo main vs lazy: run wall / its Python processes' summed wall)";
  if (run.exitCode !== 0 || run.results.length !== 2 || run.childMs === 0) {
    return { rows: [{ figure, value: `run failed (exit ${run.exitCode}, ${run.results.length} result files): ${run.stderrTail}`, goal: "≤ 1.10", met: false }] };
  }
  const ratio = run.wallMs / run.childMs;
  const rounds = run.results.map((result) => Object.values(result.measurements).map((m) => m.iterations).join("+")).join(" / ");
  bench.log(`  wall ${seconds(run.wallMs)}, Python processes ${seconds(run.childMs)} (${run.processes}), ratio ${ratio.toFixed(3)}`);
  return {
    rows: [{
      figure,
      value: `${ratio.toFixed(3)} (${seconds(run.wallMs)} / ${seconds(run.childMs)}; ${run.processes} processes; counted runs per measurement ${rounds})`,
      goal: "≤ 1.10",
      met: ratio <= 1.1,
    }],
  };
}
