/**
 * The acceptance fixture (test/fixtures/advise/service): a service whose `__init__.py`
 * eagerly imports a reporting module (heavy standard-library modules used inside one
 * function) and an admin module whose class derives from http.server's, with a workload
 * that uses neither. Advise, then apply in a second worktree, on the real python3; the
 * user's tree is never touched. No time is asserted: memory (VmHWM) is.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { advise, applyCandidates, findCandidates, predictPatch, profileUsage, type AdviseResult } from "../../scripts/lib/advise/index.ts";
import { runWorkload } from "../../scripts/lib/advise/workload.ts";
import { addWorktree, cleanupWorktrees } from "../../scripts/lib/git/worktrees.ts";
import { runProcess } from "../../scripts/lib/measure/executor.ts";
import { HARNESS, parseHarnessOutput } from "../../scripts/lib/measure/harness.ts";
import { UserError } from "../../scripts/lib/errors.ts";
import { median } from "../../scripts/lib/stats/describe.ts";
import type { AdviseRuntime } from "../../scripts/lib/advise/model.ts";
import { runtimeFor } from "../support/advise-helpers.ts";
import { ROOT, gitRepo, sh } from "../helpers.ts";

setDefaultTimeout(600_000);
afterAll(() => cleanupWorktrees());

const FIXTURE = join(ROOT, "test", "fixtures", "advise", "service");
const STATEMENT = "import acme";
const WORKLOAD = { source: "print(acme.handle({'id': 7}))", filename: "<workload>", label: "print(acme.handle({'id': 7}))" };

function fixtureRepo(): string {
  const repo = gitRepo({ "README.md": "service\n" });
  cpSync(FIXTURE, repo, { recursive: true });
  sh(repo, ["git", "add", "-A"]);
  sh(repo, ["git", "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "service"]);
  return repo;
}

/** Median peak memory (MB) of `import acme` in each tree, the two run back to back in every round. */
async function peakMemory(trees: AdviseRuntime[], rounds = 5): Promise<number[]> {
  const samples: number[][] = trees.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, runtime] of trees.entries()) {
      const run = await runProcess([runtime.tree.python.executable, "-c", HARNESS, STATEMENT, ""], {
        cwd: runtime.tree.dir, env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache }, timeoutMs: runtime.timeoutMs,
      });
      samples[index]!.push(parseHarnessOutput(run.channel)!.quantities.rss_mb!);
    }
  }
  return samples.map((values) => median(values));
}

describe("advise and apply on the acceptance fixture", () => {
  const repo = fixtureRepo();
  const head = sh(repo, ["git", "rev-parse", "HEAD"]).stdout.trim();
  let original: AdviseRuntime;
  let result: AdviseResult;

  test("advise names the reporting statements with their modules, marks the base class case, names nothing the workload used", async () => {
    original = await runtimeFor(addWorktree(repo, head, "original"));
    result = await advise({ runtime: original, statement: STATEMENT, workload: WORKLOAD, packages: ["acme"], importtimeRuns: 2, blockedRuns: 3 });
    const { advice } = result;
    expect(advice.workload).toEqual({ statement: WORKLOAD.label, ok: true, ms: expect.any(Number) });
    const at = (file: string, line: number) => advice.candidates.find((c) => c.file === file && c.line === line)!;

    const report = at("acme/__init__.py", 7);
    expect(report).toMatchObject({ code: "from .reporting import render_report", form: "getattr", movable: true, module: "acme", msSource: "importtime", mbSource: "blocked-run" });
    expect(report.modules).toEqual(expect.arrayContaining(["acme.reporting", "csv", "sqlite3", "statistics", "xml.dom.minidom", "decimal"]));
    expect(report.packages).toEqual(expect.arrayContaining(["acme", "csv", "decimal", "sqlite3", "statistics", "xml"]));
    expect(report.predictedMs).toBeGreaterThan(0);
    expect(report.predictedMb).toBeGreaterThan(0);
    expect(report.share).toBeGreaterThan(0);
    expect(report.blockedMs).toEqual(expect.any(Number));
    expect(report.blockedSpreadMs).toBeGreaterThanOrEqual(0);
    for (const [line, code, module] of [[2, "import csv", "csv"], [4, "import sqlite3", "sqlite3"], [5, "import statistics", "statistics"], [6, "import xml.dom.minidom", "xml.dom.minidom"]] as const) {
      expect(at("acme/reporting.py", line)).toMatchObject({ code, form: "function", movable: true, within: { file: "acme/__init__.py", line: 7 } });
      expect(at("acme/reporting.py", line).modules).toContain(module);
      expect(at("acme/reporting.py", line).reason).toBe("used only inside functions: the import moves into render_report()");
    }

    const base = at("acme/admin.py", 2);
    expect(base).toMatchObject({ code: "import http.server", movable: false, form: "none", suggestion: { file: "acme/__init__.py", line: 8, code: "from .admin import AdminConsole", form: "getattr" } });
    expect(base.reason).toBe(
      "not movable: `http` is used in the base classes of AdminConsole (line 5); defer `from .admin import AdminConsole` (acme/__init__.py:8) instead, with a module __getattr__ (PEP 562)",
    );
    expect(at("acme/__init__.py", 8)).toMatchObject({ form: "getattr", movable: true });
    expect(base.modules).toEqual(expect.arrayContaining(["http.server", "socketserver"]));

    // Nothing the workload used is named; what it used is why the core import stays.
    const used = new Set([...result.profile.ran, ...result.profile.imported]);
    expect(used.has("acme.core") && used.has("json")).toBe(true);
    for (const candidate of advice.candidates) for (const name of candidate.modules) expect(used.has(name)).toBe(false);
    expect(advice.candidates.some((c) => c.modules.includes("json"))).toBe(false);
    expect(result.kept).toContainEqual({ file: "acme/__init__.py", line: 6, module: "acme", used: expect.arrayContaining(["acme.core", "json"]) });
    // Largest first.
    const ms = advice.candidates.map((c) => c.predictedMs);
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
    expect(Array.isArray(advice.eagerWork)).toBe(true);
  });

  test("apply: the patch applies on the ref, the workload's output is unchanged, the check passes, memory as predicted; the user's tree untouched", async () => {
    const patched = await runtimeFor(addWorktree(repo, head, "patched"));
    const check = `"${original.tree.python.executable}" -c "import acme; print(acme.render_report([[1, 2], [3, 4]]))"`;
    const applied = await applyCandidates({ plans: result.plans, original, patched, statement: STATEMENT, workload: WORKLOAD, baseline: result.baseline, check });
    expect(applied.dropped).toEqual([]);
    expect(applied.applied.map((plan) => `${plan.candidate.file}:${plan.candidate.line}`).sort()).toEqual(
      ["acme/__init__.py:7", "acme/__init__.py:8", "acme/reporting.py:2", "acme/reporting.py:4", "acme/reporting.py:5", "acme/reporting.py:6"],
    );
    expect(result.advice.candidates.find((c) => c.file === "acme/admin.py")).toMatchObject({ applied: false, appliedReason: "not movable" });
    expect(applied.check.original).toMatchObject({ ok: true, tail: expect.stringMatching(/3,4\|10\|2$/) });
    expect(applied.check.patched).toMatchObject({ ok: true, tail: expect.stringMatching(/3,4\|10\|2$/) });

    writeFileSync(join(repo, "defer.patch"), applied.patch);
    expect(sh(repo, ["git", "apply", "--check", "defer.patch"])).toMatchObject({ code: 0, stderr: "" });
    const after = await runWorkload(patched, STATEMENT, WORKLOAD);
    expect(after.stdout.sha256).toBe(result.baseline.stdout.sha256);
    expect(after.stdout.head).toBe('{"event": {"id": 7}, "ok": true}\n');

    const predicted = await predictPatch(result, applied.applied, { runtime: original, statement: STATEMENT, runs: 3 });
    expect(predicted.mbSource).toBe("blocked-run");
    const [before, now] = await peakMemory([original, patched]);
    const measured = before! - now!;
    expect(measured).toBeGreaterThan(0);
    expect(Math.abs(measured - predicted.predictedMb!) / predicted.predictedMb!).toBeLessThan(0.3);

    expect(sh(repo, ["git", "status", "--porcelain"]).stdout).toBe("?? defer.patch\n");
    expect(readFileSync(join(repo, "acme", "__init__.py"), "utf8")).toBe(readFileSync(join(FIXTURE, "acme", "__init__.py"), "utf8"));
    expect(sh(original.tree.dir, ["git", "status", "--porcelain"]).stdout).toBe("");
  });
});

describe("bad inputs: one clear outcome each, the tree untouched", () => {
  test("a workload that fails on the unchanged tree stops advise with one line (exit 2)", async () => {
    const runtime = await runtimeFor(fixtureRepo());
    const failing = advise({ runtime, statement: STATEMENT, workload: { source: "acme.handle()", filename: "<workload>", label: "x" } });
    expect(failing).rejects.toBeInstanceOf(UserError);
    expect(failing).rejects.toThrow(/^the workload failed \(exit 1\): TypeError: .*handle\(\) missing 1 required positional argument: 'event' \(<workload>:1\) \(on the unchanged tree\); a workload must pass there first$/);
  });

  test("a target with no package of its own", async () => {
    const runtime = await runtimeFor(fixtureRepo());
    const workload = { source: "json.dumps(1)", filename: "<workload>", label: "json.dumps(1)" };
    const profile = await profileUsage(runtime, "import json", workload);
    const none = findCandidates({ runtime, statement: "import json", profile, importtime: [] });
    expect(none).rejects.toThrow(`\`import json\` loads no module from the target's own files (${runtime.tree.dir}): there is no package of its own to advise on`);
  });

  test("a candidate in a file with a syntax error is not movable, and says why", async () => {
    const repo = fixtureRepo();
    const runtime = await runtimeFor(repo);
    const profile = await profileUsage(runtime, STATEMENT, WORKLOAD);
    appendFileSync(join(repo, "acme", "reporting.py"), "\ndef broken(:\n");
    const set = await findCandidates({ runtime, statement: STATEMENT, profile, importtime: [], packages: ["acme"] });
    const inReporting = set.candidates.filter((c) => c.file === "acme/reporting.py");
    expect(inReporting.length).toBe(4);
    for (const candidate of inReporting) {
      expect(candidate).toMatchObject({ movable: false, form: "none" });
      expect(candidate.reason).toMatch(/^not movable: the file does not parse: SyntaxError: .* \(line 23\); defer `from \.reporting import render_report` \(acme\/__init__\.py:7\) instead, with a module __getattr__ \(PEP 562\)$/);
    }
    expect(set.candidates.find((c) => c.file === "acme/__init__.py" && c.line === 7)).toMatchObject({ movable: true });
  });
});
