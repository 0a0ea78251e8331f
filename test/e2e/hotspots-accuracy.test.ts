/**
 * The hotspot figures against unprofiled measurements. The fixture package
 * (test/fixtures/hotspots) does call-heavy work at top level: long distinct regular
 * expressions, 400 small classes defined in a loop, an Enum of 300 members, a 200 ms sleep,
 * and nested imports. A copy of it with perf_counter() around each marked line, run without
 * any profiler, is the independent measurement; the hotspots run must report each line within
 * 25% of it, and every figure must be consistent with `-X importtime`.
 *
 * Timing on a busy machine: the copy, the hotspots run and -X importtime alternate, five rounds
 * at first and five more while a line is off (fifteen at most). A line passes when one of
 * three estimates is within the tolerance: the median of the rounds' ratios, the ratio of the
 * medians, the ratio of the minima (see lines()).
 * The collector is off on both sides (see NO_GC). Interpreters: the python3 on PATH, or the
 * list in COLDSTART_TEST_PYTHONS (comma-separated).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hotspotsArgv, parseHotspotsReport, type HotspotsReport } from "../../scripts/lib/measure/why.ts";

setDefaultTimeout(300_000);

const FIXTURE = join(import.meta.dir, "..", "fixtures", "hotspots");
const TOLERANCE = 0.25;

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function resolvePython(name: string): string {
  const probe = Bun.spawnSync([name, "-c", "import sys; print(sys.executable)"], { stdout: "pipe", stderr: "pipe" });
  const path = probe.stdout.toString().trim();
  if (probe.exitCode !== 0 || !path) throw new Error(`${name} does not run: ${probe.stderr.toString()}`);
  return path;
}

const PYTHONS = (process.env.COLDSTART_TEST_PYTHONS ?? "python3").split(",").map((p) => p.trim()).filter(Boolean).map(resolvePython);

const MARK = /#\s*@time:(\S+)/;

/**
 * Both sides run with the collector off. Where a due collection falls moves with anything that
 * allocates (the timed copy's own timers, the hotspots harness), so its pause would land on
 * different lines on the two sides; the hotspots run lists pauses apart anyway, as
 * "(garbage collection)" (tested in why.test.ts).
 */
const NO_GC = "import gc\ngc.disable()";

/** Where each marked line is: key -> [module, 1-based line] in the plain copy. */
interface Marks {
  [key: string]: [string, number];
}

/** The plain package and a copy with perf_counter() around each marked line (the block of a class statement). */
function workspace(): { plain: string; timed: string; marks: Marks } {
  const root = mkdtempSync(join(tmpdir(), "coldstart-hot-accuracy-"));
  made.push(root);
  const plain = join(root, "plain");
  const timed = join(root, "timed");
  cpSync(FIXTURE, plain, { recursive: true });
  mkdirSync(join(timed, "hotpkg"), { recursive: true });
  writeFileSync(join(timed, "_cstimer.py"), "from time import perf_counter as pc\nT = {}\n");
  const marks: Marks = {};
  for (const name of readdirSync(join(FIXTURE, "hotpkg")).filter((n) => n.endsWith(".py"))) {
    const module = name === "__init__.py" ? "hotpkg" : `hotpkg.${name.slice(0, -3)}`;
    const lines = readFileSync(join(FIXTURE, "hotpkg", name), "utf8").split("\n");
    const out: string[] = [];
    if (lines.some((line) => MARK.test(line))) out.push("from _cstimer import T as _cs_T, pc as _cs_pc");
    for (let i = 0; i < lines.length; ) {
      const line = lines[i]!;
      const mark = MARK.exec(line);
      if (!mark) {
        out.push(line);
        i += 1;
        continue;
      }
      const key = mark[1]!;
      marks[key] = [module, i + 1];
      const indent = line.length - line.trimStart().length;
      let end = i + 1;
      while (end < lines.length && (!lines[end]!.trim() || lines[end]!.length - lines[end]!.trimStart().length > indent)) end += 1;
      while (end > i + 1 && !lines[end - 1]!.trim()) end -= 1;
      const pad = " ".repeat(indent);
      out.push(`${pad}_cs_t0 = _cs_pc()`, ...lines.slice(i, end), `${pad}_cs_T[${JSON.stringify(key)}] = _cs_T.get(${JSON.stringify(key)}, 0.0) + _cs_pc() - _cs_t0`);
      i = end;
    }
    writeFileSync(join(timed, "hotpkg", name), out.join("\n"));
  }
  return { plain, timed, marks };
}

async function run(argv: string[], dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("PYTHON")) env[key] = value;
  }
  Object.assign(env, { PYTHONPATH: dir, TMPDIR: dir, PYTHONPYCACHEPREFIX: join(dir, ".pycache") });
  const proc = Bun.spawn(argv, { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 120_000 });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** The independent measurement: ms per marked line, from the unprofiled timed copy. */
async function truth(python: string, dir: string): Promise<Record<string, number>> {
  const result = await run([python, "-c", `import _cstimer\n${NO_GC}\nimport hotpkg\nprint('@@T', repr(dict((k, v * 1000.0) for k, v in _cstimer.T.items())))`], dir);
  const line = result.stdout.split("\n").find((l) => l.startsWith("@@T "));
  if (result.code !== 0 || !line) throw new Error(`timed copy failed (${result.code}): ${result.stderr}`);
  return JSON.parse(line.slice(4).replace(/'/g, '"')) as Record<string, number>;
}

async function hotspots(python: string, dir: string): Promise<HotspotsReport & { method?: string }> {
  const result = await run(hotspotsArgv(python, `${NO_GC}\nimport hotpkg`, dir), dir);
  const report = parseHotspotsReport(result.stdout);
  if (result.code !== 0 || !report) throw new Error(`hotspots run failed (${result.code}): ${result.stderr.slice(-2000)}`);
  // How the run timed the calls (the report's own field, not part of HotspotsReport).
  const method = /"method":"([a-z]+)"/.exec(result.stdout)?.[1];
  return method ? { ...report, method } : report;
}

/** Cumulative -X importtime, ms, per module. */
async function importtime(python: string, dir: string): Promise<Record<string, number>> {
  const result = await run([python, "-X", "importtime", "-c", "import hotpkg"], dir);
  const out: Record<string, number> = {};
  for (const line of result.stderr.split("\n")) {
    const m = /^import time:\s+(\d+) \|\s+(\d+) \|\s+(\S.*)$/.exec(line);
    if (m) out[m[3]!.trim()] = Number(m[2]) / 1000;
  }
  return out;
}

/** What the report gives a marked line: all the calls it lists on that line of that module. */
function reported(report: HotspotsReport, [module, line]: [string, number]): number {
  return (report.modules[module]?.calls ?? []).filter((c) => c.line === line).reduce((sum, c) => sum + c.ms, 0);
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Rounds run at first, added at a time while a line is off, and at most (a busy machine's bursts average out). */
const ROUNDS = 5;
const MAX_ROUNDS = 15;

describe.each(PYTHONS)("hotspots are consistent with unprofiled measurements (%s)", (python) => {
  const version = Bun.spawnSync([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.toString().trim();
  const state: { reports: (HotspotsReport & { method?: string })[]; truths: Record<string, number>[]; importtimes: Record<string, number>[]; marks: Marks; plain: string; timed: string } = {
    reports: [], truths: [], importtimes: [], marks: {}, plain: "", timed: "",
  };

  /**
   * `rounds` more rounds: the timed copy, the hotspots run and -X importtime, one after the
   * other. (Not side by side: the two processes' heavy phases would not overlap alike, and the
   * one running alone would look faster.)
   */
  async function collect(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i += 1) {
      state.truths.push(await truth(python, state.timed));
      state.reports.push(await hotspots(python, state.plain));
      state.importtimes.push(await importtime(python, state.plain));
    }
  }

  /**
   * Per marked line, three estimates of hotspots / perf_counter: the median of the rounds'
   * ratios (each round's pair ran one right after the other), the ratio of the medians and the ratio of
   * the minima (the least disturbed runs). A systematic error (a phantom, a profiler's
   * inflation) shows in all three; a burst of load on one side of a round moves one of them.
   */
  function lines() {
    return Object.entries(state.marks).map(([key, where]) => {
      const t = state.truths.map((run) => run[key] ?? 0);
      const h = state.reports.map((report) => reported(report, where));
      const paired = median(h.map((value, i) => value / t[i]!));
      const byMedian = median(h) / median(t);
      const byMin = Math.min(...h) / Math.min(...t);
      const ok = [paired, byMedian, byMin].some((ratio) => Math.abs(ratio - 1) <= TOLERANCE);
      return { key, truth: median(t), hot: median(h), paired, byMedian, byMin, ok };
    });
  }

  /** Modules whose hotspots-run import time is above -X importtime's (median against the largest run, with the tolerance). */
  function inconsistent(): string[] {
    const off: string[] = [];
    for (const name of ["hotpkg", "hotpkg.patterns", "hotpkg.parts", "hotpkg.models", "hotpkg.slow"]) {
      const total = median(state.reports.map((r) => r.modules[name]?.total_ms ?? Infinity));
      const unprofiled = Math.max(...state.importtimes.map((run) => run[name] ?? 0));
      if (!(total <= unprofiled * (1 + TOLERANCE) + 1)) off.push(`${name}: ${total.toFixed(2)} ms against ${unprofiled.toFixed(2)} ms`);
    }
    return off;
  }

  test("setup: the timed copy and the hotspots run, alternating", async () => {
    const { plain, timed, marks } = workspace();
    Object.assign(state, { plain, timed, marks });
    // Warm the bytecode caches of both copies.
    await truth(python, timed);
    await hotspots(python, plain);
    await collect(ROUNDS);
    while (state.reports.length < MAX_ROUNDS && (lines().some((line) => !line.ok) || inconsistent().length)) await collect(ROUNDS);
    expect(Object.keys(marks).sort()).toEqual(["models.enum", "models.loop", "parts.compile", "patterns.ipv6", "patterns.ipv6z", "patterns.table", "patterns.url", "patterns.words", "slow.sleep"]);
  });

  test("each marked line within 25% of perf_counter around it", () => {
    const pct = (ratio: number) => `${(100 * (ratio - 1)).toFixed(0)}%`.padStart(6);
    const rows = lines().map((l) =>
      `  ${l.key.padEnd(15)} perf_counter ${l.truth.toFixed(2).padStart(7)} ms  hotspots ${l.hot.toFixed(2).padStart(7)} ms  paired ${pct(l.paired)}  medians ${pct(l.byMedian)}  minima ${pct(l.byMin)}${l.ok ? "" : "  <-- off"}`,
    );
    console.log(`hotspots vs perf_counter, python ${version} (method ${state.reports[0]?.method ?? "?"}), ${state.reports.length} runs each:\n${rows.join("\n")}`);
    expect(lines().filter((l) => !l.ok).map((l) => l.key)).toEqual([]);
  });

  test("the sleep is a call into C, named, on its line, counted once", () => {
    for (const report of state.reports) {
      const [module, line] = state.marks["slow.sleep"]!;
      expect(report.modules[module]!.calls[0]).toMatchObject({ line, call: "time.sleep", count: 1 });
    }
  });

  test("the class loop is one 'class Model' hotspot counted 400 times; re.compile lines are named re.compile", () => {
    const report = state.reports[0]!;
    const [module, line] = state.marks["models.loop"]!;
    expect(report.modules[module]!.calls.find((c) => c.line === line)).toMatchObject({ call: "class Model", count: 400 });
    for (const key of ["patterns.ipv6", "patterns.ipv6z", "patterns.words", "parts.compile"]) {
      const [m, l] = state.marks[key]!;
      expect([key, report.modules[m]!.calls.find((c) => c.line === l)?.call]).toEqual([key, "re.compile"]);
    }
    // The comprehension's eight compiles are attributed to its line (3.12+ inlines it; before, they run in its frame).
    const [m, l] = state.marks["patterns.table"]!;
    expect(report.modules[m]!.calls.find((c) => c.line === l && c.call === "re.compile")).toMatchObject({ count: 8 });
  });

  test("no call above its module, a module's calls within its self time, modules within -X importtime's cumulative time", () => {
    for (const report of state.reports) {
      expect(report.warnings).toEqual([]);
      expect(report.statement_ms).toBeLessThanOrEqual(report.raw_statement_ms);
      for (const [name, m] of Object.entries(report.modules)) {
        const sum = m.calls.reduce((total, c) => total + c.ms, 0);
        expect([name, m.self_ms <= m.total_ms + 1e-6, sum <= m.self_ms + 1e-6]).toEqual([name, true, true]);
        for (const c of m.calls) expect([name, c.call, c.ms <= m.total_ms + 1e-6]).toEqual([name, c.call, true]);
      }
    }
    // The same span as -X importtime times (the whole import), with the harness's own time taken off.
    expect(inconsistent()).toEqual([]);
    const slow = median(state.reports.map((r) => r.modules["hotpkg.slow"]!.total_ms));
    expect(slow).toBeGreaterThan(195);
  });
});
