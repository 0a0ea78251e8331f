import { describe, expect, test } from "bun:test";
import { PAIRED } from "../../scripts/lib/stats/paired.ts";
import { hodgesLehmannShift, mannWhitneyExact } from "../../scripts/lib/stats/rank-sum.ts";
import { signedRankTest, walshCi } from "../../scripts/lib/stats/signed-rank.ts";
import { UNPAIRED } from "../../scripts/lib/stats/unpaired.ts";
import { compareTypical, VERDICT_TESTS, verdictTest } from "../../scripts/lib/stats/verdict.ts";

// One interface, two tests: verdict.ts picks one from a table and never branches on it.

const x = [3.401, 3.412, 3.398, 3.43, 3.405, 3.419, 3.402, 3.41].map(Math.log);
const y = [3.45, 3.44, 3.43, 3.47, 3.46, 3.455, 3.44, 3.452].map(Math.log);

describe("the table of verdict tests", () => {
  test("keyed by paired", () => {
    expect(verdictTest(true)).toBe(PAIRED);
    expect(verdictTest(false)).toBe(UNPAIRED);
    expect(VERDICT_TESTS.paired.paired).toBe(true);
    expect(VERDICT_TESTS.unpaired.paired).toBe(false);
    expect([PAIRED.name, PAIRED.label, UNPAIRED.name, UNPAIRED.label]).toEqual(["wilcoxon-signed-rank", "signed-rank", "mann-whitney", "rank-sum"]);
  });
  test("each implements the whole interface with the lower-level functions", () => {
    const d = x.map((v, i) => y[i]! - v);
    expect(PAIRED.test(x, y)).toBe(signedRankTest(d).pValue);
    expect(PAIRED.interval(x, y, 0.05)).toEqual(walshCi(d, 0.05));
    expect(UNPAIRED.test(x, y)).toBe(mannWhitneyExact(x, y).pValue);
    expect(UNPAIRED.interval(x, y, 0.05)).toEqual(hodgesLehmannShift(x, y, 0.05));
    expect([PAIRED.minimumP(5, 5), PAIRED.runsNeeded(0.05)]).toEqual([2 ** -4, 6]);
    expect(UNPAIRED.minimumP(3, 3)).toBeCloseTo(0.1, 14);
    expect(UNPAIRED.runsNeeded(0.05)).toBe(4);
    for (const verdict of [PAIRED, UNPAIRED]) {
      const shift = verdict.interval(x, y, 0.05);
      const detect = verdict.couldDetect(x, y, shift, 0.05, 0.8, { baseline: x.map(Math.exp), candidate: y.map(Math.exp), scale: "log-ratio" });
      expect(detect.size!).toBeGreaterThan(0);
      expect(verdict.stoppingPrecision(x, y, 0.05, 0.8)!).toBeGreaterThan(0);
    }
  });
  test("paired needs equal lengths", () => {
    expect(() => PAIRED.test([1, 2], [1])).toThrow(RangeError);
    expect(compareTypical([1, 2, 3, 4], [1, 2], { paired: false }).test).toBe("mann-whitney");
  });
});
