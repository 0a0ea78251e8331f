/**
 * The pure parts of environments: the mode each run gets (env/plan.ts), the cache key,
 * the cache folder and its bookkeeping (env/cache.ts: publish, locks, prune, on files in a
 * temporary folder), the settings, and the measurement cache key of bisect/history. No
 * process is started.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveConfig, validateConfigTable } from "../../scripts/lib/config.ts";
import { cacheKey } from "../../scripts/lib/history/cache.ts";
import { envsRoot, lockKey, lookupEnv, META_FILE, publishEnv, pruneEnvs, pruneStaleBuilds } from "../../scripts/lib/env/cache.ts";
import type { Declarations } from "../../scripts/lib/env/declared.ts";
import { chooseMode, environmentKey } from "../../scripts/lib/env/plan.ts";
import type { PythonInfo } from "../../scripts/lib/measure/python.ts";
import { parseArgs } from "../../scripts/lib/settings.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";

afterAll(cleanupTempDirs);

const declared = (requirements: string[], extra: Partial<Declarations> = {}): Declarations => ({
  requirements, constraints: [], options: [], sources: ["pyproject.toml"], uvLock: null, notes: [], ...extra,
});
const PY = { binary: "/usr/bin/python3.11", version: "3.11.2 (main, Mar 13 2023, 12:18:29) [GCC 12.2.0]" };

describe("mode choice", () => {
  const lacking = { label: "v1", declares: true, unsatisfied: ["depx==1.0 (not installed)"] };
  const fine = { label: "v2", declares: true, unsatisfied: [] };

  test("explicit settings are taken as they are", () => {
    expect(chooseMode("none", [lacking], true, "python3 (3.11.7)").mode).toBe("none");
    expect(chooseMode("venv", [fine], true, "python3 (3.11.7)").mode).toBe("venv");
    expect(chooseMode("uv", [fine], false, "python3 (3.11.7)").mode).toBe("uv");
  });

  test("auto: one tree lacking something gives every tree an environment — uv when on PATH, else venv — and says why", () => {
    expect(chooseMode("auto", [fine, lacking], false, "python3 (3.11.7)")).toEqual({
      mode: "venv", reason: "auto: v1 needs depx==1.0 (not installed), which python3 (3.11.7) lacks; an environment (venv + pip) for every tree",
    });
    expect(chooseMode("auto", [fine, lacking], true, "python3 (3.11.7)").mode).toBe("uv");
    const many = { label: "v3", declares: true, unsatisfied: ["a (not installed)", "b (not installed)", "c (not installed)", "d (installed: 1.0)", "e (not installed)"] };
    expect(chooseMode("auto", [many], false, "py").reason).toContain("needs a (not installed), b (not installed), c (not installed), and 2 more, which py lacks");
  });

  test("auto: everything satisfied, or nothing declared: none, no install time spent", () => {
    expect(chooseMode("auto", [fine, fine], true, "python3 (3.11.7)")).toEqual({ mode: "none", reason: "auto: python3 (3.11.7) has every declared dependency; PYTHONPATH on the tree" });
    expect(chooseMode("auto", [{ label: "v0", declares: false, unsatisfied: [] }], false, "py")).toEqual({ mode: "none", reason: "auto: no dependencies declared; PYTHONPATH on the tree" });
  });
});

describe("the key of an environment", () => {
  test("what it contains, not where it came from: order and spacing do not matter; requirements, interpreter and mode do", () => {
    const key = environmentKey(PY, "venv", declared(["depx==1.0", "idna>=2"]));
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(environmentKey(PY, "venv", declared(["idna>=2", "depx==1.0", "depx==1.0"], { sources: ["requirements.txt"] }))).toBe(key);
    expect(environmentKey(PY, "venv", declared(["depx==2.0", "idna>=2"]))).not.toBe(key);
    expect(environmentKey({ ...PY, version: "3.11.7" }, "venv", declared(["depx==1.0", "idna>=2"]))).not.toBe(key);
    expect(environmentKey({ ...PY, binary: "/opt/python3.11" }, "venv", declared(["depx==1.0", "idna>=2"]))).not.toBe(key);
    expect(environmentKey(PY, "uv", declared(["depx==1.0", "idna>=2"]))).not.toBe(key);
    expect(environmentKey(PY, "venv", declared(["depx==1.0", "idna>=2"], { options: ["--index-url https://mirror.invalid/simple"] }))).not.toBe(key);
    expect(environmentKey(PY, "venv", declared(["depx==1.0", "idna>=2"], { constraints: ["idna<4"] }))).not.toBe(key);
    expect(environmentKey(PY, "venv", declared(["depx==1.0", "idna>=2"]), "darwin-arm64")).not.toBe(key);
  });

  test("uv.lock counts in uv mode only", () => {
    const uv = environmentKey(PY, "uv", declared(["depx"]));
    expect(environmentKey(PY, "uv", declared(["depx"], { uvLock: "version = 1\n" }))).not.toBe(uv);
    expect(environmentKey(PY, "venv", declared(["depx"], { uvLock: "version = 1\n" }))).toBe(environmentKey(PY, "venv", declared(["depx"])));
  });
});

describe("the cache folder", () => {
  test("XDG_CACHE_HOME, else ~/Library/Caches on macOS, else ~/.cache", () => {
    expect(envsRoot({ XDG_CACHE_HOME: "/x/cache" }, "linux", "/home/u")).toBe("/x/cache/coldstart/envs");
    expect(envsRoot({ XDG_CACHE_HOME: "relative" }, "linux", "/home/u")).toBe("/home/u/.cache/coldstart/envs");
    expect(envsRoot({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Caches/coldstart/envs");
    expect(envsRoot({}, "linux", "/home/u")).toBe("/home/u/.cache/coldstart/envs");
  });

  /** A complete-looking environment `key` in `root`, last used `daysAgo` days ago. */
  function fakeEnv(root: string, key: string, daysAgo = 0, users: number[] = []): string {
    const dir = join(root, key);
    mkdirSync(join(dir, "bin"), { recursive: true });
    writeFileSync(join(dir, "bin", "python"), "");
    writeFileSync(join(dir, META_FILE), JSON.stringify({ key, mode: "venv", python: "bin/python" }));
    const when = new Date(Date.now() - daysAgo * 86_400_000);
    utimesSync(join(dir, META_FILE), when, when);
    if (users.length) mkdirSync(join(dir, ".in-use"), { recursive: true });
    for (const pid of users) writeFileSync(join(dir, ".in-use", String(pid)), "");
    return dir;
  }

  test("a folder is found only when complete; publishing never overwrites another run's environment unless replacing", () => {
    const root = tempDir("coldstart-envs-");
    expect(lookupEnv(root, "0123456789abcdef")).toBe(null);
    fakeEnv(root, "0123456789abcdef");
    expect(lookupEnv(root, "0123456789abcdef")?.python).toBe(join(root, "0123456789abcdef", "bin", "python"));
    const build = join(root, ".build-0123456789abcdef-1-x");
    mkdirSync(build);
    writeFileSync(join(build, "new"), "");
    expect(publishEnv(root, "0123456789abcdef", build, false)).toBe(false);
    expect(publishEnv(root, "0123456789abcdef", build, true)).toBe(true);
    expect(readdirSync(join(root, "0123456789abcdef"))).toEqual(["new"]);
    expect(readdirSync(root)).toEqual(["0123456789abcdef"]);
  });

  test("prune: all (0 days) or unused for N days; never one a live run uses; leftovers of dead runs go", async () => {
    const root = tempDir("coldstart-envs-");
    fakeEnv(root, "aaaaaaaaaaaaaaaa", 10);
    fakeEnv(root, "bbbbbbbbbbbbbbbb", 1);
    fakeEnv(root, "cccccccccccccccc", 30, [1]); // pid 1 lives: a run using it
    fakeEnv(root, "dddddddddddddddd", 30, [2 ** 22 + 1]); // no such pid: its run died
    mkdirSync(join(root, ".build-eeeeeeeeeeeeeeee-4194305-xyz")); // a dead run's build
    writeFileSync(join(root, ".lock-eeeeeeeeeeeeeeee"), "4194305"); // and its lock
    writeFileSync(join(root, ".lock-cccccccccccccccc"), "1"); // a live run's lock stays
    const week = pruneEnvs(root, 7);
    expect(week.removed.map((item) => item.key)).toEqual(["aaaaaaaaaaaaaaaa", "dddddddddddddddd"]);
    expect(week.recent).toEqual(["bbbbbbbbbbbbbbbb"]);
    expect(week.inUse).toEqual(["cccccccccccccccc"]);
    expect(readdirSync(root).sort()).toEqual([".lock-cccccccccccccccc", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]);
    expect(pruneEnvs(root, 0).removed.map((item) => item.key)).toEqual(["bbbbbbbbbbbbbbbb"]);
    expect(readdirSync(root).sort()).toEqual([".lock-cccccccccccccccc", "cccccccccccccccc"]);
    expect(pruneEnvs(join(root, "nothing-here"), 0)).toEqual({ removed: [], inUse: [], recent: [] });
  });

  test("the build lock: taken, released; a dead owner's lock is taken over", async () => {
    const root = tempDir("coldstart-envs-");
    const first = await lockKey(root, "ffffffffffffffff");
    expect(first.waited).toBe(false);
    expect(existsSync(join(root, ".lock-ffffffffffffffff"))).toBe(true);
    first.release();
    expect(existsSync(join(root, ".lock-ffffffffffffffff"))).toBe(false);
    writeFileSync(join(root, ".lock-ffffffffffffffff"), String(2 ** 22 + 1));
    const second = await lockKey(root, "ffffffffffffffff");
    expect(second.waited).toBe(false);
    second.release();
    pruneStaleBuilds(root);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("settings", () => {
  test("--env, --install-tree and --prune-envs from the one table; env and extras in [tool.coldstart]", () => {
    const args = parseArgs(["--env", "venv", "--install-tree", "v1"], "bench", "coldstart-bench");
    expect(args.settings).toEqual({ env: "venv", install_tree: true });
    expect(parseArgs(["--prune-envs"], "bench", "coldstart-bench").values["prune-envs"]).toBe(0);
    expect(parseArgs(["--prune-envs", "30"], "bench", "coldstart-bench").values["prune-envs"]).toBe(30);
    expect(() => parseArgs(["--env", "conda"], "bench", "coldstart-bench")).toThrow('--env must be one of "auto", "venv", "uv", "none" (got "conda")');
    expect(() => parseArgs(["--env", "venv"], "test", "coldstart-test")).toThrow('unknown option "--env"');
    expect(validateConfigTable({ env: "uv", install_tree: true, extras: ["http2"] }, "pyproject.toml [tool.coldstart]")).toEqual({ env: "uv", install_tree: true, extras: ["http2"] });
    expect(() => validateConfigTable({ env: "pip" }, "f.toml")).toThrow('f.toml: env must be one of "auto", "venv", "uv", "none" (got "pip")');
    expect(() => validateConfigTable({ extras: "http2" }, "f.toml")).toThrow('f.toml: extras must be a list of extra names, e.g. ["http2"] (got "http2")');
    const config = resolveConfig("/nowhere", [{ input: {}, where: "test" }], "pkg");
    expect({ env: config.env, install_tree: config.install_tree, extras: config.extras }).toEqual({ env: "auto", install_tree: false, extras: [] });
  });

  test("the measurement cache key of bisect/history says the environment; without one it is the key it always was", () => {
    const config = resolveConfig("/nowhere", [{ input: {}, where: "test" }], "pkg");
    const python = { executable: "/usr/bin/python3", version: "3.11.2" } as PythonInfo;
    const base = { config, subdir: "", python, counter: null, toolVersion: "0.1.0" };
    const plain = cacheKey(base);
    expect(cacheKey({ ...base, env: null })).toBe(plain);
    const venv = cacheKey({ ...base, env: { mode: "venv", install_tree: false, extras: [] } });
    expect(venv).not.toBe(plain);
    expect(cacheKey({ ...base, env: { mode: "uv", install_tree: false, extras: [] } })).not.toBe(venv);
    expect(cacheKey({ ...base, env: { mode: "venv", install_tree: true, extras: [] } })).not.toBe(venv);
  });
});
