import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig, parseBudgetKey, readConfigFile } from "../../scripts/lib/config.ts";
import { cleanupTempDirs, tempDir, writeTree } from "../helpers.ts";

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
  ["iterations = 0", "iterations must be a whole number >= 1"],
  ['iterations = "ten"', 'iterations must be a whole number >= 1 (got "ten")'],
  ['pyc = "tepid"', 'pyc must be one of "warm", "cold"'],
  ['metric = "cycles"', 'metric must be one of "time", "instructions"'],
  ['[[tool.coldstart.lazy]]\nkey = "timestamp"\nmodule = "x"', 'lazy[0].key "timestamp" is a key of the result file itself'],
  ['[[tool.coldstart.lazy]]\nkey = "measurements"\nmodule = "x"', 'lazy[0].key "measurements" is a key of the result file itself'],
  ['[tool.coldstart.budgets]\nlimits = { "nope.mean" = 3 }', 'budgets.limits."nope.mean": no measurement "nope" (measured: pkg_total)'],
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

test("budgets name a quantity of a measurement: '<name>.<quantity>.<stat>'; the plain form is import time", () => {
  const dir = writeTree(tempDir(), {
    "pyproject.toml": '[project]\nname = "pkg"\n[tool.coldstart.budgets]\nlimits = { "pkg_total.rss_mb.median" = 50, "pkg_total.cpu_ms.max" = 90, "pkg_total.mean" = 100 }\n',
  });
  expect(loadConfig(dir, undefined, {}).budgets.limits).toEqual({ "pkg_total.rss_mb.median": 50, "pkg_total.cpu_ms.max": 90, "pkg_total.mean": 100 });
  expect(parseBudgetKey("pkg_total.rss_mb.median")).toEqual({ measurement: "pkg_total", quantity: "rss_mb", stat: "median" });
  expect(parseBudgetKey("pkg.sub_total.mean")).toEqual({ measurement: "pkg.sub_total", quantity: "import_ms", stat: "mean" });
  expect(parseBudgetKey("modules.total")).toEqual({ measurement: null, quantity: "modules", stat: "total" });
  expect(parseBudgetKey("pkg_total.p99")).toBeNull();
});

test("a budget may name the measurement a lazy check times when the module is eager", () => {
  const dir = writeTree(tempDir(), {
    "pyproject.toml": '[project]\nname = "pkg"\n[[tool.coldstart.lazy]]\nkey = "p_loaded"\nmodule = "paramiko"\nmeasure_if_loaded = true\n[tool.coldstart.budgets]\ntargets = { "paramiko.mean" = 100 }\n',
  });
  expect(loadConfig(dir, undefined, {}).budgets.targets).toEqual({ "paramiko.mean": 100 });
});

describe("the package when none is configured", () => {
  test('[project] name "python-foo" with a single folder foo/: the folder', () => {
    const dir = writeTree(tempDir(), { "pyproject.toml": '[project]\nname = "python-foo"\n', "foo/__init__.py": "" });
    expect(loadConfig(dir, undefined, {}).package).toBe("foo");
  });
  test("[project] name that is importable in the tree wins over other folders", () => {
    const dir = writeTree(tempDir(), { "pyproject.toml": '[project]\nname = "My-Pkg"\n', "src/my_pkg/__init__.py": "", "other/__init__.py": "" });
    expect(loadConfig(dir, undefined, {}).package).toBe("my_pkg");
  });
  test("a name that is not importable, with several folders: one error naming them", () => {
    const dir = writeTree(tempDir(), { "pyproject.toml": '[project]\nname = "python-foo"\n', "a/__init__.py": "", "b/__init__.py": "" });
    expect(() => loadConfig(dir, undefined, {})).toThrow('[project] name "python-foo" is not importable here; package folders found: a, b');
  });
  test.each([
    ['name = "bad pkg!"', '[project] name "bad pkg!" is not a valid project name'],
    ["name = 5", "[project] name must be a string (got 5)"],
  ])("%p is a config error naming the field", (line, message) => {
    const dir = writeTree(tempDir(), { "pyproject.toml": `[project]\n${line}\n`, "pkg/__init__.py": "" });
    expect(() => loadConfig(dir, undefined, {})).toThrow(message);
    expect(() => loadConfig(dir, undefined, {})).toThrow(join(dir, "pyproject.toml"));
  });
});
