/**
 * The json report: the Comparison model itself (see scripts/lib/compare.ts), versioned
 * by `formatVersion`. Every verdict, p-value, interval and MDE is in it; no NaN/Infinity.
 */
import type { Comparison } from "../model/comparison.ts";

export function render(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
