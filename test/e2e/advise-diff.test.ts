/** Unified diffs of rewritten files: exact hunks, and `git apply` accepts them on the original tree. */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { patchOf, unifiedDiff } from "../../scripts/lib/advise/diff.ts";
import { gitRepo, sh } from "../helpers.ts";

describe("unified diff", () => {
  test("no change, no diff", () => {
    expect(unifiedDiff("a.py", "x\n", "x\n")).toBe("");
  });

  test("a removed line and an inserted one, with three lines of context", () => {
    const before = ["import csv", "import io", "", "", "def f():", '    """Doc."""', "    return csv.x", ""].join("\n");
    const after = ["import io", "", "", "def f():", '    """Doc."""', "    import csv", "    return csv.x", ""].join("\n");
    expect(unifiedDiff("pkg/r.py", before, after)).toBe(
      [
        "diff --git a/pkg/r.py b/pkg/r.py",
        "--- a/pkg/r.py",
        "+++ b/pkg/r.py",
        "@@ -1,7 +1,7 @@",
        "-import csv",
        " import io",
        " ",
        " ",
        " def f():",
        '     """Doc."""',
        "+    import csv",
        "     return csv.x",
        "",
      ].join("\n"),
    );
  });

  test("far-apart changes make separate hunks; a file without a final newline is marked", () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...lines];
    after[1] = "changed 2";
    after[18] = "changed 19";
    const diff = unifiedDiff("f.txt", lines.join("\n"), after.join("\n"));
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(["@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@"]);
    expect(diff.endsWith(" line 20\n\\ No newline at end of file\n")).toBe(true);
  });

  test("patches apply with git apply on the original tree (several files, CRLF, a new final newline, a target in a subfolder)", () => {
    const files: Record<string, string> = {
      "sub/pkg/__init__.py": "from .a import x\nfrom .b import y\n\n__all__ = ['x', 'y']\n",
      "sub/pkg/win.py": "import csv\r\n\r\ndef f():\r\n    return csv\r\n",
      "sub/pkg/tail.py": "import json\nVALUE = 1",
    };
    const repo = gitRepo(files);
    const rewritten = [
      { file: "pkg/__init__.py", before: files["sub/pkg/__init__.py"]!, after: "from .a import x\n\n__all__ = ['x', 'y']\n\n\ndef __getattr__(name):\n    pass\n" },
      { file: "pkg/win.py", before: files["sub/pkg/win.py"]!, after: "\r\ndef f():\r\n    import csv\r\n    return csv\r\n" },
      { file: "pkg/tail.py", before: files["sub/pkg/tail.py"]!, after: "VALUE = 1\n" },
    ];
    const patch = patchOf(rewritten, "sub/");
    writeFileSync(join(repo, "defer.patch"), patch);
    expect(sh(repo, ["git", "apply", "--check", "defer.patch"])).toMatchObject({ code: 0, stderr: "" });
    expect(sh(repo, ["git", "apply", "defer.patch"]).code).toBe(0);
    for (const file of rewritten) expect(readFileSync(join(repo, "sub", file.file), "utf8")).toBe(file.after);
  });
});
