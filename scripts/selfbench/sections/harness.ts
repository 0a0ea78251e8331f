/**
 * Section 3: harness accuracy. Our import time (the harness, through the real executor)
 * against the plainest measurement there is — `t = perf_counter(); import benchpkg;
 * print(perf_counter() - t)` — in the same interpreter, environment and bytecode cache,
 * alternated run by run. Goal: ratio of the medians 1.00 ± 0.03.
 */
import { PythonExecutor, runProcess } from "../../lib/measure/executor.ts";
import { prepareTree } from "../../lib/measure/trees.ts";
import { median } from "../../lib/stats/describe.ts";
import { benchConfig, type Bench, type SectionResult } from "../common.ts";
import { PKG, timedFixtures } from "../fixtures.ts";

const PLAIN = `import time\nt = time.perf_counter()\nimport ${PKG}\nprint((time.perf_counter() - t) * 1000)\n`;

export async function runHarnessAccuracy(bench: Bench): Promise<SectionResult> {
  const { base } = await timedFixtures(bench);
  const alternations = bench.quick ? 10 : 100;
  const config = benchConfig(base, PKG, { python: [bench.python.executable] });
  const prepared = await prepareTree({ label: "harness", dir: base, git: null }, config);
  const ours: number[] = [];
  const plain: number[] = [];
  const ratios: number[] = [];
  try {
    const executor = new PythonExecutor({ timeoutMs: 30_000, pyc: "warm" });
    const env = { ...prepared.runtime.env, PYTHONPYCACHEPREFIX: prepared.runtime.pycache };
    for (let i = -1; i < alternations; i += 1) {
      // Alternate which goes first, so neither always follows the other.
      const order = i % 2 === 0 ? ["ours", "plain"] : ["plain", "ours"];
      const pair: Record<string, number> = {};
      for (const which of order) {
        if (which === "ours") {
          const result = await executor.run({ tree: prepared.runtime, statement: `import ${PKG}`, kind: "timed", checks: [] });
          if (!result.ok) throw new Error(`harness run failed: ${result.failure.message}`);
          pair.ours = result.quantities.import_ms!;
        } else {
          const run = await runProcess([bench.python.executable, "-c", PLAIN], { cwd: base, env, timeoutMs: 30_000 });
          const value = Number(run.stdout.trim());
          if (run.code !== 0 || !Number.isFinite(value)) throw new Error(`plain perf_counter run failed (exit ${run.code}): ${run.stderr.trim().split("\n").pop()}`);
          pair.plain = value;
        }
      }
      if (i < 0) continue; // the first pair warms the bytecode cache
      ours.push(pair.ours!);
      plain.push(pair.plain!);
      ratios.push(pair.ours! / pair.plain!);
    }
  } finally {
    prepared.removeCache();
  }
  const ratio = median(ours) / median(plain);
  bench.log(`  ours ${median(ours).toFixed(2)} ms, plain ${median(plain).toFixed(2)} ms, ratio ${ratio.toFixed(3)}`);
  return {
    rows: [{
      figure: `3. Harness accuracy: ours / plain perf_counter (${alternations} alternations, medians)`,
      value: `${ratio.toFixed(3)} (${median(ours).toFixed(2)} / ${median(plain).toFixed(2)} ms; fastest ${Math.min(...ours).toFixed(2)} / ${Math.min(...plain).toFixed(2)} ms; median of per-pair ratios ${median(ratios).toFixed(3)})`,
      goal: "1.00 ± 0.03",
      met: Math.abs(ratio - 1) <= 0.03,
    }],
  };
}
