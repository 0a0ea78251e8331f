/**
 * scripts/lib/git.ts on real repositories: ref validation, resolving, our worktrees and
 * their cleanup, and pruning what a killed run left behind.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildDemoRepo } from "../scripts/demo.ts";
import { UserError } from "../scripts/lib/errors.ts";
import {
  addWorktree, cleanupWorktrees, localBranches, ownedWorktrees, pruneStaleWorktrees,
  repoTopLevel, resolveCommit, validateRefSyntax, WORKTREE_PREFIX,
} from "../scripts/lib/git.ts";
import { describeWorkingTree } from "../scripts/lib/gitinfo.ts";
import { planTargets } from "../scripts/lib/bench.ts";
import { cleanupTempDirs, sh, tempDir } from "./helpers.ts";

// Real git and python3 runs; the default 5 s is too tight on a busy two-core machine.
setDefaultTimeout(60_000);

let repo = "";
let commits = { main: "", lazy: "" };

beforeAll(async () => {
  repo = tempDir("coldstart-gitrepo-");
  commits = await buildDemoRepo(repo);
});
afterAll(() => {
  cleanupWorktrees();
  cleanupTempDirs();
});

function worktreeList(dir: string): string[] {
  return sh(dir, ["git", "worktree", "list", "--porcelain"]).stdout.split("\n").filter((line) => line.startsWith("worktree "));
}

describe("validateRefSyntax", () => {
  test.each(["main", "lazy", "feature/lazy-loading", "v1.2.3", "HEAD", "HEAD~3", "HEAD^", "main^2", "HEAD@{1}", "abc1234", "release-2024_01", "a+b"])(
    "accepts %p",
    (ref) => {
      expect(() => validateRefSyntax(ref)).not.toThrow();
    },
  );
  test.each([
    "main;touch x", "$(id)", "`id`", "a b", "a|b", "a&b", "a>b", "a<b", "'main'", '"main"', "a\\b", "a*", "a?", "a!b", "a#b",
    "-x", "--output=x", "a..b", "a//b", "x.lock", "feat/x.lock/y", "a/", "/a", "a.", ".a", "feat/.x", "{a}", "a\nb", "a\u0000b", "",
  ])("rejects %p with a UserError that names it", (ref) => {
    let caught: unknown;
    try {
      validateRefSyntax(ref);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).exitCode).toBe(2);
    expect((caught as UserError).message.split("\n")).toHaveLength(1);
  });
});

describe("planTargets", () => {
  test("no ref is the working tree; '.' and WORKTREE too", () => {
    expect(planTargets([], null)).toEqual([{ label: "working tree", ref: null, fileRef: null }]);
    expect(planTargets(["main", "."], null).map((t) => [t.label, t.ref, t.fileRef])).toEqual([["main", "main", "main"], ["working tree", null, null]]);
    expect(planTargets(["WORKTREE"], null)[0]!.ref).toBeNull();
  });
  test("--aa makes two targets of one ref, with distinct file names", () => {
    expect(planTargets([], "main").map((t) => [t.label, t.ref, t.fileRef])).toEqual([["main [A]", "main", "main_A"], ["main [B]", "main", "main_B"]]);
    expect(() => planTargets(["lazy"], "main")).toThrow(UserError);
    expect(() => planTargets([], ".")).toThrow(UserError);
  });
  test("a bad ref anywhere fails the whole plan", () => {
    expect(() => planTargets(["main", "x;rm -rf /"], null)).toThrow(/invalid ref/);
  });
});

describe("on a real repository", () => {
  test("top level, branch, branches by recency, dirtiness", async () => {
    expect(await repoTopLevel(join(repo, "demopkg"))).toBe(sh(repo, ["git", "rev-parse", "--show-toplevel"]).stdout.trim());
    expect(describeWorkingTree(repo).ref).toBe("main");
    expect((await localBranches(repo)).sort()).toEqual(["lazy", "main"]);
    expect(describeWorkingTree(repo).dirty).toBe(false);
    writeFileSync(join(repo, "untracked.txt"), "x");
    expect(describeWorkingTree(repo).dirty).toBe(true);
    sh(repo, ["rm", "untracked.txt"]);
    await expect(repoTopLevel(tmpdir())).rejects.toThrow(UserError);
  });

  test("resolves branches, relative refs and ids; unknown refs are one-line UserErrors", async () => {
    expect(await resolveCommit(repo, "main")).toBe(commits.main);
    expect(await resolveCommit(repo, "lazy")).toBe(commits.lazy);
    expect(await resolveCommit(repo, "lazy~1")).toBe(commits.main);
    expect(await resolveCommit(repo, commits.lazy.slice(0, 10))).toBe(commits.lazy);
    await expect(resolveCommit(repo, "nope")).rejects.toThrow(/unknown ref "nope"/);
    await expect(resolveCommit(repo, "main;touch x")).rejects.toThrow(/invalid ref/);
    expect(existsSync(join(repo, "x"))).toBe(false);
  });

  test("adds detached worktrees outside the repo and removes them all, idempotently", async () => {
    const a = await addWorktree(repo, commits.main, "main");
    const b = await addWorktree(repo, commits.lazy, "lazy");
    expect(a.startsWith(tmpdir())).toBe(true);
    expect(dirname(a).split("/").pop()!.startsWith(`${WORKTREE_PREFIX}${process.pid}-`)).toBe(true);
    expect(sh(a, ["git", "rev-parse", "HEAD"]).stdout.trim()).toBe(commits.main);
    expect(sh(b, ["git", "rev-parse", "HEAD"]).stdout.trim()).toBe(commits.lazy);
    expect(sh(b, ["git", "symbolic-ref", "-q", "HEAD"]).code).not.toBe(0); // detached
    expect(worktreeList(repo)).toHaveLength(3);
    expect(ownedWorktrees()).toEqual([a, b]);
    cleanupWorktrees();
    cleanupWorktrees();
    expect(existsSync(a) || existsSync(b) || existsSync(dirname(a))).toBe(false);
    expect(worktreeList(repo)).toHaveLength(1);
    expect(describeWorkingTree(repo).ref).toBe("main");
  });

  test("prunes worktrees left by a killed run (dead owner pid), keeps live owners' folders", async () => {
    const dead = Bun.spawnSync(["true"]).pid;
    const stale = join(tmpdir(), `${WORKTREE_PREFIX}${dead}-test${Date.now()}`);
    mkdirSync(stale);
    writeFileSync(join(stale, "coldstart-owner.json"), JSON.stringify({ pid: dead, repo }));
    expect(sh(repo, ["git", "worktree", "add", "--detach", "-q", join(stale, "tree"), "lazy"]).code).toBe(0);
    const live = join(tmpdir(), `${WORKTREE_PREFIX}1-test${Date.now()}`); // pid 1 is always alive
    mkdirSync(live);
    expect(worktreeList(repo)).toHaveLength(2);
    const removed = await pruneStaleWorktrees(repo);
    expect(removed).toContain(stale);
    expect(removed).not.toContain(live);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(worktreeList(repo)).toHaveLength(1);
    sh(tmpdir(), ["rm", "-rf", live]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`${WORKTREE_PREFIX}${dead}-`))).toEqual([]);
  });
});
