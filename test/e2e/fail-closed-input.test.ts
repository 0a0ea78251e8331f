/**
 * Fail closed (issue #11), the input a new user gets wrong: config keys that collide with
 * the result file, project names, budgets on nothing, report paths, bare repositories, and
 * the wording of the messages. Every case runs the real tools on fixtures made here; a
 * refusal is one line, exit 2, and leaves no file, worktree or temporary folder behind.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAST, FIXTURES, PKG, cleanupTempDirs, expectOneLine, git, gitRepo, hangLimit, resultFiles, runScript, tempDir, worktreeCount, worktreeFolders, writeTree } from "../helpers.ts";

setDefaultTimeout(hangLimit(60_000));
afterAll(cleanupTempDirs);

/** One plain project for the refusals: each checks that nothing was written in it. */
let pkg = "";
beforeAll(() => {
  pkg = gitRepo(PKG);
});

const TOOLS = [
  ["test_cold_start.ts", "coldstart-test", []],
  ["benchmark_cold_start.ts", "coldstart-bench", ["main"]],
] as const;

/** Runs a measuring tool in `repo` with its own --out; asserts nothing was written or left. */
async function refused(script: string, repo: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = join(tempDir("coldstart-out-"), "results");
  const run = await runScript(script, [...FAST, "--out", out, ...args], { cwd: repo });
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(repo)).not.toContain("benchmark_results");
  expect(worktreeFolders(run.tmp)).toEqual([]);
  return run;
}

describe("configuration errors name the field, before anything runs", () => {
  test.each(["timestamp", "measurements", "module_counts", "failures"])("a [[lazy]] key equal to the result key %p", async (key) => {
    const repo = gitRepo({ ...PKG, "pyproject.toml": `[project]\nname = "pkg"\n\n[[tool.coldstart.lazy]]\nkey = "${key}"\nmodule = "json"\n` });
    for (const [script, tool, refs] of TOOLS) {
      const line = expectOneLine(await refused(script, repo, [...refs]), `lazy[0].key "${key}" is a key of the result file itself`, { tool, quiet: true });
      expect(line).toContain("pyproject.toml [tool.coldstart]");
      expect(line).toContain('(e.g. "json_loaded")');
    }
    expect(worktreeCount(repo)).toBe(1);
  });

  test('[project] name "python-foo" with a folder foo/ measures foo; "bad pkg!" and 5 are errors naming the field', async () => {
    const repo = gitRepo({ "pyproject.toml": '[project]\nname = "python-foo"\n', "foo/__init__.py": "import json\n" });
    const out = tempDir("coldstart-out-");
    const ok = await runScript("test_cold_start.ts", [...FAST, "--out", out, "--json"], { cwd: repo });
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(Object.keys(result.measurements)).toEqual(["foo_total"]);
    expect(result.measurements.foo_total.statement).toBe("import foo");
    expect(result.modules.package).toBe("foo");
    expect(result.module_counts.filtered).toBe(1);

    for (const [name, message] of [
      ['"bad pkg!"', '[project] name "bad pkg!" is not a valid project name'],
      ["5", "[project] name must be a string (got 5)"],
    ] as const) {
      writeFileSync(join(repo, "pyproject.toml"), `[project]\nname = ${name}\n`);
      for (const [script, tool, refs] of TOOLS) {
        expect(expectOneLine(await refused(script, repo, [...refs]), message, { tool, quiet: true })).toContain(join(repo, "pyproject.toml"));
      }
    }
  });

  test('a budget on an unknown measurement ("nope.mean") is a config error, not a failed budget', async () => {
    const repo = gitRepo({ ...PKG, "pyproject.toml": '[project]\nname = "pkg"\n\n[tool.coldstart.budgets]\ntargets = { "nope.mean" = 300 }\n' });
    for (const [script, tool, refs] of TOOLS) {
      expectOneLine(await refused(script, repo, [...refs]), /pyproject\.toml \[tool\.coldstart\]: budgets\.targets\."nope\.mean": no measurement "nope" \(measured: pkg_total\)/, { tool, quiet: true });
    }
    // The same from a --config file: the file is named, and a limit is no different.
    const clean = pkg;
    const config = join(tempDir("coldstart-cfg-"), "budgets.json");
    writeFileSync(config, JSON.stringify({ budgets: { limits: { "nope.median": 1 } } }));
    const run = await refused("test_cold_start.ts", clean, ["--config", config]);
    expectOneLine(run, `${config}: budgets.limits."nope.median": no measurement "nope"`, { tool: "coldstart-test", quiet: true });
  });
});

describe("report paths and flags that do nothing", () => {
  test("--html or --output into a missing folder: bench fails before it measures, naming the flag", async () => {
    const repo = pkg;
    for (const [flag, file] of [["--html", "/nonexistent/dir/r.html"], ["--output", "/nonexistent/dir/r.md"], ["-o", "/nonexistent/dir/r.md"]] as const) {
      const run = await refused("benchmark_cold_start.ts", repo, [flag, file, "main", "HEAD"]);
      const name = flag === "-o" ? "--output" : flag;
      expectOneLine(run, `${name} ${file}: the folder /nonexistent/dir does not exist; choose another path for ${name}`, { tool: "coldstart-bench", quiet: true });
    }
    expect(worktreeCount(repo)).toBe(1);
  });

  test("--html or --output into a missing folder, or onto a folder: compare names the flag", async () => {
    const files = ["schema1_base.json", "schema1_slower.json"].map((name) => join(FIXTURES, "results", name));
    const folder = tempDir("coldstart-folder-");
    for (const [flag, file, problem] of [
      ["--html", "/nonexistent/dir/r.html", "the folder /nonexistent/dir does not exist; choose another path for --html"],
      ["--output", "/nonexistent/dir/r.md", "the folder /nonexistent/dir does not exist; choose another path for --output"],
      // One hint, not two.
      ["--html", folder, "is a folder; give a file name"],
      ["--output", folder, "is a folder; give a file name"],
    ]) {
      const run = await runScript("compare_benchmarks.ts", [...files, flag!, file!]);
      expect(expectOneLine(run, `${flag} ${file}: ${problem}`, { tool: "coldstart-compare", quiet: true })).toEndWith(problem!);
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  test("--html with one ref (or the working tree alone) says it does nothing, and writes nothing", async () => {
    const repo = pkg;
    const html = join(tempDir("coldstart-html-"), "r.html");
    for (const refs of [["main"], []]) {
      const out = tempDir("coldstart-out-");
      const run = await runScript("benchmark_cold_start.ts", [...FAST, "-q", "--out", out, "--html", html, ...refs], { cwd: repo });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("coldstart-bench: note: --html does nothing with one tree: there is nothing to compare\n");
      expect(existsSync(html)).toBe(false);
      expect(resultFiles(out).length).toBeGreaterThan(0);
    }
    // A path that could not be written is no error either when nothing would be written there.
    const run = await runScript("benchmark_cold_start.ts", [...FAST, "-q", "--out", tempDir(), "--html", "/nonexistent/dir/r.html", "main"], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("note: --html does nothing with one tree");
  });
});

describe("a bare repository is named as such", () => {
  const bare = () => {
    const source = pkg;
    const dir = join(tempDir("coldstart-bare-"), "pkg.git");
    git(source, "clone", "-q", "--bare", source, dir);
    return dir;
  };

  test.each(TOOLS)("%s --repo BARE, and run inside it", async (script, tool, refs) => {
    const dir = bare();
    const before = readdirSync(dir).sort();
    const viaRepo = await runScript(script, [...FAST, "--repo", dir, ...refs], { cwd: tempDir() });
    expectOneLine(viaRepo, `${dir} is a bare git repository (no working tree`, { tool, quiet: true });
    const inside = await runScript(script, [...FAST, ...refs], { cwd: dir });
    expectOneLine(inside, `${dir} is a bare git repository (no working tree`, { tool, quiet: true });
    expect(readdirSync(dir).sort()).toEqual(before);
    for (const run of [viaRepo, inside]) expect(worktreeFolders(run.tmp)).toEqual([]);
  });
});

describe("wording", () => {
  test("-n (and --iterations) without a value, at the end or before another flag", async () => {
    const repo = pkg;
    for (const [script, tool, refs] of TOOLS) {
      for (const args of [["-n"], ["-n", "--quiet", ...refs], ["--iterations", "-q", ...refs]]) {
        const flag = args[0] === "-n" ? "-n" : "--iterations";
        expectOneLine(await refused(script, repo, args), `${flag} needs a value (N: a whole number >= 1); see ${tool} --help`, { tool, quiet: true });
      }
    }
  });

  test("an unknown option, long or short, in every tool", async () => {
    const repo = pkg;
    for (const [script, tool] of [...TOOLS, ["compare_benchmarks.ts", "coldstart-compare"]] as const) {
      expectOneLine(await runScript(script, ["--bogus"], { cwd: repo }), `unknown option "--bogus"; see ${tool} --help`, { tool, quiet: true });
      expectOneLine(await runScript(script, ["-x"], { cwd: repo }), `unknown option "-x"; see ${tool} --help`, { tool, quiet: true });
      expectOneLine(await runScript(script, ["--nope=1"], { cwd: repo }), `unknown option "--nope"; see ${tool} --help`, { tool, quiet: true });
    }
  });

  test("--fail-on-regression 5 takes 5 as its value, not as a file, wherever it stands", async () => {
    const [base, slower] = ["schema1_base.json", "schema1_slower.json"].map((name) => join(FIXTURES, "results", name));
    for (const args of [
      [base!, slower!, "--fail-on-regression", "5"],
      ["--fail-on-regression", "5", base!, slower!],
      ["--fail-on-regression", "5.5", base!, slower!],
      ["--fail-on-regression=5", base!, slower!],
    ]) {
      const run = await runScript("compare_benchmarks.ts", args);
      expect(run.stderr).not.toContain("no such result file");
      expect([0, 1, 3]).toContain(run.code);
      expect(run.stdout).toContain("COLD START BENCHMARK COMPARISON");
    }
    // Bare, before the files: the files stay files.
    const bare = await runScript("compare_benchmarks.ts", ["--fail-on-regression", base!, slower!]);
    expect(bare.stdout).toContain("COLD START BENCHMARK COMPARISON");
    // A value that is neither a number nor a file is named as a missing file, in one line.
    expectOneLine(await runScript("compare_benchmarks.ts", [base!, slower!, "--fail-on-regression", "five"]), "five: no such result file", { tool: "coldstart-compare", quiet: true });
  });

  test("a folder given as a result file is named as a folder, not as missing", async () => {
    const folder = tempDir("coldstart-results-");
    const base = join(FIXTURES, "results", "schema1_base.json");
    for (const path of [folder, `${folder}/`]) {
      expectOneLine(await runScript("compare_benchmarks.ts", [base, path]), `${path} is a folder, not a result file`, { tool: "coldstart-compare", quiet: true });
    }
    expectOneLine(await runScript("compare_benchmarks.ts", [base, join(folder, "missing.json")]), "missing.json: no such result file", { tool: "coldstart-compare", quiet: true });
  });

  test("--json help says progress goes to stderr, not 'instead of progress'", async () => {
    for (const [script] of TOOLS) {
      const run = await runScript(script, ["--help"]);
      expect(run.code).toBe(0);
      const line = run.stdout.split("\n").find((text) => text.trimStart().startsWith("--json"));
      expect(line).toContain("print the result (or the comparison) as JSON on stdout; progress still goes to stderr");
      expect(run.stdout).not.toContain("instead of progress");
    }
  });
});

describe("--python", () => {
  test("a bad interpreter is found before any worktree is made: one line, nothing created", async () => {
    const repo = pkg;
    const dir = tempDir("coldstart-py-");
    writeFileSync(join(dir, "not-executable"), "#!/bin/sh\nexit 0\n");
    writeTree(dir, { "broken/python": "#!/bin/sh\necho 'fake-shim: python9.9: command not found' >&2\necho 'more help text' >&2\nexit 127\n" });
    Bun.spawnSync(["chmod", "755", join(dir, "broken", "python")]);
    mkdirSync(join(dir, "folder"));
    for (const [python, message] of [
      ["./nope/python3", `--python ./nope/python3: no such file (${join(dir, "nope", "python3")})`],
      ["not-executable", 'python interpreter "not-executable": not found'],
      ["./not-executable", `cannot run python interpreter "${join(dir, "not-executable")}"`],
      ["./folder", `cannot run python interpreter "${join(dir, "folder")}"`],
      ["./broken/python", `python interpreter "${join(dir, "broken", "python")}" failed to start (exit 127): fake-shim: python9.9: command not found`],
      ["9.99", 'python interpreter "9.99": no python9.99 on PATH, in pyenv or in uv'],
      ["python3,./nope/python3", "--python ./nope/python3: no such file"],
    ]) {
      for (const [script, tool, refs] of TOOLS) {
        const out = join(dir, "results");
        const run = await runScript(script, [...FAST, "--repo", repo, "--out", out, "--python", python!, ...refs, ...(refs.length ? ["HEAD"] : [])], { cwd: dir });
        expectOneLine(run, message!, { tool, quiet: true });
        expect(existsSync(out)).toBe(false);
        expect(worktreeFolders(run.tmp)).toEqual([]);
      }
    }
    expect(worktreeCount(repo)).toBe(1);
  });
});
