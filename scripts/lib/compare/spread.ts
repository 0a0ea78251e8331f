/**
 * A quantity meant to be exact (quantities.ts `exact`) whose runs disagree by more than
 * SPREAD_LIMIT_PCT is reported, with what the runs say about why: the import starts
 * processes, leaves threads running, or loads different modules from run to run.
 */
import { type QuantityKey, quantity } from "../quantities.ts";
import type { Quantities } from "../result/schema.ts";

/** A measurement's quantities as the reader or the result file hold them. */
type Measured = { quantities?: Quantities } | undefined;
import { median } from "../stats/describe.ts";
import { spreadPct } from "../stats/exact.ts";
import type { ExactSpread, SpreadCause } from "../model/comparison.ts";

export const SPREAD_LIMIT_PCT = 0.1;

/** What the measurement's other quantities say about why its runs differ. */
export function spreadCauses(key: QuantityKey, measurement: Measured): SpreadCause[] {
  const causes: SpreadCause[] = [];
  const medianOf = (other: QuantityKey) => {
    const samples = measurement?.quantities?.[other]?.samples;
    return samples?.length ? median(samples) : null;
  };
  const children = medianOf("child_processes");
  if (key === "instructions" && children !== null && children > 0) causes.push({ kind: "children", processes: children });
  const threads = medianOf("threads");
  if (threads !== null && threads > 1) causes.push({ kind: "threads", threads });
  const modules = measurement?.quantities?.modules?.samples;
  if (key !== "modules" && modules?.length && spreadPct(modules)! > 0) causes.push({ kind: "modules-vary" });
  return causes;
}

/** The spread of an exact quantity on either side when above the limit, else null. */
export function exactSpread(key: QuantityKey, sides: { baseline?: Measured; candidate?: Measured }): ExactSpread | null {
  if (!quantity(key).exact) return null;
  const pct = (side?: Measured) => spreadPct(side?.quantities?.[key]?.samples ?? []);
  const [baselinePct, candidatePct] = [pct(sides.baseline), pct(sides.candidate)];
  if (Math.max(baselinePct ?? 0, candidatePct ?? 0) <= SPREAD_LIMIT_PCT) return null;
  const causes = spreadCauses(key, (candidatePct ?? 0) > (baselinePct ?? 0) ? sides.candidate : sides.baseline);
  return { baselinePct, candidatePct, causes };
}
