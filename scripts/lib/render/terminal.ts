/**
 * The terminal report: the seed's sections, order and columns (IMPORT TIME COMPARISON,
 * MODULE LOAD COMPARISON, LAZY LOADING STATUS, SUMMARY), with each row's verdict and,
 * when the files hold them, the module and import-time diffs before the summary.
 * Names from input files go through printable().
 */
import {
  arrow, type CandidateComparison, type Comparison, deltaTone, describeSide, formatMs, formatP, LAZY_TEXT, lazyTone,
  type MeasurementRow, rowTone, type Tone, VERDICT_TEXT,
} from "../compare.ts";
import { plainPalette, type Palette } from "../color.ts";
import { printable } from "../errors.ts";
import type { LoadedResult } from "../result.ts";
import { comparisonSketch } from "./sketch.ts";

const WIDTH = 70;
const RULE = "=".repeat(WIDTH);
const LINE = "-".repeat(WIDTH);
const MARK: Record<Tone, string> = { good: "✓", bad: "✗", same: "=" };

function paint(palette: Palette, tone: Tone, text: string): string {
  return tone === "good" ? palette.good(text) : tone === "bad" ? palette.bad(text) : palette.same(text);
}

function ms(value: number | undefined | null): string {
  return value === undefined || value === null ? "—" : formatMs(value);
}

function us(value: number | null): string {
  return value === null ? "—" : formatMs(value / 1000);
}

function measurementLines(row: MeasurementRow, palette: Palette): string[] {
  const name = printable(row.name).padEnd(30);
  const base = ms(row.baseline?.mean).padStart(8);
  const cand = ms(row.candidate?.mean).padStart(13);
  if (row.deltaMs === null) {
    return [`${name}${base}${cand}   ${paint(palette, "same", row.status === "ok" ? "" : "not in both files")}`.trimEnd(),
      ...(row.note ? [`    ${printable(row.note)}`] : [])];
  }
  const tone = rowTone(row);
  const delta = `${arrow(row.deltaMs)}${formatMs(row.deltaMs).padStart(9)}${` ${(row.deltaPct ?? 0).toFixed(2)}%`.padStart(8)}`;
  const verdict = row.verdict === "unknown" ? "" : `  ${MARK[tone]} ${VERDICT_TEXT[row.verdict]}`;
  const lines = [`${name}${base}${cand} ${paint(palette, tone, delta + verdict)}`];
  if (row.verdict !== "unknown") {
    const confidence = Math.round(row.confidence * 100);
    const ci = row.ci ? ` (${confidence}% CI ${row.ci.low.toFixed(2)} to ${row.ci.high.toFixed(2)}ms)` : "";
    const mde = row.mdeMs !== null ? `, could detect ±${formatMs(row.mdeMs)}` : "";
    lines.push(palette.dim(`    fastest run ${ms(row.shiftMs)}${ci}, ${formatP(row.pValue)}${mde}, n=${row.baseline?.sampleCount}/${row.candidate?.sampleCount}`));
  }
  return lines;
}

function candidateReport(c: CandidateComparison, comparison: Comparison, palette: Palette, pair: [LoadedResult, LoadedResult] | null): string[] {
  const out: string[] = [RULE, palette.bold("COLD START BENCHMARK COMPARISON"), RULE];
  out.push(`Baseline:  ${printable(describeSide(c.baseline))}`);
  out.push(`Optimized: ${printable(describeSide(c.candidate))}`);
  if (c.environmentMismatches.length) {
    const what = c.environmentMismatches.map((m) => `${m.field} ${printable(m.baseline)} vs ${printable(m.candidate)}`).join("; ");
    out.push(palette.warn(`⚠ WARNING: ENVIRONMENTS DIFFER (${what}): differences may come from the environment, not the code`));
  }

  out.push("", palette.bold("IMPORT TIME COMPARISON"), LINE);
  out.push(`${"Metric".padEnd(30)}${"Baseline".padStart(8)}${"Optimized".padStart(13)}${"Δ ms".padStart(11)}${"Δ %".padStart(9)}`);
  out.push(LINE);
  for (const row of c.measurements) {
    out.push(...measurementLines(row, palette));
    if (pair) out.push(...comparisonSketch(row.name, pair[0], pair[1], rowTone(row), palette));
  }
  if (c.arithmeticOnly) {
    out.push(palette.dim("Note: no samples in these files: Δ is the seed's arithmetic on means; significance needs samples."));
  }

  out.push("", palette.bold("MODULE LOAD COMPARISON"), LINE);
  for (const row of c.moduleCounts) {
    out.push(`${printable(row.label)}:`);
    const delta = paint(palette, deltaTone(row.delta), String(row.delta).padStart(4));
    out.push(`  Baseline: ${String(row.baseline).padStart(5)}  Optimized: ${String(row.candidate).padStart(4)}  Δ: ${delta}`);
  }

  out.push("", palette.bold("LAZY LOADING STATUS"), LINE);
  if (c.lazy.length === 0) out.push("(no lazy checks in these files)");
  const state = (loaded: boolean | null): string => (loaded === null ? "MISSING" : loaded ? "LOADED" : "NOT LOADED").padEnd(12);
  for (const row of c.lazy) {
    const tone = lazyTone(row.change);
    const change = paint(palette, tone, `${MARK[tone]} ${LAZY_TEXT[row.change]}`);
    out.push(`${printable(row.label).padEnd(20)} Baseline: ${state(row.baseline)} Optimized: ${state(row.candidate)} ${change}`);
  }

  if (c.moduleDiff) {
    const diff = c.moduleDiff;
    out.push("", palette.bold("MODULE DIFF (top-level packages)"), LINE);
    out.push(`Modules loaded: baseline ${diff.baselineModules}, optimized ${diff.candidateModules}`);
    const plural = (n: number): string => `${n} module${n === 1 ? "" : "s"}`;
    if (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0) out.push("Same top-level packages on both sides.");
    if (diff.newlyLoaded.length) {
      out.push("Newly loaded:");
      for (const row of diff.newlyLoaded) out.push(palette.bad(`  + ${printable(row.package).padEnd(40)}${plural(row.modules).padStart(12)}`));
    }
    if (diff.noLongerLoaded.length) {
      out.push("No longer loaded:");
      for (const row of diff.noLongerLoaded) out.push(palette.good(`  - ${printable(row.package).padEnd(40)}${plural(row.modules).padStart(12)}`));
    }
  }

  for (const diff of c.importTime) {
    out.push("", palette.bold(`IMPORT TIME DIFF: ${printable(diff.measurement)} (-X importtime)`), LINE);
    out.push("Largest changes in cumulative time:");
    out.push(`${"Module".padEnd(30)}${"Baseline".padStart(10)}${"Optimized".padStart(12)}${"Δ ms".padStart(12)}`);
    for (const row of diff.largestChanges) {
      const delta = `${arrow(row.deltaUs)} ${formatMs(row.deltaUs / 1000).padStart(10)}`;
      out.push(`${printable(row.module).padEnd(30)}${us(row.baselineUs).padStart(10)}${us(row.candidateUs).padStart(12)} ${paint(palette, deltaTone(row.deltaUs), delta)}`);
    }
    if (diff.largestChanges.length === 0) out.push("  (no change)");
    out.push("Top self time (optimized):");
    out.push(`${"Module".padEnd(30)}${"Self".padStart(10)}${"Cumulative".padStart(12)}${"Baseline self".padStart(15)}`);
    for (const row of diff.topSelf) {
      out.push(`${printable(row.module).padEnd(30)}${us(row.selfUs).padStart(10)}${us(row.cumulativeUs).padStart(12)}${us(row.baselineSelfUs).padStart(15)}`);
    }
  }

  out.push("", RULE, palette.bold("SUMMARY"), RULE);
  const s = c.summary;
  for (const line of s.lines) out.push(paint(palette, s.tone, `${MARK[s.tone]} ${printable(line)}`));
  if (s.note) out.push(palette.dim(`  Note: ${printable(s.note)}`));
  if (comparison.failOnRegressionPct !== null) {
    if (c.regressions.length === 0) {
      out.push(palette.good(`✓ No regression (threshold ${comparison.failOnRegressionPct}%)`));
    } else {
      for (const reason of c.regressions) out.push(palette.bad(`✗ REGRESSION: ${printable(reason)}`));
    }
  }
  out.push(RULE);
  return out;
}

/**
 * The whole terminal report, one block per candidate; `palette` decides colour. With
 * `charts` (the loaded results, baseline first), each measurement row gets a one-line
 * distribution sketch per side.
 */
export function render(comparison: Comparison, palette: Palette = plainPalette, charts?: readonly LoadedResult[]): string {
  const blocks = comparison.candidates.map((c, index) => {
    const pair: [LoadedResult, LoadedResult] | null = charts && charts[0] && charts[index + 1] ? [charts[0], charts[index + 1]!] : null;
    return candidateReport(c, comparison, palette, pair).join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
