/**
 * `coldstart-compare --history FILES...`: the trend from result files written by
 * `bench --history` — typically every CI shard's `benchmark_results/cache` — without the
 * repository: each file's `history` object names its commit's subject, author, date and
 * first-parent depth, which orders the points.
 */
import { UserError } from "../errors.ts";
import type { LoadedResult } from "../result/read.ts";
import { expandResultPaths, readResult } from "../result/read.ts";
import { historyInfo } from "./cache.ts";
import type { Trend } from "../model/history.ts";
import { buildTrend, type PointInput } from "./trend.ts";

export interface AssembleOptions {
  thresholdPct: number;
  measurement?: string;
}

/** Points from loaded files: grouped by commit, ordered by first-parent depth; duplicates (same run and commit) once. */
export function pointsFromFiles(results: readonly LoadedResult[]): PointInput[] {
  const byCommit = new Map<string, PointInput>();
  const seen = new Set<string>();
  for (const result of results) {
    const commit = result.data.git?.commit;
    if (!commit) throw new UserError(`${result.source}: no git commit in this file; --history assembles the files bench --history wrote (benchmark_results/cache)`);
    const info = historyInfo(result);
    if (!info || info.first_parent_depth === null) {
      throw new UserError(`${result.source}: no "history" record with the commit's place (written by bench --history?); give the files of benchmark_results/cache`);
    }
    const identity = `${commit}\0${result.runId}\0${result.data.timestamp}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const point = byCommit.get(commit) ?? {
      facts: { commit, subject: info.subject, author: info.author, date: info.date, depth: info.first_parent_depth },
      files: [],
      cached: null,
    };
    point.files.push({ path: result.source, result });
    byCommit.set(commit, point);
  }
  const points = [...byCommit.values()].sort((a, b) => a.facts.depth! - b.facts.depth!);
  for (let i = 1; i < points.length; i += 1) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (a.facts.depth === b.facts.depth) {
      throw new UserError(`${a.files[0]!.path} and ${b.files[0]!.path} are different commits at the same depth: files of two histories (two branches?) are mixed`);
    }
  }
  return points;
}

export async function assembleHistory(paths: readonly string[], options: AssembleOptions): Promise<Trend> {
  if (paths.length === 0) throw new UserError("--history needs the result files or folders of a bench --history run (e.g. shard-*/benchmark_results/cache)");
  const files = await expandResultPaths(paths);
  const results = await Promise.all(files.map((file) => readResult(file)));
  const points = pointsFromFiles(results);
  if (points.length < 2) throw new UserError(`--history: the files hold ${points.length} commit; a trend needs two or more`);
  return buildTrend(points, { range: null, every: null, thresholdPct: options.thresholdPct, measurement: options.measurement, metric: null });
}
