/**
 * Parsing `python -X importtime` output and aggregating several runs by median.
 * Lines look like `import time:       312 |       1289 |   encodings.aliases`; the
 * indentation of the name gives the depth. Only the lines between the harness's begin
 * and end markers belong to the statement.
 */
import { BEGIN_MARKER, END_MARKER } from "./harness.ts";
import type { ImportTimeRow } from "../result/schema.ts";
import { median } from "../stats/describe.ts";

const LINE = /^import time:\s+(\d+|-)\s*\|\s*(\d+|-)\s*\|(\s*)(\S.*)$/;

export function parseImportTime(stderr: string): ImportTimeRow[] {
  const begin = stderr.indexOf(BEGIN_MARKER);
  const end = stderr.indexOf(END_MARKER, begin + 1);
  const section = begin < 0 ? stderr : stderr.slice(begin + BEGIN_MARKER.length, end < 0 ? undefined : end);
  const rows: ImportTimeRow[] = [];
  for (const line of section.split("\n")) {
    const match = LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, self, cumulative, indent, name] = match;
    if (self === "-" || cumulative === "-") continue;
    rows.push({
      module: name!.trim(),
      self_us: Number(self),
      cumulative_us: Number(cumulative),
      depth: Math.max(0, Math.floor((indent!.length - 1) / 2)),
    });
  }
  return rows;
}

/** Per module, the median self and cumulative time across runs; order of the first run. */
export function aggregateImportTime(runs: ImportTimeRow[][]): ImportTimeRow[] {
  const byModule = new Map<string, { self: number[]; cumulative: number[]; depth: number }>();
  for (const rows of runs) {
    for (const row of rows) {
      const entry = byModule.get(row.module) ?? { self: [], cumulative: [], depth: row.depth };
      entry.self.push(row.self_us);
      entry.cumulative.push(row.cumulative_us);
      byModule.set(row.module, entry);
    }
  }
  return [...byModule].map(([module, entry]) => ({
    module,
    self_us: Math.round(median(entry.self)),
    cumulative_us: Math.round(median(entry.cumulative)),
    depth: entry.depth,
  }));
}

/** The `count` rows with the largest value of `key`, largest first. */
export function topOffenders(rows: ImportTimeRow[], key: "self_us" | "cumulative_us", count = 5): ImportTimeRow[] {
  return [...rows].sort((a, b) => b[key] - a[key]).slice(0, count);
}
