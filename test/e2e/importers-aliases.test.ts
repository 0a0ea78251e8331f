/**
 * Aliases in sys.modules (one module object under several names) are marked in the
 * importers records even when no name of the module passed the import finder: an
 * extension that puts itself into sys.modules (mypyc's charset_normalizer.md, re-exported
 * by requests as requests.packages.charset_normalizer.md) is known by its own __name__.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { modulesAmong } from "../../scripts/lib/compare/why.ts";
import { importersArgv, parseImporters } from "../../scripts/lib/measure/why.ts";
import { cleanupTempDirs, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(60_000);
afterAll(cleanupTempDirs);

test("a self-registered module and its alias: the alias points at the module's own name", async () => {
  const dir = writeTree(tempDir(), {
    "pkg/__init__.py": [
      "import sys, types",
      "_ext = types.ModuleType('pkg.ext')",
      "sys.modules['pkg.ext'] = _ext",
      "sys.modules['pkg.vendor.ext'] = _ext",
      "import json",
      "sys.modules['pkg.vendor.json'] = json",
      "",
    ].join("\n"),
  });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  const proc = Bun.spawn(importersArgv("python3", "import pkg", dir), { cwd: dir, env: { ...env, PYTHONPATH: dir, PYTHONPYCACHEPREFIX: join(dir, ".pyc") }, stdout: "pipe", stderr: "pipe" });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  const records = parseImporters(stdout)!;
  expect(records["pkg.vendor.ext"]!.alias).toBe("pkg.ext");
  expect(records["pkg.ext"]!.alias).toBeUndefined();
  expect(records["pkg.vendor.json"]!.alias).toBe("json");
  const own = Object.keys(records).filter((name) => name === "pkg" || name.startsWith("pkg."));
  expect(modulesAmong(own, records)).toEqual({ modules: 2, names: 4 });
});
