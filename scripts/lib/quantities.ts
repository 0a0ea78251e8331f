/**
 * The quantities measured in every counted run: the one list to extend with a new one.
 *
 * A quantity comes from the harness (the child reports it in its result line, under its
 * key), from the process (the parent measures the child from outside) or from the
 * instruction counter. Everything downstream — the harness's parser, the result file
 * (`measurements.<name>.quantities.<key>`), the reader, the comparison and its verdicts,
 * every renderer, the single-tree report and the budgets — loops over this list, read at
 * call time. Adding a quantity means the harness reporting it and one entry here (and a
 * unit below, when it has a new one).
 */

export type QuantityKey =
  | "import_ms" | "process_ms" | "cpu_ms" | "rss_mb" | "read_mb" | "read_calls" | "modules" | "threads"
  | "instructions" | "child_instructions" | "child_processes";

/** How values of one unit are written: the one place a unit's formatting lives. */
export interface UnitDef {
  /** With the unit, for sentences: "12.35 ms", "41.2 MB", "171.52 M instructions". */
  full(value: number): string;
  /** For a narrow column: "12.35ms", "41.2MB", "230.89M". */
  compact(value: number): string;
  /** Without the unit, for a cell whose header names it (`header`). */
  number(value: number): string;
  /** What a column header names: "ms", "MB", "M instr". */
  header: string;
}

/** A count in millions (2 decimals), or in billions from 1e9 (`gDigits` decimals). */
const scaled = (value: number, gDigits: number, separator: string) =>
  Math.abs(value) >= 1e9 ? `${(value / 1e9).toFixed(gDigits)}${separator}G` : `${(value / 1e6).toFixed(2)}${separator}M`;

const megabytes = (value: number) => value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 3 : 1);

/**
 * `n.toLocaleString("en-US")` for a whole number ("12,345"), without waking ICU: its first
 * use costs a report ~3 ms of start-up. Anything else still goes to toLocaleString.
 */
const grouped = (n: number): string =>
  Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n).replace(/\B(?=(\d{3})+$)/g, ",") : n.toLocaleString("en-US");

export const UNITS = {
  ms: { full: (v) => `${v.toFixed(2)} ms`, compact: (v) => `${v.toFixed(2)}ms`, number: (v) => v.toFixed(2), header: "ms" },
  MB: { full: (v) => `${v.toFixed(1)} MB`, compact: (v) => `${v.toFixed(1)}MB`, number: (v) => v.toFixed(1), header: "MB" },
  /** Amounts of data in MB: to a tenth, small ones (a few kB read) to three decimals rather than "0.0". */
  data: { full: (v) => `${megabytes(v)} MB`, compact: (v) => `${megabytes(v)}MB`, number: megabytes, header: "MB" },
  instructions: {
    full: (v) => `${scaled(v, 3, " ")} instructions`,
    compact: (v) => scaled(v, 2, ""),
    number: (v) => (v / 1e6).toFixed(2),
    header: "M instr",
  },
  /** Things counted one by one: "231 modules", "2 threads". */
  count: { full: (v) => grouped(Math.round(v)), compact: (v) => String(Math.round(v)), number: (v) => String(Math.round(v)), header: "" },
  calls: { full: (v) => `${grouped(Math.round(v))} calls`, compact: (v) => String(Math.round(v)), number: (v) => String(Math.round(v)), header: "calls" },
} satisfies Record<string, UnitDef>;
export type UnitName = keyof typeof UNITS;

export interface QuantityDef {
  key: QuantityKey;
  /** What reports call it ("peak memory"). */
  label: string;
  /** A short column header ("Memory"). */
  column: string;
  unit: UnitName;
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
   * A start-up figure: it includes what the interpreter alone (the interleaved
   * `python -c pass` runs) contributes, so the import's own share is the measurement minus
   * it ("import adds 41 MB"). False when the quantity covers the statement only.
   */
  startup: boolean;
  /** The import's CPU time: import time beyond it was spent waiting ("of which N ms not on the CPU"). */
  waiting?: boolean;
  /** Only on some systems (e.g. Linux's /proc): "n/a" elsewhere, never an error. */
  platforms?: string;
  /**
   * Meant to be exact: runs of one tree should agree. Sides whose runs all agree are
   * compared exactly (any difference is the difference); a spread above 0.1% is reported
   * with its likely cause (compare/spread.ts), never silently.
   */
  exact?: boolean;
  /** For a unit without a word of its own ("count"): what one of them is called ("module": "231 modules", "1 module"). */
  noun?: string;
}

export const QUANTITIES: QuantityDef[] = [
  { key: "import_ms", label: "import time", column: "Import", unit: "ms", source: "harness", decimals: 3, lower: "faster", higher: "slower", pairable: true, startup: false },
  { key: "process_ms", label: "process time", column: "Process", unit: "ms", source: "process", decimals: 3, lower: "faster", higher: "slower", pairable: true, startup: true },
  { key: "cpu_ms", label: "CPU time", column: "CPU", unit: "ms", source: "harness", decimals: 3, lower: "less CPU", higher: "more CPU", pairable: true, startup: false, waiting: true },
  { key: "rss_mb", label: "peak memory", column: "Memory", unit: "MB", source: "harness", decimals: 2, lower: "less memory", higher: "more memory", pairable: true, startup: true },
  // Bytes and read calls of the statement (/proc/self/io rchar and syscr): what a container or network file system pays for.
  { key: "read_mb", label: "bytes read", column: "Read", unit: "data", source: "harness", decimals: 3, lower: "less read", higher: "more read", pairable: true, startup: false, platforms: "Linux" },
  { key: "read_calls", label: "read calls", column: "Reads", unit: "calls", source: "harness", decimals: 0, lower: "fewer reads", higher: "more reads", pairable: true, startup: false, platforms: "Linux" },
  // What the import leaves loaded and running: distinct module objects (aliases such as requests.packages.* counted once), Python threads.
  { key: "modules", label: "modules loaded", column: "Modules", unit: "count", noun: "module", source: "harness", decimals: 0, lower: "fewer modules", higher: "more modules", pairable: true, startup: false, exact: true },
  { key: "threads", label: "threads running", column: "Threads", unit: "count", noun: "thread", source: "harness", decimals: 0, lower: "fewer threads", higher: "more threads", pairable: true, startup: false, exact: true },
  // The importing process's own instructions: each counted round's statement minus its `pass` run.
  { key: "instructions", label: "instructions", column: "Instructions", unit: "instructions", source: "counter", decimals: 0, lower: "fewer instructions", higher: "more instructions", pairable: false, floorPct: 0.05, startup: false, exact: true },
  // Processes the import starts, counted apart: their work varies from run to run (a subprocess's start-up, polling).
  { key: "child_instructions", label: "instructions in child processes", column: "Children", unit: "instructions", source: "counter", decimals: 0, lower: "fewer instructions in children", higher: "more instructions in children", pairable: false, startup: false },
  { key: "child_processes", label: "child processes", column: "Processes", unit: "count", noun: "process", source: "counter", decimals: 0, lower: "fewer child processes", higher: "more child processes", pairable: false, startup: false, exact: true },
];

/** Every quantity's key, in list order (read at call time: the list may grow). */
export function quantityKeys(): QuantityKey[] {
  return QUANTITIES.map((def) => def.key);
}

export function quantity(key: QuantityKey): QuantityDef {
  const def = QUANTITIES.find((item) => item.key === key);
  if (!def) throw new RangeError(`unknown quantity ${JSON.stringify(key)}`);
  return def;
}

function pluralOf(noun: string): string {
  return noun.endsWith("s") ? `${noun}es` : `${noun}s`;
}

/** A quantity's direction word for a change of `count`: "more modules", but "1 more module". */
export function changeWord(key: QuantityKey, higher: boolean, count: number): string {
  const def = quantity(key);
  const word = higher ? def.higher : def.lower;
  return def.noun && Math.abs(count) === 1 ? word.replace(pluralOf(def.noun), def.noun) : word;
}

export function unitOf(key: QuantityKey): UnitDef {
  const def = quantity(key);
  const unit: UnitDef = UNITS[def.unit];
  const noun = def.noun;
  if (!noun) return unit;
  const plural = pluralOf(noun);
  return { ...unit, full: (value) => `${unit.full(value)} ${Math.round(value) === 1 ? noun : plural}`, header: plural };
}

export function isQuantityKey(value: string): value is QuantityKey {
  return QUANTITIES.some((def) => def.key === value);
}

/**
 * The metrics, the quantity that decides each (the headline of its comparisons) and how it
 * is measured: `--metric`'s choices and help, the headline of a comparison and the number
 * of rounds a measurement plans (measure/plan.ts) derive from this list.
 */
export const METRICS = [
  { name: "time", headline: "import_ms", about: "wall time of the import, interleaved paired rounds" },
  { name: "instructions", headline: "instructions", about: "instructions of the importing process under valgrind or perf: deterministic" },
  { name: "modules", headline: "modules", about: "the modules the import loads: exact, one run per tree, the fastest" },
] as const satisfies readonly { name: string; headline: QuantityKey; about: string }[];
export type MetricName = (typeof METRICS)[number]["name"];

export function metricDef(name: MetricName): (typeof METRICS)[number] {
  return METRICS.find((metric) => metric.name === name)!;
}

/** One run's values, by quantity (a quantity the run did not measure is absent). */
export type QuantityValues = Partial<Record<QuantityKey, number>>;

/** Statistics a budget may name: `"<measurement>[.<quantity>].<stat>"`. */
export const BUDGET_STATS = ["min", "max", "mean", "median"] as const;
export type BudgetStat = (typeof BUDGET_STATS)[number];

/** A wall-clock span for progress lines and ETAs: "42s", "3m05s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0s";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
