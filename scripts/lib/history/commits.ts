/**
 * Which commits a bisect or a history measures: refs checked and resolved (nothing is
 * created), the first-parent path between two commits with each commit's subject,
 * author, date and first-parent depth, `--every K` sampling and `--shard K/N` selection.
 * Read-only git questions, through git/run.ts.
 */
import { UserError } from "../errors.ts";
import { commitInfo, resolveCommit, WORKTREE_WORDS } from "../git/refs.ts";
import { git, lastLine } from "../git/run.ts";
import type { CommitFacts } from "../model/history.ts";

/** The first-parent path from `from` (exclusive) to `to` (inclusive) with `from` first: [from, c1, ..., to]. */
export interface CommitPath {
  /** As typed, for messages. */
  fromRef: string;
  toRef: string;
  commits: CommitFacts[];
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `K/N` with 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard ${JSON.stringify(text)}: must be K/N with 1 <= K <= N (e.g. --shard 2/4 for the second of four CI jobs)`);
  }
  return { index, count };
}

/** `OLD..NEW` (or `OLD..`, NEW = HEAD) -> the two refs. */
export function parseRange(range: string): { from: string; to: string } {
  if (range.includes("...")) throw new UserError(`--history ${JSON.stringify(range)}: a symmetric range (...) has no order; give OLD..NEW, e.g. main~50..main`);
  const parts = range.split("..");
  if (parts.length !== 2 || parts[0]!.trim() === "") {
    throw new UserError(`--history ${JSON.stringify(range)}: give a range OLD..NEW (e.g. main~50..main or v1.0..v2.0)`);
  }
  return { from: parts[0]!.trim(), to: parts[1]!.trim() || "HEAD" };
}

function resolveRef(top: string, ref: string, what: string): string {
  if (WORKTREE_WORDS.has(ref)) throw new UserError(`${what} must be a commit, not the working tree (${JSON.stringify(ref)}): commit your changes first`);
  return resolveCommit(top, ref);
}

/** How many commits the first-parent chain of `commit` holds, itself included. */
function firstParentDepth(top: string, commit: string): number | null {
  const result = git(top, ["rev-list", "--first-parent", "--count", commit]);
  return result.ok && /^\d+$/.test(result.out) ? Number(result.out) : null;
}

function facts(top: string, commit: string, depth: number | null): CommitFacts {
  const info = commitInfo(top, commit);
  return { commit: info.commit, subject: info.subject, author: info.author, date: info.date, depth };
}

/**
 * The first-parent path from `fromRef` to `toRef`, `fromRef` first. Bad input is one
 * line with exit 2: an unknown ref, the same commit twice, `from` not an ancestor of `to`.
 */
export function commitPath(top: string, fromRef: string, toRef: string, words: { from: string; to: string }): CommitPath {
  const from = resolveRef(top, fromRef, words.from);
  const to = resolveRef(top, toRef, words.to);
  if (from === to) throw new UserError(`${words.from} ${fromRef} and ${words.to} ${toRef} are the same commit (${from.slice(0, 9)}): nothing lies between them`);
  if (!git(top, ["merge-base", "--is-ancestor", from, to]).ok) {
    throw new UserError(`${words.from} ${fromRef} (${from.slice(0, 9)}) is not an ancestor of ${words.to} ${toRef} (${to.slice(0, 9)}): give the older commit first`);
  }
  const log = git(top, ["log", "--first-parent", "--reverse", "--format=%H%x00%s%x00%an <%ae>%x00%aI", `${from}..${to}`]);
  if (!log.ok) throw new UserError(`git log ${fromRef}..${toRef} failed: ${lastLine(log.err)}`);
  const rows = log.out.split("\n").filter(Boolean).map((line) => line.split("\0"));
  if (rows.length === 0) throw new UserError(`no first-parent commits between ${fromRef} and ${toRef}`);
  const topDepth = firstParentDepth(top, to);
  // Consecutive commits of a first-parent listing are parent and child: depths count down from `to`.
  const commits: CommitFacts[] = rows.map(([commit = "", subject = "", author = "", date = ""], index) => ({
    commit, subject, author, date, depth: topDepth === null ? null : topDepth - (rows.length - 1 - index),
  }));
  return { fromRef, toRef, commits: [facts(top, from, firstParentDepth(top, from)), ...commits] };
}

/** Every K-th commit of the path, from the first; the last one is always kept. */
export function sample<T>(items: readonly T[], every: number): T[] {
  if (every <= 1) return [...items];
  const kept = items.filter((_, index) => index % every === 0);
  if ((items.length - 1) % every !== 0) kept.push(items[items.length - 1]!);
  return kept;
}

/** Whether the point at `index` (0-based) of the sampled list is this shard's: every N-th, from the K-th. */
export function inShard(index: number, shard: Shard | null): boolean {
  return shard === null || index % shard.count === shard.index - 1;
}

/** One commit's facts (for the first slow commit's parent and the like). */
export function commitFacts(top: string, commit: string): CommitFacts {
  return facts(top, commit, firstParentDepth(top, commit));
}
