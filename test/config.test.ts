import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig, readConfigFile } from "../scripts/lib/config.ts";
import { cleanupTempDirs, tempDir, writeTree } from "./helpers.ts";

afterAll(cleanupTempDirs);

test("defaults: package from [project].name, one <package>_total measurement", () => {
  const dir = writeTree(tempDir(), { "pyproject.toml": '[project]\nname = "My-Package"\n' });
  const config = loadConfig(dir, undefined, {});
  expect(config.package).toBe("my_package");
  expect(config.imports).toEqual([{ name: "my_package_total", statement: "import my_package" }]);
  expect([config.iterations, config.warmup, config.timeout, config.pyc]).toEqual([10, 1, 10, "warm"]);
});

test("later wins: pyproject < --config < flags, budgets merged key by key", () => {
  const dir = writeTree(tempDir(), {
    "pyproject.toml": `[project]\nname = "pkg"\n[tool.coldstart]\niterations = 7\nwarmup = 3\n[tool.coldstart.budgets]\ntargets = { "pkg_total.mean" = 300, "modules.total" = 600 }\n`,
    "extra.toml": `iterations = 20\ntimeout = 5\n[budgets]\ntargets = { "modules.total" = 500 }\nlimits = { "pkg_total.mean" = 1000 }\n`,
  });
  const config = loadConfig(dir, join(dir, "extra.toml"), { iterations: 4 });
  expect(config.iterations).toBe(4);
  expect(config.warmup).toBe(3);
  expect(config.timeout).toBe(5);
  expect(config.budgets).toEqual({ targets: { "pkg_total.mean": 300, "modules.total": 500 }, limits: { "pkg_total.mean": 1000 } });
});

test("a JSON --config file and a pyproject.toml given as --config both work", () => {
  const dir = writeTree(tempDir(), {
    "a.json": JSON.stringify({ package: "foo", pyc: "cold" }),
    "other/pyproject.toml": '[tool.coldstart]\npackage = "bar"\n',
  });
  expect(readConfigFile(join(dir, "a.json"))).toEqual({ package: "foo", pyc: "cold" });
  expect(readConfigFile(join(dir, "other/pyproject.toml"))).toEqual({ package: "bar" });
});

test("lazy checks default to after = import <package>", () => {
  const dir = writeTree(tempDir(), {
    "pyproject.toml": '[project]\nname = "pkg"\n[[tool.coldstart.lazy]]\nkey = "x_loaded"\nmodule = "x"\n',
  });
  expect(loadConfig(dir, undefined, {}).lazy).toEqual([{ key: "x_loaded", label: "x", module: "x", after: "import pkg", measure_if_loaded: false }]);
});

test.each([
  ["iterationz = 3", "[tool.coldstart]: iterationz is not a known key"],
  ["iterations = 0", "iterations must be an integer >= 1"],
  ['iterations = "ten"', 'iterations must be an integer >= 1 (got "ten")'],
  ['pyc = "tepid"', 'pyc must be "warm" or "cold"'],
  ["[[tool.coldstart.imports]]\nname = \"a\"\nstatment = \"import a\"", "imports[0].statment is not a known key"],
  ['[tool.coldstart.budgets]\nlimits = { "a.avg" = 3 }', 'budgets.limits."a.avg" must be'],
])("a bad value names the key and the file: %p", (body, message) => {
  const dir = writeTree(tempDir(), { "pyproject.toml": `[project]\nname = "pkg"\n[tool.coldstart]\n${body}\n` });
  expect(() => loadConfig(dir, undefined, {})).toThrow(message);
  expect(() => loadConfig(dir, undefined, {})).toThrow(join(dir, "pyproject.toml"));
});

test("no pyproject and no single package folder is one clear error; a single package folder is found", () => {
  const empty = tempDir();
  expect(() => loadConfig(empty, undefined, {})).toThrow("no package found");
  const srcLayout = writeTree(tempDir(), { "src/found_me/__init__.py": "" , "tests/__init__.py": "" });
  expect(loadConfig(srcLayout, undefined, {}).package).toBe("found_me");
});
