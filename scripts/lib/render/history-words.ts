/**
 * Words for measuring over time (bisect steps, history changes and notes), shared by the
 * terminal, markdown and html renderers; numbers and units through words.ts.
 */
import type { BisectReport, BisectStep, ChangeVerdict, Figures, Trend, TrendChange, TrendNote } from "../model/history.ts";
import { changeWord, quantity, type QuantityKey } from "../quantities.ts";
import { formatNumber, formatP, formatPct, formatValue, plural, reasonText, type Tone, unitLabel } from "./words.ts";

export function shortCommit(commit: string): string {
  return commit.slice(0, 9);
}

/** "412.3% slower (95% CI 380.1 to 450.2%), p<0.001", or why there is no estimate. */
export function figuresText(figures: Figures): string {
  if (figures.estimatePct === null) return reasonText(figures.reason);
  const def = quantity(figures.headline);
  const word = figures.estimatePct >= 0 ? def.lower : def.higher;
  if (figures.test === "exact" && figures.baselineMedian !== null && figures.candidateMedian !== null) {
    const delta = figures.candidateMedian - figures.baselineMedian;
    if (delta === 0) return `no change: ${formatValue(figures.headline, figures.baselineMedian)} on both (exact)`;
    const size = def.unit === "count" ? String(Math.abs(Math.round(delta))) : formatValue(figures.headline, Math.abs(delta));
    return `${size} ${changeWord(figures.headline, delta > 0, delta)} (${delta > 0 ? "+" : "−"}${formatPct(Math.abs(figures.estimatePct))}), exact`;
  }
  const ci = figures.ciPct
    ? ` (95% CI ${formatPct(figures.estimatePct >= 0 ? figures.ciPct.low : -figures.ciPct.high)} to ${formatPct(figures.estimatePct >= 0 ? figures.ciPct.high : -figures.ciPct.low)})`
    : "";
  return `${formatPct(Math.abs(figures.estimatePct))} ${word}${ci}, ${formatP(figures.pValue)}`;
}

/** "could detect ±3.1%", or nothing when not known. */
export function detectPhrase(figures: Figures): string | null {
  return figures.mdePct === null || figures.test === "exact" ? null : `could detect ±${formatPct(figures.mdePct)}`;
}

/** "paired, n=8/8" or "unpaired, n=5/5". */
export function runsPhrase(figures: Figures): string | null {
  return figures.n ? `${figures.paired ? "paired" : "unpaired"}, n=${figures.n.baseline}/${figures.n.candidate}` : null;
}

export function metricLabel(key: QuantityKey): string {
  return quantity(key).label;
}

/** Why the bisect measures what it measures. */
export function metricSentence(report: BisectReport): string {
  const label = report.metric === "instructions" ? "instructions (counted)" : report.metric === "modules" ? "modules loaded" : "import time";
  switch (report.metricSource) {
    case "modules-differ":
      return `metric: ${label}, because the two ends load different modules: the commit that added them is found exactly, one run each (--metric time or instructions for a slowdown without new modules)`;
    case "why-module":
      return `metric: ${label} (--why ${report.module ?? "MODULE"}: the first commit that loads it)`;
    case "counter-found":
      return `metric: ${label}, the default for bisect when an instruction counter is found (--metric time for wall time)`;
    case "no-counter":
      return `metric: ${label} (no instruction counter on this machine; install valgrind for a deterministic bisect)`;
    default:
      return `metric: ${label}`;
  }
}

export function judgementTone(step: Pick<BisectStep, "judgement">): Tone {
  return step.judgement === "slow" ? "bad" : step.judgement === "good" ? "good" : "same";
}

export function judgementWord(step: Pick<BisectStep, "judgement">): string {
  return step.judgement === "undecided" ? "undecided (not counted as good)" : step.judgement;
}

/** The figures, what the runs could detect, and how they were compared. */
export function stepDetail(step: BisectStep): string {
  const parts = [figuresText(step.figures)];
  if (step.figures.verdict === "no-change") {
    const detect = detectPhrase(step.figures);
    if (detect) parts.push(detect);
  }
  const runs = runsPhrase(step.figures);
  const extras = [runs, step.attempts > 1 ? `${step.attempts} measurements` : null, step.cached ? "from the cache" : null].filter(Boolean);
  return `${parts.join("; ")}${extras.length ? ` [${extras.join(", ")}]` : ""}`;
}

/** Why a bisect stops at the check. */
export function notReproducible(report: BisectReport): string[] {
  const check = report.steps[0]!;
  const what = `bad ${shortCommit(report.bad.commit)} is not significantly slower than good ${shortCommit(report.good.commit)} by ${report.thresholdPct}% or more`;
  const detect = detectPhrase(check.figures);
  return [
    `Not reproducible: ${what}: ${figuresText(check.figures)}${detect ? `; ${detect}` : ""}.`,
    check.judgement === "undecided"
      ? "The runs could not decide even with more of them: try --metric instructions, or more --iterations."
      : "Nothing to bisect. A smaller slowdown needs a lower --threshold; noise that hides one needs --metric instructions or more --iterations.",
  ];
}

/** "412.3% slower", "no significant change", "0.4% slower, below the 5% threshold", "inconclusive (…)". */
export function changeText(change: TrendChange, trend: Pick<Trend, "thresholdPct">): string {
  const f = change.figures;
  // Exact: "3 more modules (+2.4%), exact", "no change: 128 modules on both (exact)".
  if (f.test === "exact" && change.verdict !== "below-threshold" && change.verdict !== "inconclusive") return figuresText(f);
  const size = f.estimatePct === null ? "" : `${formatPct(Math.abs(f.estimatePct))} ${f.estimatePct >= 0 ? quantity(f.headline).lower : quantity(f.headline).higher}`;
  const verdicts: Record<ChangeVerdict, string> = {
    slower: size,
    faster: size,
    "below-threshold": `${size}, below the ${trend.thresholdPct}% threshold`,
    "no-change": f.estimatePct === null ? "no significant change" : `no significant change (${f.estimatePct >= 0 ? "−" : "+"}${formatPct(Math.abs(f.estimatePct))})`,
    inconclusive: `inconclusive (${reasonText(f.reason)})`,
  };
  return verdicts[change.verdict];
}

export function changeTone(change: TrendChange): Tone {
  return change.verdict === "slower" ? "bad" : change.verdict === "faster" ? "good" : "same";
}

/** "+115" / "−3" / "" for module count changes. */
export function signed(delta: number | null): string {
  if (delta === null || delta === 0) return "";
  return delta > 0 ? `+${delta}` : `−${Math.abs(delta)}`;
}

/** A value in the trend's unit without the unit: "12.31" (ms) or "171.52" (M instructions). */
export function trendNumber(trend: Pick<Trend, "headline">, value: number): string {
  return formatNumber(trend.headline, value);
}

export function trendUnit(trend: Pick<Trend, "headline">): string {
  return unitLabel(trend.headline);
}

export function trendValue(trend: Pick<Trend, "headline">, value: number): string {
  return formatValue(trend.headline, value);
}

/** What a marker means, in one sentence. */
export function markerRule(trend: Trend): string {
  if (trend.correction === "exact") return `Markers: every change in ${quantity(trend.headline).label} (exact: one run per commit).`;
  const test = trend.correction === "holm"
    ? `significant at ${trend.alpha} after Holm's correction over ${plural(trend.comparisons, "change")}`
    : `significant at ${trend.alpha} (counted instructions: noise far below the threshold, no correction needed)`;
  return `Markers: a change ${test} and of at least ${trend.thresholdPct}%.`;
}

/** Range and sampling: "c1..c40, every 2nd commit: 21 points". */
export function rangeText(trend: Trend): string {
  const every = trend.every && trend.every > 1 ? `, every ${ordinal(trend.every)} commit` : "";
  return `${trend.range ?? "assembled from result files"}${every}: ${plural(trend.points.length, "point")}`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

export function noteText(note: TrendNote): string {
  switch (note.kind) {
    case "machines-differ":
      return `Points come from ${note.machines} machines: wall times are not comparable across machines. Use --metric instructions for a history measured in several CI jobs.`;
    case "python-differs":
      return `Points were measured with different Pythons (${note.versions.join(", ")}): they are not comparable.`;
    case "settings-differ":
      return `Files of ${note.keys} different settings or environments are mixed (see each file's history.cache_key).`;
    case "failed":
      return `Not measured (the import failed) at ${plural(note.commits.length, "commit")}: ${note.commits.map(shortCommit).join(", ")}.`;
    case "counts-missing":
      return "Instructions were asked for but the files hold no counts: the trend shows import time.";
    case "shard":
      return `Shard ${note.index}/${note.count}: ${note.points} of ${note.total} points. Assemble the whole trend with coldstart-compare --history FILES... (every shard's benchmark_results/cache).`;
    case "duplicates": {
      const shown = note.commits.slice(0, 5).map((item) => `${shortCommit(item.commit)} from ${item.used}, not ${item.skipped.join(", ")}`);
      const more = note.commits.length > shown.length ? `; and ${note.commits.length - shown.length} more (see --format json)` : "";
      return `${plural(note.commits.length, "commit")} in more than one file: one file per commit is used (the most runs, then the newest), so each median and its change come from the same measurement: ${shown.join("; ")}${more}.`;
    }
  }
}
