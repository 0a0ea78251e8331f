import { describe, expect, test } from "bun:test";
import reference from "../fixtures/stats/verdicts2.json" with { type: "json" };
import { mulberry32, normal } from "../../scripts/lib/stats/random.ts";
import {
  compareTail, harrellDavis, orderStatisticBounds, TAIL_METHOD, TAIL_Q, tailRunsNeeded,
} from "../../scripts/lib/stats/tail.ts";
import { compareParts } from "../../scripts/lib/stats/verdict.ts";

// The slow-runs line (the issue "Verdicts II", gap 1). References: verdicts2.json from
// gen_verdicts2.py (scipy's hdquantiles and binomial distribution).

/** The stretched slow half: baseline 100·(1 + 0.04z), candidate 100·(1 + 0.04·(z < 0 ? z : 3z)). */
function stretch(seed: number, n: number): { baseline: number[]; candidate: number[] } {
  const random = mulberry32(seed);
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let i = 0; i < n; i += 1) {
    baseline.push(Number((100 * (1 + 0.04 * normal(random))).toFixed(3)));
    const z = normal(random);
    candidate.push(Number((100 * (1 + 0.04 * (z < 0 ? z : 3 * z))).toFixed(3)));
  }
  return { baseline, candidate };
}

describe("building blocks against scipy", () => {
  for (const c of reference.hd) {
    test(`Harrell–Davis q=${c.q}, n=${c.sample.length}`, () => {
      expect(harrellDavis(c.sample, c.q)).toBeCloseTo(c.value, 10);
    });
  }
  test("order-statistic bounds of a quantile (binomial)", () => {
    for (const c of reference.order) {
      expect(orderStatisticBounds(c.n, c.q, c.tail)).toEqual(c.bounds ? { low: c.bounds[0]!, high: c.bounds[1]! } : null);
    }
  });
  test("runs the line needs: three expected above the quantile (bootstrap), 42 for p90 exactly", () => {
    expect(TAIL_METHOD).toBe("bootstrap-type7");
    expect(TAIL_Q).toBe(0.9);
    expect(tailRunsNeeded(0.9)).toBe(30);
    expect(tailRunsNeeded(0.75)).toBe(12);
    expect(tailRunsNeeded(0.5)).toBe(6);
    expect(tailRunsNeeded(0.9, "order-statistic")).toBe(42);
  });
});

describe("the issue's heavy-tail example", () => {
  const baseline = [94.64, 97.26, 102.42, 94.58, 100.22, 100.03, 95.44, 104.16, 104.45, 94.33];
  const candidate = [98.24, 98.17, 93.48, 108.42, 111.76, 101.01, 134.99, 128.19, 106.92, 107.31];

  test("n = 10: typical 7.9% slower (CI 0.98% to 19.5%), best case no change, slow runs named with their estimate but insufficient for an interval", () => {
    const parts = compareParts(baseline, candidate, { paired: true });
    const typical = parts.typical.outcome;
    expect(typical.direction).toBe("higher");
    expect(typical.estimatePct!).toBeCloseTo(-7.91, 2);
    expect(typical.ciPct!.low).toBeCloseTo(-19.51, 2);
    expect(typical.ciPct!.high).toBeCloseTo(-0.98, 2);
    expect(typical.pValue!).toBeCloseTo(0.01953125, 12);
    expect(parts.bestCase!.outcome.direction).toBe("no-change");
    const tail = parts.tail!;
    expect(tail.q).toBe(0.9);
    expect(tail.verdict).toBe("insufficient");
    expect(tail.reason).toEqual({ kind: "too-few-runs", n: 10, needed: 30, q: 0.9 });
    expect(tail.ciPct).toBeNull();
    // The slowest tenth moved most: p90 (type 7) 104.189 → 128.87 ms, 23.7% slower.
    expect(tail.baseline!).toBeCloseTo(104.189, 9);
    expect(tail.candidate!).toBeCloseTo(128.87, 9);
    expect(tail.estimatePct!).toBeCloseTo((1 - 128.87 / 104.189) * 100, 9);
    expect(tail.estimatePct!).toBeLessThan(typical.estimatePct!);
    expect(parts.shape.moved).toEqual(["typical"]);
    expect(parts.shape.parts.find((part) => part.part === "tail")!.move).toBe("unknown");
  });

  test("at p75 the same ten rounds allow no interval either (12 needed)", () => {
    expect(compareTail(baseline, candidate, { paired: true, q: 0.75 }).reason).toEqual({ kind: "too-few-runs", n: 10, needed: 12, q: 0.75 });
  });
});

describe("the stretched slow half at 30 rounds", () => {
  const { baseline, candidate } = stretch(5, 30);
  test("typical: no significant change; slow runs: slower, with an interval; the parts disagree, the slow runs named", () => {
    const parts = compareParts(baseline, candidate, { paired: true, mde: false });
    expect(parts.typical.outcome.direction).toBe("no-change");
    expect(parts.bestCase!.outcome.direction).toBe("no-change");
    const tail = parts.tail!;
    expect(tail.verdict).toBe("higher");
    expect(tail.ciPct!.high).toBeLessThan(0);
    expect(tail.ciPct!.low).toBeLessThanOrEqual(tail.estimatePct!);
    expect(tail.estimatePct!).toBeLessThanOrEqual(tail.ciPct!.high);
    expect(tail.beyondMedian!.ciPct!.high).toBeLessThan(0);
    expect(parts.shape.moved).toEqual(["tail"]);
    expect(parts.shape.unmoved).toEqual(["typical", "best-case"]);
    expect(parts.shape.disagree).toBe(true);
    expect(parts.shape.disagreements[0]).toMatchObject({ slower: "tail", faster: "typical" });
  });
});

describe("properties", () => {
  test("seeded: the same samples give the same interval; the inputs are not changed", () => {
    const { baseline, candidate } = stretch(9, 30);
    const copy = [...baseline];
    const first = compareTail(baseline, candidate, { paired: true });
    expect(compareTail(baseline, candidate, { paired: true })).toEqual(first);
    expect(baseline).toEqual(copy);
  });
  test("A/A of identical values: no change, an interval around 0", () => {
    const { baseline } = stretch(3, 40);
    const tail = compareTail(baseline, [...baseline].reverse(), { paired: false });
    expect(tail.verdict).toBe("no-change");
    expect(tail.ciPct!.low).toBeLessThanOrEqual(0);
    expect(tail.ciPct!.high).toBeGreaterThanOrEqual(0);
  });
  test("a uniform +20%: slower, the estimate and interval on the same convention as the typical change", () => {
    const { baseline } = stretch(4, 30);
    const random = mulberry32(44);
    const candidate = baseline.map((value) => value * 1.2 * Math.exp(0.005 * normal(random)));
    const tail = compareTail(baseline, candidate, { paired: true });
    expect(tail.verdict).toBe("higher");
    expect(tail.estimatePct!).toBeCloseTo(-20, 0);
    expect(tail.scale).toBe("log-ratio");
  });
  test("no samples, bad q, paired lengths", () => {
    expect(compareTail([], [1, 2], { paired: false }).reason).toEqual({ kind: "no-samples" });
    expect(() => compareTail([1, 2], [1, 2], { paired: true, q: 1 })).toThrow(RangeError);
    expect(() => compareTail([1, 2], [1], { paired: true })).toThrow(RangeError);
  });
  test("samples at or below zero: the difference scale", () => {
    const baseline = Array.from({ length: 30 }, (_, i) => (i % 7) - 1);
    const candidate = baseline.map((value) => value + 0.5);
    const tail = compareTail(baseline, candidate, { paired: true });
    expect(tail.scale).toBe("difference");
    expect(Number.isFinite(tail.estimatePct!)).toBe(true);
  });
  test("the exact method where it can: 60 runs", () => {
    const { baseline, candidate } = stretch(12, 60);
    const tail = compareTail(baseline, candidate, { paired: true, method: "order-statistic" });
    expect(tail.ciPct).not.toBeNull();
    expect(tail.beyondMedian).toBeNull();
    expect(compareTail(baseline.slice(0, 30), candidate.slice(0, 30), { paired: true, method: "order-statistic" }).reason)
      .toEqual({ kind: "too-few-runs", n: 30, needed: 42, q: 0.9 });
  });
});
