/**
 * Instruction counters (scripts/lib/measure/counter.ts) against the real valgrind/perf and
 * the python3 on PATH (resolved to its real executable, as the tool spawns it). Each test
 * uses its own temporary folder and passes TMPDIR=that folder to the children, so the
 * counter's files land there too. Counted tests are skipped, with the reason printed,
 * only when this machine has no working counter. Parsing: test/unit/counter.test.ts.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Counter, CounterError, detectCounter, noCounterMessage, probePerf } from "../../scripts/lib/measure/counter.ts";
import { countInstructions } from "../../scripts/lib/measure/executor.ts";
import { groupAlive } from "../../scripts/lib/process.ts";
import { cleanupTempDirs, hangLimit, lanes, missing, realPython, tempDir } from "../helpers.ts";

// Every counted python3 start is ~1.5 s under cachegrind on a calm two-core machine; a
// counted test's limit covers its wait for a lane too.
setDefaultTimeout(hangLimit(400_000));
afterAll(cleanupTempDirs);

const freshDir = () => tempDir("coldstart-counter-test-");

function childEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  return { ...env, TMPDIR: dir, ...extra };
}

function spread(values: number[]): number {
  return (Math.max(...values) - Math.min(...values)) / Math.min(...values);
}
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
const mega = (x: number) => `${(x / 1e6).toFixed(2)}M`;

const counter: Counter | null = await detectCounter();
const python = realPython();
const noCounter = missing(
  "counted runs (counter.test.ts)",
  !counter ? `no instruction counter on this machine: ${noCounterMessage()}` : !python ? "python3 not found on PATH" : null,
);
if (!noCounter) console.log(`counter: ${counter!.name} ${counter!.version} (${counter!.binary}); python: ${python}`);
/**
 * Counted test: skipped, with the reason printed above, when no counter exists. Each uses
 * its own folder and counts one run at a time: two run at once (helpers.ts lanes).
 */
const lane = lanes(2);
const counted = (name: string, body: () => Promise<void>) => test.concurrent.skipIf(noCounter)(name, lane(body));

async function count(dir: string, argv: string[], options: { timeoutMs?: number; env?: Record<string, string>; overrides?: Record<string, string> } = {}) {
  return countInstructions(argv, {
    cwd: dir,
    env: childEnv(dir, options.env),
    timeoutMs: options.timeoutMs ?? hangLimit(120_000),
    counter: counter!,
    envOverrides: options.overrides,
  });
}

function leftoverCountDirs(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith("coldstart-count-"));
}

function processesWith(marker: string): string[] {
  const ps = Bun.spawnSync(["ps", "-eo", "pid,args"], { stdout: "pipe" });
  return ps.stdout
    .toString()
    .split("\n")
    .filter((line) => line.includes(marker) && !line.includes("ps -eo"));
}

describe("detection", () => {
  test("perf here: detection reads the count, not the exit code", async () => {
    const found = await probePerf();
    const run = Bun.spawnSync(["sh", "-c", "command -v perf >/dev/null && perf stat -x, -e instructions:u true 2>&1 >/dev/null | tail -1"], { stdout: "pipe" });
    const line = run.stdout.toString().trim();
    console.log(`perf stat -e instructions:u true -> ${JSON.stringify(line)}; probePerf -> ${found ? found.version : "null"}`);
    if (line.startsWith("<not supported>") || line === "") expect(found).toBeNull();
    else if (/^\d+,/.test(line)) expect(found?.name).toBe("perf");
  });
});

describe("counted runs", () => {
  counted("A/A: the same import counts within 0.5% run to run", async () => {
    const dir = freshDir();
    const totals: number[] = [];
    for (let i = 0; i < 6; i++) {
      const run = await count(dir, [python, "-c", "import json, email.parser"]);
      expect(run.code).toBe(0);
      totals.push(run.total);
    }
    console.log(`A/A import json, email.parser x6: ${totals.map(mega).join(" ")}; spread ${pct(spread(totals))}`);
    expect(spread(totals.slice(0, 2))).toBeLessThan(0.005);
    expect(spread(totals)).toBeLessThan(0.005);
    expect(leftoverCountDirs(dir)).toEqual([]);
  });

  counted("a package importing more modules counts more", async () => {
    const dir = freshDir();
    const modules = (n: number) =>
      Array.from({ length: n }, (_, i) => `from . import m${i}`).join("\n") + "\n";
    for (const [name, n] of [["small", 1], ["big", 25]] as const) {
      const pkg = join(dir, "site", `pkg_${name}`);
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, "__init__.py"), modules(n));
      for (let i = 0; i < 25; i++) {
        const body = Array.from({ length: 20 }, (_, j) => `def f${j}(x):\n    return [x * ${j} for _ in range(3)]\n`).join("\n");
        // Nothing but its own work: a module the interpreter may or may not have loaded at
        // start-up (site's .pth files differ) would land in pkg_small's count alone.
        writeFileSync(join(pkg, `m${i}.py`), `${body}\nclass C${i}:\n    a = {str(k): k for k in range(50)}\n`);
      }
    }
    const env = { PYTHONPATH: join(dir, "site") };
    const result: Record<string, number> = {};
    for (const statement of ["pass", "import pkg_small", "import pkg_big"]) {
      await count(dir, [python, "-c", statement], { env }); // writes the .pyc files
      const run = await count(dir, [python, "-c", statement], { env });
      expect(run.code).toBe(0);
      result[statement] = run.total;
    }
    const small = result["import pkg_small"]! - result["pass"]!;
    const big = result["import pkg_big"]! - result["pass"]!;
    console.log(`fixture minus pass: pkg_small ${mega(small)}, pkg_big ${mega(big)} (pass ${mega(result["pass"]!)})`);
    expect(small).toBeGreaterThan(0);
    expect(big).toBeGreaterThan(small * 5);
  });

  counted("children started by the import are followed; fork-only children are reported, not double counted", async () => {
    const dir = freshDir();
    const site = join(dir, "site");
    mkdirSync(site);
    writeFileSync(join(site, "spawner.py"), "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'pass'], check=True)\n");
    writeFileSync(join(site, "forker.py"), "import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\n");
    // Its twin without the fork: what the import costs when nothing is forked.
    writeFileSync(join(site, "forkless.py"), "import os\npid = 1\nif pid == 0:\n    os._exit(0)\n");
    const env = { PYTHONPATH: site };
    const plain = await count(dir, [python, "-c", "pass"], { env });
    const spawned = await count(dir, [python, "-c", "import spawner"], { env });
    console.log(`import spawner: main ${mega(spawned.main)} + children ${mega(spawned.children ?? 0)} = ${mega(spawned.total)} (${spawned.processes} processes); python -c pass alone ${mega(plain.total)}`);
    expect(spawned.code).toBe(0);
    expect(spawned.perProcess).toBe(counter!.perProcess);
    expect(spawned.total).toBe(spawned.main + (spawned.children ?? 0));
    if (counter!.perProcess) {
      expect(spawned.children!).toBeGreaterThan(0);
      expect(spawned.processes).toBe(2);
      // The child is a `python -c pass`: its count is close to a plain one.
      expect(Math.abs(spawned.children! - plain.total) / plain.total).toBeLessThan(0.05);
    } else {
      // perf counts the importing process alone (--no-inherit): the child's work is not in it.
      expect(spawned.children).toBeNull();
    }

    const forked = await count(dir, [python, "-c", "import forker"], { env });
    const forkless = await count(dir, [python, "-c", "import forkless"], { env });
    console.log(`import forker: main ${mega(forked.main)}, children ${mega(forked.children ?? 0)}, forked without exec ${forked.forkedWithoutExec}; import forkless ${mega(forkless.total)}`);
    expect(forked.code).toBe(0);
    if (counter!.perProcess) {
      expect(forked.forkedWithoutExec).toBe(1);
      expect(forked.children).toBe(0);
      // Counted twice, the forked child would add most of the parent's count again.
      expect(forked.total).toBeLessThan(forkless.total * 1.1);
    }
  });

  counted("the program's own stderr and command line cannot fake a count", async () => {
    const dir = freshDir();
    const statement = "import sys\nsys.stderr.write('summary: 5\\nevents: Ir\\n==1== I   refs: 7\\n')\n# summary: 9";
    const run = await count(dir, [python, "-c", statement]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("summary: 5\nevents: Ir\n==1== I   refs: 7\n");
    expect(run.total).toBeGreaterThan(10_000_000);
  });

  counted("processes the import leaves running are killed when it exits", async () => {
    const dir = freshDir();
    const marker = `coldstart-leftover-${process.pid}-${Date.now()}`;
    const statement = `import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '${marker}'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)`;
    const run = await count(dir, [python, "-c", statement]);
    expect(run.code).toBe(0);
    expect(run.killedLeftovers).toBe(true);
    expect(groupAlive(run.pid)).toBe(false);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe("errors", () => {
  for (const [label, binary] of [
    ["cachegrind pointing at false", "false"],
    ["cachegrind pointing at a script exiting 1 silently", "script"],
    ["perf pointing at false", "false"],
    ["a counter binary that does not exist", "/no/such/valgrind"],
  ] as const) {
    test(`a crashing counter: ${label}`, async () => {
      const dir = freshDir();
      let path = binary as string;
      if (binary === "false") path = Bun.which("false")!;
      if (binary === "script") {
        path = join(dir, "fake-valgrind");
        writeFileSync(path, "#!/bin/sh\nexit 1\n");
        chmodSync(path, 0o755);
      }
      const fake: Counter = label.startsWith("perf")
        ? { name: "perf", version: "fake", binary: path, perProcess: false }
        : { name: "cachegrind", version: "fake", binary: path, perProcess: true };
      const error = await countInstructions([python || "python3", "-c", "pass"], { cwd: dir, env: childEnv(dir), timeoutMs: hangLimit(30_000), counter: fake }).catch((e) => e);
      expect(error).toBeInstanceOf(CounterError);
      const counterError = error as CounterError;
      console.log(`${label}: [${counterError.kind}] ${counterError.message}`);
      expect(counterError.message).not.toContain("\n");
      expect(counterError.message).toMatch(/check that|cannot start/);
      expect(counterError.exitCode).toBe(1);
      if (counterError.pid !== undefined) expect(groupAlive(counterError.pid)).toBe(false);
      expect(leftoverCountDirs(dir)).toEqual([]);
    });
  }



  counted("a run that times out under the counter: one-line error, whole process group gone", async () => {
    const dir = freshDir();
    const site = join(dir, "site");
    mkdirSync(site);
    const marker = `coldstart-timeout-${process.pid}-${Date.now()}`;
    writeFileSync(
      join(site, "sleepy.py"),
      `import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', '${marker}'])\ntime.sleep(120)\n`,
    );
    const started = performance.now();
    const error = await count(dir, [python, "-c", "import sleepy", marker], { env: { PYTHONPATH: site }, timeoutMs: 6_000 }).catch((e) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(CounterError);
    const counterError = error as CounterError;
    console.log(`timeout: [${counterError.kind}] ${counterError.message} (returned after ${(elapsed / 1000).toFixed(1)} s)`);
    expect(counterError.kind).toBe("timeout");
    expect(counterError.message).toContain("timed out after 6 s");
    expect(counterError.message).not.toContain("\n");
    // Returned once the group was killed, not after the sleeps (120 s): a hang limit past the 6 s.
    expect(elapsed).toBeLessThan(6_000 + hangLimit(9_000));
    expect(counterError.pid).toBeGreaterThan(0);
    expect(groupAlive(counterError.pid!)).toBe(false);
    expect(processesWith(marker)).toEqual([]);
    expect(leftoverCountDirs(dir)).toEqual([]);
  });
});
