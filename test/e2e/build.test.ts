/**
 * The standalone binary: built with `bun build --compile`, linked under the three tool
 * names, run with neither Bun nor Node on PATH (only python3 and git, which the measuring
 * tools need), with its harness and templates bundled in.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";
import { cleanupTempDirs, FIXTURES, gitRepo, hangLimit, realPython, tempDir } from "../helpers.ts";

setDefaultTimeout(hangLimit(240_000));
const dir = tempDir("coldstart-build-");
afterAll(cleanupTempDirs);

/** A PATH holding only python3, git and a shell (zx runs git through bash): no bun, no node. */
function barePath(): string {
  const bin = join(dir, "bare-bin");
  mkdirSync(bin, { recursive: true });
  // The real interpreter, not a version manager's shim (a shell script needing more of PATH).
  const python = realPython();
  for (const [name, target] of [["python3", python], ["git", Bun.which("git")!], ["bash", Bun.which("bash")!], ["sh", Bun.which("sh")!]]) {
    if (!existsSync(join(bin, name!))) symlinkSync(target!, join(bin, name!));
  }
  return bin;
}

test("bun run build makes one binary, under the three tool names", async () => {
  expect(await build(dir)).toBe(0);
  expect(readdirSync(dir).filter((name) => name.startsWith("coldstart")).sort()).toEqual([
    "coldstart", "coldstart-bench", "coldstart-compare", "coldstart-test",
  ]);
  // One file on disk: the names are links to it, so a download is one binary.
  const inode = statSync(join(dir, "coldstart")).ino;
  for (const name of ["coldstart-bench", "coldstart-compare", "coldstart-test"]) expect(statSync(join(dir, name)).ino).toBe(inode);
});

test("coldstart <tool> dispatches by subcommand too; a symlink by another name works", () => {
  const env = { PATH: barePath() };
  const help = Bun.spawnSync([join(dir, "coldstart"), "compare", "--help"], { env });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain("Usage: coldstart-compare");
  const top = Bun.spawnSync([join(dir, "coldstart"), "--help"], { env });
  expect(top.stdout.toString()).toContain("coldstart <tool>");
  const unknown = Bun.spawnSync([join(dir, "coldstart"), "frobnicate"], { env });
  expect(unknown.exitCode).toBe(2);
  expect(unknown.stderr.toString().trim().split("\n")).toHaveLength(1);
  const link = join(dir, "bare-bin", "coldstart-compare");
  if (!existsSync(link)) symlinkSync(join(dir, "coldstart"), link);
  expect(Bun.spawnSync([link, "--version"], { env }).stdout.toString()).toMatch(/^coldstart-compare \d/);
});

test.each(["coldstart-compare", "coldstart-bench", "coldstart-test"])("%s runs without bun or node: --help and --version", (name) => {
  const env = { PATH: barePath() };
  const help = Bun.spawnSync([join(dir, name), "--help"], { env });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain(`Usage: ${name}`);
  const version = Bun.spawnSync([join(dir, name), "--version"], { env });
  expect(version.stdout.toString().trim()).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+$`));
});

test("coldstart-compare compares the seed's files standalone", () => {
  const fixtures = join(FIXTURES, "results");
  const env = { PATH: "/nonexistent" };
  const result = Bun.spawnSync([join(dir, "coldstart-compare"), "seed_baseline.json", "seed_optimized.json"], { cwd: fixtures, env });
  expect(result.exitCode).toBe(0);
  expect(result.stdout.toString()).toContain("runpod_total                  285.64ms     273.29ms ↓  12.35ms   4.32%");
  const bad = Bun.spawnSync([join(dir, "coldstart-compare"), "seed_baseline.json", "nope.json"], { cwd: fixtures, env });
  expect(bad.exitCode).toBe(2);
});

test("coldstart-test and coldstart-bench measure a real repository with the bundled harness", () => {
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "tiny"\n', "tiny/__init__.py": "import json\n" });
  const env = { PATH: barePath(), HOME: tmpdir(), CI: "true" };
  const fast = ["--iterations", "3", "--max-iterations", "3", "--warmup", "0", "--importtime-runs", "1"];
  const single = Bun.spawnSync([join(dir, "coldstart-test"), ...fast], { cwd: repo, env });
  expect(single.stderr.toString()).toBe("");
  expect(single.exitCode).toBe(0);
  expect(single.stdout.toString()).toContain("Measuring 'import tiny'...");
  const bench = Bun.spawnSync([join(dir, "coldstart-bench"), ...fast, "main", "main"], { cwd: repo, env });
  expect(bench.exitCode).toBe(0);
  expect(bench.stdout.toString()).toContain("COLD START BENCHMARK COMPARISON");
  expect(readdirSync(join(repo, "benchmark_results")).filter((name) => name.startsWith("cold_start_main_"))).toHaveLength(2);
});
