/**
 * The workload run (py-run.ts) and its bad inputs, on the real python3: each gives one
 * clear outcome — a one-line error of the right kind, exit 2 on the unchanged tree.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { UserError } from "../../scripts/lib/errors.ts";
import { describeRun, loadWorkload, requireWorkload, runCheck, runDifference, runWorkload } from "../../scripts/lib/advise/workload.ts";
import type { Workload } from "../../scripts/lib/advise/model.ts";
import { runtimeFor } from "../support/advise-helpers.ts";
import { alive, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(120_000);

const inline = (source: string): Workload => ({ source, filename: "<workload>", label: source });

async function tree() {
  const dir = writeTree(tempDir(), { "acme/__init__.py": "def hello(name):\n    return 'hello ' + name\n" });
  return runtimeFor(dir, "python3", 20_000);
}

/** The one-line error requireWorkload throws for a run (with its exit code). */
function refusal(run: Parameters<typeof requireWorkload>[0]): { message: string; exitCode: number } {
  try {
    requireWorkload(run);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return { message: (error as UserError).message, exitCode: (error as UserError).exitCode };
  }
  throw new Error("requireWorkload accepted the run");
}

describe("workload runs", () => {
  test("a workload that works: its output, exit status and times", async () => {
    const runtime = await tree();
    const run = await runWorkload(runtime, "import acme", inline("print(acme.hello('you'))"));
    expect(run).toMatchObject({ ok: true, phase: null, error: null, status: 0, exited: false, noExit: false });
    expect(run.stdout).toMatchObject({ bytes: 10, head: "hello you\n", sha256: createHash("sha256").update("hello you\n").digest("hex") });
    expect(run.importMs).toBeGreaterThan(0);
    expect(run.workloadMs).toBeGreaterThanOrEqual(0);
    expect(() => requireWorkload(run)).not.toThrow();
  });

  test("a workload that raises: one line with the error and its line, exit 2", async () => {
    const runtime = await tree();
    const run = await runWorkload(runtime, "import acme", inline("x = 1\nacme.hello(x)"));
    expect(run).toMatchObject({ ok: false, phase: "workload", status: 1 });
    expect(run.stderr.tail).toContain("Traceback");
    const { message, exitCode } = refusal(run);
    expect(exitCode).toBe(2);
    expect(message).toMatch(/^the workload failed \(exit 1\): TypeError: .* \(<workload>:2\) \(on the unchanged tree\); a workload must pass there first$/);
  });

  test("a workload that hangs is killed at the timeout", async () => {
    const runtime = await tree();
    const run = await runWorkload(runtime, "import acme", inline("import time\ntime.sleep(120)"), 1_500);
    expect(run).toMatchObject({ ok: false, phase: "timeout", error: "did not finish within 1.5s; killed" });
    expect(refusal(run).message).toBe("the workload did not finish within 1.5s; killed (on the unchanged tree); a workload must pass there first");
  });

  test("sys.exit(0) ends the workload normally; another status is a failure", async () => {
    const runtime = await tree();
    const zero = await runWorkload(runtime, "import acme", inline("import sys\nprint('done')\nsys.exit(0)\nprint('never')"));
    expect(zero).toMatchObject({ ok: true, exited: true, status: 0, phase: "workload" });
    expect(zero.stdout.head).toBe("done\n");
    const three = await runWorkload(runtime, "import acme", inline("raise SystemExit(3)"));
    expect(three).toMatchObject({ ok: false, exited: true, status: 3 });
    expect(refusal(three).message).toStartWith("the workload failed (exit 3): SystemExit: 3");
  });

  test("megabytes of output, from Python, C and a subprocess, are counted and hashed, not held", async () => {
    const runtime = await tree();
    const source = "import os, sys, subprocess\nsys.stdout.write('x' * 20_000_000)\nsys.stdout.flush()\nos.write(1, b'yz')\nsubprocess.run(['echo', 'sub'])";
    const run = await runWorkload(runtime, "import acme", inline(source));
    const expected = createHash("sha256").update(`${"x".repeat(20_000_000)}yzsub\n`).digest("hex");
    expect(run).toMatchObject({ ok: true, stdout: { bytes: 20_000_006, sha256: expected, tail: expect.stringMatching(/xyzsub\n$/) } });
    expect(run.stdout.head.length).toBe(2048);
  });

  test("a syntax error, a failing statement, os._exit, a thread left running", async () => {
    const runtime = await tree();
    const syntax = await runWorkload(runtime, "import acme", inline("print("));
    expect(syntax).toMatchObject({ ok: false, phase: "compile", status: 2 });
    expect(describeRun(syntax)).toMatch(/^the workload does not compile: SyntaxError: .* \(<workload>:1\)$/);
    const missing = await runWorkload(runtime, "import acme_missing", inline("pass"));
    expect(describeRun(missing)).toBe("the measured statement failed before the workload ran: ModuleNotFoundError: No module named 'acme_missing' (<coldstart>:1)");
    const exited = await runWorkload(runtime, "import acme", inline("import os\nos._exit(0)"));
    expect(exited).toMatchObject({ ok: false, phase: "crash" });
    expect(describeRun(exited)).toBe("the workload ended the interpreter without a result (exit 0; os._exit or a crash?)");
    const threaded = await runWorkload(runtime, "import acme", inline("import threading, time\nthreading.Thread(target=time.sleep, args=(120,)).start()\nprint('main done')"), 2_000);
    expect(threaded).toMatchObject({ ok: true, noExit: true, stdout: { head: "main done\n" } });
  });

  test("a workload_file: read relative to the target, errors point into it", async () => {
    const runtime = await tree();
    writeTree(runtime.tree.dir, { "bench/job.py": "import acme\n\nprint(acme.hello('file'))\nacme.hello()\n" });
    const workload = loadWorkload({ workloadFile: "bench/job.py" }, runtime.tree.dir);
    expect(workload).toMatchObject({ filename: "bench/job.py", label: "bench/job.py" });
    const run = await runWorkload(runtime, "import acme", workload);
    expect(run.error).toMatch(/^TypeError: .* \(bench\/job\.py:4\)$/);
    expect(() => loadWorkload({ workloadFile: "nope.py" }, runtime.tree.dir)).toThrow(/^workload_file nope\.py: no such file/);
    expect(() => loadWorkload({ workload: "pass", workloadFile: "x.py" }, runtime.tree.dir)).toThrow("workload and workload_file are both set: keep one");
    expect(() => loadWorkload({}, runtime.tree.dir)).toThrow(/^--advise needs a workload/);
  });

  test("two runs compared: same output and status, or what changed", async () => {
    const runtime = await tree();
    const a = await runWorkload(runtime, "import acme", inline("print(acme.hello('a'))"));
    const b = await runWorkload(runtime, "import acme", inline("print(acme.hello('a'))"));
    const c = await runWorkload(runtime, "import acme", inline("print(acme.hello('c'))"));
    const d = await runWorkload(runtime, "import acme", inline("acme.nothing"));
    expect(runDifference(a, b)).toBeNull();
    expect(runDifference(a, c)).toBe("the workload's output changed (8 bytes before, 8 after)");
    expect(runDifference(a, d)).toBe("exit status 0 became 1: AttributeError: module 'acme' has no attribute 'nothing' (<workload>:1)");
  });

  test("the check command: passes, fails, times out (and leaves nothing running)", async () => {
    const runtime = await tree();
    const python = runtime.tree.python.executable;
    expect(await runCheck(runtime, `"${python}" -c "import acme; print(acme.hello('x'))"`)).toMatchObject({ ok: true, status: 0, tail: "hello x" });
    expect(await runCheck(runtime, "echo broken >&2; exit 4")).toMatchObject({ ok: false, status: 4, tail: "broken" });
    const slow = await runCheck(runtime, "sleep 60 & echo $! > pid; wait", 1_000);
    expect(slow).toMatchObject({ ok: false, timedOut: true });
    const pid = Number(await Bun.file(`${runtime.tree.dir}/pid`).text());
    expect(alive(pid)).toBe(false);
  });
});
