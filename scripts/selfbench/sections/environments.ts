/**
 * Section 10: environments. The environment step of a run (env/attach.ts, as the branch
 * runner calls it, `env = auto`) on a package that declares `depx==2.0`, which python3
 * lacks, installed offline from a wheelhouse written here: its wall time when the
 * environment is built (a fresh cache: the satisfied check, `python -m venv`, pip), and
 * when it is reused (the check, the cache lookup, a `pass` of the environment's python).
 * Never timed in a measurement; this is what a user waits before the first run.
 * Goal: a reuse under 0.5 s (a bisect pays it at every step).
 */
import { join } from "node:path";
import { resolveConfig } from "../../lib/config.ts";
import { attachEnvironments } from "../../lib/env/attach.ts";
import { median } from "../../lib/stats/describe.ts";
import { type Bench, minMedMax, type SectionResult } from "../common.ts";
import { depxPackage, depxWheelhouse, offlinePip } from "../wheelhouse.ts";
import { mkdirSync } from "node:fs";
import { writeFile } from "../../lib/write.ts";
import { dirname } from "node:path";

export async function runEnvironments(bench: Bench): Promise<SectionResult> {
  const wheelhouse = depxWheelhouse(bench.python.executable, join(bench.work, "env-wheelhouse"));
  const tree = join(bench.work, "env-tree");
  for (const [path, text] of Object.entries(depxPackage("2.0"))) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFile(join(tree, path), text);
  }
  const config = resolveConfig(tree, [{ input: { python: [bench.python.executable], env: "auto" }, where: "selfbench" }], "pkg");
  const saved = Object.fromEntries(Object.keys(offlinePip(wheelhouse)).map((key) => [key, process.env[key]]));
  Object.assign(process.env, offlinePip(wheelhouse));
  const builds = bench.quick ? 1 : 3;
  const reuses = bench.quick ? 3 : 10;
  const buildMs: number[] = [];
  const reuseMs: number[] = [];
  let mode = "";
  try {
    for (let build = 0; build < builds; build += 1) {
      const root = join(bench.work, `envs-${build}`);
      const step = async () => {
        const started = performance.now();
        const [spec] = await attachEnvironments([{ spec: { label: "pkg", dir: tree, git: null }, fileRef: "pkg", working: false }], {
          config, outDir: join(bench.work, "env-logs"), say: () => {}, fresh: false, root,
        });
        mode = String(spec?.environment?.deps?.mode);
        return performance.now() - started;
      };
      buildMs.push(await step());
      for (let reuse = 0; reuse < (build === 0 ? reuses : 1); reuse += 1) reuseMs.push(await step());
    }
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  bench.log(`  ${mode}: build ${minMedMax(buildMs, 0)} ms, reuse ${minMedMax(reuseMs, 0)} ms`);
  return {
    rows: [
      {
        figure: `10. Environment built (auto → ${mode}: check, venv, pip install of one wheel offline; ${builds} build${builds === 1 ? "" : "s"}, min / median / max)`,
        value: `${minMedMax(buildMs.map((ms) => ms / 1000), 2)} s`,
        goal: "reported",
        met: null,
      },
      {
        figure: `10. Environment reused (check, lookup, its python started; ${reuseMs.length} reuses, min / median / max)`,
        value: `${minMedMax(reuseMs, 0)} ms`,
        goal: "median < 500 ms",
        met: median(reuseMs) < 500,
      },
    ],
  };
}
