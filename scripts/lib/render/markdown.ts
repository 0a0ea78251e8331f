/**
 * The markdown report, fit for a pull request comment or $GITHUB_STEP_SUMMARY: the same
 * sections and figures as the terminal report, as GitHub-flavoured tables. Text from input
 * files is escaped so it cannot break the layout.
 */
import type { AdviceReport, CandidateComparison, Comparison, MeasurementRow } from "../model/comparison.ts";
import { quantity } from "../quantities.ts";
import { candidateText, mainPackages, patchLines, savingText, workloadText } from "./advice.ts";
import { chainText, packageDiffLines, STILL_LARGEST_TITLE, stillLargestCells } from "./why.ts";
import {
  arrow, verdictArrow, countWithNames, describeSide, detectText, estimateText, figuresText, formatAdds, formatMs, formatP, formatPct, formatValue, gateLines, intervalText, LAZY_TEXT, lazyTone,
  MATRIX_AXIS, matrixCellText, matrixColumn, matrixIntro, matrixMissingText, matrixRowName, matrixUnitsNote, hotspotNote, reasonText, rowNotes, rowTone, spreadText, summaryEvents, summaryLines, testText, type Tone, verdictText,
} from "./words.ts";

const MARK: Record<Tone, string> = { good: "✅", bad: "❌", same: "➖" };

/** Escapes text for a markdown table cell or paragraph. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#~])/g, "\\$1");
}

function table(header: string[], align: ("l" | "r")[], rows: string[][]): string[] {
  const divider = align.map((a) => (a === "r" ? "---:" : ":---"));
  return [`| ${header.join(" | ")} |`, `| ${divider.join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)];
}

function measurementRow(row: MeasurementRow): string[] {
  const name = `${escapeMarkdown(row.name)}${row.primary ? " (primary)" : ""}`;
  const main = row.quantities[0];
  const median = (stats: { median: number } | null | undefined) => (stats ? formatValue(row.headline, stats.median) : "—");
  if (row.status !== "ok") return [name, median(main?.baseline), median(main?.candidate), "—", escapeMarkdown(`n/a: ${reasonText(row.reason)}`), "—", "—"];
  if (row.means) {
    const { baseline, candidate, deltaMs, deltaPct } = row.means;
    return [name, `${formatMs(baseline)} (mean)`, `${formatMs(candidate)} (mean)`, `${arrow(deltaMs)} ${formatMs(deltaMs)} (${formatPct(deltaPct ?? 0, 2)})`,
      escapeMarkdown(reasonText(row.reason)), "—", "—"];
  }
  const value = (stats: { median: number } | null) => (stats ? formatValue(row.headline, stats.median) : "—");
  const typical = main?.typical;
  const change = typical?.estimate !== null && typical?.estimate !== undefined
    ? `${verdictArrow(row, typical.estimate)} ${formatValue(row.headline, typical.estimate)} (${formatPct(typical.estimatePct ?? 0, 2)})`
    : "—";
  const verdict = `${MARK[rowTone(row)]} ${escapeMarkdown(verdictText(row))}`;
  // A faster/slower verdict already says the estimate: the details add its interval and test.
  const figures = typical && (row.verdict === "faster" || row.verdict === "slower") && intervalText(typical)
    ? `${intervalText(typical)}, ${formatP(typical.pValue)}`
    : typical ? figuresText(row.headline, typical) : null;
  const notes = rowNotes(row, main).map((note) => `; ${note}`).join("");
  const details = escapeMarkdown(`${figures !== null ? `${figures}; ${testText(typical!)}` : reasonText(row.reason)}${notes}`);
  const best = row.bestCase && row.bestCase.estimatePct !== null ? escapeMarkdown(estimateText(row.headline, row.bestCase)) : "—";
  return [name, value(main?.baseline ?? null), value(main?.candidate ?? null), change, `${verdict}<br>${details}`, typical ? detectText(typical, main?.detail).replace("could detect ", "") : "—", best];
}

function otherQuantities(c: CandidateComparison): string[] {
  const rows = c.measurements.flatMap((row) =>
    row.quantities.slice(1).map((q) => {
      const adds = q.importAdds && q.importAdds.baseline !== null && q.importAdds.candidate !== null
        ? `${formatAdds(q.quantity, q.importAdds.baseline)} → ${formatAdds(q.quantity, q.importAdds.candidate)}`
        : "—";
      return [
        escapeMarkdown(row.name), quantity(q.quantity).label,
        q.baseline ? formatValue(q.quantity, q.baseline.median) : "—",
        q.candidate ? formatValue(q.quantity, q.candidate.median) : "—",
        escapeMarkdown(`${q.typical ? estimateText(q.quantity, q.typical) : reasonText(q.reason)}${q.spread ? `; ⚠ ${spreadText(q.quantity, q.spread)}` : ""}`),
        adds,
      ];
    }));
  if (rows.length === 0) return [];
  return ["<details><summary>CPU time, memory and process time</summary>", "",
    ...table(["Measurement", "Quantity", "Baseline (median)", "Optimized (median)", "Change", "Import adds"], ["l", "l", "r", "r", "l", "r"], rows),
    "", "</details>", ""];
}

function candidateReport(comparison: Comparison, c: CandidateComparison): string[] {
  const baseline = comparison.sides[c.baseline]!;
  const candidate = comparison.sides[c.candidate]!;
  const out: string[] = ["## Cold start benchmark comparison", ""];
  out.push(`**Baseline:** ${escapeMarkdown(describeSide(baseline))}  `);
  out.push(`**Optimized:** ${escapeMarkdown(describeSide(candidate))}`, "");
  if (c.environmentMismatches.length) {
    const what = c.environmentMismatches.map((m) => `${m.field} ${escapeMarkdown(m.baseline)} vs ${escapeMarkdown(m.candidate)}`).join("; ");
    out.push("> [!WARNING]", `> **Environments differ** (${what}): differences may come from the environment, not the code.`, "");
  }

  out.push("### Summary", "");
  const summary = summaryLines(c.summary);
  for (const line of summary.lines) out.push(`- ${MARK[summary.tone]} ${escapeMarkdown(line)}`);
  for (const event of summaryEvents(c.summary)) out.push(`- ${MARK[event.tone]} ${escapeMarkdown(event.text)}`);
  if (c.gate) for (const line of gateLines(c.gate)) out.push(`- ${MARK[line.tone]} ${c.gate.exitCode === 0 ? "" : "**"}${escapeMarkdown(line.text)}${c.gate.exitCode === 0 ? "" : "**"}`);
  out.push("");

  out.push("### Import time", "");
  const confidence = Math.round((1 - comparison.alpha) * 100);
  out.push(...table(
    ["Metric", "Baseline", "Optimized", "Δ (typical)", "Verdict", "Could detect", `Best case (fastest run)`],
    ["l", "r", "r", "r", "l", "r", "l"],
    c.measurements.map(measurementRow),
  ));
  out.push("", c.arithmeticOnly
    ? "_No samples in these files: Baseline, Optimized and Δ are the original tool's arithmetic on means; significance needs samples._"
    : `Baseline and Optimized are medians; Δ is the typical change (Hodges–Lehmann estimate, baseline − optimized, ↓ faster) with its ${confidence}% interval; the best case compares the fastest runs with its own test.`);
  out.push("");
  out.push(...otherQuantities(c));

  out.push("### Modules", "");
  const show = (value: number | null, names: number | null | undefined) => (value === null ? "n/a (failed)" : countWithNames(value, names));
  out.push(...table(["", "Baseline", "Optimized", "Δ"], ["l", "r", "r", "r"],
    c.moduleCounts.map((row) => [
      row.key === "total" ? "Total modules loaded" : escapeMarkdown(`${row.package ?? "Package"} modules loaded`),
      show(row.baseline, row.names?.baseline), show(row.candidate, row.names?.candidate), row.delta === null ? "n/a" : String(row.delta),
    ])));
  if (c.moduleCounts.some((row) => row.names)) out.push("", "_Modules are module objects: an alias in sys.modules (the same module under another name) is counted once; names counts every name._");
  out.push("");

  out.push("### Lazy loading", "");
  if (c.lazy.length === 0) out.push("_No lazy checks in these files._");
  else {
    const state = (loaded: boolean | null): string => (loaded === null ? "missing" : loaded ? "LOADED" : "NOT LOADED");
    out.push(...table(["Check", "Baseline", "Optimized", "Change", "Loaded by"], ["l", "l", "l", "l", "l"],
      c.lazy.map((row) => [
        `${escapeMarkdown(row.label)}${row.module ? ` (${escapeMarkdown(row.module)})` : ""}`,
        state(row.baseline), state(row.candidate), `${MARK[lazyTone(row.change)]} ${LAZY_TEXT[row.change]}`,
        row.chain && row.change !== "no-change" ? escapeMarkdown(chainText(row.chain)) : "",
      ])));
  }
  out.push("");

  if (c.moduleDiff) {
    const diff = c.moduleDiff;
    out.push("### Top-level packages", "");
    out.push(`Modules loaded: baseline ${diff.baselineModules}, optimized ${diff.candidateModules}.`, "");
    if (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0) out.push("Same top-level packages on both sides.", "");
    else {
      for (const line of packageDiffLines("+", diff.newlyLoaded)) out.push(`- ➕ ${escapeMarkdown(line.slice(2))}`);
      for (const line of packageDiffLines("−", diff.noLongerLoaded)) out.push(`- ➖ ${escapeMarkdown(line.slice(2))}`);
      out.push("");
    }
  }

  const us = (value: number | null) => (value === null ? "—" : formatMs(value / 1000));
  for (const diff of c.importTime) {
    out.push(`### Import time breakdown: ${escapeMarkdown(diff.measurement)}`, "");
    out.push("<details><summary>Largest changes in cumulative time, top self time</summary>", "");
    out.push(...table(["Module", "Baseline", "Optimized", "Δ ms"], ["l", "r", "r", "r"],
      diff.largestChanges.map((row) => [escapeMarkdown(row.module), us(row.baselineUs), us(row.candidateUs), `${arrow(row.deltaUs)} ${formatMs(row.deltaUs / 1000)}`])));
    out.push("");
    out.push(...table(["Module (optimized)", "Self", "Cumulative", "Baseline self"], ["l", "r", "r", "r"],
      diff.topSelf.map((row) => [escapeMarkdown(row.module), us(row.selfUs), us(row.cumulativeUs), us(row.baselineSelfUs)])));
    out.push("", "</details>", "");
  }
  const note = hotspotNote(c);
  if (c.hotspots.length) {
    out.push("### Hotspots (calls in module top-level code)", "", ...(note ? [`_${escapeMarkdown(note)}._`, ""] : []));
    out.push(...table(["", "Where", "Call", "ms"], ["l", "l", "l", "r"], c.hotspots.slice(0, 10).map(({ change, hotspot }) => [
      change === "appeared" ? "➕ appeared" : "➖ gone",
      escapeMarkdown(`${hotspot.file ?? hotspot.module}${hotspot.line !== null ? `:${hotspot.line}` : ""}`),
      escapeMarkdown(`${hotspot.call}${hotspot.count > 1 ? ` ×${hotspot.count}` : ""}`),
      hotspot.ms.toFixed(1),
    ])), "");
  }
  if (c.stillLargest) {
    const cells = stillLargestCells(c.stillLargest);
    out.push(`### ${escapeMarkdown(STILL_LARGEST_TITLE)}`, "");
    if (cells.lines.length) {
      out.push(...table(["Where", "Call", "Baseline", "Optimized"], ["l", "l", "r", "r"],
        cells.lines.map((row) => [escapeMarkdown(row.where), escapeMarkdown(row.call), row.baseline, row.candidate])), "");
    }
    if (cells.modules.length) {
      out.push(...table(["Module", "Self, baseline", "Self, optimized", "Cumulative"], ["l", "r", "r", "r"],
        cells.modules.map((row) => [escapeMarkdown(row.module), row.baseline, row.candidate, row.cumulative ?? "—"])), "");
    }
  }
  return out;
}

/** What to defer: a table of the candidates, the statements to keep, the work done at import, the patch. */
function adviceReport(report: AdviceReport): string[] {
  const { advice } = report;
  const out = [`## What to defer${report.ref ? ` in ${escapeMarkdown(report.ref)}` : ""}`, "", escapeMarkdown(`${workloadText(advice)}.`), ""];
  if (advice.candidates.length) {
    out.push(...table(["#", "Statement", "Would stop loading", "Saves about", "Change"], ["r", "l", "l", "r", "l"], advice.candidates.map((candidate, index) => {
      const text = candidateText(candidate, index + 1);
      return [String(index + 1), escapeMarkdown(`${candidate.file}:${candidate.line} ${candidate.code}`), escapeMarkdown(`${candidate.modules.length} modules (${mainPackages(candidate).slice(0, 5).join(", ")})`),
        escapeMarkdown(savingText(candidate.predictedMs, candidate.predictedMb, candidate.mbSource)), `${candidate.movable ? "" : "⚠️ "}${escapeMarkdown(text.how)}`];
    })), "");
  } else out.push("Nothing: every import statement of the package brings in modules the workload uses.", "");
  for (const kept of advice.kept ?? []) out.push(`- keep ${escapeMarkdown(`${kept.file}:${kept.line}`)}: used by the workload (${escapeMarkdown(kept.used.slice(0, 4).join(", "))})`);
  if (advice.eagerWork.length) {
    out.push("", "**Work done at import: compute it on first use**", "");
    for (const work of advice.eagerWork) out.push(`- ${escapeMarkdown(`${work.file}${work.line === null ? "" : `:${work.line}`} ${work.call}`)}: ${formatMs(work.ms)}`);
  }
  const patch = patchLines(report.patch);
  if (patch.length) out.push("", ...patch.map((line) => `- ${escapeMarkdown(line.trim())}`));
  return out;
}

/** The matrix, last: group × measurement, every cell compared within its own group. */
function matrixReport(comparison: Comparison): string[] {
  const matrix = comparison.matrix!;
  const intro = matrixIntro(matrix);
  const rows = matrix.rows.map((row) => {
    const lead = [escapeMarkdown(matrix.groups[row.group]!.label), escapeMarkdown(matrixRowName(comparison, row))];
    if (row.missing) return [...lead, `⚠️ ${escapeMarkdown(matrixMissingText(matrix, row.missing))}`, ...matrix.measurements.slice(1).map(() => "")];
    return [...lead, ...row.cells.map((cell) => {
      const { tone, text } = matrixCellText(cell);
      return cell ? `${MARK[tone]} ${escapeMarkdown(text)}` : text;
    })];
  });
  return [`## ${intro.title}`, "",
    ...table([MATRIX_AXIS[matrix.axis], "Candidate", ...matrix.measurements.map((name) => escapeMarkdown(matrixColumn(matrix, name)))],
      ["l", "l", ...matrix.measurements.map(() => "l" as const)], rows),
    "", `${escapeMarkdown(intro.note)} ${escapeMarkdown(matrixUnitsNote(comparison.alpha))}`];
}

export function render(comparison: Comparison): string {
  const reports = comparison.candidates.map((c) => candidateReport(comparison, c).join("\n").trimEnd());
  if (comparison.matrix) reports.push(matrixReport(comparison).join("\n"));
  if (comparison.advice) reports.push(adviceReport(comparison.advice).join("\n"));
  return `${reports.join("\n\n---\n\n")}\n`;
}

