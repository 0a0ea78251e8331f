import { describe, expect, test } from "bun:test";
import expected from "../fixtures/stats/expected.json" with { type: "json" };
import {
  ALPHA, compareQuantity, POWER, stoppingPrecisionPct, type QuantityVerdict, type TestOutcome,
} from "../../scripts/lib/stats/verdict.ts";

// Reference values: test/fixtures/stats/expected.json, from test/fixtures/stats/gen_expected.py
// (scipy's exact tests, enumerations, numpy's Walsh averages and pairwise differences).

/** Every number in the verdict is finite (it goes to JSON as is). */
function expectFinite(value: unknown, path = "verdict"): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}`);
  } else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) expectFinite(inner, `${path}.${key}`);
  }
}

/** Estimate inside the interval, MDE positive, direction agreeing with the interval's sign. */
function expectCoherent(outcome: TestOutcome): void {
  expectFinite(outcome);
  expect(outcome.confidence).toBe(1 - ALPHA);
  if (outcome.ciPct && outcome.estimatePct !== null) {
    expect(outcome.ciPct.low).toBeLessThanOrEqual(outcome.estimatePct + 1e-9);
    expect(outcome.estimatePct).toBeLessThanOrEqual(outcome.ciPct.high + 1e-9);
  }
  if (outcome.ci && outcome.estimate !== null) {
    expect(outcome.ci.low).toBeLessThanOrEqual(outcome.estimate + 1e-9);
    expect(outcome.estimate).toBeLessThanOrEqual(outcome.ci.high + 1e-9);
  }
  if (outcome.direction === "lower") {
    expect(outcome.pValue!).toBeLessThan(ALPHA);
    expect(outcome.estimatePct!).toBeGreaterThan(0);
    if (outcome.test !== "minimum-permutation") expect(outcome.ciPct!.low).toBeGreaterThan(0);
  }
  if (outcome.direction === "higher") {
    expect(outcome.pValue!).toBeLessThan(ALPHA);
    expect(outcome.estimatePct!).toBeLessThan(0);
    if (outcome.test !== "minimum-permutation") expect(outcome.ciPct!.high).toBeLessThan(0);
  }
  if (outcome.direction === "inconclusive") expect(outcome.reason).not.toBeNull();
  else expect(outcome.reason).toBeNull();
  if (outcome.estimate !== null && outcome.estimatePct !== null && outcome.reference) {
    expect(outcome.estimate).toBeCloseTo((outcome.estimatePct * outcome.reference) / 100, 9);
  }
  if (outcome.mde !== null && outcome.mdePct !== null && outcome.reference) {
    expect(outcome.mde).toBeCloseTo((outcome.mdePct * outcome.reference) / 100, 9);
  }
}

/** Deterministic skewed samples: a floor plus a quantile-spread exponential tail. */
function timings(n: number, floor: number, scale: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (((i * 7 + phase) % n) + 0.5) / n;
    return floor - Math.log(1 - u) * scale;
  });
}

describe("paired verdicts against the reference values", () => {
  for (const [name, c] of Object.entries(expected.paired)) {
    test(name, () => {
      const verdict = compareQuantity(c.baseline, c.candidate, { paired: true });
      expect(verdict.test).toBe("wilcoxon-signed-rank");
      expect(verdict.paired).toBe(true);
      expect(verdict.scale).toBe(c.scale as "log-ratio" | "difference");
      expect(verdict.pValue!).toBeCloseTo(c.p_value, 12);
      expect(verdict.reference!).toBeCloseTo(c.reference, 12);
      expect(verdict.estimatePct!).toBeCloseTo(c.estimate_pct, 9);
      expect(verdict.estimate!).toBeCloseTo(c.estimate, 9);
      expect(verdict.ciPct!.low).toBeCloseTo(c.ci_pct![0]!, 9);
      expect(verdict.ciPct!.high).toBeCloseTo(c.ci_pct![1]!, 9);
      expect(verdict.ci!.low).toBeCloseTo(c.ci![0]!, 9);
      expect(verdict.ci!.high).toBeCloseTo(c.ci![1]!, 9);
      expectCoherent(verdict);
    });
  }
});

describe("unpaired verdicts against the reference values", () => {
  for (const [name, c] of Object.entries(expected.unpaired)) {
    test(name, () => {
      const verdict = compareQuantity(c.baseline, c.candidate, { paired: false });
      expect(verdict.test).toBe("mann-whitney");
      expect(verdict.paired).toBe(false);
      expect(verdict.scale).toBe("log-ratio");
      expect(verdict.pValue!).toBeCloseTo(c.p_value, 11);
      expect(verdict.reference!).toBeCloseTo(c.reference, 12);
      expect(verdict.estimatePct!).toBeCloseTo(c.estimate_pct, 9);
      expect(verdict.estimate!).toBeCloseTo(c.estimate, 9);
      expect(verdict.ciPct!.low).toBeCloseTo(c.ci_pct![0]!, 9);
      expect(verdict.ciPct!.high).toBeCloseTo(c.ci_pct![1]!, 9);
      expectCoherent(verdict);
    });
  }
});

describe("the issue's counterexamples", () => {
  const baseline = [30.0, 30.4, 30.2, 31.0, 30.8, 30.1, 30.5, 30.3, 30.9, 30.6, 31.2, 30.7, 31.4, 30.05, 31.1];

  test("same floor, 11 of 15 runs 3 ms slower: higher (the fastest-run test sees nothing)", () => {
    const jitter = [0.0, 0.3, 0.5, 0.2, 0.6, 0.1, 0.4, 0.7, 0.15, 0.35, 0.25, 0.45, 0.55, 0.65, 0.05];
    const candidate = jitter.map((j, i) => 30 + j + (i % 4 === 0 ? 0 : 3));
    expect(candidate.filter((value) => value > 32).length).toBe(11);
    expect(Math.min(...candidate)).toBe(Math.min(...baseline));
    const verdict = compareQuantity(baseline, candidate, { paired: true });
    expect(verdict.direction).toBe("higher");
    expect(verdict.pValue!).toBeLessThan(0.01);
    expect(verdict.bestCase!.direction).toBe("no-change");
    expect(verdict.bestCase!.pValue).toBe(1);
    expect(verdict.shapeChanged).toBe(false);
    expectCoherent(verdict);
    expectCoherent(verdict.bestCase!);
    // Unpaired (the same runs from two invocations) finds it too.
    expect(compareQuantity(baseline, candidate, { paired: false }).direction).toBe("higher");
  });

  test("identical distributions: no change, with an interval around 0", () => {
    const base = timings(20, 100, 5);
    // The same runs in another order (and 0.01 ms apart): each round pairs two draws of one distribution.
    const candidate = [...base].reverse().map((v) => v + 0.01);
    for (const paired of [true, false]) {
      const verdict = compareQuantity(base, candidate, { paired });
      expect(verdict.direction).toBe("no-change");
      expect(verdict.pValue!).toBeGreaterThan(0.2);
      expect(verdict.ciPct!.low).toBeLessThan(0);
      expect(verdict.ciPct!.high).toBeGreaterThan(0);
      expect(verdict.mdePct!).toBeGreaterThan(0);
      expectCoherent(verdict);
    }
  });

  test("3 runs a side: inconclusive, too few runs (no p below alpha exists), not 'no change'", () => {
    const paired = compareQuantity([30, 31, 32], [40, 41, 42], { paired: true });
    expect(paired.direction).toBe("inconclusive");
    expect(paired.reason).toEqual({ kind: "too-few-runs", n: 3, needed: 6 });
    expect(paired.ciPct).toBeNull();
    expect(paired.mdePct).toBeNull();
    expect(paired.pValue).toBe(0.25);
    const unpaired = compareQuantity([30, 31, 32], [40, 41, 42], { paired: false });
    expect(unpaired.direction).toBe("inconclusive");
    expect(unpaired.reason).toEqual({ kind: "too-few-runs", n: 3, needed: 4 });
    expect(unpaired.bestCase!.direction).toBe("inconclusive");
    expect(unpaired.bestCase!.reason).toEqual({ kind: "too-few-runs", n: 3, needed: 4 });
    expectCoherent(paired);
    expectCoherent(unpaired);
    expectCoherent(unpaired.bestCase!);
  });

  test("5 pairs are too few, 6 are enough when every round agrees", () => {
    const b = [30, 30.2, 30.4, 30.1, 30.3, 30.5];
    const c = b.map((v) => v * 1.05);
    expect(compareQuantity(b.slice(0, 5), c.slice(0, 5), { paired: true }).reason).toEqual({ kind: "too-few-runs", n: 5, needed: 6 });
    const six = compareQuantity(b, c, { paired: true });
    expect(six.direction).toBe("higher");
    expect(six.pValue).toBe(0.03125);
    expectCoherent(six);
  });

  test("samples at or below zero: the difference scale, finite numbers", () => {
    const b = [0.0, 0.02, 0.01, 0.0, 0.03, 0.01, 0.02, 0.0];
    const c = [0.01, 0.0, 0.02, 0.0, 0.01, 0.03, 0.0, 0.02];
    for (const paired of [true, false]) {
      const verdict = compareQuantity(b, c, { paired });
      expect(verdict.scale).toBe("difference");
      expect(verdict.direction).toBe("no-change");
      expectCoherent(verdict);
      expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
    }
    // A baseline median of 0: no percentages, the unit values still.
    const zeros = compareQuantity([0, 0, 0, 0, 0, 0, 0], [0, 0.1, 0, 0.2, 0, 0, 0.1], { paired: true });
    expect(zeros.scale).toBe("difference");
    expect(zeros.reference).toBe(0);
    expect(zeros.estimatePct).toBeNull();
    expect(zeros.mdePct).toBeNull();
    expect(zeros.estimate).not.toBeNull();
    expect(zeros.mde).not.toBeNull();
    expectCoherent(zeros);
    // Negative values (a difference quantity) are handled the same way.
    expectCoherent(compareQuantity([-1, 2, 0.5, -0.3, 1.1, 0.2], [-0.5, 2.4, 0.1, 0.3, 1.5, 0.9], { paired: true }));
  });

  test("typical slower but the fastest runs faster: both significant, shape changed", () => {
    const candidate = baseline.map((v, i) => (i < 6 ? 29 + 0.1 * i : v * 1.1));
    const verdict = compareQuantity(baseline, candidate, { paired: true });
    expect(verdict.direction).toBe("higher");
    expect(verdict.bestCase!.direction).toBe("lower");
    expect(verdict.shapeChanged).toBe(true);
    expectCoherent(verdict);
    expectCoherent(verdict.bestCase!);
  });
});

describe("estimate, interval and could-detect agree", () => {
  const base = timings(15, 30, 0.6);
  const cases: [string, number[], number[]][] = [
    ["5% slower, shuffled noise", base, timings(15, 30, 0.6, 4).map((v) => v * 1.05)],
    ["3% faster", base, timings(15, 30, 0.6, 2).map((v) => v * 0.97)],
    ["small change", base, timings(15, 30, 0.6, 1).map((v) => v * 1.005)],
    ["bursts", base.map((v, i) => (i % 5 === 2 ? v * 1.4 : v)), timings(15, 30, 0.6, 6).map((v, i) => (i % 7 === 3 ? v * 1.5 : v * 1.02))],
  ];
  for (const [name, b, c] of cases) {
    for (const paired of [true, false]) {
      test(`${name} (${paired ? "paired" : "unpaired"})`, () => {
        const verdict = compareQuantity(b, c, { paired });
        expectCoherent(verdict);
        expectCoherent(verdict.bestCase!);
        expect(verdict.mdePct!).toBeGreaterThan(0);
        expect(verdict.mde!).toBeGreaterThan(0);
        expect(verdict.n).toEqual({ baseline: b.length, candidate: c.length });
        expect(verdict.bestCase!.reference).toBe(Math.min(...b));
      });
    }
  }
  test("a bigger change is easier to see: significant at 5%, and the MDE is below it", () => {
    const verdict = compareQuantity(base, timings(15, 30, 0.6, 4).map((v) => v * 1.05), { paired: true });
    expect(verdict.direction).toBe("higher");
    expect(verdict.mdePct!).toBeLessThan(5);
  });
});

describe("inputs and determinism", () => {
  test("the same input gives the same output, and inputs are not changed", () => {
    const b = timings(12, 50, 2, 1);
    const c = timings(12, 51, 2, 5);
    const copyB = [...b];
    const copyC = [...c];
    const first: QuantityVerdict = compareQuantity(b, c, { paired: true });
    expect(compareQuantity(b, c, { paired: true })).toEqual(first);
    expect(b).toEqual(copyB);
    expect(c).toEqual(copyC);
    expect(stoppingPrecisionPct(b, c, { paired: true })).toBe(stoppingPrecisionPct(b, c, { paired: true }));
  });
  test("no samples on a side: inconclusive, no best case", () => {
    for (const [b, c] of [[[], [1, 2, 3]], [[1, 2, 3], []], [[], []]] as [number[], number[]][]) {
      const verdict = compareQuantity(b, c, { paired: false });
      expect(verdict.direction).toBe("inconclusive");
      expect(verdict.reason).toEqual({ kind: "no-samples" });
      expect(verdict.bestCase).toBeNull();
      expect(verdict.shapeChanged).toBe(false);
      expectFinite(verdict);
    }
  });
  test("paired with different lengths throws; so does a sample that is not finite", () => {
    expect(() => compareQuantity([1, 2, 3], [1, 2], { paired: true })).toThrow(RangeError);
    expect(() => stoppingPrecisionPct([1, 2, 3], [1, 2], { paired: true })).toThrow(RangeError);
    expect(() => compareQuantity([1, Number.NaN], [1, 2], { paired: false })).toThrow(RangeError);
    expect(compareQuantity([1, 2, 3, 4], [1, 2], { paired: false }).n).toEqual({ baseline: 4, candidate: 2 });
  });
  test("alpha and power options", () => {
    const b = timings(15, 30, 0.6);
    const c = timings(15, 30, 0.6, 4).map((v) => v * 1.01);
    const loose = compareQuantity(b, c, { paired: true, alpha: 0.2 });
    const strict = compareQuantity(b, c, { paired: true, alpha: 0.01 });
    expect(loose.confidence).toBeCloseTo(0.8, 12);
    expect(loose.ciPct!.high - loose.ciPct!.low).toBeLessThan(strict.ciPct!.high - strict.ciPct!.low);
    const lowPower = compareQuantity(b, c, { paired: true, power: 0.5 });
    expect(lowPower.mdePct!).toBeLessThan(compareQuantity(b, c, { paired: true, power: POWER }).mdePct!);
  });
  test("quantized values: p < alpha but the interval reaches 0 — no change claimed beyond what the interval shows", () => {
    // 10 rounds equal, 6 rounds 0.25 MB more: Pratt's exact p = 2/64, yet every shift just
    // above 0 is accepted (the Walsh interval ends at 0). The verdict needs both.
    const b = Array.from({ length: 16 }, () => 40);
    const c = b.map((v, i) => (i < 6 ? v + 0.25 : v));
    const verdict = compareQuantity(b, c, { paired: true });
    expect(verdict.pValue).toBe(0.03125);
    expect(verdict.ciPct!.high).toBe(0);
    expect(verdict.direction).toBe("no-change");
    expectCoherent(verdict);
  });
  test("all samples equal: no change, p = 1, nothing to detect beyond 0", () => {
    const verdict = compareQuantity([5, 5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5, 5], { paired: true });
    expect(verdict.direction).toBe("no-change");
    expect(verdict.pValue).toBe(1);
    expect(verdict.estimatePct).toBe(0);
    expect(verdict.mdePct).toBe(0);
    expectCoherent(verdict);
  });
});

describe("stopping precision", () => {
  const b = timings(15, 30, 0.9, 0);
  const c = timings(15, 30, 0.9, 4);
  test("paired: a function of |d| only — swapping sides in any round changes nothing", () => {
    const swapped = { b: [...b], c: [...c] };
    for (const i of [1, 4, 5, 11]) [swapped.b[i], swapped.c[i]] = [c[i]!, b[i]!];
    const value = stoppingPrecisionPct(b, c, { paired: true })!;
    const other = stoppingPrecisionPct(swapped.b, swapped.c, { paired: true })!;
    // The % is of the baseline median, which swapping moves; on the log scale it is not needed.
    expect(other).toBeCloseTo(value, 12);
    expect(value).toBeGreaterThan(0);
  });
  test("unpaired: a function of the pooled samples only", () => {
    const pooled = [...b, ...c];
    const relabelled = [...pooled].reverse();
    expect(stoppingPrecisionPct(relabelled.slice(0, 15), relabelled.slice(15), { paired: false })!).toBeCloseTo(
      stoppingPrecisionPct(b, c, { paired: false })!, 12);
  });
  test("close to the verdict's could-detect on no-change data, and falls with more rounds", () => {
    const verdict = compareQuantity(b, c, { paired: true });
    const precision = stoppingPrecisionPct(b, c, { paired: true })!;
    expect(precision / verdict.mdePct!).toBeGreaterThan(0.7);
    expect(precision / verdict.mdePct!).toBeLessThan(1.4);
    const longer = stoppingPrecisionPct(timings(30, 30, 0.9, 0), timings(30, 30, 0.9, 4), { paired: true })!;
    expect(longer).toBeLessThan(precision);
  });
  test("null when not computable: no samples, or too few rounds for any verdict", () => {
    expect(stoppingPrecisionPct([], [], { paired: true })).toBeNull();
    expect(stoppingPrecisionPct([30, 31, 32, 33, 34], [30, 31, 32, 33, 34], { paired: true })).toBeNull();
    expect(stoppingPrecisionPct([30, 31, 32], [30, 31, 32], { paired: false })).toBeNull();
    expect(stoppingPrecisionPct([30, 31, 32, 33, 34, 35], [31, 30, 33, 32, 35, 34], { paired: true })).not.toBeNull();
  });
});

describe("stopping on a large real change", () => {
  test("a 99% faster candidate with 1% noise is not read as noise: could-detect stays small", () => {
    const base = Array.from({ length: 15 }, (_, i) => 37 * (1 + 0.01 * Math.sin(i * 1.7)));
    const cand = Array.from({ length: 15 }, (_, i) => 0.32 * (1 + 0.01 * Math.cos(i * 2.3)));
    const pct = stoppingPrecisionPct(base, cand, { paired: true })!;
    expect(pct).toBeLessThan(10);
    // Without a change the same noise gives a figure of the same size.
    const same = stoppingPrecisionPct(base, base.map((v, i) => v * (1 + 0.01 * Math.cos(i * 2.3))), { paired: true })!;
    expect(pct).toBeLessThan(same * 5);
  });
});

describe("stopping, unpaired, on a large real change", () => {
  test("two well-separated clusters are not read as noise", () => {
    const base = [230.89e6, 230.9e6, 230.88e6, 230.89e6, 230.91e6];
    const cand = [1.49e6, 1.491e6, 1.489e6, 1.49e6, 1.492e6];
    expect(stoppingPrecisionPct(base, cand, { paired: false })!).toBeLessThan(1);
  });
});
