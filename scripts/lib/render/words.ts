/**
 * Words and units: how every renderer writes numbers, verdicts and reasons. The
 * comparison model holds plain data; these functions are where it becomes text, so the
 * terminal, markdown and html reports say the same things the same way.
 */
import type {
  Comparison, ExactSpread, Figures, Gate, GateReason, LazyChange, Matrix, MatrixAxis, MatrixCell, MatrixRow, MeasurementRow, QuantityRow, Reason, Summary, Verdict,
} from "../model/comparison.ts";
import { changeWord, quantity, type QuantityKey, unitOf } from "../quantities.ts";
import type { ShapeAgreement, TailOutcome, VerdictDetail } from "../stats/verdict.ts";

export type Tone = "good" | "bad" | "same";

/** Milliseconds as the seed prints them: "12.35ms". */
export function formatMs(value: number): string {
  return `${value.toFixed(2)}ms`;
}

/** A value in its quantity's unit: "12.35 ms", "41.2 MB", "171.52 M instructions". */
export function formatValue(key: QuantityKey, value: number): string {
  return unitOf(key).full(value);
}

/**
 * What the import adds over the interpreter alone (a median minus `python -c pass`'s). A
 * difference at or below zero is the interpreter's own noise, not a negative cost: "≈0".
 */
export function formatAdds(key: QuantityKey, value: number): string {
  const shown = formatValue(key, Math.max(0, value));
  return Number.parseFloat(shown) > 0 ? shown : `≈${shown}`;
}

/** Names in sys.modules beside the modules counted, when aliases make them differ: "names in sys.modules: 49 → 91; …". */
export function namesText(names: { baseline: number | null; candidate: number | null }): string {
  const show = (value: number | null) => (value === null ? "n/a" : String(value));
  return `names in sys.modules: ${show(names.baseline)} → ${show(names.candidate)}; an alias, the same module under another name, is counted once`;
}

/** A module count with its names when aliases make them more: "49 (91 names)". */
export function countWithNames(modules: number, names: number | null | undefined): string {
  return names !== null && names !== undefined && names !== modules ? `${modules} (${names} names)` : String(modules);
}

/** A value in a narrow column: "12.35ms", "41.2MB", "230.89M" (instructions). */
export function formatCompact(key: QuantityKey, value: number): string {
  return unitOf(key).compact(value);
}

/** A value without its unit, for table cells whose header names the unit. */
export function formatNumber(key: QuantityKey, value: number): string {
  return unitOf(key).number(value);
}

/** The unit a table header names: "ms", "MB", "M instr". */
export function unitLabel(key: QuantityKey): string {
  return unitOf(key).header;
}

/** p-value for people: "p=0.042", "p<0.001", "p n/a". */
export function formatP(p: number | null): string {
  if (p === null) return "p n/a";
  if (p < 0.001) return "p<0.001";
  return `p=${p.toFixed(3)}`;
}

export function formatPct(value: number, digits = Math.abs(value) > 0 && Math.abs(value) < 0.1 ? 3 : 1): string {
  const text = value.toFixed(digits);
  // No "-0.0%": a value that rounds to zero has no sign.
  return `${Number(text) === 0 ? (0).toFixed(digits) : text}%`;
}

/** "3 runs", "1 run". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Why a row has no verdict, in a few words. */
export function reasonText(reason: Reason | null): string {
  if (!reason) return "no verdict";
  switch (reason.kind) {
    case "no-samples":
      return "no samples in these files: the original tool's arithmetic on means, no significance";
    case "too-few-runs":
      return `cannot detect any change with ${plural(reason.n, "run")}; at least ${reason.needed} are needed`;
    case "failed":
      return `failed in ${reason.side === "baseline" ? "the baseline" : "the candidate"} (${reason.source}): ${reason.message}`;
    case "missing":
      return `not measured in ${reason.side === "baseline" ? "the baseline" : "the candidate"} (${reason.source})`;
    case "not-measured":
      return `not measured in the ${reason.side}`;
  }
}

/** What a significant change of a quantity is called: "faster", "less memory", ... */
export function directionWord(key: QuantityKey, figures: Figures): string {
  const def = quantity(key);
  return (figures.estimatePct ?? 0) >= 0 ? def.lower : def.higher;
}

/**
 * "11.6% faster (95% CI 8.9 to 14.0%), p<0.001" — one estimate, its interval and test.
 * A direction word stands alone only for a significant change; otherwise the estimate is
 * given as what it is: "no significant change (estimate 1.6% slower, 95% CI -1.0% to
 * 4.1%, p=0.202)", or "no change" when every run of both sides agrees.
 */
export function estimateText(key: QuantityKey, figures: Figures): string {
  if (figures.test === "exact") return exactText(key, figures);
  if (figures.estimatePct === null) return reasonText(figures.reason);
  if (claimsDirection(figures)) return plainEstimate(key, figures, figures.estimatePct);
  if (figures.estimatePct === 0 && figures.ciPct?.low === 0 && figures.ciPct.high === 0) return "no change";
  const ci = intervalText(figures);
  const lead = figures.direction === "no-change" ? "no significant change" : "undecided";
  return `${lead} (estimate ${formatPct(Math.abs(figures.estimatePct))} ${directionWord(key, figures)}${ci ? `, ${ci}` : ""}, ${formatP(figures.pValue)})`;
}

/** The same figures under a line that already states the verdict: "estimate 2.4% slower (95% CI …), p=0.055" when not significant. */
export function figuresText(key: QuantityKey, figures: Figures): string {
  if (claimsDirection(figures) || figures.test === "exact" || figures.estimatePct === null) return estimateText(key, figures);
  return `estimate ${plainEstimate(key, figures, figures.estimatePct)}`;
}

function claimsDirection(figures: Figures): boolean {
  return figures.direction === "lower" || figures.direction === "higher";
}

/** "11.6% faster (95% CI 8.9 to 14.0%), p<0.001", whatever the verdict. */
function plainEstimate(key: QuantityKey, figures: Figures, estimatePct: number): string {
  const ci = intervalText(figures);
  return `${formatPct(Math.abs(estimatePct))} ${directionWord(key, figures)}${ci ? ` (${ci})` : ""}, ${formatP(figures.pValue)}`;
}

/** "95% CI 8.9% to 14.0%", in the direction of the estimate; "" without an interval. */
export function intervalText(figures: Pick<Figures, "estimatePct" | "ciPct" | "confidence">): string {
  if (figures.estimatePct === null || !figures.ciPct) return "";
  // The interval is of (baseline − candidate): shown in the direction of the estimate.
  const [low, high] = figures.estimatePct >= 0 ? [figures.ciPct.low, figures.ciPct.high] : [-figures.ciPct.high, -figures.ciPct.low];
  return `${Math.round(figures.confidence * 100)}% CI ${formatPct(low)} to ${formatPct(high)}`;
}

/** An exact difference: "17 more modules (+7.4%)"; "no change". */
function exactText(key: QuantityKey, figures: Figures): string {
  const delta = -(figures.estimate ?? 0); // candidate − baseline
  if (delta === 0) return "no change";
  const def = quantity(key);
  const size = def.unit === "count" ? unitOf(key).number(Math.abs(delta)) : formatValue(key, Math.abs(delta));
  const pct = figures.estimatePct === null ? "" : ` (${delta > 0 ? "+" : "−"}${formatPct(Math.abs(figures.estimatePct))})`;
  return `${size} ${changeWord(key, delta > 0, delta)}${pct}`;
}

/**
 * A quantity meant to be exact whose runs disagree: "instructions spread 4.2% across runs
 * (meant to be exact): the import starts 1 process (its work is counted apart)".
 */
export function spreadText(key: QuantityKey, spread: ExactSpread): string {
  const worst = Math.max(spread.baselinePct ?? 0, spread.candidatePct ?? 0);
  const causes = spread.causes.map((cause) => {
    switch (cause.kind) {
      case "children":
        return `the import starts ${plural(Math.round(cause.processes), "process")} (counted apart, as child_instructions)`;
      case "threads":
        return `${plural(Math.round(cause.threads), "thread")} run after the import`;
      case "modules-vary":
        return "the import loads different modules from run to run";
    }
  });
  return `${quantity(key).label} spread ${formatPct(worst)} across runs, though meant to be exact${causes.length ? `: ${causes.join("; ")}` : ": no cause found in these runs (address randomisation? a cache on disk?)"}`;
}

/** "could detect ±1.2%" or what stands in for it ("≥ X" when the runs cannot show the power: `detail.mdeLowerBound`). */
export function detectText(figures: Figures, detail?: VerdictDetail | null): string {
  if (figures.test === "exact") return "exact: every run agreed";
  if (detail?.mdeLowerBound && figures.mdePct !== null) return `could detect ≥ ${formatPct(figures.mdePct)}`;
  if (figures.reason?.kind === "too-few-runs") return reasonText(figures.reason);
  return figures.mdePct === null ? "could detect: n/a" : `could detect ±${formatPct(figures.mdePct)}`;
}

const TEST_NAME: Record<Figures["test"], string> = {
  "wilcoxon-signed-rank": "signed-rank",
  "mann-whitney": "Mann–Whitney",
  "minimum-permutation": "permutation test of the fastest runs",
  exact: "exact comparison",
};

/** "paired signed-rank, n=30/30". */
export function testText(figures: Figures): string {
  if (figures.test === "exact") return `${TEST_NAME.exact}, n=${figures.n.baseline}/${figures.n.candidate}`;
  return `${figures.paired ? "paired " : "unpaired "}${TEST_NAME[figures.test]}, n=${figures.n.baseline}/${figures.n.candidate}${figures.scale === "difference" ? ", on differences (a sample ≤ 0)" : ""}`;
}

/** The slow-runs part's name: "slow runs (p90)". */
export function tailName(q: number): string {
  return `slow runs (p${Math.round(q * 100)})`;
}

/** "slow runs (p90): 9.8% slower (95% CI 2.1% to 18.0%)", or why there is no interval yet. */
export function tailText(key: QuantityKey, tail: TailOutcome): string {
  const name = tailName(tail.q);
  const word = (pct: number) => (pct >= 0 ? quantity(key).lower : quantity(key).higher);
  if (tail.verdict === "insufficient") {
    const estimate = tail.estimatePct === null ? "" : `${formatPct(Math.abs(tail.estimatePct))} ${word(tail.estimatePct)} by estimate; `;
    const needed = tail.reason?.kind === "too-few-runs" ? `too few runs for an interval (${tail.reason.n}, ${tail.reason.needed} needed)` : "no samples";
    return `${name}: ${estimate}${needed}`;
  }
  const ci = intervalText(tail);
  if (tail.verdict === "no-change") return `${name}: no significant change${ci ? ` (${ci})` : ""}`;
  return `${name}: ${formatPct(Math.abs(tail.estimatePct ?? 0))} ${word(tail.estimatePct ?? 0)}${ci ? ` (${ci})` : ""}`;
}

/**
 * Which parts of the distribution moved, when they disagree: "the distribution changed
 * shape: median unchanged, slow runs (p90) 9.8% slower".
 */
export function shapeText(key: QuantityKey, shape: ShapeAgreement, q: number): string {
  const names = { typical: "median", "best-case": "fastest runs", tail: tailName(q) } as const;
  const involved = new Set<string>(["typical", ...shape.disagreements.flatMap((item) => [item.slower, item.faster])]);
  const parts = shape.parts.filter((part) => involved.has(part.part)).map((part) => {
    const moved = part.move === "no-change" || part.estimatePct === null ? "unchanged"
      : `${formatPct(Math.abs(part.estimatePct))} ${part.estimatePct >= 0 ? quantity(key).lower : quantity(key).higher}`;
    return `${names[part.part]} ${part.move === "unknown" ? "undecided" : moved}`;
  });
  return `the distribution changed shape: ${parts.join(", ")}`;
}

/**
 * Said beside a verdict whose test and interval tell it apart at the edge: the test's p is
 * below the level but the interval reaches 0 (ties at the timer's resolution), so no change is
 * claimed; or an interval end within a quarter tick of 0 was read as 0.
 */
export function edgeText(figures: Figures, detail: VerdictDetail | null | undefined, key: QuantityKey): string | null {
  if (!detail) return null;
  const tick = detail.resolution !== null ? ` (ties at the timer's ${formatValue(key, detail.resolution)} resolution)` : "";
  if (figures.direction === "no-change" && detail.testRejects) return `the interval reaches 0${tick}: no change is claimed although p < ${Number((1 - figures.confidence).toPrecision(6))}`;
  if (detail.edge === "snapped") return `an interval end within a quarter tick of 0 is read as 0${tick}`;
  return null;
}

/** The verdict as a short phrase: "11.6% faster", "no significant change", "inconclusive (…)". */
export function verdictText(row: Pick<MeasurementRow, "verdict" | "reason" | "estimatePct" | "headline" | "shapeChanged"> & { quantities?: MeasurementRow["quantities"] }): string {
  const floor = row.quantities?.[0]?.belowFloor;
  if (floor !== undefined) return `no change (below ${floor}%, what ${quantity(row.headline).label} resolve)`;
  switch (row.verdict) {
    case "faster":
    case "slower":
      return `${formatPct(Math.abs(row.estimatePct ?? 0))} ${row.verdict === "faster" ? quantity(row.headline).lower : quantity(row.headline).higher}`;
    case "no-change":
      return "no significant change";
    default:
      return `inconclusive (${reasonText(row.reason)})`;
  }
}

export function verdictTone(verdict: Verdict | QuantityRow["direction"]): Tone {
  return verdict === "faster" || verdict === "lower" ? "good" : verdict === "slower" || verdict === "higher" ? "bad" : "same";
}

/** How a measurement row reads: from its verdict, or the sign of the means without samples. */
export function rowTone(row: MeasurementRow): Tone {
  if (row.means && row.verdict === "inconclusive") return deltaTone(row.means.deltaMs);
  return verdictTone(row.verdict);
}

/** How a delta reads when positive means better (fewer modules, less time). */
export function deltaTone(delta: number): Tone {
  return delta > 0 ? "good" : delta < 0 ? "bad" : "same";
}

/** The seed's arrow: ↓ faster (Δ > 0), ↑ slower, = unchanged. */
export function arrow(delta: number): string {
  return delta > 0 ? "↓" : delta < 0 ? "↑" : "=";
}

/**
 * The arrow of a verdict row's Δ: a direction only when the verdict claims one; "~" beside
 * an estimate the test could not tell from 0 (its sign may even differ from the medians').
 */
export function verdictArrow(row: Pick<MeasurementRow, "verdict">, delta: number): string {
  return row.verdict === "faster" || row.verdict === "slower" ? arrow(delta) : "~";
}

/** Words a lazy change is written as (the seed's). */
export const LAZY_TEXT: Record<LazyChange, string> = {
  "now-lazy": "NOW LAZY",
  "now-eager": "NOW EAGER",
  "no-change": "NO CHANGE",
  unknown: "NOT IN BOTH",
};

export function lazyTone(change: LazyChange): Tone {
  return change === "now-lazy" ? "good" : change === "now-eager" ? "bad" : "same";
}

/** "1450 ms, of which 1050 ms not on the CPU" when the import mostly waits; null otherwise. */
export function waitingText(importMs: number | null | undefined, cpuMs: number | null | undefined): string | null {
  if (importMs === null || importMs === undefined || cpuMs === null || cpuMs === undefined) return null;
  const waiting = importMs - cpuMs;
  if (waiting < 5 || waiting < importMs * 0.2) return null;
  return `${importMs.toFixed(0)} ms, of which ${waiting.toFixed(0)} ms not on the CPU (waiting: a subprocess, the network, the disk, a sleep?)`;
}

/** The summary as plain lines with a tone, the headline first. */
export function summaryLines(summary: Summary): { tone: Tone; lines: string[] } {
  const { typical, headline } = summary;
  const name = summary.measurement ?? "the primary measurement";
  if (summary.means && !typical) {
    const { deltaMs, deltaPct, baseline, candidate } = summary.means;
    const pct = formatPct(Math.abs(deltaPct ?? 0));
    const means = `Baseline: ${formatMs(baseline)} → Optimized: ${formatMs(candidate)} (means)`;
    const note = "no samples in these files, so no significance: the original tool's arithmetic on means";
    if (deltaMs > 0) return { tone: "good", lines: [`Cold start improved by ${formatMs(deltaMs)} (${note})`, `That's a ${pct} improvement over baseline`, means] };
    if (deltaMs < 0) return { tone: "bad", lines: [`Cold start regressed by ${formatMs(-deltaMs)} (${note})`, `That's a ${pct} slowdown over baseline`, means] };
    return { tone: "same", lines: ["Cold start unchanged (means)", means] };
  }
  const medians = summary.baselineMedian !== null && summary.candidateMedian !== null
    ? `Median ${quantity(headline).label}: baseline ${formatValue(headline, summary.baselineMedian)} → optimized ${formatValue(headline, summary.candidateMedian)}`
    : null;
  const about = typical?.estimate !== null && typical?.estimate !== undefined
    ? `: about ${formatValue(headline, Math.abs(typical.estimate))} on the baseline median`
    : "";
  const lines: string[] = [];
  let tone: Tone = "same";
  if (summary.verdict === "faster" && typical) {
    tone = "good";
    lines.push(`Cold start improved: ${estimateText(headline, typical)}${about}`);
  } else if (summary.verdict === "slower" && typical) {
    tone = "bad";
    lines.push(`Cold start regressed: ${estimateText(headline, typical)}${about}`);
  } else if (summary.verdict === "no-change" && typical) {
    lines.push(`No significant change in cold start (${formatP(typical.pValue)}, ${detectText(typical)})`);
  } else {
    lines.push(`Inconclusive: ${name}: ${reasonText(summary.reason)}`);
  }
  if (summary.shapeChanged && summary.shape) lines.push(`${name}: ${shapeText(headline, summary.shape, summary.tail?.q ?? 0.9)}`);
  else if (summary.verdict === "no-change" || summary.verdict === "inconclusive") {
    const moved = otherPartsMoved(summary);
    if (moved) lines.push(moved);
  }
  if (medians) lines.push(medians);
  return { tone, lines };
}

/**
 * The slow runs or the fastest runs moved, with an interval that excludes 0, where the
 * typical change could not tell (too noisy): said in the summary, so that "no significant
 * change" is not read as "no change" (requests v2.31.0 → v2.32.0, a noisy machine: typical
 * p=0.66, slow runs 17.2% slower, fastest runs 21.3% slower). Null when nothing moved.
 */
function otherPartsMoved(summary: Summary): string | null {
  const { headline, tail, bestCase } = summary;
  const parts: string[] = [];
  if (tail && (tail.verdict === "higher" || tail.verdict === "lower")) parts.push(tailText(headline, tail));
  if (bestCase && (bestCase.direction === "lower" || bestCase.direction === "higher")) parts.push(`fastest runs: ${estimateText(headline, bestCase)}`);
  if (parts.length === 0) return null;
  return `But ${parts.join("; ")}: the typical runs are too noisy to tell; more --iterations, or --metric instructions, would decide`;
}

/** Extra summary lines: each lazy module turned eager, each failed measurement. */
export function summaryEvents(summary: Summary): { tone: Tone; text: string }[] {
  return [
    ...summary.lazyTurnedEager.map((row) => ({ tone: "bad" as Tone, text: `${row.label} (${row.module ?? row.key}) is now loaded eagerly` })),
    ...summary.lazyTurnedLazy.map((row) => ({ tone: "good" as Tone, text: `${row.label} (${row.module ?? row.key}) is no longer loaded eagerly` })),
    ...summary.failed.map((failure) => ({
      tone: "bad" as Tone,
      text: `${failure.measurement} failed in the ${failure.side}: ${failure.message}`,
    })),
  ];
}

function gateReasonText(reason: GateReason): string {
  switch (reason.kind) {
    case "slower": {
      const what = `${reason.measurement}${reason.part === "tail" ? " (its slow runs)" : ""}`;
      if (reason.thresholdPct === 0 || reason.atLeastPct === null) return `${what} is significantly slower by ${formatPct(-reason.estimatePct)} (threshold ${reason.thresholdPct}%)`;
      return `${what} is at least ${formatPct(reason.atLeastPct)} slower: the whole interval lies beyond the ${reason.thresholdPct}% threshold (estimate ${formatPct(-reason.estimatePct)})`;
    }
    case "now-eager":
      return `${reason.label} (${reason.key}) is now loaded eagerly`;
    case "candidate-failed":
      return `${reason.measurement} failed in the candidate: ${reason.message}`;
    case "inconclusive":
      return `${reason.measurement || "the primary measurement"}: ${reasonText(reason.reason)}`;
    case "straddles": {
      const what = `${reason.measurement}${reason.part === "tail" ? " (its slow runs)" : ""}`;
      if (reason.couldBePct === null) return `${what}: no interval to decide on (too few runs for ${reason.part === "tail" ? "the slow runs" : "it"}); run more --iterations`;
      const shows = reason.atLeastPct !== null && reason.atLeastPct > 0 ? `; it shows at least ${formatPct(reason.atLeastPct)}` : "";
      return `${what} could be ${formatPct(reason.couldBePct)} slower: its interval straddles the ${reason.thresholdPct}% threshold${shows}; more runs needed (--iterations)`;
    }
  }
}

/** The gate's outcome as lines with a tone. */
export function gateLines(gate: Gate): { tone: Tone; text: string }[] {
  if (gate.exitCode === 0) return [{ tone: "good", text: `No regression (threshold ${gate.thresholdPct}%)` }];
  const label = gate.exitCode === 1 ? "REGRESSION" : "INCONCLUSIVE (exit 3)";
  return gate.reasons.map((reason) => ({ tone: gate.exitCode === 1 ? "bad" : "same", text: `${label}: ${gateReasonText(reason)}` }));
}

/** A side as people name it: "main @ 0123456 (file.json)" or the file alone. */
export function describeSide(side: { label: string; ref: string | null; commit: string | null; dirty: boolean; source: string }): string {
  const parts: string[] = [];
  if (side.ref || side.label.startsWith("working tree")) parts.push(side.label.replace(/ #\d+$/, ""));
  if (side.commit) parts.push(`@ ${side.commit.slice(0, 7)}${side.dirty ? "+dirty" : ""}`);
  return parts.length ? `${parts.join(" ")} (${side.source})` : side.source;
}

/** What a matrix's rows are, as a column header. */
export const MATRIX_AXIS: Record<MatrixAxis, string> = { interpreter: "Interpreter", runner: "Runner" };

/** The matrix's title and the one line that says what was compared with what. */
export function matrixIntro(matrix: Matrix): { title: string; note: string } {
  return matrix.axis === "runner"
    ? { title: "Matrix: every CI job", note: "Each job's candidate is compared with that job's own baseline, on its own runner; no comparison crosses jobs." }
    : { title: "Matrix: every interpreter", note: "Each candidate is compared with the baseline measured under the same interpreter; no comparison crosses interpreters." };
}

/** A column header: the measurement, "(primary)" for the one the summaries speak from. */
export function matrixColumn(matrix: Matrix, name: string): string {
  return name === matrix.primary ? `${name} (primary)` : name;
}

/** "99.6% faster (99.3 to 99.7%)", "no significant change (±2.1%)", "inconclusive": one cell. */
export function matrixCellText(cell: MatrixCell | null): { tone: Tone; text: string } {
  if (!cell) return { tone: "same", text: "—" };
  if (cell.status !== "ok") {
    const text = cell.status.startsWith("failed") ? `failed in the ${cell.status.slice(7)}` : `not measured in the ${cell.status.slice(8)}`;
    return { tone: cell.status === "failed-candidate" ? "bad" : "same", text };
  }
  if ((cell.verdict === "faster" || cell.verdict === "slower") && cell.estimatePct !== null) {
    const def = quantity(cell.headline);
    const faster = cell.estimatePct >= 0;
    const ci = cell.ciPct
      ? ` (CI ${formatPct(faster ? cell.ciPct.low : -cell.ciPct.high).replace("%", "")} to ${formatPct(faster ? cell.ciPct.high : -cell.ciPct.low)})`
      : "";
    return { tone: verdictTone(cell.verdict), text: `${formatPct(Math.abs(cell.estimatePct))} ${faster ? def.lower : def.higher}${ci}` };
  }
  if (cell.verdict === "no-change") return { tone: "same", text: `no significant change${cell.mdePct !== null ? ` (±${formatPct(cell.mdePct)})` : ""}` };
  return { tone: "same", text: "inconclusive" };
}

/** A file the matrix could not compare, in words. */
export function matrixMissingText(matrix: Matrix, missing: "baseline" | "candidate"): string {
  const where = matrix.axis === "runner" ? "this CI job" : "this interpreter";
  return missing === "baseline"
    ? `not compared: no baseline file for ${where}`
    : `baseline only: no candidate for ${where}`;
}

/** Who a matrix row compares: "lazy vs main" (names without their group), or the lone file's name. */
export function matrixRowName(comparison: Comparison, row: MatrixRow): string {
  const group = comparison.matrix?.groups[row.group];
  const bare = (index: number) => comparison.sides[index]!.label.replace(group ? ` · ${group.label}` : "", "");
  const c = row.candidate === null ? null : comparison.candidates[row.candidate];
  return c ? `${bare(c.candidate)} vs ${bare(c.baseline)}` : bare(row.side);
}

/** What the matrix's figures are. */
export function matrixUnitsNote(alpha: number): string {
  return `Figures: the typical change as a percentage of the baseline's median, with its ${Math.round((1 - alpha) * 100)}% interval (CI).`;
}

/** What a file is in a comparison, as the reports' side tables say it. */
export const ROLE_WORD: Record<"baseline" | "candidate" | "alone", string> = { baseline: "baseline", candidate: "candidate", alone: "not compared" };

/** The hotspots section's heading note: what a change there means, or why none is compared. */
export function hotspotNote(c: { hotspots: readonly { label?: string }[]; hotspotRuns: { baseline: number; candidate: number } | null }): string | null {
  if (!c.hotspotRuns) return null;
  if (Math.min(c.hotspotRuns.baseline, c.hotspotRuns.candidate) < 2) return "hotspot changes not compared: fewer than 2 profiled runs per side (files from an older coldstart)";
  return c.hotspots[0]?.label ?? null;
}

/** What a headline row adds beyond its verdict, as short sentences: the slow runs, a change of shape, the edge, a spread. */
export function rowNotes(row: Pick<MeasurementRow, "headline" | "shapeChanged">, main: QuantityRow | undefined): string[] {
  if (!main) return [];
  const key = row.headline;
  return [
    ...(main.tail ? [tailText(key, main.tail)] : []),
    ...(row.shapeChanged && main.shape ? [`⚠ ${shapeText(key, main.shape, main.tail?.q ?? 0.9)}`] : []),
    ...(main.typical ? [edgeText(main.typical, main.detail, key)].filter((text): text is string => text !== null) : []),
    ...(main.spread ? [`⚠ ${spreadText(key, main.spread)}`] : []),
  ];
}
