/**
 * Fail closed (issue #11), the repositories a new user has: a ref whose import fails, branch
 * names git allows but shells and file names do not like, a project whose dependencies live
 * in .venv, submodules, a monorepo, the working tree beside refs. Real git and python3 on
 * repositories made here; every run leaves one worktree (the user's) and no temporary folder.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAST, PKG, cleanupTempDirs, git, gitRepo, hangLimit, lanes, resultFile, resultFiles, runScript, sh, tempDir, worktreeCount, worktreeFolders, writeTree } from "../helpers.ts";

// Each test's own repositories and runs: two at a time (helpers.ts lanes); a test's limit covers its wait for a lane.
setDefaultTimeout(hangLimit(400_000));
const lane = lanes(2);
afterAll(cleanupTempDirs);

/** Runs the branch runner in `cwd` with its own --out; checks that no worktree or temporary folder is left. */
async function bench(cwd: string, args: string[], repo = cwd) {
  const out = tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, ...args], { cwd });
  expect(worktreeFolders(run.tmp)).toEqual([]);
  expect(worktreeCount(repo)).toBe(1);
  return { ...run, out };
}

describe.concurrent("a ref whose import fails", () => {
  test.concurrent("is not compared as measured: n/a (failed), no module diff, the failing file named; compare agrees", lane(async () => {
    const repo = gitRepo(
      {
        "pyproject.toml": '[project]\nname = "pkg"\n\n[[tool.coldstart.imports]]\nname = "pkg_total"\nstatement = "import pkg"\n\n[[tool.coldstart.imports]]\nname = "json_total"\nstatement = "import json"\n',
        "pkg/__init__.py": "import asyncio, email.message\n",
      },
      { broken: { "pkg/__init__.py": "import asyncio\nraise RuntimeError('this branch refuses to import')\n" } },
    );
    const run = await bench(repo, ["main", "broken"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("coldstart-bench: broken: pkg_total: `import pkg` failed (exit 1): RuntimeError: this branch refuses to import");
    const broken = resultFile(run.out, /^cold_start_broken_\d+\.json$/);
    expect(broken.data.module_counts).toEqual({ total: 0, filtered: 0, measured: false });
    expect(broken.data.modules).toBeUndefined();
    expect(broken.data.measurements.json_total.samples).toHaveLength(3);
    const main = resultFile(run.out, /^cold_start_main_\d+\.json$/);

    const compare = await runScript("compare_benchmarks.ts", [join(run.out, main.name), join(run.out, broken.name)]);
    expect(compare.code).toBe(0);
    for (const report of [run.stdout, compare.stdout]) {
      expect(report).toMatch(/Total modules loaded:\n {2}Baseline: +\d+ {2}Optimized: n\/a \(failed\) {2}Δ: n\/a/);
      expect(report).toMatch(/Pkg modules loaded:\n {2}Baseline: +1 {2}Optimized: n\/a \(failed\) {2}Δ: n\/a/);
      // No "asyncio no longer loaded": the candidate's modules are unknown, not fewer.
      expect(report).not.toContain("MODULE DIFF");
      expect(report).not.toContain("No longer loaded");
      expect(report).toContain(`failed in the candidate (${join(run.out, broken.name)}): \`import pkg\` failed (exit 1): RuntimeError: this branch refuses to import`);
      expect(report).toContain("✗ pkg_total failed in the candidate");
      expect(report).not.toContain("no samples in these files");
    }
    const markdown = await runScript("compare_benchmarks.ts", [join(run.out, main.name), join(run.out, broken.name), "--format", "markdown"]);
    expect(markdown.stdout).toContain("| Total modules loaded | ");
    expect(markdown.stdout).toMatch(/\| Total modules loaded \| \d+( \(\d+ names\))? \| n\/a \(failed\) \| n\/a \|/);
    // The gate: a candidate that fails is a regression.
    const gate = await runScript("compare_benchmarks.ts", [join(run.out, main.name), join(run.out, broken.name), "--fail-on-regression"]);
    expect(gate.code).toBe(1);
  }));

  test.concurrent("when it was the only measurement, the comparison still shows it, and the gate fails", lane(async () => {
    const repo = gitRepo(PKG, { broken: { "pkg/__init__.py": "raise ImportError('nope')\n" } });
    const run = await bench(repo, ["main", "broken", "--fail-on-regression"]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("no measurement in common");
    expect(run.stdout).toMatch(/pkg_total +\d+\.\d+ms +— +n\/a\n +failed in the candidate \(.*cold_start_broken_\d+\.json\): `import pkg` failed \(exit 1\): ImportError: nope/);
    expect(run.stdout).toContain("Optimized: n/a (failed)");
    expect(run.stdout).toContain("✗ pkg_total failed in the candidate");
  }));
});

describe.concurrent("branch names", () => {
  test.concurrent("issue#12, a,b, fix/ünï, -n and --help (as refs/heads/...) are benchmarked and compared end to end", lane(async () => {
    const repo = gitRepo(PKG);
    const names = ["issue#12", "a,b", "fix/ünï"];
    names.forEach((name, index) => {
      writeFileSync(join(repo, "pkg", "__init__.py"), `import json\nBRANCH = ${index}\n`);
      git(repo, "commit", "-qam", name);
      git(repo, "branch", name);
    });
    const first = git(repo, "rev-list", "--max-parents=0", "HEAD");
    for (const name of ["-n", "--help"]) git(repo, "update-ref", `refs/heads/${name}`, first);
    const refs = [...names, "refs/heads/-n", "refs/heads/--help"];
    const run = await bench(repo, ["--max-iterations", "3", ...refs]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const files = resultFiles(run.out).filter((name) => name !== "cold_start_latest.json");
    expect(files).toHaveLength(5);
    const byRef = new Map(files.map((name) => {
      const data = JSON.parse(readFileSync(join(run.out, name), "utf8"));
      return [data.git.ref, { name, commit: data.git.commit }];
    }));
    expect([...byRef.keys()].sort()).toEqual([...refs].sort());
    for (const ref of refs) expect(byRef.get(ref)!.commit).toBe(git(repo, "rev-parse", `${ref}^{commit}`));
    expect(byRef.get("fix/ünï")!.name).toMatch(/^cold_start_fix_[A-Za-z0-9._~^@-]*_\d+\.json$/);
    for (const ref of refs.slice(1)) expect(run.stdout).toContain(`Optimized: ${ref} @ `);
    // -n and --help name the first commit: said once, then compared like any other ref.
    expect(run.stdout).toContain(`Note: refs/heads/--help and refs/heads/-n are the same commit`);
    const compare = await runScript("compare_benchmarks.ts", refs.map((ref) => join(run.out, byRef.get(ref)!.name)));
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain("Baseline:  issue#12 @ ");
    expect(compare.stdout).toContain("Optimized: fix/ünï @ ");
  }));
});

describe.concurrent("the working tree beside refs", () => {
  test.concurrent("WORKTREE main: 'working tree (main)' against 'main', and two refs of one commit are said so", lane(async () => {
    const repo = gitRepo(PKG);
    const run = await bench(repo, ["--max-iterations", "3", "WORKTREE", "main", "HEAD"]);
    expect(run.code).toBe(0);
    const commit = git(repo, "rev-parse", "HEAD");
    expect(run.stdout).toContain(`Note: HEAD and main are the same commit (${commit.slice(0, 9)}): an A/A comparison, expect no significant change`);
    expect(run.stdout).toContain(`Baseline:  working tree (main) @ ${commit.slice(0, 7)} (`);
    expect(run.stdout).toContain(`Optimized: main @ ${commit.slice(0, 7)} (`);
    expect(run.stdout).toContain(`Optimized: HEAD @ ${commit.slice(0, 7)} (`);
    expect(run.stdout).not.toContain("ENVIRONMENTS DIFFER");
  }));

  test.concurrent("--python relative to the current folder, like --out; a venv interpreter is used as given", lane(async () => {
    const repo = gitRepo(PKG);
    const cwd = tempDir("coldstart-cwd-");
    expect(sh(cwd, ["python3", "-m", "venv", "--without-pip", "env"]).code).toBe(0);
    for (const [script, refs] of [["test_cold_start.ts", []], ["benchmark_cold_start.ts", ["main"]]] as const) {
      const out = tempDir("coldstart-out-");
      const run = await runScript(script, [...FAST, "--repo", repo, "--out", out, "--python", "env/bin/python", ...refs], { cwd });
      expect(run.code).toBe(0);
      const { data } = resultFile(out, /^cold_start_/);
      expect(data.environment.python).toBe(join(cwd, "env", "bin", "python"));
      expect(data.environment.python_venv).toBe(true);
    }
  }));
});

describe.concurrent("dependencies in .venv", () => {
  /** A project whose package imports `depmod`, which only its ignored .venv has. */
  function venvProject(): string {
    const repo = gitRepo({
      "pyproject.toml": '[project]\nname = "app"\n',
      "app/__init__.py": "import depmod\n",
      ".gitignore": ".venv/\nbenchmark_results/\n",
      "vendor/depmod.py": "import decimal\n",
    });
    expect(sh(repo, ["python3", "-m", "venv", "--without-pip", ".venv"]).code).toBe(0);
    const site = sh(repo, [".venv/bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.trim();
    writeFileSync(join(site, "depmod.py"), "import decimal\n");
    return repo;
  }

  test.concurrent("the working tree uses its .venv; a ref fails with a one-line hint; 'main .' warns that the interpreters differ", lane(async () => {
    const repo = venvProject();
    const out = tempDir("coldstart-out-");
    const single = await runScript("test_cold_start.ts", [...FAST, "--out", out], { cwd: repo });
    expect(single.code).toBe(0);
    const tree = resultFile(out, /^cold_start_\d+\.json$/).data;
    expect(tree.environment.python).toBe(join(repo, ".venv", "bin", "python"));
    expect(tree.environment.python_venv).toBe(true);
    expect(tree.modules.loaded).toContain("depmod");

    const run = await bench(repo, ["main", "."]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("coldstart-bench: main: app_total: `import app` failed (exit 1): ModuleNotFoundError: No module named 'depmod'");
    const hints = run.stderr.split("\n").filter((line) => line.includes("hint:"));
    expect(hints).toEqual([
      '    hint: worktrees have no .venv of their own; declare the dependencies ([project].dependencies, requirements.txt) and each ref gets an environment holding them, or set [tool.coldstart] python (an interpreter that has them) or install (e.g. "pip install -e .")',
    ]);
    const main = resultFile(run.out, /^cold_start_main_\d+\.json$/).data;
    expect(main.environment.python_venv).toBe(false);
    // The same binary behind both (a venv's python resolves to its base), yet not the same environment.
    expect(main.environment.python_binary).toBe(tree.environment.python_binary);
    expect(run.stdout).toContain(
      `⚠ WARNING: ENVIRONMENTS DIFFER (python ${main.environment.python} (no virtualenv) vs ${join(repo, ".venv", "bin", "python")} (a virtualenv))`,
    );
    expect(sh(repo, ["git", "status", "--porcelain"]).stdout).toBe("");
  }));

  test.concurrent("an install step that gives every worktree its own .venv: measured, and no warning (one interpreter)", lane(async () => {
    const repo = venvProject();
    const install = "python3 -m venv --without-pip .venv && .venv/bin/python -c \"import shutil, sysconfig; shutil.copy('vendor/depmod.py', sysconfig.get_paths()['purelib'])\"";
    writeFileSync(join(repo, "pyproject.toml"), `[project]\nname = "app"\n\n[tool.coldstart]\ninstall = ${JSON.stringify(install)}\n`);
    git(repo, "commit", "-qam", "install step");
    const run = await bench(repo, ["--max-iterations", "3", "--aa", "main"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const files = resultFiles(run.out).filter((name) => name !== "cold_start_latest.json");
    const pythons = files.map((name) => JSON.parse(readFileSync(join(run.out, name), "utf8")).environment);
    expect(pythons.map((env) => env.python_venv)).toEqual([true, true]);
    expect(pythons[0].python).not.toBe(pythons[1].python); // each worktree's own .venv
    expect(run.stdout).not.toContain("ENVIRONMENTS DIFFER");
    expect(run.stdout).toContain("Total modules loaded:");
  }));
});

test.concurrent("submodules: a package importing code from a submodule is measured in each ref's worktree", lane(async () => {
  const lib = gitRepo({ "__init__.py": "VALUE = 42\n", "heavy.py": "import decimal\n" });
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "app"\n\n[[tool.coldstart.lazy]]\nkey = "decimal_loaded"\nmodule = "decimal"\n', "app/__init__.py": "from app.vendored import heavy\n" });
  git(repo, "submodule", "add", "-q", lib, "app/vendored");
  git(repo, "commit", "-qm", "vendor the library");
  const run = await bench(repo, ["--max-iterations", "3", "main", "HEAD~0"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  for (const pattern of [/^cold_start_main_\d+\.json$/, /^cold_start_HEAD~0_\d+\.json$/]) {
    const { data } = resultFile(run.out, pattern);
    expect(data.failures).toEqual({});
    expect(data.modules.loaded).toContain("app.vendored.heavy");
    expect(data.decimal_loaded).toBe(true);
  }
  expect(sh(repo, ["git", "status", "--porcelain"]).stdout).toBe("");
}));

test.concurrent("monorepo: run from packages/alpha (or deeper) measures packages/alpha, in the working tree and in each ref", lane(async () => {
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "monorepo-root"\n', "packages/beta/pyproject.toml": '[project]\nname = "beta"\n', "packages/beta/beta/__init__.py": "" });
  writeTree(repo, { "packages/alpha/pyproject.toml": '[project]\nname = "alpha"\n', "packages/alpha/alpha/__init__.py": "import json\n" });
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "add alpha");
  const alpha = join(repo, "packages", "alpha");
  mkdirSync(join(alpha, "alpha", "deep"));
  const out = tempDir("coldstart-out-");

  const single = await runScript("test_cold_start.ts", [...FAST, "--out", out, "--json"], { cwd: join(alpha, "alpha", "deep") });
  expect(single.code).toBe(0);
  const tree = JSON.parse(single.stdout);
  expect(Object.keys(tree.measurements)).toEqual(["alpha_total"]);
  expect(tree.environment.env.PYTHONPATH.split(":")[0]).toBe(alpha);

  const run = await bench(alpha, ["--max-iterations", "3", "main", "."], repo);
  expect(run.code).toBe(0);
  const ref = resultFile(run.out, /^cold_start_main_\d+\.json$/).data;
  expect(Object.keys(ref.measurements)).toEqual(["alpha_total"]);
  expect(ref.environment.env.PYTHONPATH.split(":")[0]).toMatch(/\/coldstart-wt-\d+-[^/]+\/tree-[^/]+\/packages\/alpha$/);
  expect(ref.modules.loaded).toContain("alpha");
  expect(resultFile(run.out, /^cold_start_\d+\.json$/).data.environment.env.PYTHONPATH.split(":")[0]).toBe(alpha);

  // A ref from before packages/alpha existed: one line naming the folder; nothing left behind.
  const before = await bench(alpha, ["main~1"], repo);
  expect(before.code).toBe(2);
  expect(before.stderr.trim()).toMatch(/^coldstart-bench: error: main~1 \([0-9a-f]{9}\) has no folder packages\/alpha$/);
  expect(resultFiles(before.out)).toEqual([]);
}));
