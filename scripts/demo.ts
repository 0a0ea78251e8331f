#!/usr/bin/env bun
/**
 * `bun run demo`: a throwaway git repository of a small Python package (fixtures in
 * test/fixtures/demo/): `main` imports heavy standard-library modules eagerly, `lazy`
 * defers them. Runs the two-ref benchmark `main lazy` on it, prints the comparison, keeps
 * the result files in ./benchmark_results/ and removes the repository.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { copyTree } from "./lib/write.ts";

export const DEMO_FIXTURES = join(import.meta.dir, "..", "test", "fixtures", "demo");

/** Git for throwaway repos: a fixed identity, no hooks, no signing, no user config surprises. */
async function git(cwd: string, args: string[]): Promise<void> {
  const { $ } = await import("zx");
  const identity = ["-c", "user.name=coldstart demo", "-c", "user.email=demo@coldstart.invalid", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false"];
  await $({ cwd, quiet: true })`git ${identity} ${args}`;
}

/**
 * Builds the demo repository in `dir` (created if needed): branch `main` (eager) with one
 * commit, branch `lazy` (deferred imports) one commit on top; `main` is checked out.
 * Returns the two commits.
 */
export async function buildDemoRepo(dir: string): Promise<{ main: string; lazy: string }> {
  copyTree(join(DEMO_FIXTURES, "main"), dir);
  await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  await git(dir, ["add", "--all"]);
  await git(dir, ["commit", "--quiet", "-m", "demopkg: import everything up front"]);
  await git(dir, ["switch", "--quiet", "-c", "lazy"]);
  copyTree(join(DEMO_FIXTURES, "lazy"), dir);
  await git(dir, ["add", "--all"]);
  await git(dir, ["commit", "--quiet", "-m", "demopkg: import heavy modules where they are used"]);
  await git(dir, ["switch", "--quiet", "main"]);
  const { $ } = await import("zx");
  const main = (await $({ cwd: dir, quiet: true })`git rev-parse main`).stdout.trim();
  const lazy = (await $({ cwd: dir, quiet: true })`git rev-parse lazy`).stdout.trim();
  return { main, lazy };
}

/** The result files of one ref written at or after `since` (Unix seconds), newest last. */
function resultFiles(out: string, ref: string, since: number): string[] {
  return readdirSync(out)
    .filter((name) => new RegExp(`^cold_start_${ref}_(\\d+)(-\\d+)?\\.json$`).test(name))
    .filter((name) => Number(/_(\d+)(-\d+)?\.json$/.exec(name)![1]) >= since)
    .sort()
    .map((name) => join(out, name));
}

if (import.meta.main) {
  const { runMain } = await import("./lib/errors.ts");
  await runMain("coldstart-demo", async () => {
    const { main: bench } = await import("./benchmark_cold_start.ts");
    const out = resolve(process.cwd(), "benchmark_results");
    const repo = mkdtempSync(join(tmpdir(), "coldstart-demo-"));
    const removeRepo = () => rmSync(repo, { recursive: true, force: true });
    process.on("exit", removeRepo);
    const started = Math.floor(Date.now() / 1000);
    try {
      console.log(`Demo: building a throwaway repository of "demopkg" in ${repo}`);
      const commits = await buildDemoRepo(repo);
      console.log(`  main ${commits.main.slice(0, 9)}: imports asyncio, email, http.client, xml, decimal, urllib, logging.handlers, json up front`);
      console.log(`  lazy ${commits.lazy.slice(0, 9)}: the same functions, each importing what it needs when called`);
      console.log(`Benchmarking main vs lazy (results go to ${out})\n`);
      const code = await bench(["--repo", repo, "--out", out, "main", "lazy"]);
      const shown = [...resultFiles(out, "main", started).slice(-1), ...resultFiles(out, "lazy", started).slice(-1)].map((file) => relative(process.cwd(), file) || file);
      console.log(`\nDemo result files (kept; the demo repository is removed):`);
      for (const file of shown) console.log(`  ${file}`);
      const compare = relative(process.cwd(), join(import.meta.dir, "compare_benchmarks.ts"));
      console.log(`Compare them again with: bun ${compare} ${shown.join(" ")}`);
      return code;
    } finally {
      removeRepo();
    }
  });
}
