/**
 * Two result files compared by compare/build.ts, and the figures of the primary
 * measurement that a bisect step or a history change speaks from.
 */
import { buildComparison } from "../compare/build.ts";
import type { CandidateComparison, MeasurementRow } from "../model/comparison.ts";
import { UserError } from "../errors.ts";
import type { LoadedResult } from "../result/read.ts";
import type { Figures } from "../model/history.ts";

export interface Compared {
  comparison: CandidateComparison | null;
  figures: Figures;
}

function figuresOf(row: MeasurementRow): Figures {
  const main = row.quantities[0];
  return {
    measurement: row.name,
    headline: row.headline,
    verdict: row.verdict,
    reason: row.reason,
    estimatePct: row.estimatePct,
    ciPct: row.ciPct,
    mdePct: row.mdePct,
    pValue: row.pValue,
    test: row.test,
    paired: row.paired,
    n: main?.typical ? main.typical.n : null,
    baselineMedian: main?.baseline?.median ?? null,
    candidateMedian: main?.candidate?.median ?? null,
  };
}

/** `candidate` against `baseline` on `measurement`; never throws for files that cannot be compared. */
export function compareFiles(baseline: LoadedResult, candidate: LoadedResult, measurement: string): Compared {
  try {
    const comparison = buildComparison([baseline, candidate], { primary: measurement });
    const c = comparison.candidates[0]!;
    const row = c.measurements.find((item) => item.name === measurement) ?? c.measurements.find((item) => item.primary);
    if (row) return { comparison: c, figures: figuresOf(row) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  const failed = candidate.failures[measurement] ?? baseline.failures[measurement];
  const side = candidate.failures[measurement] || !candidate.measurements[measurement] ? "candidate" : "baseline";
  return {
    comparison: null,
    figures: {
      measurement, headline: "import_ms", verdict: "inconclusive",
      reason: failed
        ? { kind: "failed", side, source: side === "candidate" ? candidate.source : baseline.source, message: failed.message }
        : { kind: "missing", side, source: side === "candidate" ? candidate.source : baseline.source },
      estimatePct: null, ciPct: null, mdePct: null, pValue: null, paired: false, n: null, baselineMedian: null, candidateMedian: null,
    },
  };
}
