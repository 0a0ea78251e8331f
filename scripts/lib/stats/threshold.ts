/**
 * A threshold decision on an interval: is the candidate at least T% slower, certainly less
 * than T% slower, or can the runs not tell? The gate (`--fail-on-regression=T`) and each
 * bisect step (history/bisect.ts) decide on the whole interval, never on the point
 * estimate alone: a "4.3% slower (95% CI 1.5% to 7.7%)" does not pass a 5% gate, since
 * slowdowns up to 7.7% fit the data.
 *
 * With the interval of (baseline − candidate) / reference in % (TestOutcome's `ciPct`),
 * the slowdown interval is [−high, −low]:
 * - "regression": the whole interval lies above T (its fast end −high > T): certainly
 *   more than T slower;
 * - "ok": its slow end −low < T: certainly less than T slower;
 * - "undecided": it straddles T (or touches it, or there is no interval): T or more could
 *   be hidden in the noise — more runs are needed. `couldBePct` is the largest slowdown
 *   the interval leaves open.
 *
 * T = 0, the plain `--fail-on-regression`, keeps its meaning through `gateDecision`: a
 * significant slowdown fails, any other verdict passes, an inconclusive one is undecided.
 */

export type ThresholdOutcome = "regression" | "ok" | "undecided";

export interface ThresholdDecision {
  decision: ThresholdOutcome;
  thresholdPct: number;
  /** The largest slowdown the interval leaves open, % (its slow end, −ciPct.low); null without an interval. */
  couldBePct: number | null;
  /** The smallest slowdown the interval shows, % (its fast end, −ciPct.high; negative: could be faster); null without one. */
  atLeastPct: number | null;
}

/** The decision on an interval `ciPct` (TestOutcome's convention: positive = candidate lower) against `thresholdPct` % slower. */
export function thresholdDecision(ciPct: { low: number; high: number } | null, thresholdPct: number): ThresholdDecision {
  if (!Number.isFinite(thresholdPct)) throw new RangeError(`the threshold must be a finite percentage (got ${thresholdPct})`);
  if (!ciPct) return { decision: "undecided", thresholdPct, couldBePct: null, atLeastPct: null };
  const couldBePct = -ciPct.low + 0;
  const atLeastPct = -ciPct.high + 0;
  let decision: ThresholdOutcome = "undecided";
  if (atLeastPct > thresholdPct) decision = "regression";
  else if (couldBePct < thresholdPct) decision = "ok";
  return { decision, thresholdPct, couldBePct, atLeastPct };
}

/** What the gate reads from a comparison row: its interval and its verdict. */
export interface GateInput {
  ciPct: { low: number; high: number } | null;
  /** The row's verdict in the comparison's words. */
  verdict: "faster" | "slower" | "no-change" | "inconclusive";
}

/**
 * The gate's decision: thresholdDecision, except that an inconclusive verdict is always
 * undecided, and T = 0 keeps the plain flag's meaning (significantly slower: regression;
 * another verdict: ok).
 */
export function gateDecision(input: GateInput, thresholdPct: number): ThresholdDecision {
  const decided = thresholdDecision(input.verdict === "inconclusive" ? null : input.ciPct, thresholdPct);
  if (input.verdict === "inconclusive" || thresholdPct !== 0) return decided;
  return { ...decided, decision: input.verdict === "slower" ? "regression" : "ok" };
}

const RANK: Record<ThresholdOutcome, number> = { ok: 0, undecided: 1, regression: 2 };

/** The worse of several decisions (`--gate both`): regression before undecided before ok. */
export function worstDecision(...decisions: ThresholdDecision[]): ThresholdDecision {
  if (decisions.length === 0) throw new RangeError("worstDecision needs at least one decision");
  return decisions.reduce((worst, next) => (RANK[next.decision] > RANK[worst.decision] ? next : worst));
}
