/**
 * Instruction counters (scripts/lib/measure/counter.ts) against the real valgrind/perf and
 * the python3 on PATH (resolved to its real executable, as the tool spawns it). Each test
 * uses its own mkdtemp folder and passes TMPDIR=that folder to the children, so the
 * counter's files land there too. Counted tests are skipped, with the reason printed,
 * only when this machine has no working counter.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CACHEGRIND_OPTIONS,
  type Counter,
  CounterError,
  detectCounter,
  noCounterMessage,
  parseCachegrindOut,
  parsePerfStat,
  probePerf,
  readCounts,
  wrapArgv,
} from "../scripts/lib/measure/counter.ts";
import { countInstructions } from "../scripts/lib/measure/executor.ts";
import { groupAlive } from "../scripts/lib/process.ts";

// Every counted python3 start is ~1.5 s under cachegrind on this two-core machine.
setDefaultTimeout(180_000);

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "coldstart-counter-test-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function childEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  return { ...env, TMPDIR: dir, ...extra };
}

function spread(values: number[]): number {
  return (Math.max(...values) - Math.min(...values)) / Math.min(...values);
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
const mega = (x: number) => `${(x / 1e6).toFixed(2)}M`;

let counter: Counter | null = null;
let python = "";
let skipReason = "";

beforeAll(async () => {
  counter = await detectCounter();
  if (!counter) skipReason = `no instruction counter on this machine: ${noCounterMessage()}`;
  const probe = Bun.spawnSync(["python3", "-c", "import sys; print(sys.executable)"], { stdout: "pipe", stderr: "pipe" });
  python = probe.stdout.toString().trim();
  if (!python) skipReason ||= "python3 not found on PATH";
  if (skipReason) console.log(`counter tests skipped: ${skipReason}`);
  else console.log(`counter: ${counter!.name} ${counter!.version} (${counter!.binary}); python: ${python}`);
});

/** Counted test: skipped (reason printed once in beforeAll) when no counter exists. */
function counted(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    if (skipReason) {
      console.log(`skip "${name}": ${skipReason}`);
      return;
    }
    await body();
  });
}

async function count(dir: string, argv: string[], options: { timeoutMs?: number; env?: Record<string, string>; overrides?: Record<string, string> } = {}) {
  return countInstructions(argv, {
    cwd: dir,
    env: childEnv(dir, options.env),
    timeoutMs: options.timeoutMs ?? 120_000,
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

describe("parsing (no counter needed)", () => {
  test("cachegrind: Ir of the summary, whatever the command line holds", () => {
    const file = [
      "desc: I1 cache:         32768 B, 64 B, 8-way associative",
      "cmd: /usr/bin/python3 -c print(1)",
      "summary: 7",
      "events: Bogus",
      "events: Ir I1mr ILmr Dr",
      "fl=/x.c",
      "fn=main",
      "1 2 0 0 1",
      "summary: 311577157 3182749 16163 90496456",
      "",
    ].join("\n");
    expect(parseCachegrindOut(file)).toBe(311577157);
    expect(parseCachegrindOut("cmd: x\nevents: Ir\nfl=a\n")).toBeNull();
    expect(parseCachegrindOut("")).toBeNull();
    expect(parseCachegrindOut("events: Dr\nsummary: 5\n")).toBeNull();
  });

  test("perf -x, output: counts, <not supported>, hybrid PMUs", () => {
    expect(parsePerfStat("# started on Thu\n\n235190000,,instructions:u,1234,100.00,,\n")).toBe(235190000);
    expect(parsePerfStat("# started on Thu\n\n<not supported>,,instructions:u,0,100.00,,\n")).toBeNull();
    expect(parsePerfStat("100,,cpu_core/instructions:u/,1,100.00,,\n<not counted>,,cpu_atom/instructions:u/,0,0.00,,\n")).toBe(100);
    expect(parsePerfStat("100,,cpu_core/instructions:u/,1,60.00,,\n20,,cpu_atom/instructions:u/,1,40.00,,\n")).toBe(120);
    expect(parsePerfStat("")).toBeNull();
  });

  test("wrapArgv: no shell, children followed, one file per pid in a fresh folder, fixed hash seed", () => {
    const dir = freshDir();
    const cg: Counter = { name: "cachegrind", version: "valgrind-x", binary: "/usr/bin/valgrind", perProcess: true };
    const wrapped = wrapArgv(cg, ["/usr/bin/python3", "-c", "import json"], dir);
    expect(wrapped.argv[0]).toBe("/usr/bin/valgrind");
    expect(wrapped.argv).toContain("--trace-children=yes");
    expect(wrapped.argv).toContain("--cache-sim=no");
    expect(wrapped.argv).toContain(`--cachegrind-out-file=${wrapped.outDir}/cg.%p`);
    expect(wrapped.argv.slice(-4)).toEqual(["--", "/usr/bin/python3", "-c", "import json"]);
    expect(wrapped.outDir.startsWith(join(dir, "coldstart-count-"))).toBe(true);
    expect(wrapped.env).toEqual({ PYTHONHASHSEED: "0" });
    expect(wrapped.unsetEnv).toContain("VALGRIND_OPTS");
    for (const option of CACHEGRIND_OPTIONS) expect(wrapped.argv).toContain(option);

    const perf = wrapArgv({ name: "perf", version: "perf x", binary: "/usr/bin/perf", perProcess: false }, ["/usr/bin/python3", "-c", "pass"], dir);
    expect(perf.argv).toEqual(["/usr/bin/perf", "stat", "-x,", "-o", join(perf.outDir, "perf.csv"), "-e", "instructions:u", "--", "/usr/bin/python3", "-c", "pass"]);

    const odd = mkdtempSync(join(dir, "50%p-"));
    expect(wrapArgv(cg, ["x"], odd).argv.find((arg) => arg.startsWith("--log-file="))).toContain("50%%p-");
  });

  test("no counter: one line naming how to get one", () => {
    expect(noCounterMessage("linux")).toContain("apt-get install valgrind");
    expect(noCounterMessage("linux")).toContain("perf stat -e instructions:u");
    expect(noCounterMessage("darwin")).toContain("perf or valgrind on Linux");
    expect(noCounterMessage("darwin")).not.toContain("brew");
    for (const platform of ["linux", "darwin", "win32"]) expect(noCounterMessage(platform)).not.toContain("\n");
  });

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
        writeFileSync(join(pkg, `m${i}.py`), `import collections\n${body}\nclass C${i}:\n    a = {str(k): k for k in range(50)}\n`);
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
    console.log(`import forker: main ${mega(forked.main)}, children ${mega(forked.children ?? 0)}, forked without exec ${forked.forkedWithoutExec}`);
    expect(forked.code).toBe(0);
    if (counter!.perProcess) {
      expect(forked.forkedWithoutExec).toBe(1);
      expect(forked.children).toBe(0);
      expect(forked.total).toBeLessThan(plain.total * 1.1);
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
      const error = await countInstructions([python || "python3", "-c", "pass"], { cwd: dir, env: childEnv(dir), timeoutMs: 30_000, counter: fake }).catch((e) => e);
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

  test("readCounts on a run whose counter wrote nothing: CounterError, files removed", () => {
    const dir = freshDir();
    const cg: Counter = { name: "cachegrind", version: "x", binary: "/usr/bin/valgrind", perProcess: true };
    const wrapped = wrapArgv(cg, ["python3"], dir);
    writeFileSync(join(wrapped.outDir, "vg.4242"), "==4242== Cachegrind\nvalgrind: m_scheduler/scheduler.c:2200 (run_thread_for_a_while): the 'impossible' happened.\n");
    expect(() => readCounts(cg, wrapped, { pid: 4242, code: null, signal: "SIGABRT", timedOut: false, stderr: "" })).toThrow(/killed by SIGABRT without writing a count: valgrind: .*impossible/);
    expect(leftoverCountDirs(dir)).toEqual([]);
  });

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
    expect(elapsed).toBeLessThan(15_000);
    expect(counterError.pid).toBeGreaterThan(0);
    expect(groupAlive(counterError.pid!)).toBe(false);
    expect(processesWith(marker)).toEqual([]);
    expect(leftoverCountDirs(dir)).toEqual([]);
  });
});
