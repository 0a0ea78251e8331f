/**
 * Budgets: targets warn, limits fail. Keys are "<measurement>.<stat>" (stat one of min,
 * max, mean, median) or "modules.total" / "modules.filtered".
 */
import type { Budgets } from "./config.ts";
import type { ResultFile } from "./result.ts";

export interface BudgetCheck {
  key: string;
  kind: "target" | "limit";
  threshold: number;
  /** null when the measurement failed or is absent. */
  value: number | null;
  status: "pass" | "warn" | "fail" | "missing";
}

export function budgetValue(result: ResultFile, key: string): number | null {
  if (key === "modules.total") return result.module_counts.total;
  if (key === "modules.filtered") return result.module_counts.filtered;
  const dot = key.lastIndexOf(".");
  const measurement = result.measurements[key.slice(0, dot)];
  const stat = key.slice(dot + 1) as "min" | "max" | "mean" | "median";
  return measurement ? measurement[stat] : null;
}

export function checkBudgets(result: ResultFile, budgets: Budgets): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const [kind, table] of [["target", budgets.targets], ["limit", budgets.limits]] as const) {
    for (const [key, threshold] of Object.entries(table)) {
      const value = budgetValue(result, key);
      const over = value !== null && value > threshold;
      const status = value === null ? "missing" : !over ? "pass" : kind === "limit" ? "fail" : "warn";
      checks.push({ key, kind, threshold, value, status });
    }
  }
  return checks;
}

export function budgetFailed(checks: BudgetCheck[]): boolean {
  return checks.some((check) => check.status === "fail" || (check.kind === "limit" && check.status === "missing"));
}

export function formatBudget(check: BudgetCheck): string {
  const unit = check.key.startsWith("modules.") ? "" : "ms";
  const value = check.value === null ? "n/a (measurement failed)" : `${check.value}${unit}`;
  const label = { pass: "PASS", warn: "WARN", fail: "FAIL", missing: check.kind === "limit" ? "FAIL" : "WARN" }[check.status];
  return `  ${label.padEnd(5)} ${check.kind.padEnd(6)} ${check.key}: ${value} (${check.kind} ${check.threshold}${unit})`;
}
