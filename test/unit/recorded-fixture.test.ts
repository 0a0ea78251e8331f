/**
 * The recorded sets (test/fixtures/recorded/paired-30-rounds.json, written by `bun run
 * bench` section 8) parse, have the documented shape, and go through the verdict
 * statistics. No timing here: the figures themselves are the bench's business.
 */
import { describe, expect, test } from "bun:test";
import { compareBestCase, compareTypical } from "../../scripts/lib/stats/verdict.ts";
import { readRecorded, validateRecorded } from "../../scripts/selfbench/recorded-format.ts";

describe("recorded sets fixture", () => {
  const recorded = readRecorded();

  test("holds 20 A/A and 20 +10% comparisons of 30 paired rounds", () => {
    expect(recorded.rounds).toBe(30);
    expect(recorded.sets.aa).toHaveLength(20);
    expect(recorded.sets.plus10).toHaveLength(20);
    for (const comparison of [...recorded.sets.aa, ...recorded.sets.plus10]) {
      expect(comparison.baseline).toHaveLength(30);
      expect(comparison.candidate).toHaveLength(30);
    }
  });

  test("every comparison goes through the new and the old test", () => {
    for (const comparison of [...recorded.sets.aa, ...recorded.sets.plus10]) {
      const typical = compareTypical(comparison.baseline, comparison.candidate, { paired: true });
      expect(["lower", "higher", "no-change"]).toContain(typical.direction);
      expect(typical.ciPct).not.toBeNull();
      expect(compareBestCase(comparison.baseline, comparison.candidate, {})).not.toBeNull();
    }
  });

  test("the validator names what is wrong", () => {
    const broken = structuredClone(recorded);
    broken.sets.aa[3]!.candidate = broken.sets.aa[3]!.candidate.slice(1);
    expect(() => validateRecorded(broken, "x.json")).toThrow("x.json: sets.aa[3].candidate must hold 30 samples");
    const negative = structuredClone(recorded);
    negative.sets.plus10[0]!.baseline[0] = -1;
    expect(() => validateRecorded(negative, "x.json")).toThrow("positive finite numbers");
  });
});
