/**
 * Which part of the distribution moved: the typical change (verdict.ts), the best case
 * (the fastest runs, minimum.ts) and the slow runs (an upper quantile, tail.ts), side by
 * side, and whether they disagree — the distribution changed shape.
 *
 * Each part moved when its own verdict is significant (its interval excludes 0). Two parts
 * DISAGREE when the data show they moved by different amounts:
 * - slow runs against the typical change: the interval of the difference of the two
 *   shifts (the quantile's minus the median's, from the same bootstrap replicates of
 *   paired rounds, tail.ts's `beyondMedian`) excludes 0 — "median unchanged, slow runs
 *   9.8% slower" is this test, at the tail's own level;
 * - any other pair (and the slow runs when that interval is missing): their intervals do
 *   not overlap, one lying wholly on the slower side of the other — "typical 8% slower,
 *   fastest runs unchanged", or opposite significant moves (the old "shape changed").
 *   Two 95% intervals of one true change fail to overlap well under 1% of the time.
 * A part that merely missed significance while another reached it is no disagreement: a
 * uniform shift seen by one part and not yet by another is not a change of shape. The
 * simulation counts false warnings under uniform changes of 0, +3 and +10% ("shape
 * warnings").
 *
 * Percentages follow TestOutcome's convention: (baseline − candidate) / reference × 100,
 * positive = candidate lower (faster). Pure.
 */
import type { TailOutcome } from "./tail.ts";
import type { TestOutcome } from "./outcome.ts";

export type Part = "typical" | "best-case" | "tail";
/** A part's move; "unknown": no interval (too few runs, no samples, insufficient for the quantile). */
export type PartMove = "lower" | "higher" | "no-change" | "unknown";

export interface PartFigures {
  part: Part;
  move: PartMove;
  estimatePct: number | null;
  ciPct: { low: number; high: number } | null;
}

export interface Disagreement {
  /** The part whose interval lies wholly on the slower (more positive slowdown) side. */
  slower: Part;
  faster: Part;
  /**
   * How far apart, percentage points (> 0): between the two intervals, or (slow runs
   * against the typical change) the near end of the interval of their difference.
   */
  gapPct: number;
}

export interface ShapeAgreement {
  /** typical, best-case, tail: those given. */
  parts: PartFigures[];
  /** Parts with a significant change. */
  moved: Part[];
  /** Parts whose interval shows no significant change. */
  unmoved: Part[];
  disagree: boolean;
  disagreements: Disagreement[];
}

function moveOf(outcome: TestOutcome): PartMove {
  switch (outcome.direction) {
    case "lower":
    case "higher":
    case "no-change":
      return outcome.ciPct ? outcome.direction : "unknown";
    default:
      return "unknown";
  }
}

function tailMove(tail: TailOutcome): PartMove {
  return tail.verdict === "insufficient" || !tail.ciPct ? "unknown" : tail.verdict;
}

/** Which parts moved and whether they disagree (see the file's comment). */
export function shapeOf(typical: TestOutcome | null, bestCase: TestOutcome | null, tail: TailOutcome | null): ShapeAgreement {
  const parts: PartFigures[] = [];
  if (typical) parts.push({ part: "typical", move: moveOf(typical), estimatePct: typical.estimatePct, ciPct: typical.ciPct });
  if (bestCase) parts.push({ part: "best-case", move: moveOf(bestCase), estimatePct: bestCase.estimatePct, ciPct: bestCase.ciPct });
  if (tail) parts.push({ part: "tail", move: tailMove(tail), estimatePct: tail.estimatePct, ciPct: tail.ciPct });
  const known = parts.filter((part) => part.move !== "unknown" && part.ciPct);
  const disagreements: Disagreement[] = [];
  const beyond = tail && tail.verdict !== "insufficient" ? tail.beyondMedian?.ciPct ?? null : null;
  for (let i = 0; i < known.length; i += 1) {
    for (let j = i + 1; j < known.length; j += 1) {
      const [a, b] = [known[i]!, known[j]!];
      if (beyond && a.part === "typical" && b.part === "tail") {
        // Negative % = the slow runs slowed more than the middle.
        if (beyond.high < 0) disagreements.push({ slower: "tail", faster: "typical", gapPct: -beyond.high });
        else if (beyond.low > 0) disagreements.push({ slower: "typical", faster: "tail", gapPct: beyond.low });
        continue;
      }
      // Lower % = slower: a is slower than b when a's interval ends below b's start.
      if (a.ciPct!.high < b.ciPct!.low) disagreements.push({ slower: a.part, faster: b.part, gapPct: b.ciPct!.low - a.ciPct!.high });
      else if (b.ciPct!.high < a.ciPct!.low) disagreements.push({ slower: b.part, faster: a.part, gapPct: a.ciPct!.low - b.ciPct!.high });
    }
  }
  return {
    parts,
    moved: parts.filter((part) => part.move === "lower" || part.move === "higher").map((part) => part.part),
    unmoved: parts.filter((part) => part.move === "no-change").map((part) => part.part),
    disagree: disagreements.length > 0,
    disagreements,
  };
}
