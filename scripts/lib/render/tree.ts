/**
 * The report of one measured tree (what `test_cold_start.ts` prints after measuring), in
 * the seed's words: module counts, lazy checks, warnings, the -X importtime offenders,
 * where the time goes (hotspots), interpreter start-up, memory and CPU, budgets.
 */
import type { BudgetCheck } from "../budgets.ts";
import type { Config } from "../config.ts";
import { inPackage, modulesAmong } from "../compare/why.ts";
import { topOffenders } from "../measure/importtime.ts";
import { QUANTITIES } from "../quantities.ts";
import { moduleStatement } from "../measure/result.ts";
import type { ResultFile } from "../result/schema.ts";
import type { SampleWarning } from "../stats/warnings.ts";
import { exactSpread } from "../compare/spread.ts";
import { formatAdds, formatMs, formatValue, plural, spreadText, waitingText } from "./words.ts";

function pythonBool(value: boolean): string {
  return value ? "True" : "False";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function warningText(name: string, warning: SampleWarning, warmup: number): string {
  if (warning.kind === "slow-first") {
    return `${name}: the first run took ${formatMs(warning.first)} against a median of ${formatMs(warning.median)}` +
      (warmup === 0 ? "; use --warmup 1 (or more) to keep cache effects out of the samples" : "; caches may still be warming, try a larger --warmup");
  }
  return `${name}: ${plural(warning.runs.length, "outlier")} (run${warning.runs.length > 1 ? "s" : ""} ${warning.runs.join(", ")}) ` +
    "kept in the samples; the machine may be busy — close other programs or raise --iterations";
}

export function budgetText(check: BudgetCheck): string {
  const show = (value: number) => (check.quantity === null ? String(value) : formatValue(check.quantity, value));
  const value = check.value === null ? "n/a (not measured: the measurement failed or is absent)" : show(check.value);
  const label = { pass: "PASS", warn: "WARN", fail: "FAIL", missing: check.kind === "limit" ? "FAIL" : "WARN" }[check.status];
  return `  ${label.padEnd(5)} ${check.kind.padEnd(6)} ${check.key}: ${value} (${check.kind} ${show(check.threshold)})`;
}

/** The lines after measuring one tree. */
export function treeReport(result: ResultFile, config: Config, warnings: Record<string, SampleWarning[]>, budgets: BudgetCheck[]): string[] {
  const out: string[] = [];
  out.push("Counting loaded modules...");
  if (result.module_counts.measured === false) out.push(`  Total modules: n/a (\`${moduleStatement(config)}\` did not run to the end)`);
  else {
    // Module objects: an alias (the same module under another name, per the importers records) is counted once.
    const loaded = result.modules?.loaded;
    const measured = Object.entries(result.measurements).find(([, m]) => m.statement === result.modules?.after)?.[0];
    const records = measured ? result.importers?.[measured] : undefined;
    const pkg = result.modules?.package ?? config.package;
    const counted = (names: readonly string[] | undefined, fallback: number) => {
      const { modules, names: all } = names ? modulesAmong(names, records) : { modules: fallback, names: fallback };
      return modules === all ? String(all) : `${modules} (${all} names in sys.modules: ${all - modules} alias${all - modules === 1 ? "" : "es"})`;
    };
    const whole = loaded && loaded.length === result.module_counts.total ? loaded : undefined;
    out.push(`  Total modules: ${counted(whole, result.module_counts.total)}`);
    out.push(`  ${capitalize(config.package)} modules: ${counted(whole?.filter((name) => inPackage(name, pkg)), result.module_counts.filtered)}`);
  }
  for (const lazy of config.lazy) {
    const check = result.lazy_checks?.[lazy.key];
    out.push(`Checking if ${lazy.module} is eagerly loaded...`);
    out.push(`  ${lazy.label} loaded: ${check ? pythonBool(check.loaded) : "unknown (the statement failed)"}`);
  }
  for (const [name, list] of Object.entries(warnings)) for (const warning of list) out.push(`Warning: ${warningText(name, warning, config.warmup)}`);
  for (const [name, measurement] of Object.entries(result.measurements)) {
    if (measurement.no_exit_runs) {
      out.push(`Warning: ${name}: the import took ${formatMs(measurement.median)}, but the interpreter did not exit afterwards (a non-daemon thread?): the first such run was killed after ${config.timeout}s, later ones as soon as their result was in. The samples are kept; process time is not measured.`);
    }
  }

  const primary = config.imports[0];
  const rows = primary ? result.importtime?.[primary.name] ?? [] : [];
  if (rows.length && primary) {
    out.push(`Top import-time offenders for '${primary.statement}' (self time, median of ${plural(config.importtime_runs, "-X importtime run")}):`);
    for (const row of topOffenders(rows, "self_us")) {
      out.push(`  ${(row.self_us / 1000).toFixed(2).padStart(8)}ms self  ${(row.cumulative_us / 1000).toFixed(2).padStart(8)}ms cumulative  ${row.module}`);
    }
  }
  const hotspots = primary ? result.hotspots?.[primary.name] ?? [] : [];
  if (hotspots.length && primary) {
    out.push(`Where the time goes in '${primary.statement}' (calls made by module top-level code, one profiled run):`);
    const shown = hotspots.slice(0, 8).map((h) => ({
      where: `${h.file ?? h.module}${h.line !== null ? `:${h.line}` : ""}`,
      call: `${h.call}${h.count > 1 ? ` ×${h.count}` : ""}`,
      h,
    }));
    const whereWidth = Math.max(...shown.map((row) => row.where.length));
    const callWidth = Math.max(...shown.map((row) => row.call.length));
    for (const { where, call, h } of shown) {
      const share = h.statement_ms ? `   (${((h.ms / h.statement_ms) * 100).toFixed(0)}% of ${primary.statement})` : "";
      out.push(`  ${where.padEnd(whereWidth)}  ${call.padEnd(callWidth)}  ${formatMs(h.ms).padStart(10)}${share}`);
    }
  }

  const interpreter = result.interpreter?.quantities?.process_ms ?? result.interpreter?.process_ms;
  if (interpreter?.samples.length && interpreter.median !== undefined) out.push(`Interpreter start-up (python -c pass): median ${formatMs(interpreter.median)}`);
  // Every other quantity of each measurement, in list order (import time has its own line above).
  const others = Object.entries(result.measurements).flatMap(([name, m]) => {
    const parts = QUANTITIES.filter((def) => def.key !== "import_ms" && m.quantities?.[def.key]).map((def) => {
      const median = m.quantities![def.key]!.median;
      if (def.waiting) return waitingText(m.median, median) ?? `${def.label} ${formatValue(def.key, median)} of ${formatValue("import_ms", m.median)} import time`;
      const value = def.unit === "count" ? formatValue(def.key, median) : `${def.label} ${formatValue(def.key, median)}`;
      // A fresh measurement's: paired by round (measure/result.ts).
      const adds = m.import_adds?.[def.key];
      return `${value}${adds !== undefined ? ` (import adds ${formatAdds(def.key, adds)})` : ""}`;
    });
    return parts.length ? [`  ${name}: ${parts.join("; ")}`] : [];
  });
  if (others.length) out.push("Memory, CPU and reads (medians):", ...others);
  for (const [name, m] of Object.entries(result.measurements)) {
    for (const def of QUANTITIES) {
      const spread = exactSpread(def.key, { baseline: m });
      if (spread) out.push(`Warning: ${name}: ${spreadText(def.key, spread)}`);
    }
  }
  if (budgets.length) out.push("Budgets:", ...budgets.map(budgetText));
  return out;
}
