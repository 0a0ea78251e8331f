/**
 * "Why is it slow": two uncounted Python runs per statement that explain a measurement.
 *
 * 1. **Importers** (`IMPORTERS`): a `sys.meta_path` finder at position 0 records, for every
 *    module the statement imports, who imported it — the importing module, file, line and
 *    that line's text — so a chain from the statement to any module can be drawn.
 * 2. **Hotspots** (`HOTSPOTS`): a `sys.setprofile` profiler, active only while the statement
 *    runs, times the calls made directly by each module's top-level code (Python and C
 *    calls) and each module's self time (its body's run time minus the nested imports).
 *
 * Both programs are passed with `-c` (nothing read from disk; the compiled binaries carry
 * them), run on Python 3.8–3.13, and take `argv = [statement, root, root...]`: the roots
 * are the measured tree's folders (the tree, and `tree/src` if you like); files under one
 * are reported relative to it (the first root that contains them).
 *
 * Output channel: before the statement runs, each program duplicates file descriptor 1
 * (`os.dup(1)`) and, when the statement is done, writes one line to that duplicate with
 * `os.write`: `\n@@coldstart-why@@{json}\n`. A package that replaces, wraps, closes or
 * redirects `sys.stdout` (even `os.close(1)` or `os.dup2(x, 1)`) cannot lose or corrupt it;
 * whatever the package printed is elsewhere in stdout, and the parsers take the last
 * marked line. The line is written even when the statement raises (`error` says how); the
 * process then exits with status 1 after printing the traceback to stderr. Either way it
 * ends with `os._exit` once the line is out: a non-daemon thread the package started
 * cannot keep it running until the timeout.
 */
import { HOTSPOTS } from "./why-hotspots.ts";
import { IMPORTERS, WHY_MARKER } from "./why-importers.ts";
import type { Hotspot, ImporterRecord, RootKind } from "../result/schema.ts";

export { HOTSPOTS, IMPORTERS, WHY_MARKER };


/** Everything the importers run reports. */
export interface ImportersReport {
  /** `sys.version_info[:3]` joined with dots. */
  python: string;
  /** `Type: message` when the statement raised; null when it ran to the end. */
  error: string | null;
  /** What may make the records incomplete (the package moved or removed the finder). */
  warnings: string[];
  /** Every module in sys.modules right after the statement, by name. */
  modules: Record<string, ImporterRecord>;
}

/** Per-module timing from the hotspots run. */
export interface HotspotModule {
  file: string | null;
  root?: RootKind;
  /** Body run time including nested imports, ms. */
  total_ms: number;
  /** total_ms minus nested imports, ms. */
  self_ms: number;
  /** self_ms spent in the body's own bytecode, outside any call, ms. */
  body_ms: number;
  /** The module's largest calls (up to 10), largest first. */
  calls: { line: number | null; call: string; ms: number; count: number; import_ms: number }[];
}

export interface HotspotsReport {
  python: string;
  error: string | null;
  /** The statement's run time under the profiler, ms (profiler overhead taken off, as every time here). */
  statement_ms: number;
  /** The statement's wall time with the profiler on, nothing taken off, ms. */
  raw_statement_ms: number;
  /** What may make the times incomplete (the package replaced the profiler). */
  warnings: string[];
  /** The measured cost of one profiler event, µs: what was taken off per event inside each span. */
  event_us: number;
  modules: Record<string, HotspotModule>;
}

/** Roots given to the programs: one folder or several (e.g. the tree and `tree/src`). */
function rootArgs(tree: string | readonly string[]): string[] {
  return typeof tree === "string" ? [tree] : [...tree];
}

/** argv of the importers run: spawn it directly (no shell), with the measurement's env. */
export function importersArgv(python: string, statement: string, tree: string | readonly string[]): string[] {
  return [python, "-c", IMPORTERS, statement, ...rootArgs(tree)];
}

/** argv of the hotspots run: spawn it directly (no shell), with the measurement's env. */
export function hotspotsArgv(python: string, statement: string, tree: string | readonly string[]): string[] {
  return [python, "-c", HOTSPOTS, statement, ...rootArgs(tree)];
}

/**
 * The last marked line whose JSON object has `modules` (an object), or null. Earlier and
 * malformed marked lines are skipped, so text the package printed (even a fake marker,
 * even after ours from an atexit handler) cannot replace the harness's line.
 */
function markedJson(stdout: string): Record<string, unknown> | null {
  let end = stdout.length;
  while (end > 0) {
    const at = stdout.lastIndexOf(WHY_MARKER, end - 1);
    if (at < 0) return null;
    const line = stdout.slice(at + WHY_MARKER.length).split("\n", 1)[0] ?? "";
    try {
      const value: unknown = JSON.parse(line);
      if (isObject(value) && isObject(value.modules)) return value;
    } catch {
      // not ours: keep looking
    }
    end = at;
  }
  return null;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The whole importers report from a child's stdout; null when its line is missing or malformed. */
export function parseImportersReport(stdout: string): ImportersReport | null {
  const value = markedJson(stdout);
  if (!value || !isObject(value.modules)) return null;
  const modules: Record<string, ImporterRecord> = Object.create(null);
  for (const [name, raw] of Object.entries(value.modules)) {
    if (!isObject(raw)) continue;
    modules[name] = raw as unknown as ImporterRecord;
  }
  return {
    python: typeof value.python === "string" ? value.python : "",
    error: typeof value.error === "string" ? value.error : null,
    warnings: stringList(value.warnings),
    modules,
  };
}

/** Who imported each module, from the importers run's stdout; null when its line is missing. */
export function parseImporters(stdout: string): Record<string, ImporterRecord> | null {
  return parseImportersReport(stdout)?.modules ?? null;
}

/** The whole hotspots report from a child's stdout; null when its line is missing or malformed. */
export function parseHotspotsReport(stdout: string): HotspotsReport | null {
  const value = markedJson(stdout);
  if (!value || !isObject(value.modules) || typeof value.statement_ms !== "number") return null;
  const modules: Record<string, HotspotModule> = Object.create(null);
  for (const [name, raw] of Object.entries(value.modules)) {
    if (isObject(raw) && typeof raw.self_ms === "number" && typeof raw.total_ms === "number" && Array.isArray(raw.calls)) {
      modules[name] = raw as unknown as HotspotModule;
    }
  }
  return {
    python: typeof value.python === "string" ? value.python : "",
    error: typeof value.error === "string" ? value.error : null,
    statement_ms: value.statement_ms,
    raw_statement_ms: typeof value.raw_statement_ms === "number" ? value.raw_statement_ms : value.statement_ms,
    warnings: stringList(value.warnings),
    event_us: typeof value.event_us === "number" ? value.event_us : 0,
    modules,
  };
}

export interface HotspotOptions {
  /** How many modules, those with the most self time (default 5). */
  modules?: number;
  /** How many calls per module, the largest (default 3). */
  calls?: number;
  /** Calls under this many ms are left out (default 0.1). */
  minMs?: number;
}

/** Milliseconds rounded to µs, for stable JSON. */
const ms3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The hotspots to store and show: for the `modules` modules with the most self time, their
 * `calls` largest calls (a module's own bytecode counts as one "(top-level code)" call),
 * all in one list, largest `ms` first. Null when the run's line is missing.
 */
export function parseHotspots(stdout: string | HotspotsReport, options: HotspotOptions = {}): Hotspot[] | null {
  const report = typeof stdout === "string" ? parseHotspotsReport(stdout) : stdout;
  if (!report) return null;
  return selectHotspots(report, options);
}

export function selectHotspots(report: HotspotsReport, options: HotspotOptions = {}): Hotspot[] {
  const moduleCount = options.modules ?? 5;
  const callCount = options.calls ?? 3;
  const minMs = options.minMs ?? 0.1;
  const ranked = Object.entries(report.modules)
    .filter(([, m]) => typeof m.self_ms === "number")
    .sort(([a, x], [b, y]) => y.self_ms - x.self_ms || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, moduleCount);
  const out: Hotspot[] = [];
  for (const [module, m] of ranked) {
    const candidates = [
      ...(m.calls ?? []).map((c) => ({ line: c.line, call: c.call, ms: c.ms, count: c.count, import_ms: c.import_ms })),
      { line: null, call: "(top-level code)", ms: m.body_ms ?? 0, count: 1, import_ms: 0 },
    ]
      .filter((c) => c.ms >= minMs)
      .sort((a, b) => b.ms - a.ms || (a.line ?? 0) - (b.line ?? 0))
      .slice(0, callCount);
    for (const c of candidates) {
      const spot: Hotspot = { module, file: m.file ?? null, line: c.line, call: c.call, ms: ms3(c.ms), count: c.count };
      if (c.import_ms > 0) spot.import_ms = ms3(c.import_ms);
      if (m.root) spot.root = m.root;
      spot.module_self_ms = ms3(m.self_ms);
      spot.module_total_ms = ms3(m.total_ms);
      spot.statement_ms = ms3(report.statement_ms);
      out.push(spot);
    }
  }
  return out.sort((a, b) => b.ms - a.ms || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0));
}
