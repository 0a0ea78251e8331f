/**
 * The ast facts (py-analyze.ts, real interpreters), the movability rules on them, and the
 * rewrite: exact output text, and the rewritten package still works.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StatementPlan } from "../../scripts/lib/advise/candidates.ts";
import { analyzeFiles, type FileFacts, type ImportStatement } from "../../scripts/lib/advise/facts.ts";
import type { AdviseRuntime, Candidate } from "../../scripts/lib/advise/model.ts";
import { blockerText, decide, resolveFrom } from "../../scripts/lib/advise/movability.ts";
import { rewriteFile } from "../../scripts/lib/advise/rewrite.ts";
import { interpreter, runtimeFor, VERSIONS } from "../support/advise-helpers.ts";
import { sh, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(120_000);

const ROLES = `import decimal
import abc
import functools
import enum
import json
import typing
import colorsys
import csv
import wave


class Money(decimal.Decimal, metaclass=abc.ABCMeta):
    rate: typing.Optional[int] = None
    kind = enum.Enum


@functools.lru_cache()
def parse(text, loads=json.loads) -> typing.Any:
    return loads(text)


hue = lambda rgb: colorsys.rgb_to_hsv(*rgb)
WRITER = csv.writer
del wave
`;

/** The statements of a file's facts, as import statements (the tests know which lines hold one). */
const found = (facts: FileFacts | undefined) => facts!.statements as ImportStatement[];

async function analyze(runtime: AdviseRuntime, files: Record<string, string>, lines: Record<string, number[]>): Promise<FileFacts[]> {
  const dir = runtime.tree.dir;
  writeTree(dir, files);
  return analyzeFiles(runtime, Object.entries(lines).map(([path, wanted]) => ({ path: join(dir, path), lines: wanted })));
}

for (const version of ["python3", ...VERSIONS]) {
  const python = version === "python3" ? "python3" : interpreter(version);
  describe(`ast facts on ${version}`, () => {
    test.skipIf(python === null)("module-level uses and their roles", async () => {
      const runtime = await runtimeFor(tempDir(), python!);
      const [facts] = await analyze(runtime, { "m.py": ROLES }, { "m.py": [1, 2, 3, 4, 5, 6, 7, 8, 9] });
      expect(facts!.error).toBeNull();
      const uses = found(facts).map((s) => s.uses.map((u) => `${u.name}:${u.role}:${u.detail}:${u.line}`));
      expect(uses).toEqual([
        ["decimal:base:Money:12"],
        ["abc:metaclass:Money:12"],
        ["functools:decorator:parse:17"],
        ["enum:class-body:Money:14"],
        ["json:default:parse:18"],
        ["typing:annotation:rate:13", "typing:annotation:parse:18"],
        ["colorsys:lambda:null:22"],
        ["csv:expression:null:23"],
        ["wave:del:null:24"],
      ]);
    });

    test.skipIf(python === null)("function sites: methods, nested functions, comprehensions, the __main__ block; shadowed names are not uses", async () => {
      const runtime = await runtimeFor(tempDir(), python!);
      const source = [
        '"""Module."""',
        "from __future__ import annotations",
        "import json  # output",
        "from os import path as p, sep",
        "",
        "",
        "def top(x: json.JSONDecoder) -> json.JSONEncoder:",
        '    """Doc."""',
        "    # a comment stays above the import",
        "    return [json.dumps(i) for i in x]",
        "",
        "",
        "class K:",
        "    def m(self, json=None):",
        "        return json",
        "",
        "    @staticmethod",
        "    def n():",
        "        def inner():",
        "            return p.join('a', 'b')",
        "        return inner",
        "",
        "",
        "def local():",
        "    sep = '/'",
        "    return sep",
        "",
        "",
        'if __name__ == "__main__":',
        "    print(json.dumps(1))",
        "",
      ].join("\n");
      const [facts] = await analyze(runtime, { "m.py": source }, { "m.py": [3, 4] });
      const [json, os] = found(facts);
      expect(json).toMatchObject({ found: true, topLevel: true, alone: true, comment: "# output", text: "import json", uses: [] });
      expect(json!.sites.map((s) => [s.kind, s.qualname, s.insertLine, s.indent, s.names])).toEqual([
        ["function", "top", 10, "    ", ["json"]],
        ["main", "if __name__ == '__main__'", 30, "    ", ["json"]],
      ]);
      expect(os!.names).toEqual([{ bound: "p", name: "path", asname: "p" }, { bound: "sep", name: "sep", asname: null }]);
      expect(os!.sites.map((s) => [s.qualname, s.insertLine, s.indent, s.names])).toEqual([["K.n.inner", 20, "            ", ["p"]]]);
    });

    test.skipIf(python === null)("blocks, shared lines, rebinding, global, one-line bodies, TYPE_CHECKING, several lines", async () => {
      const runtime = await runtimeFor(tempDir(), python!);
      const source = [
        "from typing import TYPE_CHECKING",
        "if TYPE_CHECKING:",
        "    import decimal",
        "try:",
        "    import wave",
        "except ImportError:",
        "    wave = None",
        "import csv; import json",
        "import colorsys",
        "colorsys = None",
        "import fractions",
        "from email import (  # parts",
        "    message,",
        "    utils,",
        ")",
        "",
        "def g():",
        "    global fractions",
        "    return fractions",
        "",
        "def h(): return utils",
        "",
        "def k(x: decimal.Decimal):",
        "    return message",
        "",
      ].join("\n");
      const [facts] = await analyze(runtime, { "m.py": source }, { "m.py": [5, 8, 9, 11, 13, 17] });
      const [wave, csv, colorsys, fractions, email] = found(facts);
      expect(facts!.typeChecking).toBe(1);
      expect(wave).toMatchObject({ topLevel: false, container: "Try" });
      expect(csv).toMatchObject({ alone: false });
      expect(colorsys!.rebinds).toEqual([{ name: "colorsys", line: 10 }]);
      expect(fractions!.globals).toEqual([{ name: "fractions", line: 18, function: "g" }]);
      expect(email).toMatchObject({ lineno: 12, endLineno: 15, comment: null, text: "from email import (  # parts\n    message,\n    utils,\n)" });
      expect(email!.sites.map((s) => [s.qualname, s.problem !== null, s.names])).toEqual([["h", true, ["utils"]], ["k", false, ["message"]]]);
      // `decimal` in k's annotation is evaluated at import, but only bound for type checkers: not this statement's.
      expect(facts!.statements[5]).toEqual({ line: 17, found: false, what: "FunctionDef" });
    });

    test.skipIf(python === null)("a file that does not parse, or is not UTF-8, says so", async () => {
      const runtime = await runtimeFor(tempDir(), python!);
      writeFileSync(join(runtime.tree.dir, "latin.py"), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]));
      const [broken, latin] = await analyze(runtime, { "broken.py": "import json\ndef f(:\n" }, { "broken.py": [1], "latin.py": [1] });
      expect(broken!.error).toMatch(/^SyntaxError: .* \(line 2\)$/);
      expect(latin!.error).toBe("not UTF-8: the rewrite edits UTF-8 files only");
    });
  });
}

/** A plan for one statement of `facts`, decided in `context`. */
function plan(facts: FileFacts, index: number, path: string, module: string, isPackage: boolean, modules: string[] = []): StatementPlan {
  const statement = found(facts)[index]!;
  const decision = decide(facts, statement, { module, isPackage, isModule: (name) => modules.includes(name) });
  const candidate = { file: path, line: statement.line, movable: decision.movable, form: decision.form } as Candidate;
  return { candidate, path, file: facts, statement, decision, range: { module, line: statement.lineno, endLine: statement.endLineno }, share: 0 };
}

describe("movability and the rewrite", () => {
  test("relative imports resolve like Python's", () => {
    expect(resolveFrom({ module: "a.b.c", isPackage: false }, 1, "x")).toBe("a.b.x");
    expect(resolveFrom({ module: "a.b", isPackage: true }, 1, null)).toBe("a.b");
    expect(resolveFrom({ module: "a.b.c", isPackage: false }, 2, "x")).toBe("a.x");
    expect(resolveFrom({ module: "a", isPackage: false }, 1, "x")).toBeNull();
  });

  test("a module-level use blocks the move and says what it is", async () => {
    const runtime = await runtimeFor(tempDir());
    const [facts] = await analyze(runtime, { "m.py": ROLES }, { "m.py": [1, 3, 6] });
    const reasons = [0, 1, 2].map((i) => {
      const decision = decide(facts!, facts!.statements[i], { module: "m", isPackage: false, isModule: () => false });
      expect(decision.movable).toBe(false);
      return decision.blockers.map(blockerText).join("; ");
    });
    expect(reasons).toEqual([
      "`decimal` is used in the base classes of Money (line 12)",
      "`functools` is a decorator of parse (line 17)",
      "`typing` is an annotation of rate evaluated at import (line 13); `typing` is an annotation of parse evaluated at import (line 18)",
    ]);
  });

  test("function form: the statement moves after each docstring, comments and formatting kept, and the module works", async () => {
    const runtime = await runtimeFor(tempDir());
    const source = [
      '"""Reports."""',
      "import csv  # tables",
      "import io",
      "from statistics import (",
      "    mean,  # average",
      "    median,",
      ")",
      "",
      "",
      "def table(rows):",
      '    """As CSV."""',
      "    out = io.StringIO()",
      "    csv.writer(out).writerows(rows)",
      "    return out.getvalue()",
      "",
      "",
      "def middle(xs):",
      "    return median(xs), mean(xs)",
      "",
      "",
      "def low(xs):",
      "    return median(xs)",
      "",
    ].join("\n");
    const [facts] = await analyze(runtime, { "rep.py": source }, { "rep.py": [2, 4] });
    const plans = [plan(facts!, 0, join(runtime.tree.dir, "rep.py"), "rep", false), plan(facts!, 1, join(runtime.tree.dir, "rep.py"), "rep", false)];
    expect(plans.map((p) => [p.decision.form, p.decision.movable])).toEqual([["function", true], ["function", true]]);
    const after = rewriteFile(plans, source);
    expect(after).toBe(
      [
        '"""Reports."""',
        "import io",
        "",
        "",
        "def table(rows):",
        '    """As CSV."""',
        "    import csv  # tables",
        "    out = io.StringIO()",
        "    csv.writer(out).writerows(rows)",
        "    return out.getvalue()",
        "",
        "",
        "def middle(xs):",
        "    from statistics import (",
        "        mean,  # average",
        "        median,",
        "    )",
        "    return median(xs), mean(xs)",
        "",
        "",
        "def low(xs):",
        "    from statistics import median",
        "    return median(xs)",
        "",
      ].join("\n"),
    );
    writeFileSync(join(runtime.tree.dir, "rep.py"), after);
    const run = sh(runtime.tree.dir, [runtime.tree.python.executable, "-c", "import sys, rep; assert 'statistics' not in sys.modules and 'csv' not in sys.modules; print(rep.table([[1, 2]]).strip(), rep.middle([1, 2, 3]), rep.low([4]))"], runtime.tree.env);
    expect(run).toMatchObject({ code: 0, stdout: "1,2 (2, 2) 4\n" });
  });

  test("getattr form for a package's re-exports: lazy on first access, dir() and star-import still see them, type checkers get the imports", async () => {
    const runtime = await runtimeFor(tempDir());
    const init = [
      '"""Pkg."""',
      "from .core import handle",
      "from .report import render  # rarely used",
      "from . import admin",
      "",
      '__all__ = ["handle", "render", "admin"]',
      "",
      "",
      "def summary():",
      "    return render([1])",
      "",
    ].join("\n");
    const files = {
      "pkg/__init__.py": init,
      "pkg/core.py": "def handle(x):\n    return x\n",
      "pkg/report.py": "import colorsys\n\n\ndef render(rows):\n    return len(rows)\n",
      "pkg/admin.py": "import wave\n",
    };
    const [facts] = await analyze(runtime, files, { "pkg/__init__.py": [3, 4] });
    const path = join(runtime.tree.dir, "pkg/__init__.py");
    const modules = ["pkg", "pkg.core", "pkg.report", "pkg.admin"];
    const plans = [plan(facts!, 0, path, "pkg", true, modules), plan(facts!, 1, path, "pkg", true, modules)];
    expect(plans.map((p) => p.decision)).toEqual([
      { form: "getattr", movable: true, blockers: [], entries: [{ name: "render", module: ".report", attribute: "render" }] },
      { form: "getattr", movable: true, blockers: [], entries: [{ name: "admin", module: ".admin", attribute: null }] },
    ]);
    const after = rewriteFile(plans, init);
    expect(after.split("\n").slice(0, 17)).toEqual([
      '"""Pkg."""',
      "from .core import handle",
      "TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing",
      "if TYPE_CHECKING:",
      "    from .report import render  # rarely used",
      "if TYPE_CHECKING:",
      "    from . import admin",
      "",
      '__all__ = ["handle", "render", "admin"]',
      "",
      "",
      "def summary():",
      "    from .report import render  # rarely used",
      "    return render([1])",
      "",
      "",
      "# Imported on first access instead of at import time (PEP 562); added by coldstart --apply.",
    ]);
    writeFileSync(path, after);
    const program = [
      "import sys, pkg",
      "assert 'pkg.report' not in sys.modules and 'pkg.admin' not in sys.modules and 'colorsys' not in sys.modules",
      "assert 'render' in dir(pkg) and 'admin' in dir(pkg)",
      "print(pkg.render([1, 2]), pkg.summary(), pkg.admin.__name__)",
      "from pkg import *",
      "print(render is pkg.render)",
      "try:",
      "    pkg.missing",
      "except AttributeError as e:",
      "    print(e)",
    ].join("\n");
    const run = sh(runtime.tree.dir, [runtime.tree.python.executable, "-c", program], runtime.tree.env);
    expect(run).toMatchObject({ code: 0, stdout: "2 1 pkg.admin\nTrue\nmodule 'pkg' has no attribute 'missing'\n" });
  });

  test("getattr form is refused where the file already has a __getattr__, and names a dotted re-export", async () => {
    const runtime = await runtimeFor(tempDir());
    const [facts] = await analyze(runtime, {
      "q/__init__.py": "from .a import x\nimport json.decoder\n__all__ = ['x', 'json']\n\ndef __getattr__(name):\n    raise AttributeError(name)\n",
    }, { "q/__init__.py": [1, 2] });
    const context = { module: "q", isPackage: true, isModule: () => false };
    const [first, second] = [decide(facts!, facts!.statements[0], context), decide(facts!, facts!.statements[1], context)];
    expect(first.blockers.map(blockerText)).toEqual(["the file already defines __getattr__: add the names to it by hand"]);
    expect(second.blockers.map(blockerText)).toContain("`json` is re-exported through `import json.decoder`: write `from ... import` first");
  });
});
