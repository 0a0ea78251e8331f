/**
 * `--fail-on-regression[=PCT]`: a gate that fails closed and decides on the interval, not
 * the point estimate (stats/threshold.ts). A measurement whose whole interval lies beyond
 * PCT % slower is a regression (1); so is a lazy module turned eager, or a candidate
 * measurement that failed where the baseline's succeeded. The primary measurement decides
 * the rest: no verdict (too few runs, no samples, a failed baseline) or an interval that
 * straddles PCT — it could be PCT % slower or more — is undecided (3); an interval whose
 * slow end is below PCT passes (0). The bare flag (PCT 0) keeps its meaning: any
 * significant slowdown fails. `--gate` picks the part: the typical change (default), the
 * slow runs (`tail`: an insufficient tail is undecided), or both (the worse decides).
 */
import type { Gate, GateOn, GateReason, LazyRow, MeasurementRow } from "../model/comparison.ts";
import { gateDecision, type ThresholdDecision, thresholdDecision, worstDecision } from "../stats/threshold.ts";

type Part = "typical" | "tail";

/** The decision on one row for one part; null when the part has nothing to decide on (no tail asked of a seed file). */
function decide(row: MeasurementRow, part: Part, thresholdPct: number): ThresholdDecision {
  if (part === "typical") return gateDecision({ ciPct: row.ciPct, verdict: row.verdict }, thresholdPct);
  const tail = row.tail;
  if (!tail || tail.verdict === "insufficient") return thresholdDecision(null, thresholdPct);
  if (thresholdPct === 0) return { ...thresholdDecision(tail.ciPct, 0), decision: tail.verdict === "higher" ? "regression" : "ok" };
  return thresholdDecision(tail.ciPct, thresholdPct);
}

function partsOf(on: GateOn): Part[] {
  return on === "both" ? ["typical", "tail"] : [on];
}

export function gateOf(rows: readonly MeasurementRow[], lazy: readonly LazyRow[], thresholdPct: number, on: GateOn = "typical"): Gate {
  const regressions: GateReason[] = [];
  for (const row of rows) {
    if (row.status === "failed-candidate" && row.reason?.kind === "failed") {
      regressions.push({ kind: "candidate-failed", measurement: row.name, message: row.reason.message });
    }
    if (row.status !== "ok") continue;
    for (const part of partsOf(on)) {
      const decision = decide(row, part, thresholdPct);
      if (decision.decision !== "regression") continue;
      const estimatePct = part === "typical" ? row.estimatePct : row.tail?.estimatePct ?? null;
      regressions.push({ kind: "slower", measurement: row.name, part, estimatePct: estimatePct ?? 0, atLeastPct: decision.atLeastPct, thresholdPct });
    }
  }
  for (const row of lazy) if (row.change === "now-eager") regressions.push({ kind: "now-eager", key: row.key, label: row.label });
  if (regressions.length) return { thresholdPct, on, exitCode: 1, reasons: regressions };

  const primary = rows.find((row) => row.primary);
  const undecided: GateReason[] = [];
  if (!primary || primary.verdict === "inconclusive") {
    undecided.push({ kind: "inconclusive", measurement: primary?.name ?? "", reason: primary?.reason ?? null });
  } else {
    const decisions = partsOf(on).map((part) => ({ part, decision: decide(primary, part, thresholdPct) }));
    const worst = worstDecision(...decisions.map((item) => item.decision));
    if (worst.decision === "undecided") {
      const part = decisions.find((item) => item.decision === worst)!.part;
      undecided.push({ kind: "straddles", measurement: primary.name, part, thresholdPct, couldBePct: worst.couldBePct, atLeastPct: worst.atLeastPct });
    }
  }
  return { thresholdPct, on, exitCode: undecided.length ? 3 : 0, reasons: undecided };
}
