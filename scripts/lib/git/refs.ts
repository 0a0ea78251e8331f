/**
 * Refs as the user types them: checked before anything is created, then resolved to
 * commits. No shell is ever involved (git gets an argv array), so a ref is valid when git
 * itself would accept it as a branch name (`git check-ref-format --branch`), possibly with
 * revision suffixes (`~3`, `^2`, `@{1}`), or when it is HEAD or a commit id. Refused: an
 * empty ref, control characters, a leading '-' (it would read as an option), ranges.
 */
import { UserError } from "../errors.ts";
import { git, lastLine } from "./run.ts";

/** The words that stand for the working tree with its uncommitted changes. */
export const WORKTREE_WORDS = new Set([".", "WORKTREE"]);

const SPECIAL = new Set(["HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD"]);
const SUFFIX = /(~\d*|\^\d*|\^\{[^{}]*\}|@\{[^{}]*\})$/;

/** Throws a one-line UserError when `ref` cannot name a commit. */
export function validateRefSyntax(ref: string): void {
  const shown = JSON.stringify(ref);
  if (ref === "") throw new UserError("empty ref: name a branch, tag or commit");
  if (/[\u0000-\u001f\u007f]/.test(ref)) throw new UserError(`invalid ref ${shown}: it contains control characters`);
  if (ref.startsWith("-")) {
    throw new UserError(`invalid ref ${shown}: starts with '-' (it would read as an option); for a branch of that name write refs/heads/${ref}`);
  }
  if (ref.includes("..")) throw new UserError(`invalid ref ${shown}: contains '..' (ranges are not refs; name one commit)`);
  let base = ref;
  while (SUFFIX.test(base) && base.replace(SUFFIX, "") !== "") base = base.replace(SUFFIX, "");
  if (SPECIAL.has(base) || /^[0-9a-fA-F]{4,64}$/.test(base) || base === "@") return;
  const checked = git(process.cwd(), ["check-ref-format", "--branch", base]);
  if (!checked.ok) throw new UserError(`invalid ref ${shown}: git refuses it as a branch or tag name (${lastLine(checked.err) || "git check-ref-format"})`);
}

/** The full commit id a ref names; a ref that names no commit is a UserError. */
export function resolveCommit(repo: string, ref: string): string {
  validateRefSyntax(ref);
  const result = git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!result.ok || !/^[0-9a-f]{40,64}$/.test(result.out)) {
    throw new UserError(`unknown ref ${JSON.stringify(ref)}: no branch, tag or commit of that name in ${repo}`);
  }
  return result.out;
}

/**
 * Local branches, most recently committed first, each as a ref that is safe to pass on:
 * a branch whose name starts with '-' comes as `refs/heads/<name>`.
 */
export function localBranches(repo: string): string[] {
  const result = git(repo, ["for-each-ref", "--sort=-committerdate", "--format=%(refname:short)", "refs/heads/"]);
  if (!result.ok) return [];
  return result.out.split("\n").map((line) => line.trim()).filter(Boolean).map((name) => (name.startsWith("-") ? `refs/heads/${name}` : name));
}

export interface CommitInfo {
  commit: string;
  subject: string;
  author: string;
  /** ISO 8601 author date. */
  date: string;
}

/** Subject, author and date of a commit. */
export function commitInfo(repo: string, commit: string): CommitInfo {
  const result = git(repo, ["show", "-s", "--format=%H%x00%s%x00%an <%ae>%x00%aI", commit]);
  const [hash = commit, subject = "", author = "", date = ""] = result.out.split("\0");
  return { commit: hash, subject, author, date };
}

/**
 * The commits of `good..bad` on the first-parent path, oldest first (`bad` last; `good`
 * itself excluded). Empty when `good` is not an ancestor of `bad`.
 */
export function firstParentCommits(repo: string, good: string, bad: string): string[] {
  const result = git(repo, ["rev-list", "--first-parent", "--reverse", `${good}..${bad}`]);
  return result.ok ? result.out.split("\n").filter(Boolean) : [];
}

export function isAncestor(repo: string, ancestor: string, descendant: string): boolean {
  return git(repo, ["merge-base", "--is-ancestor", ancestor, descendant]).ok;
}
