/**
 * The scheduler with a fake executor: no process is spawned, so the order of runs, the
 * rounds, adaptive stopping, failures and the counting phase are checked in milliseconds.
 */
import { describe, expect, test } from "bun:test";
import { resolveConfig } from "../../scripts/lib/config.ts";
import type { Executor, Job, JobResult, JobSuccess, TreeRuntime } from "../../scripts/lib/measure/executor.ts";
import type { QuantityValues } from "../../scripts/lib/quantities.ts";
import type { PythonInfo } from "../../scripts/lib/measure/python.ts";
import { countedSamples, newTreeRecords, schedule } from "../../scripts/lib/measure/scheduler.ts";
import { buildResult } from "../../scripts/lib/measure/result.ts";
import { seeded } from "../helpers.ts";

const PYTHON: PythonInfo = {
  requested: "python3", executable: "/usr/bin/python3", version: "3.11.2", versionInfo: [3, 11, 2], platform: "Linux", cpu: "x", cpuCount: 2, inVenv: false,
};

function runtime(label: string): TreeRuntime {
  return { label, dir: `/nowhere/${label}`, python: PYTHON, env: {}, envChanges: {}, pycache: "/nowhere/cache" };
}


/** Answers every job from `answer`, recording the jobs in order. */
class FakeExecutor implements Executor {
  readonly jobs: Job[] = [];
  constructor(private readonly answer: (job: Job, index: number) => JobResult) {}
  async run(job: Job): Promise<JobResult> {
    this.jobs.push(job);
    return this.answer(job, this.jobs.length - 1);
  }
}

const ok = (quantities: QuantityValues, extra: Partial<JobSuccess> = {}): JobResult =>
  ({ ok: true, quantities, modules: ["sys", "pkg"], loaded: [], wallMs: 1, noExit: false, ...extra });

function config(overrides: Record<string, unknown> = {}) {
  return resolveConfig("/nowhere", [{ input: { importtime_runs: 0, warmup: 1, iterations: 6, max_iterations: 6, ...overrides }, where: "test" }], "pkg");
}

describe("rounds", () => {
  test("each round runs every tree's statement and its `pass` baseline once, shuffled; samples[i] is round i", async () => {
    const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
    const executor = new FakeExecutor((job, i) => ok({ import_ms: job.statement === "pass" ? 0.1 : 10 + i, process_ms: 20 }));
    await schedule(trees, { config: config(), executor, random: seeded(1) });
    const timed = executor.jobs.filter((job) => job.kind === "timed");
    expect(timed).toHaveLength((1 + 6) * 4);
    for (let round = 0; round < 7; round += 1) {
      const slice = timed.slice(round * 4, round * 4 + 4).map((job) => `${job.tree.label}:${job.statement}`).sort();
      expect(slice).toEqual(["a:import pkg", "a:pass", "b:import pkg", "b:pass"]);
    }
    // Not the same order every round (shuffled), with this seed.
    const orders = new Set(Array.from({ length: 7 }, (_, r) => timed.slice(r * 4, r * 4 + 4).map((job) => `${job.tree.label}${job.statement}`).join()));
    expect(orders.size).toBeGreaterThan(1);
    expect(countedSamples(trees[0]!, "pkg_total")).toHaveLength(6);
    expect(trees[0]!.records.filter((r) => r.round === -1 && !r.baseline)).toHaveLength(1); // the warm-up
  });

  test("noise that hides a `precision` change extends the rounds, five at a time, up to max_iterations", async () => {
    const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
    const noisy = seeded(7);
    const executor = new FakeExecutor((job) => ok({ import_ms: job.statement === "pass" ? 0.1 : 10 * (1 + noisy()) }));
    const events: string[] = [];
    await schedule(trees, {
      config: config({ iterations: 6, max_iterations: 21, precision: 1 }), executor, random: seeded(1), onEvent: (event) => events.push(event.kind),
    });
    expect(countedSamples(trees[0]!, "pkg_total")).toHaveLength(21);
    expect(events.filter((kind) => kind === "noisy")).toHaveLength(1);
  });

  test("too few --iterations for the level: said up front, and whether more rounds may still come", async () => {
    const notes = async (overrides: Record<string, unknown>) => {
      const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
      const executor = new FakeExecutor((job, i) => ok({ import_ms: job.statement === "pass" ? 0.1 : 10 + (i % 3) * 0.001 }));
      const messages: string[] = [];
      await schedule(trees, { config: config(overrides), executor, random: seeded(1), onEvent: (event) => { if (event.kind === "message") messages.push(event.text); } });
      return messages.filter((text) => text.includes("cannot reach"));
    };
    const extendable = await notes({ iterations: 5, max_iterations: 30, precision: 5 });
    expect(extendable).toHaveLength(1);
    expect(extendable[0]).toContain("more are added while the runs are too noisy (up to 30)");
    const capped = await notes({ iterations: 5, max_iterations: 5, precision: 5 });
    expect(capped[0]).toContain("the comparison will be inconclusive (at least 6 are needed: --iterations 6)");
  });

  test("quiet samples stop at `iterations`", async () => {
    const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
    const executor = new FakeExecutor((job, i) => ok({ import_ms: job.statement === "pass" ? 0.1 : 10 + (i % 3) * 0.001 }));
    await schedule(trees, { config: config({ iterations: 8, max_iterations: 30, precision: 5 }), executor, random: seeded(1) });
    expect(countedSamples(trees[0]!, "pkg_total")).toHaveLength(8);
  });
});

describe("failures", () => {
  test("a failing statement stops that tree's runs of that measurement; a failing `pass` only loses its round", async () => {
    const trees = [newTreeRecords(runtime("good")), newTreeRecords(runtime("bad"))];
    const executor = new FakeExecutor((job) => {
      if (job.tree.label === "bad" && job.statement !== "pass") {
        return { ok: false, failure: { statement: job.statement, kind: "error", message: "boom", stderr_tail: "" }, wallMs: 1 };
      }
      if (job.tree.label === "good" && job.statement === "pass") return { ok: false, failure: { statement: "pass", kind: "error", message: "x", stderr_tail: "" }, wallMs: 1 };
      return ok({ import_ms: 5 });
    });
    await schedule(trees, { config: config(), executor, random: seeded(1) });
    expect(trees[1]!.failures.pkg_total!.message).toBe("boom");
    expect(executor.jobs.filter((job) => job.tree.label === "bad" && job.statement !== "pass")).toHaveLength(1);
    expect(trees[0]!.failures.pkg_total).toBeUndefined();
    expect(countedSamples(trees[0]!, "pkg_total")).toHaveLength(6);
  });

  test("an interpreter that does not exit is stopped as soon as its result is in, from then on", async () => {
    const trees = [newTreeRecords(runtime("a"))];
    const executor = new FakeExecutor((job) => ok({ import_ms: 5 }, { noExit: job.statement !== "pass" }));
    await schedule(trees, { config: config({ iterations: 3, max_iterations: 3 }), executor, random: seeded(1) });
    const statements = executor.jobs.filter((job) => job.statement !== "pass" && job.kind === "timed");
    expect(statements[0]!.stopAfterResult).toBe(false);
    expect(statements.slice(1).every((job) => job.stopAfterResult)).toBe(true);
    expect(trees[0]!.noExit.pkg_total).toBe(3);
    expect(buildResult(trees[0]!, { config: config(), toolVersion: "t", git: null, runId: "r", runOrder: 0, timestamp: 1 }).measurements.pkg_total!.no_exit_runs).toBe(3);
  });
});

describe("what the import adds to the interpreter alone", () => {
  test("paired by round: each statement run minus the same round's pass run, then the median (drift cancels)", async () => {
    const trees = [newTreeRecords(runtime("a"))];
    const drift = seeded(3);
    const rounds = new Map<number, number>();
    // The machine slows and speeds up between rounds (a shared drift); the import adds 5 ms ± 0.5.
    const executor = new FakeExecutor((job, i) => {
      const round = Math.floor(i / 2);
      if (!rounds.has(round)) rounds.set(round, 20 + 60 * drift());
      const process = rounds.get(round)! + (job.statement === "pass" ? 0 : 5 + (drift() - 0.5));
      return ok({ import_ms: job.statement === "pass" ? 0.1 : 4, process_ms: process });
    });
    await schedule(trees, { config: config({ iterations: 9, max_iterations: 9 }), executor, random: seeded(2) });
    const result = buildResult(trees[0]!, { config: config(), toolVersion: "t", git: null, runId: "r", runOrder: 0, timestamp: 1 });
    const records = trees[0]!.records.filter((record) => record.measurement === "pkg_total" && record.round >= 0);
    const differences = records.filter((record) => !record.baseline).map((run) => run.quantities.process_ms! - records.find((r) => r.baseline && r.round === run.round)!.quantities.process_ms!);
    const sorted = differences.sort((a, b) => a - b);
    expect(result.measurements.pkg_total!.import_adds!.process_ms).toBeCloseTo(sorted[4]!, 3);
    expect(Math.abs(result.measurements.pkg_total!.import_adds!.process_ms! - 5)).toBeLessThan(0.5);
  });
});

describe("counting instructions", () => {
  test("each round counts the statement, each tree its `pass` once; the import's count is their difference; several at a time", async () => {
    const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
    let running = 0;
    let most = 0;
    const counted: { tree: string; statement: string }[] = [];
    const executor: Executor = {
      async run(job) {
        if (job.kind !== "count") return ok({ import_ms: 5, process_ms: job.statement === "pass" ? 20 : 30 });
        counted.push({ tree: job.tree.label, statement: job.statement });
        running += 1;
        most = Math.max(most, running);
        await Bun.sleep(2);
        running -= 1;
        // Each tree's own `pass` (its folder, environment and cache): a few instructions apart.
        const base = job.statement === "pass" ? (job.tree.label === "a" ? 100e6 : 100e6 + 300) : job.tree.label === "a" ? 150e6 : 151.5e6;
        return ok({ instructions: base }, { counts: { total: base, main: base, children: 0, processes: 1, forkedWithoutExec: 0, perProcess: true } });
      },
    };
    await schedule(trees, { config: config({ metric: "instructions", jobs: 3 }), executor, random: seeded(1) });
    // iterations = 6 was set: the counting rounds, and the timed rounds beside them; `pass` once a tree.
    for (const tree of ["a", "b"]) {
      expect(counted.filter((run) => run.tree === tree && run.statement === "pass")).toHaveLength(1);
      expect(counted.filter((run) => run.tree === tree && run.statement !== "pass")).toHaveLength(6);
      // `pass` after the tree's first round: the bytecode cache as the later rounds find it (--pyc cold).
      const at = (statement: string) => counted.findIndex((run) => run.tree === tree && (run.statement === "pass") === (statement === "pass"));
      expect(at("pass")).toBeGreaterThan(at("import pkg"));
    }
    // Each tree's count is its statement's minus its own `pass`.
    expect(countedSamples(trees[0]!, "pkg_total", "instructions")).toEqual(Array(6).fill(50e6));
    expect(countedSamples(trees[1]!, "pkg_total", "instructions")).toEqual(Array(6).fill(51.5e6 - 300));
    expect(most).toBe(3);
    const result = buildResult(trees[1]!, { config: config({ metric: "instructions" }), toolVersion: "t", git: null, runId: "r", runOrder: 1, timestamp: 1 });
    expect(result.measurements.pkg_total!.quantities!.instructions!.median).toBe(51.5e6 - 300);
    expect(result.measurements.pkg_total!.quantities!.instructions!.n).toBe(6);
    expect(result.measurements.pkg_total!.quantities!.import_ms!.n).toBe(6);
    // The interpreter's count is the one `pass` count, recorded once, not as six samples.
    expect(result.interpreter!.quantities!.instructions).toMatchObject({ n: 1, median: 100e6 + 300, samples: [100e6 + 300] });
    // The timed `pass` runs still give what the import adds to start-up, round by round.
    expect(result.interpreter!.quantities!.process_ms!.n).toBe(6);
    expect(result.measurements.pkg_total!.import_adds!.process_ms).toBe(10);
    expect(result.environment!.env.PYTHONHASHSEED).toBe("0 (counted runs)");
  });

  test("a statement that fails under the counter fails its tree's measurement; a failed `pass` is tried once more", async () => {
    const trees = [newTreeRecords(runtime("a")), newTreeRecords(runtime("b"))];
    let passes = 0;
    const executor: Executor = {
      async run(job) {
        if (job.kind !== "count") return ok({ import_ms: 5 });
        // Tree a's first `pass` fails (a counter that wrote no count): counted again.
        if (job.tree.label === "a" && job.statement === "pass" && ++passes === 1) {
          return { ok: false, failure: { statement: job.statement, kind: "counter", message: "no count", stderr_tail: "" }, wallMs: 1 };
        }
        if (job.tree.label === "b" && job.statement !== "pass") return { ok: false, failure: { statement: job.statement, kind: "timeout", message: "counted run timed out", stderr_tail: "" }, wallMs: 1 };
        const base = job.statement === "pass" ? 100e6 : 150e6;
        return ok({ instructions: base }, { counts: { total: base, main: base, children: 0, processes: 1, forkedWithoutExec: 0, perProcess: true } });
      },
    };
    await schedule(trees, { config: config({ metric: "instructions", jobs: 2 }), executor, random: seeded(2) });
    expect(passes).toBe(2);
    expect(trees[0]!.failures.pkg_total).toBeUndefined();
    expect(countedSamples(trees[0]!, "pkg_total", "instructions")).toEqual(Array(6).fill(50e6));
    expect(trees[1]!.failures.pkg_total?.message).toBe("counted run timed out");
    expect(countedSamples(trees[1]!, "pkg_total", "instructions")).toEqual([]);
  });
});
