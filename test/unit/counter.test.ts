/**
 * Instruction counters (scripts/lib/measure/counter.ts) without a counter or a process:
 * reading cachegrind's and perf's output, the wrapped argv, the message when there is no
 * counter, and a run whose counter wrote nothing. Counted runs: test/e2e/counter.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHEGRIND_OPTIONS, type Counter, noCounterMessage, parseCachegrindOut, parsePerfStat, readCounts, wrapArgv } from "../../scripts/lib/measure/counter.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";

afterAll(cleanupTempDirs);

const freshDir = () => tempDir("coldstart-counter-test-");
const leftoverCountDirs = (dir: string) => readdirSync(dir).filter((name) => name.startsWith("coldstart-count-"));

describe("parsing", () => {
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
    expect(perf.argv).toEqual(["/usr/bin/perf", "stat", "--no-inherit", "-x,", "-o", join(perf.outDir, "perf.csv"), "-e", "instructions:u", "--", "/usr/bin/python3", "-c", "pass"]);

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

});

describe("errors", () => {
  test("readCounts on a run whose counter wrote nothing: CounterError, files removed", () => {
    const dir = freshDir();
    const cg: Counter = { name: "cachegrind", version: "x", binary: "/usr/bin/valgrind", perProcess: true };
    const wrapped = wrapArgv(cg, ["python3"], dir);
    writeFileSync(join(wrapped.outDir, "vg.4242"), "==4242== Cachegrind\nvalgrind: m_scheduler/scheduler.c:2200 (run_thread_for_a_while): the 'impossible' happened.\n");
    expect(() => readCounts(cg, wrapped, { pid: 4242, code: null, signal: "SIGABRT", timedOut: false, stderr: "" })).toThrow(/killed by SIGABRT without writing a count: valgrind: .*impossible/);
    expect(leftoverCountDirs(dir)).toEqual([]);
  });});
