/**
 * Bad-input suite: every case is one line naming the problem, exit 2, no stack trace, and
 * nothing created in the user's repository.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAST, FIXTURES, cleanupTempDirs, expectOneLine, gitRepo, runScript, tempDir, writeTree, hangLimit } from "../helpers.ts";

setDefaultTimeout(hangLimit(60_000));
afterAll(cleanupTempDirs);

const PACKAGE = { "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "" };

describe("measuring tools", () => {
  // One repository for every refusal: each case checks that nothing was created in it.
  let repo = "";
  beforeAll(() => {
    repo = gitRepo(PACKAGE);
  });

  test.each([
    ["test_cold_start.ts", ["--iterations", "0"], "--iterations must be a whole number >= 1"],
    ["test_cold_start.ts", ["--iterations", "-1"], "--iterations must be a whole number >= 1"],
    ["test_cold_start.ts", ["--iterations", "ten"], '(got "ten")'],
    ["benchmark_cold_start.ts", ["--iterations", "-1", "main"], "--iterations must be a whole number >= 1"],
    ["benchmark_cold_start.ts", ["--iterations", "ten", "main"], '(got "ten")'],
    ["benchmark_cold_start.ts", ["--precision", "0", "main"], "--precision must be a number > 0 and < 100"],
    ["test_cold_start.ts", ["--python", "/no/such/python3"], "--python /no/such/python3: no such file"],
    ["benchmark_cold_start.ts", ["--python", "/no/such/python3", "main"], "--python /no/such/python3: no such file"],
    ["test_cold_start.ts", ["--timeout", "soon"], '--timeout must be a number > 0 (got "soon")'],
    ["test_cold_start.ts", ["--pyc", "lukewarm"], '--pyc must be one of "warm", "cold"'],
    ["test_cold_start.ts", ["-n"], "-n needs a value (N: a whole number >= 1)"],
    ["test_cold_start.ts", ["--metric", "cycles"], '--metric must be one of "time", "instructions"'],
  ] as const)("%s %p", async (script, args, message) => {
    expectOneLine(await runScript(script, [...FAST, ...args], { cwd: repo }), message);
    expect(readdirSync(repo)).not.toContain("benchmark_results");
  });

  test("an unknown config key names the key and the file", async () => {
    const typo = gitRepo({ ...PACKAGE, "pyproject.toml": '[project]\nname = "pkg"\n[tool.coldstart]\niteration = 5\n' });
    const run = await runScript("test_cold_start.ts", FAST, { cwd: typo });
    expectOneLine(run, /pyproject\.toml \[tool\.coldstart\]: iteration is not a known key/);
    const config = join(tempDir(), "bad.json");
    writeFileSync(config, JSON.stringify({ imports: [{ name: "x", statment: "import x" }] }));
    expectOneLine(await runScript("benchmark_cold_start.ts", [...FAST, "--config", config, "main"], { cwd: repo }), `${config}: imports[0].statment is not a known key`);
  });

  test("no pyproject.toml and no package found", async () => {
    const repo = gitRepo({ "README.md": "not a python project\n" });
    expectOneLine(await runScript("test_cold_start.ts", FAST, { cwd: repo }), /no package found in .*set \[tool\.coldstart\] package/);
    expectOneLine(await runScript("benchmark_cold_start.ts", [...FAST, "main"], { cwd: repo }), "no package found");
  });

  test("a folder that is not a git repository, for the branch runner", async () => {
    const dir = writeTree(tempDir(), PACKAGE);
    expectOneLine(await runScript("benchmark_cold_start.ts", [...FAST, "--repo", dir, "main"]), /not .*git repository/);
    expect(readdirSync(dir).sort()).toEqual(["pkg", "pyproject.toml"]);
  });
});

describe("result files given to the comparer", () => {
  const dir = tempDir();
  const good = readFileSync(join(FIXTURES, "results", "schema1_base.json"), "utf8");
  writeFileSync(join(dir, "good.json"), good);
  const compare = (...files: string[]) => runScript("compare_benchmarks.ts", files.map((file) => join(dir, file)), { cwd: dir });

  test.each([
    ["empty.json", "", "empty.json: the file is empty"],
    ["truncated.json", good.slice(0, Math.floor(good.length / 2)), /truncated\.json: not valid JSON .*interrupted/],
    ["text.json", "cold start was fast\n", "text.json: not valid JSON"],
    ["array.json", "[1, 2, 3]", 'array.json: field "(top level)" must be an object'],
    ["shape.json", JSON.stringify({ timestamp: 1, python_version: "3", measurements: { x: { min: 1 } }, module_counts: { total: 1, filtered: 0 } }), 'shape.json: field "measurements.x.max" must be a number'],
    ["proto.json", good.replace('"measurements": {', '"measurements": {"__proto__": {"polluted": true},'), 'proto.json: field "measurements.__proto__" is not allowed'],
  ])("%s", async (name, text, message) => {
    writeFileSync(join(dir, name), text);
    const run = await compare("good.json", name);
    expectOneLine(run, message);
    expect(run.stdout).toBe("");
  });

  test("a file over 50 MB is refused before it is read", async () => {
    const path = join(dir, "huge.json");
    const fd = openSync(path, "w");
    ftruncateSync(fd, 51 * 1024 * 1024); // sparse: no 51 MB written to disk
    closeSync(fd);
    expectOneLine(await compare("good.json", "huge.json"), "huge.json: 51 MB is too large for a result file (limit 50 MB)");
  });

  test("names holding terminal escape sequences print harmlessly", async () => {
    const evil = JSON.parse(good);
    const name = "\u001b[2J\u001b]0;pwned\u0007x\u001b[31m";
    evil.measurements[name] = evil.measurements[Object.keys(evil.measurements)[0]!];
    evil.lazy_checks = { [name]: { label: `label${name}`, module: `mod${name}`, after: "import pkg", loaded: true } };
    writeFileSync(join(dir, "evil.json"), JSON.stringify(evil));
    for (const format of ["terminal", "markdown"]) {
      const run = await runScript("compare_benchmarks.ts", [join(dir, "good.json"), join(dir, "evil.json"), "--format", format], { cwd: dir });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain("\u001b");
      expect(run.stdout).not.toContain("\u0007");
    }
    const json = await runScript("compare_benchmarks.ts", [join(dir, "good.json"), join(dir, "evil.json"), "--format", "json"], { cwd: dir });
    expect(json.stdout).not.toContain("\u001b"); // JSON escapes control characters
    expect(existsSync(join(dir, "evil.json"))).toBe(true);
  });
});
