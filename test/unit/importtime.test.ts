import { expect, test } from "bun:test";
import { BEGIN_MARKER, END_MARKER } from "../../scripts/lib/measure/harness.ts";
import { aggregateImportTime, parseImportTime, topOffenders } from "../../scripts/lib/measure/importtime.ts";

const STDERR = `import time: self [us] | cumulative | imported package
import time:       100 |        100 | zipimport
${BEGIN_MARKER}
import time:       210 |        210 |         _json
import time:       570 |        780 |       json.scanner
import time:       520 |       1300 |     json.decoder
import time:       900 |       2200 |   json
import time:      1100 |       3300 | mypkg
${END_MARKER}
import time:        50 |         50 | json
`;

test("only the statement's lines are parsed, with depth from the indentation", () => {
  expect(parseImportTime(STDERR)).toEqual([
    { module: "_json", self_us: 210, cumulative_us: 210, depth: 4 },
    { module: "json.scanner", self_us: 570, cumulative_us: 780, depth: 3 },
    { module: "json.decoder", self_us: 520, cumulative_us: 1300, depth: 2 },
    { module: "json", self_us: 900, cumulative_us: 2200, depth: 1 },
    { module: "mypkg", self_us: 1100, cumulative_us: 3300, depth: 0 },
  ]);
});

test("runs aggregate by median per module; offenders sort by the chosen column", () => {
  const runs = [
    [{ module: "a", self_us: 10, cumulative_us: 30, depth: 0 }, { module: "b", self_us: 20, cumulative_us: 20, depth: 1 }],
    [{ module: "a", self_us: 14, cumulative_us: 34, depth: 0 }, { module: "b", self_us: 26, cumulative_us: 26, depth: 1 }],
    [{ module: "a", self_us: 90, cumulative_us: 99, depth: 0 }, { module: "b", self_us: 21, cumulative_us: 21, depth: 1 }],
  ];
  const rows = aggregateImportTime(runs);
  expect(rows).toEqual([
    { module: "a", self_us: 14, cumulative_us: 34, depth: 0 },
    { module: "b", self_us: 21, cumulative_us: 21, depth: 1 },
  ]);
  expect(topOffenders(rows, "self_us", 1)[0]!.module).toBe("b");
  expect(topOffenders(rows, "cumulative_us", 1)[0]!.module).toBe("a");
});
