/**
 * A bisect in the terminal: the header, one line per step as it is judged, and the answer
 * (the first slow commit, its subject, author and date, what it newly loads and through
 * which imports) or why there is nothing to bisect. Reads the bisect model only.
 */
import { printable } from "../errors.ts";
import type { BisectReport, BisectStep } from "../model/history.ts";
import { plainPalette, type Palette } from "./color.ts";
import {
  figuresText, judgementTone, judgementWord, metricSentence, notReproducible, shortCommit, signed, stepDetail,
} from "./history-words.ts";
import { chainText, packageDiffLines } from "./why.ts";
import { formatDuration } from "../quantities.ts";
import { plural, type Tone } from "./words.ts";

function paint(palette: Palette, tone: Tone, text: string): string {
  return tone === "good" ? palette.good(text) : tone === "bad" ? palette.bad(text) : palette.same(text);
}

function subject(text: string, width = 44): string {
  const clean = printable(text);
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

/** The lines before the first measurement. */
export function bisectHeader(
  report: Pick<BisectReport, "good" | "bad" | "commits" | "maxSteps" | "stepLevel" | "thresholdPct" | "metric" | "metricSource" | "module">,
): string[] {
  const shared = `${Math.round(report.stepLevel * report.maxSteps * 100)}%`;
  const slow = report.module ? `loads ${report.module}, which good does not`
    : report.metric === "modules" ? "loads more modules than good (exact: one run per commit)"
    : `significantly slower than good by ${report.thresholdPct}% or more`;
  return [
    `Bisecting ${plural(report.commits, "commit")} from good ${shortCommit(report.good.commit)} to bad ${shortCommit(report.bad.commit)} (first-parent path, at most ${plural(report.maxSteps, "step")} after the check)`,
    `Slow: ${slow}; ${metricSentence(report as BisectReport)}`,
    ...(report.maxSteps > 1 && report.metric !== "modules"
      ? [`A step is slow only at p < ${report.stepLevel.toPrecision(2)}: ${shared} shared by ${report.maxSteps} steps, so noise misleads the search at most ${shared} of the time`]
      : []),
  ];
}

/** "Checking bad 9f8e7d6c5 against good ..." / "Step 2: measuring ..." before a measurement. */
export function measuringLine(commit: string, kind: "check" | "step", attempt: number, number: number): string {
  const what = kind === "check" ? `Checking bad ${shortCommit(commit)} against good` : `Step ${number}: measuring ${shortCommit(commit)} against good`;
  return attempt === 0 ? `${what}...` : `  no verdict yet: measuring again with more runs (attempt ${attempt + 1})...`;
}

/** One judged step. */
export function stepLine(step: BisectStep, palette: Palette = plainPalette): string {
  const label = (step.kind === "check" ? "check" : `step ${step.number}`).padEnd(8);
  const verdict = paint(palette, judgementTone(step), `${judgementWord(step)}`);
  return `${label}${shortCommit(step.commit.commit)}  ${subject(step.commit.subject)}  ${stepDetail(step)} → ${verdict}`;
}

/** The answer, after the steps. */
export function bisectResult(report: BisectReport, palette: Palette = plainPalette): string[] {
  if (report.outcome === "inconclusive") return inconclusiveLines(report, palette);
  if (report.outcome !== "found" || !report.first) return notReproducible(report).map((line, index) => (index === 0 ? palette.bad(line) : line));
  const { first } = report;
  const out: string[] = [""];
  out.push(palette.bold(`First slow commit: ${first.commit.commit}`));
  out.push(`  ${printable(first.commit.subject)}`);
  out.push(`  Author: ${printable(first.commit.author)}`);
  out.push(`  Date:   ${first.commit.date}`);
  out.push(paint(palette, "bad", `  Against good ${shortCommit(report.good.commit)}: ${figuresText(first.figures)}`));
  if (report.module && first.whyChain !== undefined) {
    out.push(paint(palette, "bad", `  Loads ${printable(report.module)}: ${first.whyChain ? printable(chainText(first.whyChain)) : "(its importer was not recorded)"}`));
  }
  const total = first.moduleCounts.find((row) => row.key === "total");
  if (total && total.baseline !== null && total.candidate !== null) {
    const delta = signed(total.candidate - total.baseline);
    out.push(`  Modules after the import, against its parent ${shortCommit(first.parent.commit)}: ${total.baseline} → ${total.candidate}${delta ? ` (${delta})` : ""}`);
  }
  const diff = first.moduleDiff;
  if (diff && diff.newlyLoaded.length) {
    out.push("  Newly loaded (and the imports that load them):");
    for (const line of packageDiffLines("+", diff.newlyLoaded)) out.push(palette.bad(`    ${printable(line)}`));
  }
  if (diff && diff.noLongerLoaded.length) {
    out.push("  No longer loaded:");
    for (const line of packageDiffLines("−", diff.noLongerLoaded)) out.push(palette.good(`    ${printable(line)}`));
  }
  for (const row of first.lazyTurnedEager) {
    out.push(palette.bad(`  Now loaded eagerly: ${printable(row.label)} (${printable(row.module ?? row.key)})${row.chain ? `: ${printable(chainText(row.chain))}` : ""}`));
  }
  const steps = report.steps.length - 1;
  const cached = report.steps.filter((step) => step.cached).length;
  out.push("");
  out.push(`Found in ${plural(steps, "step")} after the check (at most ${report.maxSteps})${cached ? `; ${cached} of ${report.steps.length} comparisons read from the cache` : ""}.`);
  if (report.undecided > 0) out.push(palette.warn(`${plural(report.undecided, "step")} stayed undecided; a later step judged good settled ${report.undecided === 1 ? "it" : "them"}.`));
  return out;
}

/** No single commit: the check could not decide, undecided steps left several open, or --max-time ran out. */
function inconclusiveLines(report: BisectReport, palette: Palette): string[] {
  const out: string[] = [""];
  if (!report.first) {
    const check = report.steps[0]!;
    out.push(palette.warn(`Inconclusive: the runs cannot tell whether bad ${shortCommit(report.bad.commit)} is slower than good by ${report.thresholdPct}% or more: ${figuresText(check.figures)}.`));
    out.push("More --iterations, or --metric instructions (deterministic), would decide.");
    return out;
  }
  const { first } = report;
  const why = report.stopped ? `--max-time ran out after ${plural(report.stopped.steps, "step")}` : `${plural(report.undecidedSteps.length, "step")} stayed undecided after every attempt (${report.undecidedSteps.map((n) => `step ${n}`).join(", ")})`;
  out.push(palette.warn(`Inconclusive: the first slow commit is one of ${plural(report.suspects.length, "commit")} (${why}):`));
  for (const commit of report.suspects.slice(0, 12)) out.push(`  ${shortCommit(commit.commit)}  ${printable(commit.subject)}`);
  if (report.suspects.length > 12) out.push(`  … and ${report.suspects.length - 12} more`);
  out.push(`Last known good: ${shortCommit(first.parent.commit)}; earliest known slow: ${shortCommit(first.commit.commit)} (${figuresText(first.figures)}).`);
  out.push(report.stopped
    ? `Run again with more --max-time, or bisect ${shortCommit(first.parent.commit)} ${shortCommit(first.commit.commit)} alone (the cache keeps what was measured).`
    : `Bisect ${shortCommit(first.parent.commit)} ${shortCommit(first.commit.commit)} with more --iterations or --metric instructions to decide.`);
  return out;
}

/** Said once when instruction counts were asked for and are missing from the files. */
export function countsMissingLine(): string {
  return "Note: --metric instructions was in effect but the result files hold no instruction counts: the steps were judged by import time.";
}

/** The whole bisect after the fact, as the terminal showed it (for --output and the formats table). */
export function render(report: BisectReport, options: { palette?: Palette } = {}): string {
  const palette = options.palette ?? plainPalette;
  const lines = [...bisectHeader(report), ...report.steps.map((step) => stepLine(step, palette))];
  if (report.countsMissing) lines.push(countsMissingLine());
  return `${[...lines, ...bisectResult(report, palette)].join("\n")}\n`;
}

/** After a step: steps done and at most left, and the time they would take at the steps' median pace. */
export function progressLine(step: BisectStep, stepTimes: readonly number[], elapsedMs: number): string {
  const sorted = [...stepTimes].sort((a, b) => a - b);
  const typical = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const left = step.stepsLeft;
  // No step timed yet (only the ends checked): no pace to promise.
  const eta = left === 0 || sorted.length === 0 ? "" : `, about ${formatDuration(typical * left)} to go`;
  return `  ${plural(step.kind === "check" ? 0 : step.number, "step")} done, at most ${plural(left, "step")} left (${formatDuration(elapsedMs)} so far${eta})`;
}

/** The whole search's wall time. */
export function durationLine(ms: number): string {
  return `Took ${formatDuration(ms)}.`;
}
