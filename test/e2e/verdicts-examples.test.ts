/**
 * The issue "Verdicts II": its examples through `coldstart-compare` as a user runs it — the
 * report's words, the JSON row's `tail`, and the gate's exit code. The statistics behind them
 * are checked against scipy in test/unit/stats-*.test.ts; here the question is what the user reads.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32, normal } from "../../scripts/lib/stats/random.ts";
import { cleanupTempDirs, hangLimit, ROOT, type Run, tempDir } from "../helpers.ts";

setDefaultTimeout(hangLimit(30_000));
const SCRIPT = join(ROOT, "scripts", "compare_benchmarks.ts");
let dir = "";

/** One measurement's timings; files of one run_id are paired by round. */
function write(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  writeFileSync(join(dir, name), JSON.stringify({
    timestamp: 1, python_version: "3.11.7", schema_version: 1, run_id: "one-run",
    measurements: { pkg_total: { min: sorted[0], max: sorted.at(-1), mean, median: sorted[Math.floor(samples.length / 2)], iterations: samples.length, samples, statement: "import pkg" } },
    module_counts: { total: 10, filtered: 2 }, modules: { after: "import pkg", package: "pkg", loaded: ["pkg"] },
  }));
  return name;
}

function compare(pair: [number[], number[]], ...args: string[]): Run & { json: () => any } {
  const [a, b] = [write(`${pair.length}-${Math.random()}-a.json`, pair[0]), write(`${Math.random()}-b.json`, pair[1])];
  const { FORCE_COLOR: _colour, GITHUB_STEP_SUMMARY: _summary, ...inherited } = process.env;
  const env = { ...inherited, NO_COLOR: "1" };
  const result = Bun.spawnSync([process.execPath, SCRIPT, a, b, ...args], { cwd: dir, env });
  const run = { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  return { ...run, json: () => JSON.parse(run.stdout).candidates[0].measurements[0] };
}

/** The stretched slow half: baseline 100·(1 + 0.04z), candidate 100·(1 + 0.04·(z < 0 ? z : 3z)). */
function stretch(seed: number, n: number): [number[], number[]] {
  const random = mulberry32(seed);
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let i = 0; i < n; i += 1) {
    baseline.push(Number((100 * (1 + 0.04 * normal(random))).toFixed(3)));
    const z = normal(random);
    candidate.push(Number((100 * (1 + 0.04 * (z < 0 ? z : 3 * z))).toFixed(3)));
  }
  return [baseline, candidate];
}

beforeAll(() => {
  dir = tempDir("coldstart-verdicts-");
});
afterAll(cleanupTempDirs);

describe("1. a heavier tail with the same median", () => {
  test("n = 10: typical slower with its interval, and the slow runs named — their estimate, and why no interval", () => {
    const run = compare([
      [94.64, 97.26, 102.42, 94.58, 100.22, 100.03, 95.44, 104.16, 104.45, 94.33],
      [98.24, 98.17, 93.48, 108.42, 111.76, 101.01, 134.99, 128.19, 106.92, 107.31],
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("typical: 7.9% slower (95% CI 1.0% to 19.5%), p=0.020");
    expect(run.stdout).toMatch(/slow runs \(p90\): [\d.]+% slower by estimate; too few runs for an interval \(10, 30 needed\)/);
    expect(run.stdout).toContain("best case (fastest run): 94.33 ms → 93.48 ms");
  });

  test("n = 30: \"typical: no significant change; slow runs: X% slower (CI …)\", the shape warning, and the JSON row's tail", () => {
    const pair = stretch(5, 30);
    const run = compare(pair);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("no significant change");
    const slow = run.stdout.match(/slow runs \(p90\): ([\d.]+)% slower \(95% CI ([\d.]+)% to ([\d.]+)%\)/);
    expect(slow).not.toBeNull();
    expect(Number(slow![2])).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/the distribution changed shape: median unchanged, fastest runs unchanged, slow runs \(p90\) [\d.]+% slower/);

    const row = compare(pair, "--format", "json").json();
    expect(row.verdict).toBe("no-change");
    expect(row.tail).toMatchObject({ q: 0.9, verdict: "higher" }); // the candidate's slow runs are higher: as bestCase.direction reads
    expect(row.tail.ciPct.low).toBeLessThanOrEqual(row.tail.estimatePct);
    expect(row.tail.estimatePct).toBeLessThanOrEqual(row.tail.ciPct.high);
    expect(Math.sign(row.tail.ciPct.low)).toBe(Math.sign(row.tail.ciPct.high));
  });

  test("--gate tail fails on the slow runs the typical gate lets pass; --gate both too", () => {
    const pair = stretch(5, 30);
    expect(compare(pair, "--fail-on-regression").code).toBe(0);
    const tail = compare(pair, "--fail-on-regression", "--gate", "tail");
    expect(tail.code).toBe(1);
    expect(tail.stdout).toMatch(/slow runs/);
    expect(compare(pair, "--fail-on-regression", "--gate", "both").code).toBe(1);
  });

  test("fewer runs than the slow-runs line needs: the JSON says insufficient, with the reason", () => {
    const row = compare(stretch(5, 10), "--format", "json").json();
    expect(row.tail.verdict).toBe("insufficient");
    expect(row.tail.reason).toMatchObject({ kind: "too-few-runs", n: 10, needed: 30 });
    expect(row.tail.ciPct).toBeNull();
  });
});

describe("3. ties at the interval's edge read consistently", () => {
  test("best case, n = 5: no change, and its interval reaches 0", () => {
    const run = compare([[2.0, 1.8, 2.2, 2.1, 1.7], [2.4, 2.1, 2.4, 2.1, 2.3]]);
    const best = run.stdout.split("\n").find((line) => line.includes("best case"))!;
    expect(best).toContain("1.70 ms → 2.10 ms");
    expect(best).toMatch(/95% CI 0\.0% to [\d.]+%/);
    expect(best).not.toMatch(/-0\.0/);
    const row = compare([[2.0, 1.8, 2.2, 2.1, 1.7], [2.4, 2.1, 2.4, 2.1, 2.3]], "--format", "json").json();
    expect(row.bestCase).toMatchObject({ direction: "no-change", ciPct: { high: 0 } });
    expect(row.bestCase.ciPct.low).toBeLessThan(0);
  });

  test("typical, 10 pairs: p = 0.047 yet no change, because the interval reaches 0 — and the report says so", () => {
    const run = compare([
      [2.0, 2.0, 2.0, 2.1, 2.1, 2.1, 2.0, 2.0, 2.0, 2.0],
      [1.8, 2.0, 2.1, 2.1, 1.9, 2.0, 1.9, 1.9, 1.9, 2.0],
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("= no significant change");
    expect(run.stdout).toContain("(95% CI 0.0% to 7.3%), p=0.047");
    expect(run.stdout).toContain("the interval reaches 0 (ties at the timer's 0.10 ms resolution): no change is claimed although p < 0.05\n");
  });
});

describe("4. a threshold gate on the interval", () => {
  const pair: [number[], number[]] = [
    [97.393, 99.301, 106.655, 102.637, 93.434, 99.979, 97.506, 100.595, 93.567, 100.967, 100.942, 106.303],
    [103.558, 106.395, 105.299, 117.479, 90.589, 109.605, 101.03, 101.904, 95.667, 103.166, 107.6, 111.126],
  ];
  test("4.3% slower (CI 1.5% to 7.7%) against 5%: exit 3, saying what it could not exclude and what would decide", () => {
    const run = compare(pair, "--fail-on-regression=5");
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("4.3% slower (95% CI 1.5% to 7.7%)");
    expect(run.stdout).toContain("could be 7.7% slower");
    expect(run.stdout).toContain("straddles the 5% threshold");
    expect(run.stdout).toContain("more runs needed");
  });
  test("the same figures against 10% pass (the whole interval is below), and against 1% fail (the whole interval is above)", () => {
    expect(compare(pair, "--fail-on-regression=10").code).toBe(0);
    expect(compare(pair, "--fail-on-regression=1").code).toBe(1);
  });
  test("the plain flag keeps its meaning: slower is a regression", () => {
    expect(compare(pair, "--fail-on-regression").code).toBe(1);
  });
});
