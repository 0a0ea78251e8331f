/** Which submodules the measured import can need (`--submodules auto`): a pure decision on paths. */
import { expect, test } from "bun:test";
import { importedTopLevels, submoduleNeeded } from "../../scripts/lib/refs.ts";

test("needed: under the package, holding it or the import root, or importable from the root; not test data", () => {
  const flat = (path: string) => submoduleNeeded(path, [""], ["tomlkit"]);
  expect(flat("tests/toml-test")).toBe(false); // tomlkit's real case
  expect(flat("docs/_themes/theme")).toBe(false);
  expect(flat("toml-test")).toBe(false); // not an importable name
  expect(flat("tomlkit")).toBe(true);
  expect(flat("tomlkit/_vendor/lib")).toBe(true);
  expect(flat("vendored_dep")).toBe(true); // on the import path: `import vendored_dep` finds it
  const src = (path: string) => submoduleNeeded(path, ["packages/alpha/src"], ["alpha"]);
  expect(src("packages/alpha/src/alpha/ext")).toBe(true);
  expect(src("packages/alpha/src")).toBe(true);
  expect(src("packages")).toBe(true); // holds the whole project
  expect(src("packages/alpha/vendored")).toBe(false); // not on sys.path in a src layout
  expect(src("packages/beta")).toBe(false);
  expect(src("packages/alphabet")).toBe(false);
});

test("the measured statements' top-level modules", () => {
  const imports = [{ name: "a", statement: "import rich.console, json as j" }, { name: "b", statement: "from runpod.serverless import worker; import boto3" }];
  expect(importedTopLevels({ package: "rich", imports }).sort()).toEqual(["boto3", "json", "rich", "runpod"]);
});
