/**
 * The profile program (py-profile.ts) on real interpreters: every import edge with its
 * module-level line, and which modules the workload ran or imported.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { ImportEdge } from "../../scripts/lib/advise/model.ts";
import { profileUsage } from "../../scripts/lib/advise/profile.ts";
import { UserError } from "../../scripts/lib/errors.ts";
import { interpreter, runtimeFor, VERSIONS } from "../support/advise-helpers.ts";
import { tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(120_000);

const PACKAGE = {
  "acme/__init__.py": [
    '"""Acme."""',
    "import importlib",
    "from . import plugins",
    "from .util import setup",
    "",
    "setup()",
    "SHAPES = importlib.import_module('colorsys')",
    'exec("import wave")',
    "from .shapes import Square",
    "from . import fast",
    "",
  ].join("\n"),
  "acme/plugins/__init__.py": "from . import one, two\n",
  "acme/plugins/one.py": "import json\n",
  "acme/plugins/two.py": "from acme.plugins import one\n",
  "acme/util.py": "def setup():\n    import fractions\n    return fractions\n",
  "acme/shapes.py": "class Square:\n    pass\n\n\ndef area(side):\n    return side * side\n",
  "acme/fast.py": "import zlib\n\n\ndef crc(data):\n    return zlib.crc32(data)\n",
};

const has = (edges: ImportEdge[], from: string, line: number | null, to: string, direct = true) =>
  edges.some((edge) => edge.from === from && edge.line === line && edge.to === to && edge.direct === direct);

for (const version of ["python3", ...VERSIONS]) {
  const python = version === "python3" ? "python3" : interpreter(version);
  describe(`profile on ${version}`, () => {
    test.skipIf(python === null)("import edges: module-level lines, submodules, calls that import, import_module, exec", async () => {
      const dir = writeTree(tempDir(), PACKAGE);
      const runtime = await runtimeFor(dir, python!);
      const report = await profileUsage(runtime, "import acme", { source: "pass", filename: "<workload>", label: "pass" });
      const { edges } = report;
      expect(has(edges, "__coldstart__", 1, "acme")).toBe(true);
      // `from . import plugins` in acme/__init__.py: the subpackage, and its own imports.
      expect(has(edges, "acme", 3, "acme.plugins")).toBe(true);
      expect(has(edges, "acme.plugins", 1, "acme.plugins.one")).toBe(true);
      expect(has(edges, "acme.plugins", 1, "acme.plugins.two")).toBe(true);
      // An already-loaded submodule imported again: still an edge (from a kept module).
      expect(has(edges, "acme.plugins.two", 1, "acme.plugins.one")).toBe(true);
      expect(has(edges, "acme.plugins.one", 1, "json")).toBe(true);
      // An import inside a function called at top level belongs to the calling line.
      expect(has(edges, "acme", 6, "fractions", false)).toBe(true);
      expect(has(edges, "acme", 7, "colorsys", false)).toBe(true);
      expect(edges.some((edge) => edge.from === "acme" && edge.line === 8 && edge.to === "wave")).toBe(true);
      expect(has(edges, "acme", 9, "acme.shapes")).toBe(true);
      expect(report.modules["acme.shapes"]).toEqual({ file: "acme/shapes.py", root: "tree", package: false });
      expect(report.modules["acme.plugins"]).toEqual({ file: "acme/plugins/__init__.py", root: "tree", package: true });
      expect(report.startup).toContain("sys");
      expect(report.tool).toBe(Number(report.python.split(".")[1]) >= 12 ? "monitoring" : "setprofile");
    });

    test.skipIf(python === null)("usage: Python functions, C functions and classes of a module count; what the import ran does not", async () => {
      const dir = writeTree(tempDir(), PACKAGE);
      const runtime = await runtimeFor(dir, python!);
      const workload = ["print(acme.fast.crc(b'x'))", "import acme.plugins.one", "import quopri", "acme.shapes.area(2)"].join("\n");
      const report = await profileUsage(runtime, "import acme", { source: workload, filename: "<workload>", label: "w" });
      expect(report.ran).toContain("acme.fast");
      expect(report.ran).toContain("zlib");
      expect(report.ran).toContain("acme.shapes");
      // Bodies that ran during the import are not usage.
      expect(report.ran).not.toContain("acme.plugins.one");
      expect(report.ran).not.toContain("colorsys");
      expect(report.ran).not.toContain("acme");
      expect(report.imported).toEqual(expect.arrayContaining(["acme.plugins.one", "quopri"]));
      expect(report.new).toContain("quopri");
      expect(report.new).not.toContain("acme.plugins.one");
    });
  });
}

describe("profile outcomes", () => {
  test("a workload ending with sys.exit(0) is a normal end; one that raises is a one-line error", async () => {
    const dir = writeTree(tempDir(), PACKAGE);
    const runtime = await runtimeFor(dir);
    const ended = await profileUsage(runtime, "import acme", { source: "import sys\nacme.shapes.area(1)\nsys.exit(0)\nacme.fast.crc(b'')", filename: "<workload>", label: "w" });
    expect(ended.workloadError).toBeNull();
    expect(ended.ran).toContain("acme.shapes");
    expect(ended.ran).not.toContain("acme.fast");
    const failed = profileUsage(runtime, "import acme", { source: "acme.shapes.area()", filename: "<workload>", label: "w" });
    expect(failed).rejects.toThrow(UserError);
    expect(failed).rejects.toThrow(/^the workload failed under the usage profiler: TypeError: .*area\(\) missing 1 required positional argument: 'side' \(<workload>:1\)$/);
  });
});
