/**
 * The recorded sets of section 8 (test/fixtures/recorded/paired-30-rounds.json): raw
 * import-time samples of real paired comparisons recorded on the project's machine, kept
 * so any statistic can be tried on real noise without measuring again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const RECORDED_FILE = join(import.meta.dir, "..", "..", "test", "fixtures", "recorded", "paired-30-rounds.json");

/** One comparison: samples[i] of both sides are round i (paired). */
export interface RecordedComparison {
  baseline: number[];
  candidate: number[];
}

export interface RecordedSets {
  description: string;
  /** ISO date of the recording. */
  recorded: string;
  machine: { cpu: string; cores: number; python: string };
  /** import_ms, milliseconds, as result files store them (0.001 ms). */
  quantity: "import_ms";
  rounds: number;
  /** Median and fastest base import in calibration, ms; loop iterations of the base, and the +10% candidate's extra. */
  fixture: { base_import_ms: number; base_fastest_ms: number; loops: number; plus10_extra_loops: number };
  sets: {
    /** The base fixture against a copy of itself. */
    aa: RecordedComparison[];
    /** The base fixture against a candidate doing ~10% more import work. */
    plus10: RecordedComparison[];
  };
}

/** Checks the shape; throws an Error naming the first problem. */
export function validateRecorded(value: unknown, source = "recorded sets"): RecordedSets {
  const fail = (problem: string): never => {
    throw new Error(`${source}: ${problem}`);
  };
  if (typeof value !== "object" || value === null) return fail("not a JSON object");
  const data = value as Partial<RecordedSets>;
  if (typeof data.recorded !== "string" || Number.isNaN(Date.parse(data.recorded))) fail("recorded must be an ISO date");
  if (data.quantity !== "import_ms") fail('quantity must be "import_ms"');
  if (!Number.isInteger(data.rounds) || data.rounds! < 6) fail("rounds must be a whole number ≥ 6");
  if (!data.machine || typeof data.machine.cpu !== "string" || typeof data.machine.python !== "string") fail("machine must give cpu and python");
  if (!data.fixture || !(data.fixture.base_import_ms > 0)) fail("fixture.base_import_ms must be positive");
  if (!data.sets || typeof data.sets !== "object") return fail("sets missing");
  for (const key of ["aa", "plus10"] as const) {
    const set = data.sets[key];
    if (!Array.isArray(set) || set.length === 0) fail(`sets.${key} must be a non-empty list`);
    set!.forEach((comparison, index) => {
      for (const side of ["baseline", "candidate"] as const) {
        const samples = comparison?.[side];
        if (!Array.isArray(samples) || samples.length !== data.rounds) fail(`sets.${key}[${index}].${side} must hold ${data.rounds} samples`);
        if (!samples!.every((sample) => typeof sample === "number" && Number.isFinite(sample) && sample > 0)) {
          fail(`sets.${key}[${index}].${side} must hold positive finite numbers`);
        }
      }
    });
  }
  return data as RecordedSets;
}

/** The file's text: pretty-printed, one comparison per line (small and diffable). */
export function formatRecorded(recorded: RecordedSets): string {
  const list = (comparisons: RecordedComparison[]) => `[\n${comparisons.map((c) => `      ${JSON.stringify(c)}`).join(",\n")}\n    ]`;
  return `${JSON.stringify({ ...recorded, sets: { aa: "@aa", plus10: "@plus10" } }, null, 2)
    .replace('"@aa"', () => list(recorded.sets.aa))
    .replace('"@plus10"', () => list(recorded.sets.plus10))}\n`;
}

export function readRecorded(path = RECORDED_FILE): RecordedSets {
  return validateRecorded(JSON.parse(readFileSync(path, "utf8")), path);
}
