/**
 * scripts/lib/git/ on real repositories: ref validation, resolving, our worktrees and
 * their cleanup (submodules too), and pruning what a killed run left behind.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { UserError } from "../../scripts/lib/errors.ts";
import { localBranches, resolveCommit, validateRefSyntax } from "../../scripts/lib/git/refs.ts";
import { describeWorkingTree, repoTopLevel, resolveTarget } from "../../scripts/lib/git/tree.ts";
import { addWorktree, cleanupWorktrees, ownedWorktrees, pruneStaleWorktrees } from "../../scripts/lib/git/worktrees.ts";
import { TEMP_PREFIXES } from "../../scripts/lib/process.ts";
import { planTargets } from "../../scripts/lib/refs.ts";
import { cleanupTempDirs, sh, tempDir, TEST_TMP, hangLimit } from "../helpers.ts";

const WORKTREE_PREFIX = TEMP_PREFIXES.worktree;

// Real git and python3 runs; the default 5 s is too tight on a busy two-core machine.
setDefaultTimeout(hangLimit(60_000));

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

describe("validateRefSyntax: what git accepts as a branch name (no shell is ever involved)", () => {
  test.each(["main", "lazy", "feature/lazy-loading", "v1.2.3", "HEAD", "HEAD~3", "HEAD^", "main^2", "HEAD@{1}", "abc1234", "release-2024_01", "a+b",
    "issue#12", "a,b", "fix/ünï", "refs/heads/-n", "main~2^{commit}"])(
    "accepts %p",
    (ref) => {
      expect(() => validateRefSyntax(ref)).not.toThrow();
    },
  );
  test.each([
    "main;touch x", "$(touch x)", "`touch x`", "a b", "a\\b", "a*", "a?", "a[b", "a:b", "-x", "--output=x", "--help", "-n", "a..b", "a//b",
    "x.lock", "feat/x.lock/y", "a/", "/a", "a.", ".a", "feat/.x", "a\nb", "a\u0000b", "",
  ])("rejects %p with a one-line UserError", (ref) => {
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
  test("agrees with `git check-ref-format --branch` on plain names, both ways", () => {
    const names = ["issue#12", "a,b", "fix/ünï", "$(id)", "a|b", "a&b", "'main'", "a!b", "a{b}", "a@b", "a b", "a~b", "a^b", "a:b", "a?b",
      "a*b", "a[b", "x.lock", "a..b", "a//b", "a/", ".a", "-n", "@", "a@{b"];
    for (const name of names) {
      const gitSays = sh(tempDir(), ["git", "check-ref-format", "--branch", name]).code === 0;
      let ours = true;
      try {
        validateRefSyntax(name);
      } catch {
        ours = false;
      }
      // "@" alone is HEAD's shorthand for us; git calls it no branch name.
      if (name !== "@") expect([name, ours]).toEqual([name, gitSays]);
    }
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
  test("the working tree beside the branch it is on: 'working tree' and the ref stay apart", () => {
    expect(planTargets(["WORKTREE", "main"], null).map((t) => t.label)).toEqual(["working tree", "main"]);
  });
});

describe("on a real repository", () => {
  test("top level, branch, branches by recency, dirtiness", async () => {
    expect(repoTopLevel(join(repo, "demopkg"))).toBe(sh(repo, ["git", "rev-parse", "--show-toplevel"]).stdout.trim());
    expect(describeWorkingTree(repo).ref).toBe("main");
    expect((localBranches(repo)).sort()).toEqual(["lazy", "main"]);
    expect(describeWorkingTree(repo).dirty).toBe(false);
    writeFileSync(join(repo, "untracked.txt"), "x");
    expect(describeWorkingTree(repo).dirty).toBe(true);
    sh(repo, ["rm", "untracked.txt"]);
    expect(() => repoTopLevel(tempDir())).toThrow(UserError);
  });

  test("resolves branches, relative refs and ids; unknown refs are one-line UserErrors", async () => {
    expect(resolveCommit(repo, "main")).toBe(commits.main);
    expect(resolveCommit(repo, "lazy")).toBe(commits.lazy);
    expect(resolveCommit(repo, "lazy~1")).toBe(commits.main);
    expect(resolveCommit(repo, commits.lazy.slice(0, 10))).toBe(commits.lazy);
    expect(() => resolveCommit(repo, "nope")).toThrow(/unknown ref "nope"/);
    expect(() => resolveCommit(repo, "main;touch x")).toThrow(/invalid ref/);
    expect(existsSync(join(repo, "x"))).toBe(false);
  });

  test("adds detached worktrees outside the repo and removes them all, idempotently", async () => {
    const a = addWorktree(repo, commits.main, "main");
    const b = addWorktree(repo, commits.lazy, "lazy");
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
    const removed = pruneStaleWorktrees(repo);
    expect(removed).toContain(stale);
    expect(removed).not.toContain(live);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(worktreeList(repo)).toHaveLength(1);
    sh(tmpdir(), ["rm", "-rf", live]);
    // tmpdir() is the suite's own folder (TEST_TMP), never the shared one.
    expect(tmpdir()).toBe(TEST_TMP);
    expect(readdirSync(TEST_TMP).filter((name) => name.startsWith(`${WORKTREE_PREFIX}${dead}-`))).toEqual([]);
  });
});

describe("repositories a new user has", () => {
  test("branches named like options come back as refs/heads/..., so the -i picker can pass them on", () => {
    const dir = tempDir();
    sh(dir, ["git", "init", "-q", "-b", "main"]);
    sh(dir, ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"]);
    for (const name of ["--help", "-n"]) expect(sh(dir, ["git", "update-ref", `refs/heads/${name}`, "HEAD"]).code).toBe(0);
    const branches = localBranches(dir);
    expect(branches).toContain("refs/heads/--help");
    expect(branches).toContain("refs/heads/-n");
    for (const ref of branches) expect(resolveCommit(dir, ref)).toMatch(/^[0-9a-f]{40}$/);
  });

  test("a bare repository is named as such, even with --repo", () => {
    const bare = tempDir();
    sh(bare, ["git", "init", "-q", "--bare"]);
    expect(() => repoTopLevel(bare)).toThrow(/bare git repository \(no working tree/);
    expect(() => resolveTarget(undefined, bare)).toThrow(/bare git repository/);
  });

  test("monorepo: the nearest pyproject.toml above the current folder is the project", () => {
    const dir = tempDir();
    sh(dir, ["git", "init", "-q", "-b", "main"]);
    mkdirSync(join(dir, "packages", "alpha", "alpha", "deep"), { recursive: true });
    writeFileSync(join(dir, "packages", "alpha", "pyproject.toml"), '[project]\nname = "alpha"\n');
    expect(resolveTarget(undefined, join(dir, "packages", "alpha", "alpha", "deep"))).toBe(join(dir, "packages", "alpha"));
    expect(resolveTarget(undefined, join(dir, "packages"))).toBe(sh(dir, ["git", "rev-parse", "--show-toplevel"]).stdout.trim());
  });

  test("submodules are checked out in worktrees from the repository's own clones, without the network", () => {
    const lib = tempDir();
    const git = (cwd: string, ...args: string[]) => {
      const result = sh(cwd, ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always", ...args]);
      expect(result.code).toBe(0);
      return result.stdout.trim();
    };
    git(lib, "init", "-q", "-b", "main");
    writeFileSync(join(lib, "helper.py"), "VALUE = 42\n");
    git(lib, "add", "-A");
    git(lib, "commit", "-q", "-m", "lib");
    const app = tempDir();
    git(app, "init", "-q", "-b", "main");
    git(app, "submodule", "add", "-q", lib, "vendor/lib");
    git(app, "commit", "-q", "-m", "app with a submodule");
    const commit = git(app, "rev-parse", "HEAD");
    // The submodule's origin disappears: a checkout must come from the local clone alone.
    sh(lib, ["rm", "-rf", lib]);
    const configBefore = readFileSync(join(app, ".git", "config"), "utf8");
    const tree = addWorktree(app, commit, "main");
    expect(readFileSync(join(tree, "vendor", "lib", "helper.py"), "utf8")).toBe("VALUE = 42\n");
    expect(readFileSync(join(app, ".git", "config"), "utf8")).toBe(configBefore);
    cleanupWorktrees();
    expect(existsSync(tree)).toBe(false);
  });

  test("a submodule with no local clone: one line saying how to get it", () => {
    const lib = tempDir();
    sh(lib, ["git", "init", "-q", "-b", "main"]);
    sh(lib, ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"]);
    const app = tempDir();
    sh(app, ["git", "init", "-q", "-b", "main"]);
    expect(sh(app, ["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib"]).code).toBe(0);
    sh(app, ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "app"]);
    // Forget the local clone, as a fresh `git clone` without --recurse-submodules would.
    sh(app, ["git", "submodule", "deinit", "-q", "-f", "vendor/lib"]);
    sh(app, ["rm", "-rf", join(app, ".git", "modules")]);
    const commit = sh(app, ["git", "rev-parse", "HEAD"]).stdout.trim();
    expect(() => addWorktree(app, commit, "main")).toThrow(/submodule vendor\/lib .*git submodule update --init --recursive/);
    expect(ownedWorktrees()).toEqual([]);
  });
});
