/**
 * Several interpreters, or several CI jobs, in one comparison: which file is compared with
 * which. Files are grouped — by interpreter (files of one run: the interpreter as asked
 * for; files of several runs: the Python version), or with --merge by CI job (run_id) and
 * interpreter — and each candidate is compared only with the baseline of its own group.
 * A file with no baseline in its group is said so, never compared across groups. The
 * matrix (group × measurement -> verdict) is plain data; words live in render/.
 */
import { UserError } from "../errors.ts";
import type { LoadedResult } from "../result/read.ts";
import type { CandidateComparison, Comparison, Matrix, MatrixAxis, MatrixCell, MatrixGroup, MatrixRow } from "../model/comparison.ts";

/** Which comparisons to make: indices into the results (in the order they become sides). */
export interface GroupPlan {
  /** null: one group, the plain comparison (each file against the first). */
  axis: MatrixAxis | null;
  groups: MatrixGroup[];
  pairs: { baseline: number; candidate: number; group: number }[];
}

/** "3.12.1" from a sys.version string (or "unknown"). */
export function pythonVersionOf(result: LoadedResult): string {
  const version = result.data.environment?.python_version ?? result.data.python_version;
  return version.trim().split(/\s+/)[0] || "unknown";
}

/** "3.12" from "3.12.1". */
function minorVersion(version: string): string {
  return /^\d+\.\d+/.exec(version)?.[0] ?? version;
}

const ARCH = /(x86_64|amd64|aarch64|arm64|i[3-6]86|ppc64le|s390x|riscv64)/i;

/** "Linux x86_64 · 3.12" from Python's platform.platform() and the version. */
export function runnerLabel(platform: string | null, version: string): string {
  if (!platform) return `unknown platform · ${minorVersion(version)}`;
  const system = platform.split("-")[0] || platform;
  const arch = ARCH.exec(platform)?.[1];
  return `${system}${arch ? ` ${arch}` : ""} · ${minorVersion(version)}`;
}

/** The code a file measured: files of one ref (or one commit) share it. */
function identity(result: LoadedResult): string {
  const git = result.data.git;
  if (!git) return `file:${result.source}`;
  if (git.worktree) return `worktree:${git.commit}:${git.dirty}`;
  return `commit:${git.commit ?? git.ref}`;
}

function runOrder(result: LoadedResult): number | undefined {
  const order = result.data.run_order;
  return typeof order === "number" ? order : undefined;
}

/** Indices grouped by a key, groups in the order of their first file. */
function groupBy(indices: readonly number[], key: (index: number) => string): [string, number[]][] {
  const map = new Map<string, number[]>();
  for (const index of indices) {
    const k = key(index);
    map.set(k, [...(map.get(k) ?? []), index]);
  }
  return [...map];
}

const LATEST = /(^|[\\/])cold_start_latest\.json$/;

/**
 * --merge: a `cold_start_latest.json` given beside its twin (the file of the run it is a
 * copy of), as the shell's `cold_start_*.json` gives it, is left out; returned with the
 * files left out and their twins. Alone, it stands for its run's file.
 */
export function skipLatestTwins(results: readonly LoadedResult[]): { results: LoadedResult[]; skipped: { latest: string; twin: string }[] } {
  const skipped: { latest: string; twin: string }[] = [];
  const left = new Set<number>();
  const text = new Map<number, string>();
  const content = (index: number) => text.get(index) ?? text.set(index, JSON.stringify(results[index]!.data)).get(index)!;
  results.forEach((result, index) => {
    if (!LATEST.test(result.source)) return;
    const twins = results
      .map((other, o) => ({ other, o }))
      .filter(({ other, o }) => o !== index && !left.has(o) && other.runId === result.runId && other.data.timestamp === result.data.timestamp && content(o) === content(index));
    const twin = twins.find(({ other }) => !LATEST.test(other.source)) ?? twins[0];
    if (!twin) return;
    left.add(index);
    skipped.push({ latest: result.source, twin: twin.other.source });
  });
  return { results: results.filter((_, index) => !left.has(index)), skipped };
}

/**
 * --merge: the files of several CI jobs, each job's files together (in the order the jobs
 * first appear) and in run order within it, the baseline first. Every file must come from
 * coldstart-bench (run_id), and a job's files must say their order (run_order).
 */
export function orderForMerge(results: readonly LoadedResult[]): LoadedResult[] {
  for (const result of results) {
    if (result.runId === null) {
      throw new UserError(`${result.source}: no run_id (not written by coldstart-bench); --merge groups files by the run that wrote them`);
    }
  }
  const runs = groupBy(results.map((_, index) => index), (index) => results[index]!.runId!);
  return runs.flatMap(([, members]) => {
    const unordered = members.find((index) => runOrder(results[index]!) === undefined);
    if (unordered !== undefined && members.length > 1) {
      throw new UserError(
        `${results[unordered]!.source}: no run_order (written by a coldstart before 0.2), so --merge cannot tell its run's baseline; compare that run's files without --merge, the baseline first`,
      );
    }
    for (const index of members) {
      const twin = members.find((other) => other < index && runOrder(results[other]!) === runOrder(results[index]!));
      if (twin !== undefined && members.length > 1 && runOrder(results[index]!) !== undefined) {
        throw new UserError(`${results[index]!.source} and ${results[twin]!.source} are the same file of one run (run_order ${runOrder(results[index]!)}); give each once`);
      }
    }
    return members
      .map((index) => results[index]!)
      .sort((a, b) => (runOrder(a) ?? 0) - (runOrder(b) ?? 0));
  });
}

/** Labels made unique: repeated ones get #2, #3... */
function unique(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count > 1 ? `${label} #${count}` : label;
  });
}

/** Every further file against the first: the plain comparison. */
function plainPlan(results: readonly LoadedResult[]): GroupPlan {
  return { axis: null, groups: [], pairs: results.slice(1).map((_, index) => ({ baseline: 0, candidate: index + 1, group: 0 })) };
}

/**
 * Groups the files and picks each group's baseline: in each run (with --merge: each CI
 * job) the ref of its first file is the baseline ref, and a group's baseline is its first
 * file of that ref. Without --merge, the files form a matrix only when some ref (or some
 * run) has files under several interpreters and at least one pair shares one; otherwise
 * the plain comparison stands, with its environment warning.
 */
export function planGroups(results: readonly LoadedResult[], merge: boolean): GroupPlan {
  const all = results.map((_, index) => index);
  const runs = merge ? groupBy(all, (index) => results[index]!.runId ?? "") : [["", all] as [string, number[]]];
  const oneRun = results.every((result) => result.runId !== null && result.runId === results[0]!.runId);
  const version = (index: number) => pythonVersionOf(results[index]!);
  const requested = (index: number) => results[index]!.data.environment?.python_requested ?? null;
  // Two interpreters of one run with the same version (two venvs) stay apart by what was asked.
  const ambiguous = (index: number) =>
    results.some((other, o) => other.runId !== null && other.runId === results[index]!.runId && version(o) === version(index) && requested(o) !== requested(index));
  const byRequest = merge || oneRun;
  const key = (index: number) =>
    byRequest ? requested(index) ?? version(index) : ambiguous(index) ? `${version(index)} ${requested(index)}` : version(index);
  const label = (index: number): string => {
    const asked = requested(index);
    if (merge) return `${runnerLabel(results[index]!.data.environment?.platform ?? null, version(index))}${ambiguous(index) && asked ? ` (${asked})` : ""}`;
    if (byRequest && asked !== null) return /^\d+(\.\d+)*$/.test(asked) ? asked : `${asked} (${version(index)})`;
    return ambiguous(index) && asked ? `${version(index)} (${asked})` : version(index);
  };

  const planned: Omit<MatrixGroup, "label">[] = [];
  const labels: string[] = [];
  for (const [, members] of runs) {
    const baselineRef = identity(results[members[0]!]!);
    for (const [, sides] of groupBy(members, key)) {
      const first = results[sides[0]!]!;
      const baseline = sides.find((index) => identity(results[index]!) === baselineRef) ?? null;
      planned.push({
        runId: first.runId,
        pythonRequested: requested(sides[0]!),
        pythonVersion: version(sides[0]!),
        platform: first.data.environment?.platform ?? null,
        sides,
        baseline,
      });
      labels.push(label(sides[0]!));
    }
  }
  const groups: MatrixGroup[] = unique(labels).map((text, index) => ({ label: text, ...planned[index]! }));
  const pairs = groups.flatMap((group, index) =>
    group.baseline === null ? [] : group.sides.filter((side) => side !== group.baseline).map((candidate) => ({ baseline: group.baseline!, candidate, group: index })));

  if (!merge) {
    const refsAcross = groupBy(all, (index) => identity(results[index]!)).some(([, files]) => new Set(files.map(key)).size > 1);
    const runsAcross = groupBy(all.filter((index) => results[index]!.runId !== null), (index) => results[index]!.runId!)
      .some(([, files]) => new Set(files.map(key)).size > 1);
    if (groups.length < 2 || !(refsAcross || runsAcross) || pairs.length === 0) return plainPlan(results);
    return { axis: "interpreter", groups, pairs };
  }
  if (pairs.length === 0) {
    throw new UserError("--merge: no CI job has both a baseline and a candidate file among these files; give every job's files (or the folders holding them)");
  }
  return groups.length < 2 ? plainPlan(results) : { axis: "runner", groups, pairs };
}

function cellOf(c: CandidateComparison, name: string): MatrixCell | null {
  const row = c.measurements.find((candidate) => candidate.name === name);
  if (!row) return null;
  return { headline: row.headline, verdict: row.verdict, status: row.status, estimatePct: row.estimatePct, ciPct: row.ciPct, mdePct: row.mdePct, shapeChanged: row.shapeChanged };
}

/** The matrix: one row per file of every group (candidates with their cells, lone files said so). */
export function buildMatrix(plan: GroupPlan & { axis: MatrixAxis }, candidates: readonly CandidateComparison[]): Matrix {
  const measurements: string[] = [];
  for (const c of candidates) for (const row of c.measurements) if (!measurements.includes(row.name)) measurements.push(row.name);
  const rows: MatrixRow[] = [];
  plan.groups.forEach((group, index) => {
    if (group.baseline === null) {
      for (const side of group.sides) rows.push({ group: index, side, candidate: null, missing: "baseline", cells: [] });
      return;
    }
    if (group.sides.length === 1) {
      rows.push({ group: index, side: group.baseline, candidate: null, missing: "candidate", cells: [] });
      return;
    }
    plan.pairs.forEach((pair, k) => {
      if (pair.group !== index) return;
      rows.push({ group: index, side: pair.candidate, candidate: k, missing: null, cells: measurements.map((name) => cellOf(candidates[k]!, name)) });
    });
  });
  return { axis: plan.axis, measurements, primary: candidates[0]?.summary.measurement ?? null, groups: plan.groups, rows };
}

/** How a file takes part: as a baseline, as a candidate (of `Comparison.candidates[comparison]`), or not at all. */
export type SideRole = { kind: "baseline" } | { kind: "candidate"; baseline: number; comparison: number } | { kind: "alone" };

export function sideRole(comparison: Pick<Comparison, "candidates">, side: number): SideRole {
  const index = comparison.candidates.findIndex((c) => c.candidate === side);
  if (index >= 0) return { kind: "candidate", baseline: comparison.candidates[index]!.baseline, comparison: index };
  return comparison.candidates.some((c) => c.baseline === side) ? { kind: "baseline" } : { kind: "alone" };
}
