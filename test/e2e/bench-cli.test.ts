/**
 * End to end: `bun scripts/benchmark_cold_start.ts` on the demo repository (real git,
 * real python3): refs in worktrees, result files naming ref and commit, the comparison,
 * --aa, the working tree, the dependency step, and one-line errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { readResult } from "../../scripts/lib/result/read.ts";
import { expectOneLine, FAST, FIXTURES, ROOT, cleanupTempDirs, hangLimit, missing, resultFiles, runScript, sh, startScript, tempDir, worktreeCount, worktreeFolders } from "../helpers.ts";

// Real git and python3 runs: limits that catch hangs, scaled to the machine.
setDefaultTimeout(hangLimit(120_000));

let repo = "";
let commits = { main: "", lazy: "" };

beforeAll(async () => {
  repo = tempDir("coldstart-benchrepo-");
  commits = await buildDemoRepo(repo);
});
afterAll(cleanupTempDirs);

test("main lazy: one file per ref with its commit, and the comparison shows the lazy change", async () => {
  const out = tempDir("coldstart-out-");
  const html = join(tempDir("coldstart-html-"), "report.html");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--html", html, "main", "lazy"], { cwd: repo });
  expect(run.stderr).toBe(`coldstart-bench: wrote ${html}\n`);
  expect(run.code).toBe(0);
  // --html: one self-contained page naming both refs.
  const page = readFileSync(html, "utf8");
  expect(page).toMatch(/^<!doctype html>/i);
  expect(page).toContain("<strong>main</strong>");
  expect(page).toContain("<strong>lazy</strong>");
  const files = resultFiles(out);
  const main = files.find((name) => /^cold_start_main_\d+\.json$/.test(name));
  const lazy = files.find((name) => /^cold_start_lazy_\d+\.json$/.test(name));
  expect(main).toBeDefined();
  expect(lazy).toBeDefined();
  expect(files).toContain("cold_start_latest.json");
  const a = (await readResult(join(out, main!))).data;
  const b = (await readResult(join(out, lazy!))).data;
  expect(a.git).toEqual({ ref: "main", commit: commits.main, dirty: false });
  // One invocation: one run_id, so the comparison pairs the rounds.
  expect(a.run_id).toBeDefined();
  expect(b.run_id).toBe(a.run_id);
  expect(b.git).toEqual({ ref: "lazy", commit: commits.lazy, dirty: false });
  expect(a.asyncio_eagerly_loaded).toBe(true);
  expect(b.asyncio_eagerly_loaded).toBe(false);
  expect(a.module_counts.total).toBeGreaterThan(b.module_counts.total + 50);
  expect(a.measurements.demopkg_total!.samples).toHaveLength(3);
  // The latest file is the candidate's.
  expect(JSON.parse(readFileSync(join(out, "cold_start_latest.json"), "utf8")).git.ref).toBe("lazy");
  for (const text of ["COLD START BENCHMARK COMPARISON", "IMPORT TIME COMPARISON", "MODULE LOAD COMPARISON", "LAZY LOADING STATUS", "SUMMARY"]) {
    expect(run.stdout).toContain(text);
  }
  expect(run.stdout).toMatch(/asyncio\s+Baseline: LOADED\s+Optimized: NOT LOADED\s+✓ NOW LAZY/);
  expect(run.stdout).toMatch(/No longer loaded:[\s\S]*− asyncio \(\d+ modules, standard library\): import demopkg → demopkg\/__init__\.py:\d+ /);
  expect(run.stdout).toContain("main: ");
  expect(run.stdout).toContain("Dependencies for lazy: none");
  // Runs were interleaved: both trees progress in one measurement.
  expect(run.stdout).toMatch(/Measuring 'import demopkg'...\n {2}main: Mean: .*\n {2}lazy: Mean: /);
  expect(worktreeCount(repo)).toBe(1);
  expect(worktreeFolders(run.tmp)).toEqual([]);
  expect(readdirSync(run.tmp).filter((name) => name.startsWith("coldstart-pyc-"))).toEqual([]);
});

test("--aa REF measures one commit in two worktrees and compares them", async () => {
  const out = tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--aa", "lazy"], { cwd: repo });
  expect(run.code).toBe(0);
  const files = resultFiles(out).filter((name) => name !== "cold_start_latest.json");
  expect(files.map((name) => name.replace(/\d+/, "T"))).toEqual(["cold_start_lazy_A_T.json", "cold_start_lazy_B_T.json"]);
  for (const name of files) expect((await readResult(join(out, name))).data.git?.commit).toBe(commits.lazy);
  expect(run.stdout).toContain("lazy [A]");
  expect(run.stdout).toContain("COLD START BENCHMARK COMPARISON");
  expect(worktreeCount(repo)).toBe(1);
});

test("'lazy .' compares a ref with the working tree and its uncommitted changes, in place", async () => {
  const work = tempDir("coldstart-benchrepo-");
  await buildDemoRepo(work);
  // Make the working tree lazy too, without committing: only tasks.py stays eager.
  const lazyNet = readFileSync(join(FIXTURES, "demo", "lazy", "demopkg", "net.py"));
  writeFileSync(join(work, "demopkg", "net.py"), lazyNet);
  const out = tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "lazy", "."], { cwd: work });
  expect(run.code).toBe(0);
  const files = resultFiles(out).filter((name) => name !== "cold_start_latest.json");
  expect(files).toHaveLength(2);
  const working = files.find((name) => /^cold_start_\d+\.json$/.test(name));
  expect(working).toBeDefined();
  const data = (await readResult(join(out, working!))).data;
  expect(data.git).toEqual({ ref: "main", commit: sh(work, ["git", "rev-parse", "HEAD"]).stdout.trim(), dirty: true, worktree: true });
  // The working tree is named as such, never as the branch it is on.
  expect(run.stdout).toContain("Optimized: working tree (main)");
  expect(data.asyncio_eagerly_loaded).toBe(true);
  expect(run.stdout).toMatch(/asyncio\s+Baseline: NOT LOADED\s+Optimized: LOADED\s+✗ NOW EAGER/);
  expect(sh(work, ["git", "status", "--porcelain"]).stdout).toBe(" M demopkg/net.py\n");
});

test("bun run demo: builds the throwaway repo, benchmarks main vs lazy, keeps the results, removes the repo", async () => {
  const cwd = tempDir("coldstart-democwd-");
  const tmp = tempDir("coldstart-demotmp-");
  const demos = () => readdirSync(tmp).filter((name) => name.startsWith("coldstart-demo-"));
  const { code, stdout, stderr } = await startScript("demo.ts", [], { cwd, tmp }).finished();
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(stdout).toMatch(/asyncio\s+Baseline: LOADED\s+Optimized: NOT LOADED\s+✓ NOW LAZY/);
  expect(stdout).toContain("Demo result files (kept; the demo repository is removed):");
  const files = resultFiles(join(cwd, "benchmark_results"));
  expect(files.filter((name) => /^cold_start_(main|lazy)_\d+\.json$/.test(name))).toHaveLength(2);
  expect(stdout).toContain(join("benchmark_results", files.find((name) => name.startsWith("cold_start_main_"))!));
  expect(demos()).toEqual([]);
  expect(worktreeFolders(tmp)).toEqual([]);
}, hangLimit(300_000));

describe("the dependency step", () => {
  test("runs the configured install in each worktree and logs it", async () => {
    const out = tempDir("coldstart-out-");
    const config = join(tempDir("coldstart-cfg-"), "bench.json");
    writeFileSync(config, JSON.stringify({ install: "echo installing in $(basename $(dirname $PWD)) && echo 'INSTALLED = True' > demopkg/_installed.py" }));
    const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--config", config, "main"], { cwd: repo });
    expect(run.code).toBe(0);
    const logs = readdirSync(out).filter((name) => name.startsWith("install_main_") && name.endsWith(".log"));
    expect(logs).toHaveLength(1);
    expect(readFileSync(join(out, logs[0]!), "utf8")).toMatch(/^installing in coldstart-wt-\d+-/);
    expect(run.stdout).toContain(`(log: ${join(out, logs[0]!)})`);
    const result = (await readResult(join(out, resultFiles(out).find((name) => name.startsWith("cold_start_main_"))!))).data;
    expect(result.modules?.loaded).not.toContain("demopkg._installed"); // written, but not imported by demopkg
    expect(existsSync(join(repo, "demopkg", "_installed.py"))).toBe(false);
    expect(worktreeCount(repo)).toBe(1);
  });

  test("a failing install shows its tail, stops with exit 2, and leaves no worktree or result", async () => {
    const out = tempDir("coldstart-out-");
    const config = join(tempDir("coldstart-cfg-"), "bench.json");
    writeFileSync(config, JSON.stringify({ install: "echo resolving; echo 'error: no such package: nonexistent-pkg' >&2; exit 3" }));
    const run = await runScript("benchmark_cold_start.ts", [...FAST, "--out", out, "--config", config, "main", "lazy"], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("    error: no such package: nonexistent-pkg");
    expect(run.stderr).toMatch(/coldstart-bench: error: dependency step for main failed \(exit 3\): .*; full log: .*install_main_\d+\.log/);
    expect(resultFiles(out)).toEqual([]);
    expect(worktreeCount(repo)).toBe(1);
    expect(worktreeFolders(run.tmp)).toEqual([]);
  });
});

describe("bad input: one line, exit 2, nothing created or executed", () => {
  test.each([
    [["main;touch x"], /invalid ref "main;touch x"/],
    [["$(touch x)"], /invalid ref "\$\(touch x\)"/],
    [["`touch x`"], /invalid ref/],
    [["main", "x y"], /invalid ref "x y"/],
    [["no-such-branch"], /unknown ref "no-such-branch"/],
    [["main", "lazy", "feature/nope"], /unknown ref "feature\/nope"/],
    [["main..lazy"], /invalid ref "main..lazy": contains '\.\.'/],
    [["--aa", "."], /--aa needs a ref/],
    [["--aa", "main", "lazy"], /--aa REF measures one ref against itself/],
    [["--iterations", "zero", "main"], /--iterations must be a whole number/],
    [["--bogus"], /unknown option "--bogus"; see coldstart-bench --help/],
    [["--fail-on-regression", "main"], /--fail-on-regression needs two or more refs/],
    [["--html", "/no/such/dir/r.html", "main", "lazy"], /--html \/no\/such\/dir\/r\.html: the folder \/no\/such\/dir does not exist; choose another path for --html/],
    [["--output", "/no/such/dir/r.md", "main", "lazy"], /--output \/no\/such\/dir\/r\.md: the folder .* does not exist; choose another path for --output/],
  ])("%p", async (args, message) => {
    const out = tempDir("coldstart-out-");
    const run = await runScript("benchmark_cold_start.ts", ["--out", out, ...args], { cwd: repo });
    expectOneLine(run, message, { quiet: true });
    expect(existsSync(join(repo, "x"))).toBe(false);
    expect(existsSync(join(out, "x"))).toBe(false);
    expect(resultFiles(out)).toEqual([]);
    expect(worktreeCount(repo)).toBe(1);
    expect(worktreeFolders(run.tmp)).toEqual([]);
  });

  test("-i without a terminal (or in CI) says so in one line and exits 2", async () => {
    expectOneLine(await runScript("benchmark_cold_start.ts", ["-i"], { cwd: repo }), /--interactive needs a terminal/);
  });

  const cannotDropPrivileges = missing(
    "--drop-caches as a non-root user",
    process.getuid?.() !== 0 ? "not running as root (the test drops root's privileges with setpriv)" : Bun.which("setpriv") ? null : "setpriv is missing (apt-get install util-linux)",
  );
  test.skipIf(cannotDropPrivileges)("--drop-caches as a non-root user: one clear line, exit 2, nothing created", async () => {
    // The unprivileged user may not be able to read this checkout (a 0700 clone): it runs a
    // bundle of the script from a folder it can read, on a repository it can read.
    const shared = tempDir("coldstart-nobody-");
    chmodSync(shared, 0o777);
    const bundle = join(shared, "bench.js");
    const built = sh(shared, ["bun", "build", join(ROOT, "scripts", "benchmark_cold_start.ts"), "--target=bun", "--outfile", bundle]);
    expect(built.code).toBe(0);
    chmodSync(bundle, 0o644);
    chmodSync(repo, 0o755);
    const out = join(shared, "results");
    const nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bun", bundle, "--drop-caches", "--out", out, "lazy"];
    const run = sh(repo, nobody, {
      HOME: shared, TMPDIR: shared, CI: "true", GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "safe.directory", GIT_CONFIG_VALUE_0: "*",
    });
    expectOneLine(run, /--drop-caches needs root/);
    expect(existsSync(out)).toBe(false);
    expect(worktreeFolders(shared)).toEqual([]);
  });

  test("outside a git repository", async () => {
    expectOneLine(await runScript("benchmark_cold_start.ts", ["main"], { cwd: tempDir("coldstart-nogit-") }), /not inside a git repository/);
  });

  test("--help lists the benchmark options", async () => {
    const run = await runScript("benchmark_cold_start.ts", ["--help"], { cwd: repo });
    expect(run.code).toBe(0);
    for (const text of ["--aa REF", "--interactive", "--drop-caches", "WORKTREE", "--iterations"]) expect(run.stdout).toContain(text);
  });
});
