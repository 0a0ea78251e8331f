/**
 * --apply's verification on the real python3: a candidate whose deferral changes what the
 * workload prints or returns, or breaks the check command, is dropped with the reason; the
 * others stay. Top N; eager work from the hotspots run.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { advise, applyCandidates, eagerWork, runHotspots } from "../../scripts/lib/advise/index.ts";
import type { AdviseRuntime } from "../../scripts/lib/advise/model.ts";
import { addWorktree, cleanupWorktrees } from "../../scripts/lib/git/worktrees.ts";
import { runtimeFor } from "../support/advise-helpers.ts";
import { gitRepo, sh, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(600_000);
afterAll(() => cleanupWorktrees());

/**
 * `plugins` registers a builtin (no code of its own runs when the workload uses it) and
 * `banner` prints at import: deferring either changes the workload's result. `tables`
 * imports csv (kept movable and harmless), `stats` imports statistics.
 */
const PACKAGE = {
  "svc/__init__.py": "from . import core\nfrom . import plugins\nfrom . import banner\nfrom . import tables\nfrom . import stats\n",
  "svc/core.py": "REGISTRY = {}\n\n\ndef dispatch(name, value):\n    return REGISTRY[name](value)\n",
  "svc/plugins.py": "import wave\nfrom . import core\n\ncore.REGISTRY['upper'] = str.upper\n",
  "svc/banner.py": "import quopri\n\nprint('svc ready')\n",
  "svc/tables.py": "import csv\n\n\ndef rows(text):\n    return list(csv.reader(text.splitlines()))\n",
  "svc/stats.py": "import statistics\n\n\ndef mean(xs):\n    return statistics.mean(xs)\n",
};
const WORKLOAD = { source: "print(svc.core.dispatch('upper', 'ok'))", filename: "<workload>", label: "dispatch" };

async function trees(): Promise<{ original: AdviseRuntime; patched: AdviseRuntime }> {
  const repo = gitRepo(PACKAGE);
  const head = sh(repo, ["git", "rev-parse", "HEAD"]).stdout.trim();
  return { original: await runtimeFor(addWorktree(repo, head, "original")), patched: await runtimeFor(addWorktree(repo, head, "patched")) };
}

describe("apply drops what does not verify", () => {
  test("a changed result, a changed output, a failing check: each dropped with its reason; the rest applied", async () => {
    const { original, patched } = await trees();
    const result = await advise({ runtime: original, statement: "import svc", workload: WORKLOAD, blockedRuns: 0, importtimeRuns: 1, hotspots: null });
    const lines = result.advice.candidates.map((c) => `${c.file}:${c.line} ${c.form} ${c.movable}`).sort();
    expect(lines).toEqual([
      "svc/__init__.py:2 getattr true",
      "svc/__init__.py:3 getattr true",
      "svc/__init__.py:4 getattr true",
      "svc/__init__.py:5 getattr true",
      "svc/banner.py:1 function true",
      "svc/plugins.py:1 function true",
      "svc/stats.py:1 function true",
      "svc/tables.py:1 function true",
    ]);
    const python = original.tree.python.executable;
    const check = `"${python}" -c "import sys, svc; assert 'statistics' in sys.modules, 'statistics is gone'"`;
    const applied = await applyCandidates({ plans: result.plans, original, patched, statement: "import svc", workload: WORKLOAD, baseline: result.baseline, check });
    const reasons = Object.fromEntries(applied.dropped.map((d) => [`${d.plan.candidate.file}:${d.plan.candidate.line}`, d.reason]));
    expect(reasons["svc/__init__.py:2"]).toMatch(/^exit status 0 became 1: KeyError: 'upper'/);
    expect(reasons["svc/__init__.py:3"]).toBe("the workload's output changed (13 bytes before, 3 after)");
    expect(reasons["svc/__init__.py:5"]).toMatch(/^--check fails on the patched tree \(exit 1\): AssertionError: statistics is gone$/);
    expect(reasons["svc/stats.py:1"]).toMatch(/^--check fails on the patched tree/);
    const kept = applied.applied.map((plan) => `${plan.candidate.file}:${plan.candidate.line}`).sort();
    expect(kept).toEqual(["svc/__init__.py:4", "svc/banner.py:1", "svc/plugins.py:1", "svc/tables.py:1"]);
    for (const candidate of result.advice.candidates) {
      expect(candidate.applied).toBe(kept.includes(`${candidate.file}:${candidate.line}`));
      if (!candidate.applied) expect(candidate.appliedReason).toBe(reasons[`${candidate.file}:${candidate.line}`]);
    }
    // The scratch tree holds the verified set, and only it.
    const init = readFileSync(join(patched.tree.dir, "svc/__init__.py"), "utf8");
    expect(init).toStartWith("from . import core\nfrom . import plugins\nfrom . import banner\nTYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing\nif TYPE_CHECKING:\n    from . import tables\nfrom . import stats\n\n\n");
    expect(init).toContain('    "tables": (".tables", None),\n}\n');
    expect(readFileSync(join(patched.tree.dir, "svc/stats.py"), "utf8")).toBe(PACKAGE["svc/stats.py"]);
    expect(applied.patch).toContain("--- a/svc/tables.py\n");
    expect(applied.patch).not.toContain("stats.py");
  });

  test("top N: only the largest predicted are tried; the others say so", async () => {
    const { original, patched } = await trees();
    const result = await advise({ runtime: original, statement: "import svc", workload: WORKLOAD, blockedRuns: 0, importtimeRuns: 1, hotspots: null });
    const applied = await applyCandidates({ plans: result.plans, original, patched, statement: "import svc", workload: WORKLOAD, baseline: result.baseline, top: 1 });
    const first = result.plans.find((plan) => plan.candidate.movable)!;
    expect(applied.applied.length + applied.dropped.length).toBe(1);
    expect([...applied.applied, ...applied.dropped.map((d) => d.plan)][0]).toBe(first);
    const others = result.advice.candidates.filter((c) => c !== first.candidate);
    for (const candidate of others) expect(candidate).toMatchObject({ applied: false, appliedReason: "beyond the top 1 applied" });
  });
});

describe("apply with an unstable output or a check that fails anyway", () => {
  test("output that differs run to run is compared by exit status; a check failing on the original is bad input", async () => {
    const { original, patched } = await trees();
    const workload = { source: "import time\nprint(svc.core.dispatch('upper', 'ok'), time.perf_counter())", filename: "<workload>", label: "timed" };
    const result = await advise({ runtime: original, statement: "import svc", workload, blockedRuns: 0, importtimeRuns: 1, hotspots: null });
    const tables = result.plans.filter((plan) => plan.candidate.file === "svc/tables.py");
    const applied = await applyCandidates({ plans: tables, original, patched, statement: "import svc", workload, baseline: result.baseline });
    expect(applied.outputUnstable).toBe(true);
    expect(applied.applied).toEqual(tables);
    // A check that fails before any change could not tell whether a change broke something.
    await expect(applyCandidates({ plans: tables, original, patched, statement: "import svc", workload, baseline: result.baseline, check: "exit 1" }))
      .rejects.toThrow(/--check fails on the unchanged tree \(exit 1\)/);
  });
});

describe("eager work", () => {
  test("a top-level call of the package costing more than 5% of the import is listed with file, line and ms", async () => {
    const dir = writeTree(tempDir(), {
      "slow/__init__.py": "from .tables import TABLE\n",
      "slow/tables.py": "import time\n\n\ndef build():\n    time.sleep(0.3)\n    return {}\n\n\nTABLE = build()\nSMALL = len('x')\n",
    });
    const runtime = await runtimeFor(dir);
    const report = await runHotspots(runtime, "import slow");
    expect(report).not.toBeNull();
    const work = eagerWork(report!, { own: (module) => module === "slow" || module.startsWith("slow.") });
    expect(work).toEqual([{ file: "slow/tables.py", line: 9, call: "slow.tables.build", ms: expect.any(Number), module: "slow.tables", share: expect.any(Number) }]);
    expect(work[0]!.share).toBeGreaterThan(0.5);
    expect(eagerWork(report!, { own: (module) => module === "other" })).toEqual([]);
    expect(eagerWork(report!, { own: () => true, importMs: 1 })[0]!.ms).toBe(1);
  });
});
