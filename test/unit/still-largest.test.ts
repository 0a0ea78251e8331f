/**
 * The largest costs common to both sides ("still the largest"): runpod-python's top cost,
 * `rp_debugger.py:20 cpuinfo.get_cpu_info()` (about 1 s of 1.5 s), was in the result files
 * and the HTML but in no comparison's terminal report, because only hotspots that appeared
 * or disappeared were shown. Now every format shows the top lines and modules that remain.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { render } from "../../scripts/lib/formats.ts";
import { type LoadedResult, validateResult } from "../../scripts/lib/result/read.ts";
import { ROOT } from "../helpers.ts";

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "results", name), "utf8"));

const spot = (module: string, file: string, line: number, call: string, ms: number) =>
  ({ module, file, line, call, ms, count: 1, root: "package", module_self_ms: ms + 5, module_total_ms: ms + 20, statement_ms: 1500 });

function withWhy(name: string, source: string, options: { debuggerMs: number; extra: ReturnType<typeof spot>[]; selfUs: number }): LoadedResult {
  const data = fixture(name);
  data.hotspots = {
    pkg_total: [
      spot("runpod.serverless.modules.rp_debugger", "runpod/serverless/modules/rp_debugger.py", 20, "cpuinfo.get_cpu_info", options.debuggerMs),
      spot("runpod.http_client", "runpod/http_client.py", 12, "ssl.create_default_context", 40),
      ...options.extra,
    ],
  };
  data.importtime = {
    pkg_total: [
      { module: "runpod.serverless.modules.rp_debugger", self_us: options.selfUs, cumulative_us: options.selfUs + 30_000, depth: 3 },
      { module: "runpod", self_us: 900, cumulative_us: 1_500_000, depth: 0 },
      ...(options.extra.length ? [{ module: "boto3", self_us: 80_000, cumulative_us: 200_000, depth: 1 }] : []),
    ],
  };
  return validateResult(data, source);
}

describe("still the largest: the top costs that remain in the candidate", () => {
  const baseline = withWhy("schema1_base.json", "base.json", { debuggerMs: 1074.8, extra: [spot("pkg.old", "pkg/old.py", 3, "time.sleep", 90)], selfUs: 1_080_000 });
  const candidate = withWhy("schema1_faster.json", "cand.json", { debuggerMs: 1051.2, extra: [], selfUs: 1_060_000 });
  const comparison = buildComparison([baseline, candidate], {});

  test("the json model: hotspot lines and modules on both sides, largest first", () => {
    const model = JSON.parse(render("json", "comparison", comparison));
    const still = model.candidates[0].stillLargest;
    expect(still.measurement).toBe("pkg_total");
    expect(still.hotspots.map((row: { hotspot: { call: string }; baselineMs: number }) => [row.hotspot.call, row.baselineMs])).toEqual([
      ["cpuinfo.get_cpu_info", 1074.8], ["ssl.create_default_context", 40],
    ]);
    expect(still.hotspots[0].hotspot.ms).toBe(1051.2);
    expect(still.modules[0]).toEqual({ module: "runpod.serverless.modules.rp_debugger", selfUs: 1_060_000, baselineSelfUs: 1_080_000, cumulativeUs: 1_090_000, baselineCumulativeUs: 1_110_000 });
    expect(still.modules.map((row: { module: string }) => row.module)).not.toContain("boto3"); // gone from the candidate
  });

  test("terminal, markdown and html name the line", () => {
    for (const format of ["terminal", "markdown", "html"]) {
      const text = render(format, "comparison", comparison).replace(/\\(.)/g, "$1"); // markdown escapes _
      expect({ format, has: /still the largest/i.test(text) }).toEqual({ format, has: true });
      expect(text).toContain("runpod/serverless/modules/rp_debugger.py:20");
      expect(text).toContain("cpuinfo.get_cpu_info");
    }
    const terminal = render("terminal", "comparison", comparison);
    const section = terminal.slice(terminal.indexOf("STILL THE LARGEST"));
    expect(section).toMatch(/runpod\/serverless\/modules\/rp_debugger\.py:20 {2}cpuinfo\.get_cpu_info {2}1,?074\.8\d*ms → 1,?051\.2\d*ms/);
    expect(section).toContain("runpod.serverless.modules.rp_debugger");
  });

  test("no why data: no section", () => {
    const bare = (name: string) => ({ ...fixture(name), importtime: undefined });
    const plain = buildComparison([validateResult(bare("schema1_base.json"), "a.json"), validateResult(bare("schema1_faster.json"), "b.json")], {});
    expect(plain.candidates[0]!.stillLargest).toBeNull();
    expect(render("terminal", "comparison", plain)).not.toContain("STILL THE LARGEST");
  });
});

test("a line moved by an edit above it is still the same cost (module and call, once on each side)", () => {
  const base = withWhy("schema1_base.json", "base.json", { debuggerMs: 74, extra: [], selfUs: 1_000 });
  const cand = withWhy("schema1_faster.json", "cand.json", { debuggerMs: 127, extra: [], selfUs: 1_000 });
  cand.data.hotspots!.pkg_total![0]!.line = 25;
  const still = buildComparison([base, cand], {}).candidates[0]!.stillLargest!;
  expect(still.hotspots.map((row) => [row.hotspot.line, row.baselineLine, row.baselineMs])).toEqual([[25, 20, 74], [12, 12, 40]]);
  expect(render("terminal", "comparison", buildComparison([base, cand], {}))).toContain("rp_debugger.py:25 (line 20 in the baseline)  cpuinfo.get_cpu_info  74.00ms → 127.00ms");
});
