/**
 * `--fail-on-regression[=PCT]`: a gate that fails closed. It passes (0) only what it
 * measured: a measurement significantly slower by at least PCT %, a lazy module turned
 * eager, or a candidate measurement that failed where the baseline's succeeded is a
 * regression (1); a primary comparison without a verdict — too few runs, no samples, a
 * failed baseline, or noise too large to see a PCT % change — is inconclusive (3).
 */
import type { Gate, GateReason, LazyRow, MeasurementRow } from "../model/comparison.ts";

export function gateOf(rows: readonly MeasurementRow[], lazy: readonly LazyRow[], thresholdPct: number): Gate {
  const regressions: GateReason[] = [];
  for (const row of rows) {
    if (row.status === "failed-candidate" && row.reason?.kind === "failed") {
      regressions.push({ kind: "candidate-failed", measurement: row.name, message: row.reason.message });
    }
    // estimatePct is (baseline − candidate) / baseline: a slowdown is negative.
    if (row.verdict === "slower" && row.estimatePct !== null && -row.estimatePct >= thresholdPct) {
      regressions.push({ kind: "slower", measurement: row.name, estimatePct: row.estimatePct, thresholdPct });
    }
  }
  for (const row of lazy) if (row.change === "now-eager") regressions.push({ kind: "now-eager", key: row.key, label: row.label });
  if (regressions.length) return { thresholdPct, exitCode: 1, reasons: regressions };

  const primary = rows.find((row) => row.primary);
  const undecided: GateReason[] = [];
  if (!primary || primary.verdict === "inconclusive") {
    undecided.push({ kind: "inconclusive", measurement: primary?.name ?? "", reason: primary?.reason ?? null });
  } else if (primary.verdict === "no-change" && thresholdPct > 0 && primary.mdePct !== null && primary.mdePct > thresholdPct) {
    // "No significant change" proves nothing about a PCT % slowdown the test could not have seen.
    undecided.push({ kind: "imprecise", measurement: primary.name, mdePct: primary.mdePct, thresholdPct });
  }
  return { thresholdPct, exitCode: undecided.length ? 3 : 0, reasons: undecided };
}
