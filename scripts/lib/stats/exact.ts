/**
 * Exact quantities (module counts, threads, the importing process's instructions): when
 * every run of each side gave the same value, there is no noise to test against — the
 * difference is the difference, and a rank test would only call it "inconclusive" for
 * want of runs (one run per side is enough). When a side's runs disagree, this returns
 * null and the usual rank test decides.
 */
import type { TestOutcome } from "./outcome.ts";

/** (max − min) / |median| × 100 of `samples`; 0 for one sample, null for none or a zero median. */
export function spreadPct(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const range = sorted[sorted.length - 1]! - sorted[0]!;
  if (range === 0) return 0;
  return middle === 0 ? null : (range / Math.abs(middle)) * 100;
}

/** The exact comparison of two constant sides, or null when either side's runs disagree. */
export function compareExact(baseline: readonly number[], candidate: readonly number[], alpha: number): TestOutcome | null {
  if (baseline.length === 0 || candidate.length === 0 || spreadPct(baseline) !== 0 || spreadPct(candidate) !== 0) return null;
  const [base, cand] = [baseline[0]!, candidate[0]!];
  const delta = base - cand;
  const pct = base !== 0 ? (delta / base) * 100 : null;
  return {
    test: "exact", paired: false, direction: delta > 0 ? "lower" : delta < 0 ? "higher" : "no-change",
    pValue: null, estimatePct: pct, ciPct: pct === null ? null : { low: pct, high: pct }, estimate: delta, ci: { low: delta, high: delta },
    mdePct: 0, mde: 0, confidence: 1 - alpha, reason: null, n: { baseline: baseline.length, candidate: candidate.length }, reference: base, scale: "difference",
  };
}
