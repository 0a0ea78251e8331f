/**
 * Repeated hotspots runs (pure): merging one tree's runs with their spread, keeping them
 * within the unprofiled import times, and reporting between two trees only the changes larger
 * than that spread.
 */
import { describe, expect, test } from "bun:test";
import {
  boundHotspots,
  hotspotChangesBeyondSpread,
  hotspotShiftsBeyondSpread,
  mergeHotspotRuns,
  MIN_SPREAD_RUNS,
  spreadLabel,
  spreadRuns,
  type SpreadHotspot,
} from "../../scripts/lib/measure/hotspot-merge.ts";
import type { Hotspot, ImportTimeRow } from "../../scripts/lib/result/schema.ts";

const H = (module: string, line: number | null, call: string, ms: number, extra: Partial<Hotspot> = {}): Hotspot => ({
  module, file: `${module.replace(/\./g, "/")}.py`, line, call, ms, count: 1, root: "stdlib", module_self_ms: 40, module_total_ms: 50, statement_ms: 100, ...extra,
});

describe("mergeHotspotRuns", () => {
  test("median of the runs that listed it, range over all runs, count and module figures merged", () => {
    const merged = mergeHotspotRuns([
      [H("socket", 80, "enum.EnumType._convert_", 21.46, { count: 2, import_ms: 1 }), H("ssl", 138, "re.compile", 3)],
      [H("socket", 80, "enum.EnumType._convert_", 19.0, { count: 2, import_ms: 3, module_self_ms: 44 })],
      [H("socket", 80, "enum.EnumType._convert_", 25.0, { count: 2 }), H("ssl", 138, "re.compile", 4)],
    ]);
    expect(merged).toEqual([
      {
        module: "socket", file: "socket.py", line: 80, call: "enum.EnumType._convert_", ms: 21.46, count: 2, runs: 3, seen: 3, ms_min: 19, ms_max: 25,
        import_ms: 2, root: "stdlib", module_self_ms: 40, module_total_ms: 50, statement_ms: 100,
      },
      // Listed by two runs of three: kept, and the run that did not list it puts 0 at the low end.
      { module: "ssl", file: "ssl.py", line: 138, call: "re.compile", ms: 3.5, count: 1, runs: 3, seen: 2, ms_min: 0, ms_max: 4, root: "stdlib", module_self_ms: 40, module_total_ms: 50, statement_ms: 100 },
    ]);
  });

  test("a hotspot listed by fewer than half of the runs is left out; an empty run still counts", () => {
    const merged = mergeHotspotRuns([[H("a", 1, "f", 5), H("a", 2, "g", 9)], [H("a", 1, "f", 7)], []]);
    expect(merged.map((h) => [h.call, h.seen, h.runs, h.ms_min, h.ms_max])).toEqual([["f", 2, 3, 0, 7]]);
    const two = mergeHotspotRuns([[H("a", 1, "f", 5), H("a", 2, "g", 9)], [H("a", 1, "f", 7)]]);
    expect(two.map((h) => [h.call, h.ms, h.seen, h.ms_min, h.ms_max])).toEqual([["g", 9, 1, 0, 9], ["f", 6, 2, 5, 7]]);
  });

  test("one run merges into itself with a zero spread; no runs, nothing", () => {
    const one = mergeHotspotRuns([[H("a", null, "(top-level code)", 2.5)]]);
    expect(one).toEqual([{ ...H("a", null, "(top-level code)", 2.5), runs: 1, seen: 1, ms_min: 2.5, ms_max: 2.5 }]);
    expect(mergeHotspotRuns([])).toEqual([]);
    expect(spreadRuns(one)).toBe(1);
    expect(spreadRuns([H("a", 1, "f", 1)])).toBe(1);
    expect(spreadRuns([])).toBe(0);
  });
});

describe("boundHotspots", () => {
  const rows = (module: string, ...cumulativeMs: number[]): ImportTimeRow[][] =>
    cumulativeMs.map((ms) => [{ module, self_us: ms * 500, cumulative_us: ms * 1000, depth: 1 }]);

  test("a module's hotspots never add up to more than its largest unprofiled cumulative time", () => {
    // The phantom: three re.compile lines at 112-128 ms in a module whose whole import takes 12.4-12.7 ms.
    const spots = [H("urllib3.util.url", 61, "re.compile", 112), H("urllib3.util.url", 62, "re.compile", 127), H("urllib3.util.url", 63, "re.compile", 128), H("rp_debugger", 20, "get_cpu_info", 1219)];
    const bounded = boundHotspots(spots, [...rows("urllib3.util.url", 12.4, 12.7), ...rows("rp_debugger", 1216)]);
    const url = bounded.filter((h) => h.module === "urllib3.util.url");
    expect(url.every((h) => h.bounded_by_importtime)).toBe(true);
    expect(url.reduce((sum, h) => sum + h.ms, 0)).toBeCloseTo(12.7, 2);
    for (const h of url) expect(h.ms).toBeLessThanOrEqual(12.7);
    // A call into C that agrees with importtime is left alone when within the runs' noise... and scaled when above it.
    expect(bounded.find((h) => h.module === "rp_debugger")).toMatchObject({ ms: 1216, bounded_by_importtime: true });
    expect(boundHotspots([H("rp_debugger", 20, "get_cpu_info", 1210)], rows("rp_debugger", 1210, 1216))[0]).toEqual(H("rp_debugger", 20, "get_cpu_info", 1210));
  });

  test("ranges are scaled with the median; modules without rows (the statement) are kept", () => {
    const spread: SpreadHotspot = { ...H("a", 3, "f", 20), runs: 2, seen: 2, ms_min: 18, ms_max: 22 };
    expect(boundHotspots([spread], rows("a", 10))[0]).toMatchObject({ ms: 10, ms_min: 9, ms_max: 11, bounded_by_importtime: true });
    const statement = H("__coldstart__", 2, "acme.main", 50);
    expect(boundHotspots([statement], rows("a", 1))).toEqual([statement]);
  });
});

describe("hotspotChangesBeyondSpread", () => {
  const S = (module: string, line: number | null, call: string, values: number[], runs = values.length, extra: Partial<Hotspot> = {}): SpreadHotspot =>
    mergeHotspotRuns([...values.map((ms) => [H(module, line, call, ms, extra)]), ...Array.from({ length: runs - values.length }, () => [])])[0]!;

  test("noise is not change: a hotspot under the cut in one run, or listed on one side within the other's reach", () => {
    // httpx 0.27.0 -> 0.28.1 on an unchanged standard library: the same calls, each run listing slightly different ones.
    const baseline = [S("socket", 80, "enum.EnumType._convert_", [21.46, 20.1]), S("ssl", 138, "re.compile", [2.2, 2.0]), S("ssl", 170, "re.compile", [1.9, 2.1])];
    const candidate = [S("socket", 80, "enum.EnumType._convert_", [20.9, 22.0]), S("ssl", 170, "re.compile", [2.3, 2.0]), S("ssl", 175, "enum.EnumType._convert_", [2.1, 1.95])];
    expect(hotspotChangesBeyondSpread(baseline, candidate)).toEqual([]);
    // Overlapping ranges are the same figure.
    expect(hotspotShiftsBeyondSpread(baseline, candidate)).toEqual([]);
  });

  test("a hotspot that appears well above anything the baseline could hold is reported and labelled", () => {
    const baseline = [S("acme", 3, "json.loads", [1.0, 1.2]), S("acme", 9, "re.compile", [0.8, 0.9])];
    const candidate = [S("acme", 3, "json.loads", [1.1, 1.0]), S("acme", 12, "time.sleep", [50.2, 50.4])];
    const changes = hotspotChangesBeyondSpread(baseline, candidate);
    // The shape of compare's HotspotChange: its hotspotChanges can return this as it is.
    const asCompareSees: { change: "appeared" | "disappeared"; hotspot: Hotspot }[] = changes;
    expect(asCompareSees).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      change: "appeared",
      hotspot: { module: "acme", line: 12, call: "time.sleep" },
      baseline: null,
      candidate: { ms: 50.3, min: 50.2, max: 50.4, runs: 2 },
      label: "beyond the spread of 2 profiled runs",
    });
    // The delta is taken against the cut of the baseline's list for that module (its smallest listed call).
    expect(changes[0]!.deltaMs).toBeCloseTo(50.3 - 0.8, 3);
    // And the other way round.
    const back = hotspotChangesBeyondSpread(candidate, baseline);
    expect(back.map((c) => [c.change, c.hotspot.call, c.candidate, c.label])).toEqual([["disappeared", "time.sleep", null, "beyond the spread of 2 profiled runs"]]);
    expect(back[0]!.deltaMs).toBeLessThan(0);
  });

  test("a hotspot seen in only some runs has 0 at the low end of its range, so it is not reported", () => {
    const baseline = [S("acme", 3, "json.loads", [1.0, 1.1])];
    const flaky = [S("acme", 3, "json.loads", [1.0, 1.1]), S("acme", 7, "socket.getaddrinfo", [30], 2)];
    expect(flaky[1]).toMatchObject({ seen: 1, runs: 2, ms_min: 0, ms_max: 30 });
    expect(hotspotChangesBeyondSpread(baseline, flaky)).toEqual([]);
  });

  test("a module the other side did not list: the ceiling is that side's smallest listed module self time", () => {
    const baseline = [S("big", 1, "f", [30, 31], 2, { module_self_ms: 40 })];
    const candidate = [S("big", 1, "f", [30, 31], 2, { module_self_ms: 40 }), S("new", 4, "g", [35, 36], 2, { module_self_ms: 36 }), S("other", 4, "h", [41, 42], 2, { module_self_ms: 45 })];
    // "new" could have been under the baseline's module cut (40 ms); "other" could not.
    expect(hotspotChangesBeyondSpread(baseline, candidate).map((c) => c.hotspot.module)).toEqual(["other"]);
  });

  test("shifts: both sides listed it, their ranges apart, the change at least minMs", () => {
    const baseline = [S("acme", 3, "json.loads", [10, 11]), S("acme", 5, "re.compile", [1.0, 1.1])];
    const candidate = [S("acme", 3, "json.loads", [20, 21]), S("acme", 5, "re.compile", [1.3, 1.4])];
    expect(hotspotChangesBeyondSpread(baseline, candidate)).toEqual([]);
    const shifts = hotspotShiftsBeyondSpread(baseline, candidate);
    expect(shifts.map((c) => [c.change, c.hotspot.call, c.deltaMs])).toEqual([["slower", "json.loads", 10]]);
    expect(hotspotShiftsBeyondSpread(candidate, baseline, { minMs: 0.1 }).map((c) => [c.change, c.hotspot.call])).toEqual([
      ["faster", "json.loads"],
      ["faster", "re.compile"],
    ]);
  });

  test(`fewer than ${MIN_SPREAD_RUNS} runs on a side: nothing is reported, however large`, () => {
    const one = [S("acme", 12, "time.sleep", [500])];
    const two = [S("acme", 3, "json.loads", [1, 1.1])];
    expect(hotspotChangesBeyondSpread(two, one)).toEqual([]);
    expect(hotspotChangesBeyondSpread(one, two)).toEqual([]);
    expect(hotspotShiftsBeyondSpread(one, one)).toEqual([]);
    // A result file from before the merge (plain hotspots, no runs) counts as one run.
    expect(hotspotChangesBeyondSpread([H("acme", 3, "f", 1) as SpreadHotspot], two)).toEqual([]);
    expect(spreadLabel(3, 2)).toBe("beyond the spread of 3 and 2 profiled runs");
  });
});
