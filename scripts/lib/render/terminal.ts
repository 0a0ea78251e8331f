/**
 * The terminal report: the seed's sections, order and columns (IMPORT TIME COMPARISON,
 * MODULE LOAD COMPARISON, LAZY LOADING STATUS, SUMMARY), each row with its verdict from
 * one estimate, then the diffs. Colour only through the palette; names from input files
 * go through printable().
 */
import type { CandidateComparison, Comparison, MeasurementRow, QuantityRow, Side } from "../model/comparison.ts";
import { printable } from "../errors.ts";
import { quantity, unitOf } from "../quantities.ts";
import { plainPalette, type Palette } from "./color.ts";
import { sketchLines } from "./sketch.ts";
import { adviceLines } from "./advice.ts";
import { chainText, packageDiffLines, STILL_LARGEST_TITLE, stillLargestCells } from "./why.ts";
import {
  arrow, deltaTone, describeSide, detectText, estimateText, figuresText, formatAdds, formatCompact, formatMs, formatValue, gateLines, LAZY_TEXT, verdictArrow,
  lazyTone, MATRIX_AXIS, matrixCellText, namesText, matrixColumn, matrixIntro, matrixMissingText, matrixRowName, matrixUnitsNote, reasonText, rowTone,
  hotspotNote, rowNotes, spreadText, summaryEvents, summaryLines, testText, type Tone, verdictText, verdictTone, waitingText,
} from "./words.ts";

const WIDTH = 70;
const RULE = "=".repeat(WIDTH);
const LINE = "-".repeat(WIDTH);
const MARK: Record<Tone, string> = { good: "✓", bad: "✗", same: "=" };

export interface TerminalOptions {
  palette?: Palette;
  /** A one-line distribution sketch per side under each measurement. */
  charts?: boolean;
}

function paint(palette: Palette, tone: Tone, text: string): string {
  return tone === "good" ? palette.good(text) : tone === "bad" ? palette.bad(text) : palette.same(text);
}

function cell(value: number | null | undefined): string {
  return value === undefined || value === null ? "—" : formatMs(value);
}

/** Lines for the other quantities of a row: CPU, memory, process time. */
function quantityLines(row: MeasurementRow, palette: Palette): string[] {
  const lines: string[] = [];
  const time = row.quantities.find((q) => q.quantity === "import_ms");
  for (const q of row.quantities.slice(1)) {
    const def = quantity(q.quantity);
    const values = `${q.baseline ? formatValue(q.quantity, q.baseline.median) : "—"} → ${q.candidate ? formatValue(q.quantity, q.candidate.median) : "—"}`;
    const verdict = q.typical ? estimateText(q.quantity, q.typical) : reasonText(q.reason);
    const extras: string[] = [];
    if (q.importAdds && q.importAdds.baseline !== null && q.importAdds.candidate !== null) {
      extras.push(`import adds ${formatAdds(q.quantity, q.importAdds.baseline)} → ${formatAdds(q.quantity, q.importAdds.candidate)}`);
    }
    if (def.waiting) {
      const waiting = waitingText(time?.candidate?.median, q.candidate?.median);
      if (waiting) extras.push(`optimized: ${waiting}`);
    }
    const text = `    ${def.label.padEnd(13)} ${values}: ${verdict}${extras.length ? `; ${extras.join("; ")}` : ""}`;
    lines.push(q.direction === "lower" || q.direction === "higher" ? paint(palette, verdictTone(q.direction), text) : palette.dim(text));
    if (q.spread) lines.push(palette.warn(`    ⚠ ${spreadText(q.quantity, q.spread)}`));
  }
  return lines;
}

function measurementLines(row: MeasurementRow, palette: Palette): string[] {
  const name = printable(row.name).padEnd(30);
  const main: QuantityRow | undefined = row.quantities[0];
  if (row.status !== "ok") {
    const median = (side: "baseline" | "candidate") => (main?.[side] ? formatCompact(row.headline, main[side]!.median) : "—");
    return [`${name}${median("baseline").padStart(8)}${median("candidate").padStart(13)}   ${paint(palette, row.status === "failed-candidate" ? "bad" : "same", "n/a")}`,
      `    ${printable(reasonText(row.reason))}`];
  }
  const tone = rowTone(row);
  if (row.means) {
    const { baseline, candidate, deltaMs, deltaPct } = row.means;
    const delta = `${arrow(deltaMs)}${formatMs(deltaMs).padStart(9)}${` ${(deltaPct ?? 0).toFixed(2)}%`.padStart(8)}`;
    return [`${name}${cell(baseline).padStart(8)}${cell(candidate).padStart(13)} ${paint(palette, tone, delta)}`];
  }
  const typical = main?.typical;
  const estimate = typical?.estimate ?? null;
  const key = row.headline;
  const delta = estimate === null
    ? "—".padStart(18)
    : `${verdictArrow(row, estimate)}${formatCompact(key, estimate).padStart(9)}${` ${(typical?.estimatePct ?? 0).toFixed(2)}%`.padStart(8)}`;
  const base = main?.baseline ? formatCompact(key, main.baseline.median) : "—";
  const cand = main?.candidate ? formatCompact(key, main.candidate.median) : "—";
  const lines = [`${name}${base.padStart(8)}${cand.padStart(13)} ${paint(palette, tone, `${delta}  ${MARK[tone]} ${verdictText(row)}`)}`];
  if (typical) {
    lines.push(palette.dim(`    typical: ${figuresText(row.headline, typical)}, ${detectText(typical, main?.detail)}; ${testText(typical)}`));
  } else {
    lines.push(palette.dim(`    ${reasonText(row.reason)}`));
  }
  for (const note of rowNotes(row, main)) lines.push(note.startsWith("⚠") ? palette.warn(`    ${note}`) : palette.dim(`    ${note}`));
  if (row.bestCase && row.bestCase.estimatePct !== null) {
    const b = row.bestCase;
    const fastest = main?.baseline && main.candidate ? `${formatValue(row.headline, main.baseline.min)} → ${formatValue(row.headline, main.candidate.min)}, ` : "";
    lines.push(palette.dim(`    best case (fastest run): ${fastest}${estimateText(row.headline, b)}`));
  }
  return [...lines, ...quantityLines(row, palette)];
}

function sketches(comparison: Comparison, c: CandidateComparison, row: MeasurementRow, palette: Palette): string[] {
  const sides: Side[] = [comparison.sides[c.baseline]!, comparison.sides[c.candidate]!];
  const key = row.headline;
  const tone = rowTone(row);
  return sketchLines(
    sides.map((side, index) => ({
      label: side.label,
      samples: side.measurements[row.name]?.quantities[key]?.samples ?? [],
      tone: index === 0 ? "plain" : tone,
    })),
    palette,
    { unit: unitOf(key).header, number: unitOf(key).number },
  );
}

function candidateReport(comparison: Comparison, c: CandidateComparison, palette: Palette, charts: boolean): string[] {
  const baseline = comparison.sides[c.baseline]!;
  const candidate = comparison.sides[c.candidate]!;
  const out: string[] = [RULE, palette.bold("COLD START BENCHMARK COMPARISON"), RULE];
  out.push(`Baseline:  ${printable(describeSide(baseline))}`);
  out.push(`Optimized: ${printable(describeSide(candidate))}`);
  if (c.environmentMismatches.length) {
    const what = c.environmentMismatches.map((m) => `${m.field} ${printable(m.baseline)} vs ${printable(m.candidate)}`).join("; ");
    out.push(palette.warn(`⚠ WARNING: ENVIRONMENTS DIFFER (${what}): differences may come from the environment, not the code`));
  }

  out.push("", palette.bold("IMPORT TIME COMPARISON"), LINE);
  // Rows speak in their metric's quantity: "Δ ms" only when every one is a time.
  const counted = c.measurements.some((row) => quantity(row.headline).unit !== "ms");
  out.push(`${"Metric".padEnd(30)}${"Baseline".padStart(8)}${"Optimized".padStart(13)}${(counted ? "Δ" : "Δ ms").padStart(11)}${"Δ %".padStart(9)}`);
  out.push(LINE);
  for (const row of c.measurements) {
    out.push(...measurementLines(row, palette));
    if (charts) out.push(...sketches(comparison, c, row, palette));
  }
  out.push(palette.dim(c.arithmeticOnly
    ? "Note: no samples in these files: Baseline, Optimized and Δ are the original tool's arithmetic on means; significance needs samples."
    : `Baseline/Optimized: medians${counted ? ` (${[...new Set(c.measurements.filter((row) => quantity(row.headline).unit !== "ms").map((row) => unitOf(row.headline).header))].join(", ")} where not ms; M = millions)` : ""}. Δ: the typical change (Hodges–Lehmann estimate${c.paired ? "; timings paired by round" : ", unpaired"}), baseline − optimized, ↓ faster, ~ within noise.`));

  out.push("", palette.bold("MODULE LOAD COMPARISON"), LINE);
  for (const row of c.moduleCounts) {
    out.push(`${printable(row.key === "total" ? "Total modules loaded" : `${row.package ? row.package[0]!.toUpperCase() + row.package.slice(1) : "Package"} modules loaded`)}:`);
    const show = (value: number | null) => (value === null ? "n/a (failed)" : String(value));
    const delta = row.delta === null ? "n/a" : paint(palette, deltaTone(row.delta), String(row.delta).padStart(4));
    const names = row.names ? `  (${namesText(row.names)})` : "";
    out.push(`  Baseline: ${show(row.baseline).padStart(5)}  Optimized: ${show(row.candidate).padStart(4)}  Δ: ${delta}${names}`);
  }

  out.push("", palette.bold("LAZY LOADING STATUS"), LINE);
  if (c.lazy.length === 0) out.push("(no lazy checks in these files)");
  const state = (loaded: boolean | null): string => (loaded === null ? "MISSING" : loaded ? "LOADED" : "NOT LOADED").padEnd(12);
  for (const row of c.lazy) {
    const tone = lazyTone(row.change);
    const change = paint(palette, tone, `${MARK[tone]} ${LAZY_TEXT[row.change]}`);
    out.push(`${printable(row.label).padEnd(20)} Baseline: ${state(row.baseline)} Optimized: ${state(row.candidate)} ${change}`);
    if (row.chain && row.change !== "no-change") out.push(palette.dim(`    ${printable(chainText(row.chain))}`));
  }

  if (c.moduleDiff) {
    const diff = c.moduleDiff;
    out.push("", palette.bold("MODULE DIFF (top-level packages)"), LINE);
    out.push(`Modules loaded: baseline ${diff.baselineModules}, optimized ${diff.candidateModules}`);
    if (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0) out.push("Same top-level packages on both sides.");
    if (diff.newlyLoaded.length) {
      out.push("Newly loaded:");
      for (const line of packageDiffLines("+", diff.newlyLoaded)) out.push(palette.bad(`  ${printable(line)}`));
    }
    if (diff.noLongerLoaded.length) {
      out.push("No longer loaded:");
      for (const line of packageDiffLines("−", diff.noLongerLoaded)) out.push(palette.good(`  ${printable(line)}`));
    }
  }

  for (const diff of c.importTime) {
    out.push("", palette.bold(`IMPORT TIME DIFF: ${printable(diff.measurement)} (-X importtime)`), LINE);
    out.push("Largest changes in cumulative time:");
    out.push(`${"Module".padEnd(30)}${"Baseline".padStart(10)}${"Optimized".padStart(12)}${"Δ ms".padStart(12)}`);
    const us = (value: number | null) => (value === null ? "—" : formatMs(value / 1000));
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

  const note = hotspotNote(c);
  if (c.hotspots.length === 0 && note) out.push("", palette.dim(note));
  if (c.hotspots.length) {
    out.push("", palette.bold(`HOTSPOTS (calls in module top-level code${note ? `, ${note}` : ""})`), LINE);
    for (const { change, hotspot } of c.hotspots.slice(0, 10)) {
      const where = `${hotspot.file ?? hotspot.module}${hotspot.line !== null ? `:${hotspot.line}` : ""}`;
      const text = `${change === "appeared" ? "+" : "−"} ${where}  ${hotspot.call}${hotspot.count > 1 ? ` ×${hotspot.count}` : ""}  ${formatMs(hotspot.ms)}`;
      out.push(change === "appeared" ? palette.bad(`  ${printable(text)}`) : palette.good(`  ${printable(text)}`));
    }
  }

  if (c.stillLargest) {
    const cells = stillLargestCells(c.stillLargest);
    out.push("", palette.bold(`${STILL_LARGEST_TITLE.replace(/^[^(]+/, (title) => title.toUpperCase())}`), LINE);
    if (cells.lines.length) {
      out.push("Lines (calls in module top-level code), baseline → optimized:");
      for (const row of cells.lines) out.push(`  ${printable(`${row.where}  ${row.call}  ${row.baseline} → ${row.candidate}`)}`);
    }
    if (cells.modules.length) {
      out.push("Modules (self time), baseline → optimized:");
      for (const row of cells.modules) {
        out.push(`  ${printable(`${row.module}  ${row.baseline} → ${row.candidate}${row.cumulative ? `  (cumulative ${row.cumulative})` : ""}`)}`);
      }
    }
  }

  out.push("", RULE, palette.bold("SUMMARY"), RULE);
  const summary = summaryLines(c.summary);
  for (const line of summary.lines) out.push(paint(palette, summary.tone, `${MARK[summary.tone]} ${printable(line)}`));
  for (const event of summaryEvents(c.summary)) out.push(paint(palette, event.tone, `${MARK[event.tone]} ${printable(event.text)}`));
  if (c.gate) for (const line of gateLines(c.gate)) out.push(paint(palette, line.tone, `${MARK[line.tone]} ${printable(line.text)}`));
  out.push(RULE);
  return out;
}

/** The matrix, last: group × measurement, every cell compared within its own group. */
function matrixLines(comparison: Comparison, palette: Palette): string[] {
  const matrix = comparison.matrix!;
  const intro = matrixIntro(matrix);
  const table = matrix.rows.map((row) => {
    const lead = [printable(matrix.groups[row.group]!.label), printable(matrixRowName(comparison, row))];
    if (row.missing) return { lead, cells: [{ tone: "same" as Tone, text: matrixMissingText(matrix, row.missing) }], alone: true };
    return { lead, cells: row.cells.map((c) => ({ ...matrixCellText(c), empty: c === null }))
      .map(({ tone, text, empty }) => ({ tone, text: empty ? text : `${MARK[tone]} ${text}` })), alone: false };
  });
  const header = [MATRIX_AXIS[matrix.axis], "Candidate", ...matrix.measurements.map((name) => printable(matrixColumn(matrix, name)))];
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) =>
    column < 2 ? row.lead[column]!.length : row.alone ? 0 : row.cells[column - 2]!.text.length)));
  const out = ["", RULE, palette.bold(intro.title.toUpperCase()), RULE];
  out.push(header.map((title, column) => title.padEnd(widths[column]!)).join("  ").trimEnd(), LINE);
  for (const row of table) {
    const lead = row.lead.map((text, column) => text.padEnd(widths[column]!)).join("  ");
    const cells = row.cells.map((c, index) => paint(palette, c.tone, row.alone ? c.text : c.text.padEnd(widths[index + 2]!)));
    out.push(`${lead}  ${cells.join("  ")}`.trimEnd());
  }
  out.push(LINE, palette.dim(`${intro.note} ${matrixUnitsNote(comparison.alpha)}`), RULE);
  return out;
}

/** The whole terminal report, one block per candidate, then the matrix when there are several groups. */
export function render(comparison: Comparison, options: TerminalOptions = {}): string {
  const palette = options.palette ?? plainPalette;
  const blocks = comparison.candidates.map((c) => candidateReport(comparison, c, palette, options.charts === true).join("\n"));
  const matrix = comparison.matrix ? `\n${matrixLines(comparison, palette).join("\n")}` : "";
  const advice = comparison.advice ? `\n\n${[RULE, palette.bold("WHAT TO DEFER"), RULE, ...adviceLines(comparison.advice).slice(1), RULE].join("\n")}` : "";
  return `${blocks.join("\n\n")}${matrix}${advice}\n`;
}

