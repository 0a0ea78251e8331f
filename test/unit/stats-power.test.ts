import { describe, expect, test } from "bun:test";
import expected from "../fixtures/stats/expected.json" with { type: "json" };
import {
  rankSumCountMoments, rankSumMde, rankSumPower, signedRankCountMoments, signedRankMde, signedRankPower, symmetricAtoms,
} from "../../scripts/lib/stats/power.ts";
import { rankSumCritical } from "../../scripts/lib/stats/rank-sum.ts";
import { signedRankCritical } from "../../scripts/lib/stats/signed-rank.ts";

// Moments: test/fixtures/stats/expected.json, from gen_expected.py enumerating every draw.

describe("U-statistic moments of the counts, against an enumeration of every draw", () => {
  for (const c of expected.moments.signed_rank) {
    test(`signed-rank n=${c.n} δ=${c.delta}`, () => {
      const m = signedRankCountMoments(Float64Array.from(c.atoms), c.n, c.delta);
      expect(m.mean).toBeCloseTo(c.moments[0]!, 10);
      expect(m.variance).toBeCloseTo(c.moments[1]!, 10);
    });
  }
  for (const c of expected.moments.rank_sum) {
    test(`rank-sum ${c.n1} vs ${c.n2} δ=${c.delta}`, () => {
      const m = rankSumCountMoments(Float64Array.from([...c.atoms].sort((a, b) => a - b)), c.n1, c.n2, c.delta);
      expect(m.mean).toBeCloseTo(c.moments[0]!, 10);
      expect(m.variance).toBeCloseTo(c.moments[1]!, 10);
    });
  }
});

describe("could-detect", () => {
  const spread = [-0.031, 0.012, 0.004, -0.008, 0.022, -0.015, 0.0, 0.027, -0.002, 0.009, -0.019, 0.006];
  test("power rises with the shift and reaches the target at the MDE", () => {
    const atoms = symmetricAtoms(spread);
    const critical = signedRankCritical(spread.length, 0.05);
    let previous = 0;
    for (let delta = 0; delta <= 0.06; delta += 0.002) {
      const power = signedRankPower(atoms, spread.length, critical, delta);
      expect(power).toBeGreaterThanOrEqual(previous - 1e-9);
      previous = power;
    }
    const mde = signedRankMde(spread, critical, 0.8)!;
    expect(signedRankPower(atoms, spread.length, critical, mde)).toBeGreaterThanOrEqual(0.8);
    expect(signedRankPower(atoms, spread.length, critical, mde * 0.99)).toBeLessThan(0.8);
  });
  test("scales with the spread; zero spread detects any shift", () => {
    const critical = signedRankCritical(spread.length, 0.05);
    const base = signedRankMde(spread, critical, 0.8)!;
    expect(signedRankMde(spread.map((v) => v * 3), critical, 0.8)!).toBeCloseTo(base * 3, 9);
    expect(signedRankMde(spread.map(() => 0), critical, 0.8)).toBe(0);
    expect(signedRankMde(spread, -1, 0.8)).toBeNull();
  });
  test("rank-sum: same properties", () => {
    const critical = rankSumCritical(6, 6, 0.05);
    const mde = rankSumMde(spread, 6, 6, critical, 0.8)!;
    const atoms = Float64Array.from(spread).sort();
    expect(rankSumPower(atoms, 6, 6, critical, mde)).toBeGreaterThanOrEqual(0.8);
    expect(rankSumMde(spread.map((v) => v * 2 + 5), 6, 6, critical, 0.8)!).toBeCloseTo(mde * 2, 9);
  });
});
