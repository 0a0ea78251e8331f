/**
 * The short commands of the README and docs/ run as written, in the demo repository: every
 * coldstart-test and coldstart-compare command, and the README's three (every command of
 * every tool is parsed by test/unit/docs-commands.test.ts; the long benchmarks are run by
 * their own tests). The refs they name exist there (feature/lazy, v1.0...), a sibling
 * ../mypkg too, and the project's own [tool.coldstart] asks for few runs. "Runs" means the
 * tool accepted it and did its job: no usage error (exit 2), no internal error. A command
 * that needs what this machine may lack is a reported skip, with the reason.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { detectCounter } from "../../scripts/lib/measure/counter.ts";
import { findPythonVersion } from "../../scripts/lib/measure/python.ts";
import { cleanupTempDirs, ROOT, sh, tempDir } from "../helpers.ts";
import { type DocCommand, docCommands } from "../support/doc-commands.ts";

setDefaultTimeout(300_000);
afterAll(cleanupTempDirs);

const SCRIPT = { test: "test_cold_start.ts", bench: "benchmark_cold_start.ts", compare: "compare_benchmarks.ts" } as const;
const counter = await detectCounter();
const bothPythons = ["3.11", "3.12"].every((version) => findPythonVersion(version) !== null);

/** Why a command is not run here, or null. */
function skipReason(command: DocCommand): string | null {
  const text = command.text;
  if (command.tool === "bench" && !command.where.startsWith("README.md")) return "a benchmark of refs: parsed by the unit test, run by the bench tests";
  if (command.args.includes("-i")) return "-i needs a terminal";
  if (/mypkg[.(]/.test(text)) return "a workload of your own package (mypkg)";
  if (text.includes("--python 3.11,3.12") && !bothPythons) return "needs python3.11 and python3.12";
  if (text.includes("--metric instructions")) return counter ? "counting under cachegrind is slow: test/e2e instruction tests cover it" : "needs valgrind or perf";
  if (text.includes("main~50")) return "needs 50 commits of history";
  if (text.includes("v1.0..v2.0")) return "needs a range of several commits between two tags";
  if (text.includes("shard*/")) return "needs the caches of CI shards";
  return null;
}

const parent = tempDir("coldstart-docs-");
const repo = join(parent, "demo");
await buildDemoRepo(repo);
const git = (...args: string[]) => expect(sh(repo, ["git", ...args]).code).toBe(0);
git("branch", "feature/lazy", "lazy");
git("branch", "approach-1", "lazy");
git("branch", "approach-2", "main");
git("tag", "v1.0", "main");
git("tag", "v2.0", "lazy");
// Few runs and no -X importtime: the commands' own flags still win.
const pyproject = join(repo, "pyproject.toml");
writeFileSync(pyproject, readFileSync(pyproject, "utf8")
  .replace(/iterations = 15\nwarmup = 2\nimporttime_runs = 3/, "iterations = 3\nmax_iterations = 3\nwarmup = 0\nimporttime_runs = 0")
  .replace(/\n\[\[tool\.coldstart\.imports\]\]\nname = "demopkg_net"\nstatement = "import demopkg\.net"\n/, "\n"));
cpSync(repo, join(parent, "mypkg"), { recursive: true });

/**
 * The result files the compare examples name, from the README's `coldstart-bench main HEAD`
 * (which runs first): a kept baseline, one file per ref name, a folder of a CI job's files.
 */
function resultFilesAsNamed(): void {
  const out = join(repo, "benchmark_results");
  const [main, head] = ["main", "HEAD"].map((ref) => readdirSync(out).find((name) => name.startsWith(`cold_start_${ref}_`)));
  expect({ main, head }).toEqual({ main: expect.any(String), head: expect.any(String) });
  cpSync(join(out, main!), join(out, "cold_start_baseline.json"));
  for (const [name, from] of [["main.json", main], ["approach-1.json", head], ["approach-2.json", head]] as const) cpSync(join(out, from!), join(repo, name));
  mkdirSync(join(repo, "results"), { recursive: true });
  for (const name of [main!, head!]) cpSync(join(out, name), join(repo, "results", name));
}

describe.each(["README.md", ...new Set(docCommands().map((command) => command.where.split(":")[0]!).filter((file) => file !== "README.md"))])("%s", (file) => {
  for (const command of docCommands().filter((item) => item.where.startsWith(`${file}:`))) {
    const reason = skipReason(command);
    if (reason) console.log(`skipped: ${command.where} ${command.text} (${reason})`);
    test.skipIf(reason !== null)(`${command.where}: ${command.text}`, () => {
      if (command.tool === "compare") resultFilesAsNamed();
      // The tool as the docs name it (script, binary or subcommand), then the rest of the line through a shell (globs, redirections).
      const rest = command.text.replace(/^(bun \S*scripts\/\S+\.ts|(\.\/)?coldstart(-| )(test|bench|compare))/, "");
      const line = `bun ${join(ROOT, "scripts", SCRIPT[command.tool])}${rest}`;
      const run = sh(repo, ["sh", "-c", line], { CI: "true", NO_COLOR: "1", TMPDIR: tempDir("coldstart-docs-tmp-") });
      expect({ line: command.text, code: run.code, internal: /internal error/.test(run.stderr) ? run.stderr : null, usage: run.code === 2 ? run.stderr.trim() : null })
        .toEqual({ line: command.text, code: expect.any(Number), internal: null, usage: null });
      expect([0, 1, 3]).toContain(run.code);
    });
  }
});

test("the README's set-up commands are the ones .ci/run and package.json run", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  expect(readme).toContain("npm install -g bun@1.4.5 && bun install && bun run demo");
  expect(readme).toMatch(/^bun test\s/m);
  expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/^bun test 2>&1/m);
  expect(dirname(pyproject)).toBe(repo);
});
