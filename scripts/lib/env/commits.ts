/**
 * The environment mode of a bisect or a history, decided once over every commit of the
 * path (never per batch: a batch that happens to hold only satisfied commits must not be
 * measured without environments while the next is measured with them, and the cache key
 * of the measurements says which mode they were made in).
 *
 * Each commit's declaration files are named by their blob ids (`git ls-tree`, one quick
 * call per commit); only the distinct sets are read (`git show`) and checked, all in one
 * run of the interpreter — a path of a hundred commits that never touched a dependency
 * reads one set.
 */
import type { Config } from "../config.ts";
import { git } from "../git/run.ts";
import type { PythonInfo } from "../measure/python.ts";
import { decide } from "./attach.ts";
import { commitFiles, type Declarations, readDeclarations } from "./declared.ts";
import type { EnvChoice } from "./plan.ts";

const DECLARING = /^(pyproject\.toml|setup\.cfg|setup\.py|uv\.lock|requirements.*\.txt)$/i;

/** The blob ids of a commit's declaration files at `subdir`, as one string (equal strings: equal declarations). */
export function declarationSignature(top: string, commit: string, subdir: string): string {
  const prefix = subdir ? `${subdir.replace(/\/+$/, "")}/` : "";
  const listed = git(top, ["ls-tree", commit, "--", prefix || "."]);
  if (!listed.ok) return `unreadable:${commit}`;
  return listed.out.split("\n")
    .map((line) => /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && DECLARING.test(match[2]!.slice(prefix.length)))
    .map((match) => `${match[2]!.slice(prefix.length)}=${match[1]}`)
    .sort()
    .join(" ");
}

export interface CommitsDecision {
  choice: EnvChoice;
  /** Distinct sets of declarations among the commits. */
  sets: number;
}

/**
 * The mode for every commit of a bisect or history; null when the `install` command
 * replaces the environment step. Commits that `uv sync` in their tree (uv.lock, uv on
 * PATH, env auto) take no part in the decision, as in a run of refs.
 */
export async function decideForCommits(top: string, subdir: string, commits: readonly string[], config: Config, python: PythonInfo, uv: boolean): Promise<CommitsDecision | null> {
  if (config.install) return null;
  if (config.env !== "auto") return { choice: await decide(config.env, [], python), sets: 0 };
  const firstOfSet = new Map<string, string>();
  for (const commit of commits) {
    const signature = declarationSignature(top, commit, subdir);
    if (!firstOfSet.has(signature)) firstOfSet.set(signature, commit);
  }
  const sets: { label: string; dir: string; declarations: Declarations }[] = [];
  for (const commit of firstOfSet.values()) {
    const declarations = readDeclarations(commitFiles(top, commit, subdir), config.extras);
    if (uv && declarations.uvLock !== null) continue;
    sets.push({ label: commit.slice(0, 9), dir: top, declarations });
  }
  if (!sets.length) return { choice: { mode: "none", reason: "auto: uv sync in every commit's tree (uv.lock, uv on PATH)" }, sets: firstOfSet.size };
  return { choice: await decide(config.env, sets, python), sets: firstOfSet.size };
}
