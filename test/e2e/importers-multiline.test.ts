/**
 * Chains quote the importing line's statement whole, however many lines it is continued
 * over: attrs' `from attr import (\n    NOTHING,\n    ...\n)` (18 names) was cut after the
 * twelfth line, mid-statement (`from attr import (NOTHING, …, field,`).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { importChain } from "../../scripts/lib/compare/why.ts";
import { importersArgv, parseImporters } from "../../scripts/lib/measure/why.ts";
import { formatChain } from "../../scripts/lib/render/why.ts";
import { cleanupTempDirs, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(60_000);
afterAll(cleanupTempDirs);

const NAMES = ["NOTHING", "Attribute", "AttrsInstance", "Converter", "Factory", "NothingType", "_make_getattr", "assoc", "cmp_using", "define",
  "evolve", "field", "fields", "fields_dict", "frozen", "has", "make_class", "mutable", "resolve_types", "validate"];

async function records(dir: string, statement: string) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  const proc = Bun.spawn(importersArgv("python3", statement, dir), {
    cwd: dir, env: { ...env, PYTHONPATH: dir, PYTHONPYCACHEPREFIX: join(dir, ".pycache") }, stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  return parseImporters(stdout)!;
}

test("attrs' shape: a parenthesised import over 22 lines, a blank line and a comment inside, quoted whole", async () => {
  const short = NAMES.slice(0, 14);
  const dir = writeTree(tempDir(), {
    "attr/__init__.py": NAMES.map((name) => `${name} = 1\n`).join(""),
    "attrs/__init__.py": `# SPDX-License-Identifier: MIT\n\nfrom attr import (\n${short.slice(0, 7).map((n) => `    ${n},\n`).join("")}\n    # the rest\n${short.slice(7).map((n) => `    ${n},\n`).join("")})\nfrom attr import (\n${NAMES.map((n) => `    ${n},\n`).join("")})\n`,
  });
  const found = await records(dir, "import attrs");
  expect(found.attr!.line).toBe(3);
  expect(found.attr!.code).toBe(`from attr import (${short.join(", ")})`);
  const chain = formatChain(importChain(found, "attr"));
  expect(chain).toBe(`import attrs → attrs/__init__.py:3 from attr import (${short.join(", ")})`);
});

test("a statement too long to quote keeps its start and its end, the middle marked", async () => {
  const dir = writeTree(tempDir(), {
    "attr/__init__.py": NAMES.map((name) => `${name} = 1\n`).join(""),
    "attrs/__init__.py": `from attr import (\n${NAMES.map((n) => `    ${n},\n`).join("")})\n`,
  });
  const code = (await records(dir, "import attrs")).attr!.code!;
  expect(code.length).toBeLessThanOrEqual(200);
  expect(code).toStartWith("from attr import (NOTHING, Attribute, ");
  expect(code).toMatch(/, … [A-Za-z_, ]*resolve_types, validate\)$/);
});
