/**
 * Section 9: instruction counts (`--metric instructions`; cachegrind here, as this VM has no
 * hardware counters for perf). Through measureTrees with `metric = "instructions"`: 5
 * counting rounds per ref (the scheduler's start; it adds rounds only while the counts
 * are too spread), the verdict on the counts (unpaired, exact Mann–Whitney).
 *
 * - A/A: the demo package (test/fixtures/demo/main) against a copy: false alarms.
 * - +1%: the demo package with one more module running a loop, against the same with a
 *   longer loop. The extra iterations are calibrated in instructions: the import's count
 *   (statement minus `pass`) and the count of a probe loop are counted once, and the
 *   candidate gets 1% of the import's instructions worth of iterations.
 * - The spread of each tree's counts, (max − min) / median.
 * - An import that starts a Python subprocess, A/A: the spread of the importing process's
 *   counts (the children's are counted apart, as child_instructions) and no false alarm.
 * - The wall time of a two-ref instruction comparison as a user runs it:
 *   `bun scripts/benchmark_cold_start.ts --metric instructions main lazy` on the demo repo.
 *
 * The timed part of each comparison is cut to one run (iterations 1, no warm-up): it only
 * warms the bytecode cache here; the verdict speaks for the counts.
 */
import { readFileSync } from "node:fs";
import { copyTree, writeFile } from "../../lib/write.ts";
import { join } from "node:path";
import { PythonExecutor } from "../../lib/measure/executor.ts";
import { instructionCounter, prepareTree } from "../../lib/measure/trees.ts";
import type { Counter } from "../../lib/measure/counter.ts";
import { median } from "../../lib/stats/describe.ts";
import { rankSumCritical, untiedUDistribution } from "../../lib/stats/rank-sum.ts";
import { ALPHA } from "../../lib/stats/verdict.ts";
import { DEMO_FIXTURES } from "../../demo.ts";
import {
  benchConfig, type Bench, type CompareSetup, compareTrees, countOf, describeOutcome, medianOf, type Outcome, type Row, type SectionResult, seconds, signed,
} from "../common.ts";
import { loopSource } from "../fixtures.ts";
import { runTool } from "./overhead.ts";

const PKG = "demopkg";
const PROBE_ITERATIONS = 20_000;
const COUNT_CONFIG = { metric: "instructions", iterations: 1, warmup: 0, max_iterations: 1 } as const;

/** The demo package, plus (when `loops` is given) a module `_work` running a loop, imported last. */
function demoTree(dir: string, loops: number | null): string {
  copyTree(join(DEMO_FIXTURES, "main"), dir);
  if (loops !== null) {
    const init = join(dir, PKG, "__init__.py");
    writeFile(init, `${readFileSync(init, "utf8")}from . import _work\n`);
    writeFile(join(dir, PKG, "_work.py"), loopSource(loops));
  }
  return dir;
}

/** Instructions of `statement` in `dir` (one counted run after one warming run). */
async function countOnce(bench: Bench, dir: string, statement: string, counter: Counter): Promise<number> {
  const config = benchConfig(dir, PKG, { python: [bench.python.executable] });
  const prepared = await prepareTree({ label: "calibration", dir, git: null }, config);
  try {
    const executor = new PythonExecutor({ timeoutMs: 60_000, pyc: "warm", counter });
    const warm = await executor.run({ tree: prepared.runtime, statement, kind: "timed", checks: [] });
    if (!warm.ok) throw new Error(`calibration: \`${statement}\` failed in ${dir}: ${warm.failure.message}`);
    const counted = await executor.run({ tree: prepared.runtime, statement, kind: "count", checks: [] });
    if (!counted.ok || !counted.counts) throw new Error(`calibration: counting \`${statement}\` failed in ${dir}`);
    return counted.counts.total;
  } finally {
    prepared.removeCache();
  }
}

/** Exact two-sided level of the untied rank-sum test at the verdict's alpha (0.05). */
function rankSumLevel(n1: number, n2: number): number {
  const p = untiedUDistribution(n1, n2);
  const critical = rankSumCritical(n1, n2, ALPHA);
  if (!p || critical < 0) return 0;
  let tail = 0;
  for (let u = 0; u <= critical; u += 1) tail += p[u]!;
  return 2 * tail;
}

/** (max − min) / median of each side's counts. */
const spreads = (outcome: Outcome) =>
  [outcome.baseline, outcome.candidate].filter((s) => s.length).map((s) => (Math.max(...s) - Math.min(...s)) / median(s));

export async function runInstructions(bench: Bench): Promise<SectionResult> {
  const { counter, environment } = await instructionCounter();
  bench.log(`  counter: ${counter.name} ${counter.version}`);
  const demoA = demoTree(join(bench.work, "demo-a"), null);
  const demoB = demoTree(join(bench.work, "demo-b"), null);

  // Calibration of the +1% candidate, in instructions.
  const base = demoTree(join(bench.work, "demo-work-0"), 0);
  const probe = demoTree(join(bench.work, "demo-work-probe"), PROBE_ITERATIONS);
  const [statementCount, passCount, probeCount] = [
    await countOnce(bench, base, `import ${PKG}`, counter),
    await countOnce(bench, base, "pass", counter),
    await countOnce(bench, probe, `import ${PKG}`, counter),
  ];
  const importCount = statementCount - passCount;
  const perIteration = (probeCount - statementCount) / PROBE_ITERATIONS;
  const extra = Math.round((0.01 * importCount) / perIteration);
  const plus1 = demoTree(join(bench.work, "demo-work-plus1"), extra);
  bench.log(`  calibration: import ${importCount.toLocaleString("en")} instructions, ${perIteration.toFixed(1)} per loop iteration: +1% = ${extra} iterations`);

  const repeats = bench.quick ? 1 : 20;
  const setup = { pkg: PKG, config: COUNT_CONFIG, counter, environment };
  const aa: Outcome[] = [];
  const plus: Outcome[] = [];
  for (let i = 0; i < repeats; i += 1) {
    aa.push(await compareTrees(bench, demoA, demoB, setup));
    bench.log(`  A/A ${i + 1}/${repeats}: ${describeOutcome(aa[i]!)}`);
    plus.push(await compareTrees(bench, base, plus1, setup));
    bench.log(`  +1% ${i + 1}/${repeats}: ${describeOutcome(plus[i]!)}`);
  }
  const headlines = new Set([...aa, ...plus].map((outcome) => outcome.headline));
  if (headlines.size !== 1 || !headlines.has("instructions")) throw new Error(`the comparisons' headline was ${[...headlines].join(", ")}, not instructions`);
  const alarms = aa.filter((outcome) => outcome.verdict === "faster" || outcome.verdict === "slower").length;
  const found = plus.filter((outcome) => outcome.verdict === "slower").length;
  const allSpreads = [...aa, ...plus].flatMap(spreads);
  const maxSpread = Math.max(...allSpreads);
  const rounds = [...aa, ...plus].map((outcome) => outcome.baseline.length);
  const shift = medianOf(plus.map((outcome) => (outcome.estimatePct === null ? null : -outcome.estimatePct)));
  const aaShift = medianOf(aa.map((outcome) => (outcome.estimatePct === null ? null : -outcome.estimatePct)));
  const perComparison = medianOf([...aa, ...plus].map((outcome) => outcome.wallMs))!;
  // What chance alone gives: the exact level of the unpaired test at these sizes, and the
  // probability of more than one alarm in this many comparisons at that level.
  const level = rankSumLevel(rounds[0]!, rounds[0]!);
  const moreThanOne = 1 - (1 - level) ** repeats - repeats * level * (1 - level) ** (repeats - 1);
  const alarmList = aa.flatMap((outcome, index) => {
    if (outcome.verdict !== "faster" && outcome.verdict !== "slower") return [];
    const shiftCount = median(outcome.candidate) - median(outcome.baseline);
    return [`#${index + 1} ${outcome.verdict} ${signed(-(outcome.estimatePct ?? 0), 4)}% (medians differ by ${Math.round(shiftCount)} of ${Math.round(median(outcome.baseline)).toLocaleString("en")} instructions)`];
  });
  const rows: Row[] = [
    {
      figure: `9. Instructions, A/A on the demo package (${repeats} comparisons, ${counter.name})`,
      value: `${alarms} false alarm${alarms === 1 ? "" : "s"} of ${repeats}${alarmList.length ? ` (${alarmList.join("; ")})` : ""}; ` +
        `exact level of the ${rounds[0]}-vs-${rounds[0]} test ${(level * 100).toFixed(2)}%${repeats > 1 ? `, so P(2 or more of ${repeats} by chance) = ${(moreThanOne * 100).toFixed(0)}%` : ""}; ` +
        `median change ${aaShift === null ? "—" : `${signed(aaShift, 4)}%`}; counting rounds per ref ${[...new Set(rounds)].join("/")}; ${seconds(perComparison)} per comparison`,
      goal: "0–1",
      met: alarms <= 1,
    },
    {
      figure: `9. Instructions, +1% detected (${repeats} comparisons; calibrated +${extra} loop iterations)`,
      value: `${countOf(found, repeats)} slower; median measured change ${shift === null ? "—" : `${signed(shift, 2)}%`}`,
      goal: `≥ ${Math.ceil(0.95 * repeats)}/${repeats}`,
      met: found >= Math.ceil(0.95 * repeats),
    },
    {
      figure: "9. Spread of each ref's counts, (max − min) / median",
      value: `median ${(median(allSpreads) * 100).toFixed(3)}%, max ${(maxSpread * 100).toFixed(3)}% (over ${allSpreads.length} refs × ${rounds[0]} counts)`,
      goal: "≤ 0.5%",
      met: maxSpread <= 0.005,
    },
  ];
  rows.push(await subprocessSpread(bench, counter, setup.environment));
  if (bench.quick) {
    rows.push({ figure: "9. Two-ref instruction comparison (demo main vs lazy)", value: "skipped with --quick", goal: "reported", met: null });
  } else {
    bench.log("  bun scripts/benchmark_cold_start.ts --metric instructions main lazy (demo repo)...");
    const run = await runTool(bench, ["--metric", "instructions", "main", "lazy"], "instructions-results");
    const ok = run.exitCode === 0 && run.results.length === 2;
    rows.push({
      figure: "9. Wall time of a two-ref instruction comparison (`--metric instructions main lazy`, demo repo, its config)",
      value: ok
        ? `${seconds(run.wallMs)} (Python processes ${seconds(run.childMs)} summed over ${run.processes}, 2 counted in parallel)`
        : `run failed (exit ${run.exitCode}): ${run.stderrTail}`,
      goal: "reported",
      met: ok ? null : false,
    });
  }
  // The raw counts of each false alarm, for whoever looks into one.
  const details = alarmCounts(aa);
  return { rows, details: details ? [details] : [] };
}

/** The demo package whose import also runs `python -c pass` in a subprocess. */
function spawningTree(dir: string): string {
  demoTree(dir, null);
  const init = join(dir, PKG, "__init__.py");
  writeFile(init, `${readFileSync(init, "utf8")}import subprocess as _subprocess, sys as _sys\n_subprocess.run([_sys.executable, "-c", "pass"], check=True)\n`);
  return dir;
}

/** A/A on an import that starts a subprocess: the importing process's counts stay exact, the children's are apart. */
async function subprocessSpread(bench: Bench, counter: Counter, environment: CompareSetup["environment"]): Promise<Row> {
  const [a, b] = [spawningTree(join(bench.work, "spawn-a")), spawningTree(join(bench.work, "spawn-b"))];
  const outcome = await compareTrees(bench, a, b, { pkg: PKG, config: COUNT_CONFIG, counter, environment });
  bench.log(`  subprocess A/A: ${describeOutcome(outcome)}`);
  const spread = Math.max(...spreads(outcome));
  const children = outcome.results.map((result) => medianOf(Object.values(result.measurements).flatMap((m) => m.quantities?.child_instructions?.samples ?? [])));
  const apart = children.every((count) => count !== null && count > 0);
  const calm = outcome.verdict !== "faster" && outcome.verdict !== "slower";
  return {
    figure: "9. An import that starts a Python subprocess, A/A: spread of the importing process's counts, (max − min) / median",
    value: `${(spread * 100).toFixed(4)}% over 2 × ${outcome.baseline.length} counts; verdict ${outcome.verdict}; ` +
      `children counted apart: ${apart ? `median ${Math.round(children[0]!).toLocaleString("en")} instructions` : "**missing**"}`,
    goal: "≤ 0.01%, no change, children apart",
    met: spread <= 0.0001 && calm && apart,
  };
}

/** Markdown listing the counts of the A/A comparisons that were called faster or slower; null when none was. */
export function alarmCounts(aa: readonly Outcome[]): string | null {
  const lines = aa.flatMap((outcome, index) =>
    outcome.verdict === "faster" || outcome.verdict === "slower"
      ? [`- A/A #${index + 1} (${outcome.verdict}): baseline ${outcome.baseline.join(", ")}; candidate ${outcome.candidate.join(", ")}`]
      : []);
  return lines.length ? `Section 9, the counts of each A/A false alarm (import's instructions per counting round, statement minus \`pass\`):\n\n${lines.join("\n")}` : null;
}
