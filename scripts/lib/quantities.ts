/**
 * The quantities measured in every counted run: the one list to extend with a new one.
 *
 * A quantity comes from the harness (the child reports it in its result line), from the
 * process (the parent measures the child from outside) or from the instruction counter.
 * Everything downstream — the result file (`measurements.<name>.quantities.<key>`), the
 * reader, the comparison and its verdicts, every renderer and the budgets — iterates over
 * this list; adding a quantity means the harness (or executor) reporting it and one entry
 * here.
 */

export type QuantityKey = "import_ms" | "process_ms" | "cpu_ms" | "rss_mb" | "instructions";

export interface QuantityDef {
  key: QuantityKey;
  /** What reports call it. */
  label: string;
  unit: "ms" | "MB" | "instructions";
  /** Where each run's value comes from. */
  source: "harness" | "process" | "counter";
  /** Decimals a sample keeps in the result file. */
  decimals: number;
  /** What a significantly lower / higher candidate is called. */
  lower: string;
  higher: string;
  /**
   * Whether two files of one invocation compare this quantity round by round. Counted
   * instructions have no round-to-round drift to cancel, and their counting rounds are
   * not the timed rounds: they compare unpaired.
   */
  pairable: boolean;
  /**
   * The smallest change, %, the quantity resolves: a significant change below it is
   * reported as no change. Instruction counts of one interpreter vary by a few thousand
   * instructions (~0.001–0.006%) from run to run; nobody gates on that.
   */
  floorPct?: number;
  /**
   * What the interpreter alone (the interleaved `python -c pass` runs) contributes: the
   * import's own share is the measurement minus it ("import adds 41 MB"). Null when the
   * quantity already excludes start-up.
   */
  startup: "subtract" | null;
}

export const QUANTITIES: readonly QuantityDef[] = [
  { key: "import_ms", label: "import time", unit: "ms", source: "harness", decimals: 3, lower: "faster", higher: "slower", pairable: true, startup: null },
  { key: "process_ms", label: "process time", unit: "ms", source: "process", decimals: 3, lower: "faster", higher: "slower", pairable: true, startup: "subtract" },
  { key: "cpu_ms", label: "CPU time", unit: "ms", source: "harness", decimals: 3, lower: "less CPU", higher: "more CPU", pairable: true, startup: null },
  { key: "rss_mb", label: "peak memory", unit: "MB", source: "harness", decimals: 2, lower: "less memory", higher: "more memory", pairable: true, startup: "subtract" },
  // The import's own instructions: each counted round's statement minus its `pass` run.
  { key: "instructions", label: "instructions", unit: "instructions", source: "counter", decimals: 0, lower: "fewer instructions", higher: "more instructions", pairable: false, floorPct: 0.05, startup: null },
];

export const QUANTITY_KEYS: readonly QuantityKey[] = QUANTITIES.map((quantity) => quantity.key);

export function quantity(key: QuantityKey): QuantityDef {
  return QUANTITIES.find((def) => def.key === key)!;
}

export function isQuantityKey(value: string): value is QuantityKey {
  return (QUANTITY_KEYS as readonly string[]).includes(value);
}

/** One run's values, by quantity (a quantity the run did not measure is absent). */
export type QuantityValues = Partial<Record<QuantityKey, number>>;

/** Statistics a budget may name: `"<measurement>[.<quantity>].<stat>"`. */
export const BUDGET_STATS = ["min", "max", "mean", "median"] as const;
export type BudgetStat = (typeof BUDGET_STATS)[number];
