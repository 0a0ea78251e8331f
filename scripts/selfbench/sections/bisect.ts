/**
 * Section 11: bisect as a user runs it, `bun scripts/benchmark_cold_start.ts --bisect
 * main~127 main`, on a generated 128-commit history (history-repo.ts) slowed at a random
 * commit: once by modules (the default picks the modules metric), once by work only (the
 * default picks instructions when a counter is found), and the work-only history again
 * with `--metric time`. Each: the wall time, the steps, and whether the commit it names is
 * the slowing one. A wrong commit with exit 0 is the failure this section exists to catch.
 * Goal: the module case in ≤ 2 minutes; every case names the right commit or exits non-zero.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { detectCounter } from "../../lib/measure/counter.ts";
import { type Bench, ROOT, type Row, type SectionResult, seconds } from "../common.ts";
import { buildHistoryRepo, type Slowdown } from "../history-repo.ts";

interface BisectCase {
  name: string;
  slowdown: Slowdown;
  args: string[];
  /** The wall-time goal, ms (null: reported only). */
  goalMs: number | null;
  needsCounter?: boolean;
}

const CASES: readonly BisectCase[] = [
  { name: "modules added (default metric)", slowdown: "modules", args: [], goalMs: 120_000 },
  { name: "work only (default metric: instructions)", slowdown: "work", args: ["--importtime-runs", "0"], goalMs: null, needsCounter: true },
  { name: "work only, `--metric time`", slowdown: "work", args: ["--metric", "time", "--importtime-runs", "0"], goalMs: null },
];

const COMMITS = 128;

export async function runBisect(bench: Bench): Promise<SectionResult> {
  const counter = await detectCounter();
  const repeats = bench.quick ? 1 : 2;
  const rows: Row[] = [];
  for (const [index, bisect] of CASES.entries()) {
    const figure = `11. Bisect on ${COMMITS} commits, ${bisect.name}`;
    if (bisect.needsCounter && !counter) {
      rows.push({ figure, value: "skipped: no instruction counter (apt-get install valgrind)", goal: "reported", met: null });
      continue;
    }
    const outcomes: string[] = [];
    const walls: number[] = [];
    let right = 0;
    let wrongWithZero = 0;
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      const dir = join(bench.work, `bisect-${index}-${repeat}`);
      mkdirSync(dir, { recursive: true });
      const slowAt = 2 + Math.floor(Math.random() * (COMMITS - 1));
      const commits = buildHistoryRepo(dir, { count: COMMITS, slowAt, slowdown: bisect.slowdown });
      const argv = [process.execPath, join(ROOT, "scripts", "benchmark_cold_start.ts"), "--bisect", `main~${COMMITS - 1}`, "main", ...bisect.args, "--out", join(dir, ".results")];
      const started = performance.now();
      const child = Bun.spawn(argv, { cwd: dir, env: { ...process.env, CI: "true", NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
      const [code, stdout, stderr] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
      const wall = performance.now() - started;
      walls.push(wall);
      const named = stdout.match(/First slow commit: ([0-9a-f]{40})/)?.[1] ?? null;
      const steps = stdout.split("\n").filter((line) => /^(check|step \d+)\s/.test(line)).length;
      const found = code === 0 && named === commits[slowAt - 1];
      if (found) right += 1;
      if (code === 0 && !found) wrongWithZero += 1;
      const said = found ? "right" : code === 0 ? `WRONG (named ${named?.slice(0, 9) ?? "none"})` : `exit ${code}: ${stderr.trim().split("\n").pop() ?? ""}`;
      outcomes.push(`slow at ${slowAt}: ${said}, ${steps} steps, ${seconds(wall)}`);
      bench.log(`  ${bisect.name} #${repeat + 1}: ${outcomes.at(-1)}`);
    }
    const slowest = Math.max(...walls);
    const inTime = bisect.goalMs === null || slowest <= bisect.goalMs;
    rows.push({
      figure,
      value: `${right}/${repeats} right; ${outcomes.join("; ")}`,
      goal: `right, never wrong with exit 0${bisect.goalMs === null ? "" : `, ≤ ${seconds(bisect.goalMs)}`}`,
      met: wrongWithZero === 0 && right === repeats && inTime,
    });
  }
  return { rows };
}
