/**
 * `coldstart-compare --history FILES...`: the trend from result files written by
 * `bench --history` — typically every CI shard's `benchmark_results/cache` — without the
 * repository: each file's `history` object names its commit's subject, author, date and
 * first-parent depth, which orders the points.
 */
import { UserError } from "../errors.ts";
import type { LoadedResult } from "../result/read.ts";
import { expandResultPaths, readResult } from "../result/read.ts";
import { historyInfo, runsOf } from "./cache.ts";
import type { DuplicateFiles, Trend } from "../model/history.ts";
import { buildTrend, type PointFile, type PointInput } from "./trend.ts";

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

/**
 * One file per commit: a point's median and its change against the previous point must
 * come from the same measurement, and files of one commit from several folders (two shards'
 * caches, a cache restored twice) would mix them. Kept: the file with the most runs of the
 * headline, then the newest; the others are returned, named, for the trend's note.
 */
export function onePerCommit(points: readonly PointInput[], measurement: string | undefined): { points: PointInput[]; duplicates: DuplicateFiles[] } {
  const name = measurement ?? points.flatMap((point) => point.files).map((file) => Object.keys(file.result.data.measurements)[0]).find(Boolean) ?? "";
  const runs = (file: PointFile) => runsOf(file.result, name, "instructions") || runsOf(file.result, name, "import_ms");
  const duplicates: DuplicateFiles[] = [];
  const kept = points.map((point) => {
    if (point.files.length < 2) return point;
    const used = point.files.reduce((best, file) => {
      const [a, b] = [runs(file), runs(best)];
      return a > b || (a === b && file.result.data.timestamp > best.result.data.timestamp) ? file : best;
    });
    duplicates.push({ commit: point.facts.commit, used: used.path, skipped: point.files.filter((file) => file !== used).map((file) => file.path) });
    return { ...point, files: [used] };
  });
  return { points: kept, duplicates };
}

/** The points of `results`, one file per commit (see onePerCommit). */
export function assemblePoints(results: readonly LoadedResult[], measurement: string | undefined): { points: PointInput[]; duplicates: DuplicateFiles[] } {
  return onePerCommit(pointsFromFiles(results), measurement);
}

export async function assembleHistory(paths: readonly string[], options: AssembleOptions): Promise<Trend> {
  if (paths.length === 0) throw new UserError("--history needs the result files or folders of a bench --history run (e.g. shard-*/benchmark_results/cache)");
  const files = await expandResultPaths(paths);
  const results = await Promise.all(files.map((file) => readResult(file)));
  const { points, duplicates } = assemblePoints(results, options.measurement);
  if (points.length < 2) throw new UserError(`--history: the files hold ${points.length} commit; a trend needs two or more`);
  const trend = buildTrend(points, { range: null, every: null, thresholdPct: options.thresholdPct, measurement: options.measurement, metric: null });
  if (duplicates.length > 0) trend.notes.push({ kind: "duplicates", commits: duplicates });
  return trend;
}
