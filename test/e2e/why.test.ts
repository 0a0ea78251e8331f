/**
 * "Why is it slow": who imported each module (import chains with exact lines) and which
 * top-level lines cost the time, on fixture packages written into a temporary folder per
 * test, measured by the real `python3` on PATH.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { chainComplete, importChain } from "../../scripts/lib/compare/why.ts";
import { formatChain } from "../../scripts/lib/render/why.ts";
import { WHY_MARKER, hotspotsArgv, importersArgv, parseHotspots, parseHotspotsReport, parseImporters, parseImportersReport } from "../../scripts/lib/measure/why.ts";
import type { ImporterRecord } from "../../scripts/lib/result/schema.ts";
import { cleanupTempDirs, fixtureTree, hangLimit, realPython, slowness } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

/** A fresh temporary folder holding `files` (relative path -> content). */
const fixture = (files: Record<string, string>): string => fixtureTree(files, "coldstart-why-");

/** The python3 on PATH, resolved to its real executable (a pyenv shim is a shell script). */
const PYTHON = realPython();
if (!PYTHON) throw new Error("python3 on PATH does not run");
const VERSION = Bun.spawnSync([PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.toString().trim();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Spawns argv without a shell: PYTHONPATH = `path`, TMPDIR = the fixture folder. */
async function run(argv: string[], dir: string, path: string = dir): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  }
  Object.assign(env, { PYTHONPATH: path, TMPDIR: dir, PYTHONPYCACHEPREFIX: join(dir, ".pycache") });
  const started = performance.now();
  const proc = Bun.spawn(argv, { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: hangLimit(60_000) });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, wallMs: performance.now() - started };
}

async function importers(dir: string, statement: string, options: { path?: string; roots?: string[] } = {}): Promise<Record<string, ImporterRecord>> {
  const result = await run(importersArgv(PYTHON, statement, options.roots ?? dir), dir, options.path ?? dir);
  if (result.code !== 0) throw new Error(`importers run failed (${result.code}): ${result.stderr}`);
  const records = parseImporters(result.stdout);
  if (!records) throw new Error(`no importers line in: ${result.stdout.slice(-500)}`);
  return records;
}

const chainText = (records: Record<string, ImporterRecord>, module: string) => formatChain(importChain(records, module));

describe("importers: who imported each module, at which line", () => {
  test("a chain through three files, with exact lines and their text", async () => {
    const dir = fixture({
      "acme/__init__.py": "import os\nfrom .cli import ssh\n",
      "acme/cli/__init__.py": "",
      "acme/cli/ssh.py": "import asyncio\n",
    });
    const records = await importers(dir, "import acme");
    expect(records["acme"]).toEqual({ by: "__coldstart__", file: null, line: 1, code: "import acme", root: "statement", kind: "first-party" });
    expect(records["acme.cli"]).toMatchObject({ by: "acme", file: "acme/__init__.py", line: 2, code: "from .cli import ssh", root: "tree" });
    expect(records["acme.cli.ssh"]).toMatchObject({ by: "acme", file: "acme/__init__.py", line: 2, code: "from .cli import ssh" });
    expect(records["asyncio"]).toMatchObject({ by: "acme.cli.ssh", file: "acme/cli/ssh.py", line: 1, code: "import asyncio", root: "tree", kind: "stdlib" });
    const chain = importChain(records, "asyncio");
    expect(chain.map((link) => link.module)).toEqual(["acme", "acme.cli.ssh", "asyncio"]);
    expect(chainComplete(chain)).toBe(true);
    expect(formatChain(chain)).toBe("import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:1 import asyncio");
    // Deeper: a module asyncio itself imports, its file relative to the standard library.
    const events = records["asyncio.events"]!;
    expect(events.root).toBe("stdlib");
    expect(events.file).toMatch(/^asyncio\/[a-z_]+\.py$/);
    expect(chainText(records, "asyncio.events")).toStartWith("import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:1 import asyncio → asyncio/");
  });

  test("an import statement over several lines is shown on one line, without comments", async () => {
    const dir = fixture({
      "acme/__init__.py": "from .parts import (  # the parts\n    # first the wheels\n    wheels,\n    axles,\n)\nimport colorsys  # for colours\n",
      "acme/parts/__init__.py": "",
      "acme/parts/wheels.py": "",
      "acme/parts/axles.py": "",
    });
    const records = await importers(dir, "import acme");
    expect(records["acme.parts.axles"]).toMatchObject({ line: 1, code: "from .parts import (wheels, axles)" });
    expect(records["colorsys"]).toMatchObject({ line: 6, code: "import colorsys" });
  });

  test("a src/ layout: files relative to the tree, the package first-party", async () => {
    const dir = fixture({
      "pyproject.toml": '[project]\nname = "acme"\n',
      "src/acme/__init__.py": '"""Acme."""\n\nfrom acme import core\n',
      "src/acme/core.py": "# core\nimport colorsys\n",
    });
    const records = await importers(dir, "import acme", { path: join(dir, "src"), roots: [dir, join(dir, "src")] });
    expect(records["acme.core"]).toMatchObject({ by: "acme", file: "src/acme/__init__.py", line: 3, code: "from acme import core", root: "tree", kind: "first-party" });
    expect(chainText(records, "colorsys")).toBe("import acme → src/acme/__init__.py:3 from acme import core → src/acme/core.py:2 import colorsys");
  });

  test("a module imported by two importers: the first one wins, the same way every run", async () => {
    const dir = fixture({
      "acme/__init__.py": "from . import first\nfrom . import second\n",
      "acme/first.py": "import colorsys\nfrom . import shared\n",
      "acme/second.py": "from . import shared\nimport colorsys\n",
      "acme/shared.py": "",
    });
    const runs = await Promise.all([1, 2, 3].map(() => importers(dir, "import acme")));
    for (const records of runs) {
      expect(records["acme.shared"]).toMatchObject({ by: "acme.first", file: "acme/first.py", line: 2, code: "from . import shared" });
      expect(records["colorsys"]).toMatchObject({ by: "acme.first", file: "acme/first.py", line: 1, code: "import colorsys" });
    }
    expect(runs[1]).toEqual(runs[0]!);
    expect(runs[2]).toEqual(runs[0]!);
  });

  test("C extension modules, and an import made by code without a source line", async () => {
    const dir = fixture({
      "acme/__init__.py": "import json\nimport _socket\nfrom . import gen\n",
      "acme/gen.py": 'exec(compile("import colorsys", "<generated>", "exec"))\n',
    });
    const records = await importers(dir, "import acme");
    // The extension has no source of its own: its link is the Python line that imported it.
    expect(records["_socket"]).toMatchObject({ by: "acme", file: "acme/__init__.py", line: 2, code: "import _socket", kind: "stdlib" });
    expect(chainText(records, "_socket")).toBe("import acme → acme/__init__.py:2 import _socket");
    // _json is imported by the json package's own Python code.
    expect(records["_json"]).toMatchObject({ by: "json.scanner", file: "json/scanner.py", root: "stdlib", kind: "stdlib" });
    expect(records["_json"]!.code).toContain("_json");
    expect(chainText(records, "_json")).toMatch(/^import acme → acme\/__init__\.py:1 import json → json\/__init__\.py:\d+ from \.decoder import .* → json\/decoder\.py:\d+ from json import scanner → json\/scanner\.py:\d+ from _json import/);
    // Code compiled from a string: the file is its pseudo-name and no line text exists.
    expect(records["colorsys"]).toMatchObject({ by: "acme.gen", file: "<generated>", line: 1, code: null, root: "other" });
    expect(chainText(records, "colorsys")).toBe("import acme → acme/__init__.py:3 from . import gen → <generated>:1 (no source line)");
  });

  test("an import inside a function that runs at import time names the function and its caller", async () => {
    const dir = fixture({
      "acme/__init__.py": "from .setup import configure\n\nconfigure()\n",
      "acme/setup.py": "def configure():\n    import colorsys\n    return colorsys\n",
    });
    const records = await importers(dir, "import acme");
    expect(records["colorsys"]).toMatchObject({
      by: "acme.setup",
      file: "acme/setup.py",
      line: 2,
      code: "import colorsys",
      function: "configure",
      via: { by: "acme", file: "acme/__init__.py", line: 3, code: "configure()", root: "tree" },
    });
    expect(chainText(records, "colorsys")).toBe(
      "import acme → acme/__init__.py:1 from .setup import configure → acme/setup.py:2 import colorsys (in configure(), called at acme/__init__.py:3 configure())",
    );
  });

  test("importlib.import_module with a computed name is attributed to its caller", async () => {
    const dir = fixture({
      "acme/__init__.py": 'import importlib\n\nPLUGINS = ["color" + "sys", "acme." + "plugin"]\nloaded = [importlib.import_module(name) for name in PLUGINS]\n',
      "acme/plugin.py": "",
    });
    const records = await importers(dir, "import acme");
    const expected = { by: "acme", file: "acme/__init__.py", line: 4, code: "loaded = [importlib.import_module(name) for name in PLUGINS]", root: "tree" };
    expect(records["colorsys"]).toMatchObject(expected);
    expect(records["acme.plugin"]).toMatchObject(expected);
    // On 3.8–3.11 a list comprehension is a function of its own; 3.12+ inlines it.
    if (records["colorsys"]!.function) expect(records["colorsys"]!.function).toContain("listcomp");
  });

  test("modules loaded at interpreter start-up are marked, and modules no finder saw are unknown", async () => {
    const dir = fixture({
      "acme/__init__.py": 'import sys, types\nsys.modules["acme_injected"] = types.ModuleType("acme_injected")\nimport colorsys\nsys.modules["acme.packages.colorsys"] = colorsys\n',
    });
    const records = await importers(dir, "import acme");
    for (const name of ["sys", "builtins", "os", "os.path", "encodings"]) {
      expect(records[name]).toMatchObject({ by: null, file: null, line: null, code: null, startup: true });
    }
    expect(records["os"]!.kind).toBe("stdlib");
    expect(chainText(records, "os")).toBe("os (loaded at interpreter start-up)");
    expect(records["acme_injected"]).toEqual({ by: null, file: null, line: null, code: null });
    expect(chainText(records, "acme_injected")).toBe("acme_injected (importer unknown)");
    // An alias of a module that was imported normally (as requests.packages does) points at it.
    expect(records["acme.packages.colorsys"]).toEqual({ by: null, file: null, line: null, code: null, alias: "colorsys", kind: "stdlib" });
    expect(chainText(records, "acme.packages.colorsys")).toBe("import acme → acme/__init__.py:3 import colorsys");
  });

  test("the run loads exactly the modules a plain interpreter loads for the statement", async () => {
    const dir = fixture({ "acme/__init__.py": "import json, colorsys\nfrom . import sub\n", "acme/sub.py": "import textwrap\n" });
    const records = await importers(dir, "import acme");
    const plain = await run([PYTHON, "-c", "import acme\nimport sys\nprint(' '.join(sorted(sys.modules)))"], dir);
    expect(Object.keys(records).sort()).toEqual(plain.stdout.trim().split(" ").sort());
    const plainStartup = await run([PYTHON, "-c", "import sys\nprint(' '.join(sorted(sys.modules)))"], dir);
    const startup = Object.keys(records).filter((name) => records[name]!.startup);
    expect(startup.sort()).toEqual(plainStartup.stdout.trim().split(" ").sort());
    for (const [name, record] of Object.entries(records)) {
      if (!record.startup) expect([name, record.by === null ? "unknown" : "known"]).toEqual([name, "known"]);
    }
  });

  test("a finder the package puts before ours: its modules are unknown, and the report says why", async () => {
    const dir = fixture({
      "acme/__init__.py": [
        "import sys, types",
        "class Virtual:",
        "    def find_spec(self, name, path=None, target=None):",
        "        if name == 'virtual_mod':",
        "            import importlib.machinery",
        "            return importlib.machinery.ModuleSpec(name, self)",
        "    def create_module(self, spec):",
        "        return None",
        "    def exec_module(self, module):",
        "        module.x = 1",
        "sys.meta_path.insert(0, Virtual())",
        "import virtual_mod",
        "import colorsys",
        "",
      ].join("\n"),
    });
    const result = await run(importersArgv(PYTHON, "import acme", dir), dir);
    const report = parseImportersReport(result.stdout)!;
    expect(report.warnings).toEqual(["the package put 1 finder(s) before the importers finder: modules they found have unknown importers"]);
    expect(report.modules["virtual_mod"]).toEqual({ by: null, file: null, line: null, code: null });
    // Our finder still sees the imports the package's finder declines.
    expect(report.modules["colorsys"]).toMatchObject({ by: "acme", line: 13 });
  });

  test("a failing statement still reports its importers, then exits 1 with the traceback", async () => {
    const dir = fixture({ "acme/__init__.py": "import colorsys\nraise RuntimeError('boom')\n" });
    const result = await run(importersArgv(PYTHON, "import acme", dir), dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("RuntimeError: boom");
    const report = parseImportersReport(result.stdout)!;
    expect(report.error).toBe("RuntimeError: boom");
    expect(report.python).toStartWith(VERSION);
    expect(report.modules["colorsys"]).toMatchObject({ by: "acme", line: 1 });
  });
});

describe("hotspots: the top-level lines behind a module's self time", () => {
  const SLOW = {
    // A failed import and a module that raises, both caught, before the slow parts: the
    // profiler's stack must stay in step through exceptions.
    "slowpkg/__init__.py": "try:\n    import slowpkg_missing\nexcept ImportError:\n    pass\ntry:\n    from . import broken\nexcept ValueError:\n    pass\nfrom . import probe\nfrom . import patterns\n",
    "slowpkg/broken.py": "import colorsys\nraise ValueError('no')\n",
    "slowpkg/probe.py": [
      "import time",
      "",
      "",
      "def get_info():",
      "    time.sleep(0.2)",
      "    return {}",
      "",
      "",
      "INFO = get_info()",
      "",
    ].join("\n"),
    "slowpkg/patterns.py": ["import re", "", "PATTERNS = []", "for i in range(40):", "    PATTERNS.append(re.compile('x%d(a|b)+c' % i))", ""].join("\n"),
  };

  test("a slow call on a known line: its name, line and duration; a call in a loop is counted", async () => {
    const dir = fixture(SLOW);
    const result = await run(hotspotsArgv(PYTHON, "import slowpkg", dir), dir);
    expect(result.code).toBe(0);
    const report = parseHotspotsReport(result.stdout)!;
    const spots = parseHotspots(result.stdout)!;
    const top = spots[0]!;
    expect(top).toMatchObject({ module: "slowpkg.probe", file: "slowpkg/probe.py", line: 9, call: "slowpkg.probe.get_info", count: 1, root: "tree" });
    expect(top.ms).toBeGreaterThan(200 * 0.8);
    // Within 20% of the sleep; on a busy machine the sleeper waits for a CPU after it wakes.
    expect(top.ms).toBeLessThan(200 * 1.2 * slowness());
    expect(top.module_self_ms!).toBeGreaterThanOrEqual(top.ms);
    expect(top.statement_ms!).toBeGreaterThanOrEqual(top.module_total_ms!);
    // (From the report: 40 compiles of short patterns take about a millisecond, and where the
    // standard library's own modules are imported by the statement they rank above it.)
    expect(report.modules["slowpkg.patterns"]).toMatchObject({ file: "slowpkg/patterns.py", root: "tree" });
    const loop = report.modules["slowpkg.patterns"]!.calls.find((c) => c.call === "re.compile");
    expect(loop).toMatchObject({ line: 5, count: 40 });
    // A bound C method in the same loop (3.12+ reports it as a new object at every event).
    const append = report.modules["slowpkg.patterns"]!.calls.find((c) => c.call === "list.append");
    expect(append).toMatchObject({ line: 5, count: 40 });
    expect(report.warnings).toEqual([]);
    expect(report.event_us).toBeGreaterThan(0);
    expect(report.raw_statement_ms).toBeGreaterThanOrEqual(report.statement_ms);
    // The package's own time: the probe module's self time (its 200 ms sleep) is the largest of
    // any module's. Not a share of the statement: on a busy machine the rest of the import (CPU
    // work) stretches and the sleep does not (0.48 of it beside two demo loops and the suite).
    const probe = report.modules["slowpkg.probe"]!;
    expect(probe.self_ms).toBeLessThanOrEqual(probe.total_ms);
    expect(probe.self_ms).toBeGreaterThanOrEqual(top.ms);
    const others = Object.entries(report.modules).filter(([name]) => name !== "slowpkg.probe").map(([, module]) => module.self_ms);
    expect(probe.self_ms).toBeGreaterThan(Math.max(...others));
    // The import statements are not calls: nested imports are subtracted, never listed.
    for (const spot of spots) expect(spot.call).not.toMatch(/__import__|_handle_fromlist|_find_and_load|import_module/);
    console.log(`hotspots (python ${VERSION}):\n${spots.map((s) => `  ${s.file}:${s.line ?? "-"} ${s.call} ×${s.count}  ${s.ms.toFixed(1)} ms (${((100 * s.ms) / s.statement_ms!).toFixed(0)}% of import slowpkg)`).join("\n")}`);
  });

  test("calls are named as Python spells them; imports inside a call are split out", async () => {
    const dir = fixture({
      "acme/__init__.py": [
        "import time",
        "from . import helpers",
        "",
        "class Config:",
        "    time.sleep(0.03)",
        "",
        "helpers.setup()",
        "time.sleep(0.02)",
        "",
      ].join("\n"),
      "acme/helpers.py": "import time\n\ndef setup():\n    import colorsys\n    time.sleep(0.01)\n",
    });
    const result = await run(hotspotsArgv(PYTHON, "import acme", dir), dir);
    const report = parseHotspotsReport(result.stdout)!;
    const calls = report.modules["acme"]!.calls;
    const byCall = Object.fromEntries(calls.map((c) => [c.call, c]));
    expect(byCall["class Config"]).toMatchObject({ line: 4, count: 1 });
    expect(byCall["class Config"]!.ms).toBeGreaterThan(25);
    expect(byCall["time.sleep"]).toMatchObject({ line: 8, count: 1 });
    expect(byCall["acme.helpers.setup"]).toMatchObject({ line: 7, count: 1 });
    expect(byCall["acme.helpers.setup"]!.ms).toBeGreaterThan(8);
    expect(byCall["acme.helpers.setup"]!.import_ms).toBeGreaterThan(0);
    const acme = report.modules["acme"]!;
    expect(acme.self_ms).toBeLessThan(acme.total_ms);
    expect(acme.self_ms).toBeGreaterThan(55);
  });
});

describe("hotspots: collections", () => {
  test("a collection's pause is its module's '(garbage collection)', not the cost of the line that allocated", async () => {
    const dir = fixture({
      "acme/__init__.py": "import gc\ngc.set_threshold(100, 10, 10)\nROWS = [[i] for i in range(200000)]\nNAMES = dict.fromkeys(str(i) for i in range(1000))\n",
    });
    const result = await run(hotspotsArgv(PYTHON, "import acme", dir), dir);
    const report = parseHotspotsReport(result.stdout)!;
    const acme = report.modules["acme"]!;
    const gc = acme.calls.find((c) => c.call === "(garbage collection)");
    expect(gc).toMatchObject({ line: null });
    expect(gc!.count).toBeGreaterThan(10);
    expect(gc!.ms).toBeGreaterThan(0);
    // Still one figure: the calls (collections included) and the module's own code make up its self time.
    const calls = acme.calls.reduce((sum, c) => sum + c.ms, 0);
    expect(calls).toBeLessThanOrEqual(acme.self_ms + 1e-6);
    expect(acme.body_ms).toBeCloseTo(acme.self_ms - calls, 3);
  });
});

describe("hotspots: what the profiler cannot see is said", () => {
  test("a package that removes a profiler (sys.setprofile) no longer blinds the run: it uses none", async () => {
    const dir = fixture({ "acme/__init__.py": "import sys, time\nsys.setprofile(None)\ntime.sleep(0.01)\n" });
    const result = await run(hotspotsArgv(PYTHON, "import acme; import colorsys", dir), dir);
    expect(result.code).toBe(0);
    const report = parseHotspotsReport(result.stdout)!;
    expect(report.warnings).toEqual([]);
    expect(report.modules["acme"]!.calls.find((c) => c.call === "time.sleep")).toMatchObject({ line: 3, count: 1 });
  });

  test("a package that replaces the run's own hooks", async () => {
    // 3.12+: the sys.monitoring tool's events; before: the wrapped importlib._bootstrap._find_and_load.
    const replace = Number(VERSION.split(".")[1]) >= 12
      ? "import sys\nsys.monitoring.set_events(sys.monitoring.PROFILER_ID, 0)\n"
      : "import importlib._bootstrap as b\norig = b._find_and_load\nb._find_and_load = lambda name, import_: orig(name, import_)\n";
    const dir = fixture({ "acme/__init__.py": replace });
    const result = await run(hotspotsArgv(PYTHON, "import acme; import colorsys", dir), dir);
    expect(result.code).toBe(0);
    const report = parseHotspotsReport(result.stdout)!;
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toStartWith("the package replaced or removed the hooks of the hotspots run (");
    expect(report.modules["acme"]).toBeDefined();
  });

  test("source instrumentation (before 3.12) stops at its compile budget and says so", async () => {
    if (Number(VERSION.split(".")[1]) >= 12) return; // sys.monitoring compiles nothing
    const dir = fixture({ "acme/__init__.py": "import time\nfrom . import late\ntime.sleep(0.01)\n", "acme/late.py": "import time\ntime.sleep(0.01)\n" });
    process.env.COLDSTART_HOTSPOTS_COMPILE_S = "0";
    try {
      const result = await run(hotspotsArgv(PYTHON, "import acme", dir), dir);
      const report = parseHotspotsReport(result.stdout)!;
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^\d+ modules imported after 0 s of compiling were not instrumented: their calls are not timed$/);
      // Their imports are still timed.
      expect(report.modules["acme.late"]!.total_ms).toBeGreaterThan(8);
      expect(report.modules["acme.late"]!.calls).toEqual([]);
    } finally {
      delete process.env.COLDSTART_HOTSPOTS_COMPILE_S;
    }
  });

  test("the statement's own calls belong to the pseudo-module __coldstart__", async () => {
    const dir = fixture({ "acme/__init__.py": "import time\ndef main():\n    time.sleep(0.05)\n" });
    const spots = parseHotspots((await run(hotspotsArgv(PYTHON, "import acme\nacme.main()", dir), dir)).stdout)!;
    expect(spots[0]).toMatchObject({ module: "__coldstart__", file: null, line: 2, call: "acme.main", count: 1, root: "statement" });
  });
});

describe("the output channel", () => {
  const HOSTILE: Record<string, string> = {
    "closes sys.stdout": "import sys\nprint('partial line without newline', end='')\nsys.stdout.close()\nimport colorsys\n",
    "replaces sys.stdout": "import sys, io\nsys.stdout = io.StringIO()\nsys.__stdout__ = None\nimport colorsys\n",
    "closes file descriptor 1": "import os, sys\nsys.stdout.flush()\nos.close(1)\nimport colorsys\n",
    "points fd 1 at /dev/null": "import os\nfd = os.open(os.devnull, os.O_WRONLY)\nos.dup2(fd, 1)\nimport colorsys\n",
    "prints a fake result line": `print('${WHY_MARKER}{"modules": "fake"')\nimport colorsys\n`,
    "prints a marker line at exit, after ours": `import atexit\natexit.register(print, '${WHY_MARKER}{"modules": [1]}')\nimport colorsys\n`,
  };

  test.each(Object.keys(HOSTILE))("both runs survive a package that %s", async (name) => {
    const dir = fixture({ "hostile/__init__.py": HOSTILE[name]! });
    const imp = await run(importersArgv(PYTHON, "import hostile", dir), dir);
    expect(imp.stderr).not.toContain("Traceback");
    expect(imp.code).toBe(0);
    expect(parseImporters(imp.stdout)!["colorsys"]).toMatchObject({ by: "hostile", file: "hostile/__init__.py" });
    const hot = await run(hotspotsArgv(PYTHON, "import hostile", dir), dir);
    expect(hot.code).toBe(0);
    expect(parseHotspotsReport(hot.stdout)!.modules["hostile"]).toBeDefined();
  });


});

describe("cost of the hotspot run", () => {
  test("against a plain import of a larger standard-library set", async () => {
    const dir = fixture({});
    const statement = "import email.parser, asyncio, http.client, json, argparse";
    const plain = [PYTHON, "-c", `import time\nt = time.perf_counter()\n${statement}\nprint('@@plain', (time.perf_counter() - t) * 1000)`];
    const rounds = 7;
    const wall = { plain: [] as number[], importers: [] as number[], hotspots: [] as number[] };
    const inside = { plain: [] as number[], hotspots: [] as number[], raw: [] as number[] };
    await run(plain, dir); // warm the bytecode cache
    for (let i = 0; i < rounds; i += 1) {
      const p = await run(plain, dir);
      wall.plain.push(p.wallMs);
      inside.plain.push(Number(/@@plain (\S+)/.exec(p.stdout)![1]));
      wall.importers.push((await run(importersArgv(PYTHON, statement, dir), dir)).wallMs);
      const h = await run(hotspotsArgv(PYTHON, statement, dir), dir);
      wall.hotspots.push(h.wallMs);
      const report = parseHotspotsReport(h.stdout)!;
      inside.hotspots.push(report.statement_ms);
      inside.raw.push(report.raw_statement_ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = {
      plainWall: median(wall.plain),
      importersWall: median(wall.importers),
      hotspotsWall: median(wall.hotspots),
      plainImport: median(inside.plain),
      hotspotsImport: median(inside.hotspots),
      rawImport: median(inside.raw),
    };
    console.log(
      [
        `cost of the why runs, python ${VERSION}, "${statement}", median of ${rounds}:`,
        `  import time: plain ${m.plainImport.toFixed(1)} ms; under the profiler ${m.rawImport.toFixed(1)} ms (×${(m.rawImport / m.plainImport).toFixed(2)}), reported after the overhead correction ${m.hotspotsImport.toFixed(1)} ms (×${(m.hotspotsImport / m.plainImport).toFixed(2)})`,
        `  process wall: plain ${m.plainWall.toFixed(1)} ms, importers run ${m.importersWall.toFixed(1)} ms (×${(m.importersWall / m.plainWall).toFixed(2)}), hotspots run ${m.hotspotsWall.toFixed(1)} ms (×${(m.hotspotsWall / m.plainWall).toFixed(2)})`,
      ].join("\n"),
    );
    expect(m.hotspotsImport / m.plainImport).toBeLessThan(10);
    expect(m.importersWall / m.plainWall).toBeLessThan(3);
  });
});
