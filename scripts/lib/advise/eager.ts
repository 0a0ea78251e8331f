/**
 * Eager work: calls in the package's own top-level code that cost at least a share (5% by
 * default) of the import, from the hotspots run (measure/why-hotspots.ts). Advice only —
 * "work done at import: compute it on first use" — never rewritten.
 */
import { runProcess } from "../measure/executor.ts";
import { hotspotsArgv, parseHotspotsReport, type HotspotsReport } from "../measure/why.ts";
import type { AdviseRuntime, EagerWork } from "./model.ts";

/** The hotspots report of `statement` (null when the run gave none). */
export async function runHotspots(runtime: AdviseRuntime, statement: string): Promise<HotspotsReport | null> {
  const run = await runProcess(hotspotsArgv(runtime.tree.python.executable, statement, [runtime.tree.dir]), {
    cwd: runtime.tree.dir,
    env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache },
    timeoutMs: runtime.timeoutMs * 3,
  });
  return parseHotspotsReport(run.stdout);
}

export interface EagerOptions {
  /** Whether a module is the target's own (its file in the tree, its name in the package). */
  own: (module: string) => boolean;
  /** Minimum share of the profiled statement (default 0.05). */
  threshold?: number;
  /** The unprofiled import time, ms: no call is reported above it. */
  importMs?: number | null;
}

const ms3 = (value: number) => Math.round(value * 1000) / 1000;

/** The own package's top-level calls costing ≥ threshold of the import, largest first. */
export function eagerWork(report: HotspotsReport, options: EagerOptions): EagerWork[] {
  const threshold = options.threshold ?? 0.05;
  const total = report.statement_ms;
  if (!(total > 0)) return [];
  const out: EagerWork[] = [];
  for (const [module, entry] of Object.entries(report.modules)) {
    if (!options.own(module) || entry.root !== "tree" || !entry.file) continue;
    for (const call of entry.calls) {
      if (call.ms / total < threshold) continue;
      const ms = options.importMs != null ? Math.min(call.ms, options.importMs) : call.ms;
      out.push({ file: entry.file, line: call.line, call: call.call, ms: ms3(ms), module, share: ms3(call.ms / total) });
    }
  }
  return out.sort((a, b) => b.ms - a.ms || (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}
