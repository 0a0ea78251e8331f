/**
 * The single-tree report's sample warnings, without a run: the first-run warning's
 * relative and absolute floors, and what it tells the user to do.
 */
import { describe, expect, test } from "bun:test";
import { warningText } from "../../scripts/lib/render/tree.ts";
import { sampleWarnings } from "../../scripts/lib/stats/warnings.ts";

describe("wording", () => {
  test("the first-run warning: relative and absolute floors, and what to do with or without warm-up", () => {
    // 25% and 1 ms over the median: both floors must be passed.
    expect(sampleWarnings([40, 20, 20.1, 19.9, 20, 20.2])).toEqual([{ kind: "slow-first", first: 40, median: 20.05 }]);
    expect(sampleWarnings([1.9, 1, 1.01, 0.99, 1, 1.02]).filter((w) => w.kind === "slow-first")).toEqual([]); // +90%, but 0.9 ms
    expect(sampleWarnings([205, 200, 200.1, 199.9, 200, 200.2]).filter((w) => w.kind === "slow-first")).toEqual([]); // +5 ms, but 2.5%
    const [warning] = sampleWarnings([40, 20, 20.1, 19.9, 20, 20.2]);
    expect(warningText("pkg_total", warning!, 0)).toBe(
      "pkg_total: the first run took 40.00ms against a median of 20.05ms; use --warmup 1 (or more) to keep cache effects out of the samples",
    );
    expect(warningText("pkg_total", warning!, 2)).toBe(
      "pkg_total: the first run took 40.00ms against a median of 20.05ms; caches may still be warming, try a larger --warmup",
    );
  });
});
