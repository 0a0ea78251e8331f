/**
 * Section 6: precision. The width of the 95% interval of the median difference between
 * the base fixture and its +10% candidate at n = 10 runs each:
 * - ours: the interval our comparison reports (measureTrees + buildComparison, fixed at
 *   10 paired rounds), in ms;
 * - hyperfine's: hyperfine -N timing `python -c "import benchpkg"` of both trees, 10 runs
 *   each, and a seeded percentile bootstrap of the difference of their medians (hyperfine
 *   reports mean ± σ only; this is the interval its numbers support).
 * The two alternate, so both see the same hours of the machine. Goal: ours ≤ hyperfine.
 */
import { join } from "node:path";
import { childEnvironment } from "../../lib/measure/python.ts";
import { median } from "../../lib/stats/describe.ts";
import { mulberry32 } from "../random.ts";
import { type Bench, compareTrees, describeOutcome, type SectionResult } from "../common.ts";
import { PKG, timedFixtures } from "../fixtures.ts";
import { hyperfineTimes } from "./startup.ts";

const N = 10;
const RESAMPLES = 4000;

/** Percentile bootstrap interval of median(b) − median(a), resampling each side independently. */
export function bootstrapMedianDifference(a: readonly number[], b: readonly number[], seed: number): { low: number; high: number } {
  const random = mulberry32(seed);
  const resample = (values: readonly number[]) => values.map(() => values[Math.floor(random() * values.length)]!);
  const differences: number[] = [];
  for (let i = 0; i < RESAMPLES; i += 1) differences.push(median(resample(b)) - median(resample(a)));
  differences.sort((x, y) => x - y);
  return { low: differences[Math.floor(0.025 * RESAMPLES)]!, high: differences[Math.ceil(0.975 * RESAMPLES) - 1]! };
}

export async function runPrecision(bench: Bench): Promise<SectionResult> {
  const fixtures = await timedFixtures(bench);
  const repeats = bench.quick ? 2 : 6;
  if (!(await Bun.file("/usr/bin/hyperfine").exists()) && !Bun.which("hyperfine")) {
    return { rows: [{ figure: "6. Precision vs hyperfine", value: "hyperfine not installed (apt-get install hyperfine)", goal: "ours ≤ hyperfine", met: null }] };
  }
  // hyperfine's children get what ours get: the user's environment without start-up hooks,
  // and a bytecode cache (one prefix: it keys caches by full source path).
  const env = childEnvironment(bench.work, bench.python).env;
  env.PYTHONPYCACHEPREFIX = join(bench.work, "hyperfine-pycache");
  delete env.PYTHONPATH;
  const command = (dir: string) => `${bench.python.executable} -c "import sys; sys.path.insert(0, '${dir}'); import ${PKG}"`;
  const ours: number[] = [];
  const theirs: number[] = [];
  const shifts: { ours: number; theirs: number }[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const outcome = await compareTrees(bench, fixtures.base, fixtures.plus10, { pkg: PKG, config: { iterations: N, max_iterations: N } });
    bench.log(`  ours ${i + 1}/${repeats}: ${describeOutcome(outcome)}`);
    if (outcome.ciUnit) ours.push(outcome.ciUnit.high - outcome.ciUnit.low);
    const [a, b] = await hyperfineTimes(bench, [command(fixtures.base), command(fixtures.plus10)], N, 1, env);
    const interval = bootstrapMedianDifference(a!, b!, 20261126 + i);
    theirs.push(interval.high - interval.low);
    shifts.push({ ours: -(outcome.estimatePct ?? Number.NaN), theirs: ((median(b!) - median(a!)) / median(a!)) * 100 });
    bench.log(`  hyperfine ${i + 1}/${repeats}: medians ${median(a!).toFixed(1)} / ${median(b!).toFixed(1)} ms, 95% interval of the difference ${interval.low.toFixed(1)} … ${interval.high.toFixed(1)} ms`);
  }
  const oursWidth = median(ours);
  const theirsWidth = median(theirs);
  const fmt = (values: number[]) => values.map((value) => value.toFixed(1)).join(", ");
  return {
    rows: [{
      figure: `6. Precision: 95% CI width of the median difference, base vs +10%, n = ${N} (median of ${repeats})`,
      value: `ours ${oursWidth.toFixed(2)} ms, hyperfine ${theirsWidth.toFixed(2)} ms (ours: ${fmt(ours)}; hyperfine: ${fmt(theirs)}; median change seen: ours ${median(shifts.map((s) => s.ours)).toFixed(1)}% of import time, hyperfine ${median(shifts.map((s) => s.theirs)).toFixed(1)}% of process time)`,
      goal: "ours ≤ hyperfine",
      met: ours.length > 0 && oursWidth <= theirsWidth,
    }],
  };
}
