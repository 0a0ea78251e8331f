/**
 * Budgets: targets warn, limits fail. Keys are "<measurement>.<stat>" (import time),
 * "<measurement>.<quantity>.<stat>" (e.g. "acme_total.rss_mb.median") or
 * "modules.total" / "modules.filtered"; the threshold is in the quantity's unit.
 */
import { type Budgets, parseBudgetKey } from "./config.ts";
import { isQuantityKey, type QuantityKey } from "./quantities.ts";
import type { ResultFile } from "./result/schema.ts";

export interface BudgetCheck {
  key: string;
  kind: "target" | "limit";
  /** The quantity the key names, or null for a module count. */
  quantity: QuantityKey | null;
  threshold: number;
  /** null when the measurement failed or is absent. */
  value: number | null;
  status: "pass" | "warn" | "fail" | "missing";
}

export function budgetValue(result: ResultFile, key: string): number | null {
  const parsed = parseBudgetKey(key);
  if (!parsed) return null;
  if (parsed.measurement === null) {
    if (result.module_counts.measured === false) return null;
    return parsed.stat === "total" ? result.module_counts.total : result.module_counts.filtered;
  }
  if (result.failures?.[parsed.measurement]) return null;
  const measurement = result.measurements[parsed.measurement];
  if (!measurement || !isQuantityKey(parsed.quantity)) return null;
  const series = measurement.quantities?.[parsed.quantity];
  const stat = parsed.stat as "min" | "max" | "mean" | "median";
  if (series) return series[stat];
  return parsed.quantity === "import_ms" ? measurement[stat] : null;
}

export function checkBudgets(result: ResultFile, budgets: Budgets): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const [kind, table] of [["target", budgets.targets], ["limit", budgets.limits]] as const) {
    for (const [key, threshold] of Object.entries(table)) {
      const value = budgetValue(result, key);
      const over = value !== null && value > threshold;
      const status = value === null ? "missing" : !over ? "pass" : kind === "limit" ? "fail" : "warn";
      const quantity = parseBudgetKey(key)?.quantity;
      checks.push({ key, kind, quantity: quantity && isQuantityKey(quantity) ? quantity : null, threshold, value, status });
    }
  }
  return checks;
}

/** A limit exceeded, or a limit on something that was not measured (fail closed). */
export function budgetFailed(checks: BudgetCheck[]): boolean {
  return checks.some((check) => check.status === "fail" || (check.kind === "limit" && check.status === "missing"));
}
