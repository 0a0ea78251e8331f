/**
 * "Why is it slow" without a process: import chains and their formatting, package kinds,
 * the module-diff lines, and the why programs' argv. Real interpreters: test/e2e/why.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { chainComplete, type ChainLink, importChain, packageChain, packageKind } from "../../scripts/lib/compare/why.ts";
import { formatChain, moduleDiffLines, packageLines } from "../../scripts/lib/render/why.ts";
import { HOTSPOTS, IMPORTERS, WHY_MARKER, hotspotsArgv, importersArgv, parseHotspots, parseImporters } from "../../scripts/lib/measure/why.ts";
import type { ImporterRecord } from "../../scripts/lib/result/schema.ts";

describe("the why programs", () => {
  test("the programs are plain -c code: no file is read from disk", () => {
    expect(importersArgv("/usr/bin/python3", "import a", "/t")).toEqual(["/usr/bin/python3", "-c", IMPORTERS, "import a", "/t"]);
    expect(hotspotsArgv("py", "import a", ["/t", "/t/src"])).toEqual(["py", "-c", HOTSPOTS, "import a", "/t", "/t/src"]);
    expect(parseImporters("no marker here")).toBeNull();
    expect(parseHotspots(`${WHY_MARKER}{truncated`)).toBeNull();
  });});

describe("chains, formatting and module-diff lines", () => {
  const R = (by: string | null, file: string | null, line: number | null, code: string | null, extra: Partial<ImporterRecord> = {}): ImporterRecord => ({ by, file, line, code, ...extra });
  const records: Record<string, ImporterRecord> = {
    acme: R("__coldstart__", null, 1, "import acme", { root: "statement", kind: "first-party" }),
    "acme.cli": R("acme", "acme/__init__.py", 2, "from .cli import ssh", { kind: "first-party" }),
    "acme.cli.ssh": R("acme", "acme/__init__.py", 2, "from .cli import ssh", { kind: "first-party" }),
    paramiko: R("acme.cli.ssh", "acme/cli/ssh.py", 3, "import paramiko", { kind: "third-party" }),
    "paramiko.client": R("paramiko", "paramiko/__init__.py", 22, "from paramiko.client import SSHClient", { kind: "third-party" }),
    _blake2: R("hashlib", "hashlib.py", 60, "import _blake2", { kind: "stdlib" }),
    hashlib: R("paramiko.client", "paramiko/client.py", 9, "import hashlib", { kind: "stdlib" }),
    _ast: R("ast", "ast.py", 28, "from _ast import *", { kind: "stdlib" }),
    ast: R("acme", "acme/__init__.py", 5, "import ast", { kind: "stdlib" }),
    email: R("acme", "acme/__init__.py", 6, "import email.parser", { kind: "stdlib" }),
    "email.parser": R("acme", "acme/__init__.py", 6, "import email.parser", { kind: "stdlib" }),
    os: R(null, null, null, null, { startup: true, kind: "stdlib" }),
    "encodings.idna": R("encodings", "encodings/__init__.py", 99, null, { function: "search_function" }),
    encodings: R(null, null, null, null, { startup: true }),
    loop_a: R("loop_b", "a.py", 1, "import loop_b"),
    loop_b: R("loop_a", "b.py", 1, "import loop_a"),
    orphan: R("__main__", "<stdin>", 1, "import orphan"),
  };

  test("importChain walks to the statement, stops at start-up, unknown importers and cycles", () => {
    expect(importChain(records, "hashlib").map((l) => l.module)).toEqual(["acme", "acme.cli.ssh", "paramiko", "paramiko.client", "hashlib"]);
    expect(formatChain(importChain(records, "hashlib"))).toBe(
      "import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:3 import paramiko → paramiko/__init__.py:22 from paramiko.client import SSHClient → paramiko/client.py:9 import hashlib",
    );
    expect(importChain(records, "nothing")).toEqual([]);
    expect(formatChain(importChain(records, "encodings.idna"))).toBe(
      "encodings (loaded at interpreter start-up) → encodings/__init__.py:99 (no source line) (in search_function())",
    );
    const cycle = importChain(records, "loop_a");
    expect(cycle.map((l) => l.module)).toEqual(["loop_b", "loop_a"]);
    expect(chainComplete(cycle)).toBe(false);
    expect(formatChain(importChain(records, "orphan"))).toBe("(imported by __main__, not recorded) → <stdin>:1 import orphan");
    expect(formatChain(importChain(records, "paramiko"), { arrow: "\n  ← " }).split("\n")).toHaveLength(3);
    expect(formatChain(importChain(records, "hashlib"), { maxLinks: 3 })).toBe(
      "import acme → … 2 more … → paramiko/__init__.py:22 from paramiko.client import SSHClient → paramiko/client.py:9 import hashlib",
    );
  });

  test("package kinds and chains come from the records of the side that loaded them", () => {
    expect(packageKind(records, "paramiko")).toBe("third-party");
    expect(packageKind(records, "encodings")).toBe("unknown");
    expect(packageKind(undefined, "paramiko")).toBe("unknown");
    const chain: ChainLink[] = packageChain(records, "email");
    expect(chain.at(-1)!.module).toBe("email");
  });

  test("one-module standard-library packages fold into one line; the others are listed with their chain", () => {
    const lines = moduleDiffLines(
      [
        { package: "paramiko", modules: 42 },
        { package: "email", modules: 20 },
        { package: "_blake2", modules: 1 },
        { package: "_ast", modules: 1 },
        { package: "ast", modules: 1 },
        { package: "mystery", modules: 2 },
      ],
      [{ package: "hashlib", modules: 1 }],
      { candidate: records, baseline: records },
    );
    expect(lines).toEqual([
      "+ paramiko (42 modules, third-party): import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:3 import paramiko",
      "+ mystery (2 modules)",
      "+ email (20 modules, standard library): import acme → acme/__init__.py:6 import email.parser",
      "+ 3 standard-library modules: _ast, _blake2, ast",
      "− 1 standard-library module: hashlib",
    ]);
    const many = packageLines(
      "−",
      Array.from({ length: 41 }, (_, i) => ({ package: `_m${String(i).padStart(2, "0")}`, modules: 1, kind: "stdlib" as const })),
      { maxNames: 3 },
    );
    expect(many).toEqual(["− 41 standard-library modules: _m00, _m01, _m02, …"]);
    expect(packageLines("+", [{ package: "acme", modules: 3, kind: "first-party" }])).toEqual(["+ acme (3 modules, first-party)"]);
  });
});
