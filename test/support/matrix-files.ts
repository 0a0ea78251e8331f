/**
 * Result files of interpreter matrices and CI jobs, crafted with deterministic samples, for
 * the matrix tests (test/unit/matrix.test.ts, test/e2e/matrix.test.ts; real files come from
 * test/e2e/matrix-bench.test.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Comparison } from "../../scripts/lib/model/comparison.ts";
import { parseResult, type LoadedResult } from "../../scripts/lib/result/read.ts";
import { seeded } from "../helpers.ts";

export const LINUX = "Linux-6.1.0-x86_64-with-glibc2.36";
export const MAC = "macOS-14.5-arm64-arm-64bit";

/** `n` runs around `center` ms, the same noise for the same seed. */
function samples(center: number, seed: number, n = 20): number[] {
  const random = seeded(seed * 7919 + 17);
  return Array.from({ length: n }, () => Math.round((center + random() * center * 0.04) * 1000) / 1000);
}

export interface Spec {
  ref: string;
  commit: string;
  runId: string | null;
  runOrder?: number;
  requested?: string;
  version: string;
  platform?: string;
  /** Median import time per measurement, ms. */
  ms: Record<string, number>;
  seed: number;
}

export function resultJson(spec: Spec): Record<string, unknown> {
  const measurements = Object.fromEntries(Object.entries(spec.ms).map(([name, center], index) => {
    const s = samples(center, spec.seed * 10 + index);
    const sorted = [...s].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return [name, { min: sorted[0], max: sorted.at(-1), mean, median: sorted[10], iterations: s.length, samples: s, statement: `import ${name}` }];
  }));
  return {
    timestamp: 1_700_000_000, python_version: `${spec.version} (main) [GCC]`, schema_version: 1,
    tool: { name: "coldstart", version: "0.1.0" },
    git: { ref: spec.ref, commit: spec.commit, dirty: false },
    ...(spec.runId ? { run_id: spec.runId } : {}),
    ...(spec.runOrder !== undefined ? { run_order: spec.runOrder } : {}),
    environment: {
      python: `/usr/bin/python${spec.version.slice(0, 4)}`, python_binary: `/usr/bin/python${spec.version.slice(0, 4)}`,
      ...(spec.requested ? { python_requested: spec.requested } : {}),
      python_version: `${spec.version} (main) [GCC]`, platform: spec.platform ?? LINUX, cpu: spec.platform === MAC ? "Apple M1" : "AMD EPYC",
      pyc: "warm", env: {}, iterations: 20, warmup: 1,
    },
    measurements,
    module_counts: { total: 100, filtered: 5 },
    modules: { after: "import pkg", package: "pkg", loaded: ["pkg"] },
  };
}

export function load(spec: Spec, source = `${spec.ref}@${spec.requested ?? spec.version}.json`): LoadedResult {
  return parseResult(JSON.stringify(resultJson(spec)), source);
}

export const MAIN = "a".repeat(40);
export const LAZY = "b".repeat(40);
export const ms = (total: number, sub: number) => ({ pkg_total: total, pkg_sub: sub });

/** One bench run under two interpreters: refs in order, interpreters within each (run_order 0..3). */
export function oneRun(): LoadedResult[] {
  return [
    load({ ref: "main", commit: MAIN, runId: "run-1", runOrder: 0, requested: "3.11", version: "3.11.2", ms: ms(100, 50), seed: 1 }),
    load({ ref: "main", commit: MAIN, runId: "run-1", runOrder: 1, requested: "3.12", version: "3.12.1", ms: ms(90, 50), seed: 2 }),
    load({ ref: "lazy", commit: LAZY, runId: "run-1", runOrder: 2, requested: "3.11", version: "3.11.2", ms: ms(70, 50), seed: 3 }),
    load({ ref: "lazy", commit: LAZY, runId: "run-1", runOrder: 3, requested: "3.12", version: "3.12.1", ms: ms(90, 60), seed: 4 }),
  ];
}

export function pairs(c: Comparison): string[] {
  return c.candidates.map((k) => `${c.sides[k.candidate]!.label} vs ${c.sides[k.baseline]!.label}`);
}

/** Two CI jobs on two runners, each comparing base and head on its own machine. */
export function twoJobs(): LoadedResult[] {
  return [
    load({ ref: "HEAD", commit: LAZY, runId: "job-mac", runOrder: 1, requested: "python3", version: "3.12.4", platform: MAC, ms: ms(66, 40), seed: 5 }, "mac/head.json"),
    load({ ref: "origin/main", commit: MAIN, runId: "job-linux", runOrder: 0, requested: "python3", version: "3.12.3", ms: ms(100, 50), seed: 6 }, "linux/base.json"),
    load({ ref: "HEAD", commit: LAZY, runId: "job-linux", runOrder: 1, requested: "python3", version: "3.12.3", ms: ms(70, 50), seed: 7 }, "linux/head.json"),
    load({ ref: "origin/main", commit: MAIN, runId: "job-mac", runOrder: 0, requested: "python3", version: "3.12.4", platform: MAC, ms: ms(60, 40), seed: 8 }, "mac/base.json"),
  ];
}

/** The files of twoJobs() under `dir`/artifacts/, as actions/download-artifact lays them out: one folder per job's artifact. */
export function writeArtifacts(dir: string): void {
  for (const result of twoJobs()) {
    const folder = join(dir, "artifacts", `cold-start-${result.source.split("/")[0]}`);
    mkdirSync(folder, { recursive: true });
    const name = `cold_start_${result.data.git!.ref!.replace(/\//g, "_")}_1700000000.json`;
    writeFileSync(join(folder, name), JSON.stringify(result.data));
    writeFileSync(join(folder, "cold_start_latest.json"), JSON.stringify(result.data));
  }
}
