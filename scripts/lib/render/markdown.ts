/**
 * The markdown report, fit for a pull request comment or $GITHUB_STEP_SUMMARY: the same
 * sections as the terminal report, as GitHub-flavoured tables. Text from input files is
 * escaped (`|`, `<`, and other markdown punctuation) so it cannot break the layout.
 */
import {
  arrow, type CandidateComparison, type Comparison, describeSide, formatMs, formatP, LAZY_TEXT, lazyTone,
  type MeasurementRow, rowTone, type Tone, VERDICT_TEXT,
} from "../compare.ts";

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

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : formatMs(value);
}

function us(value: number | null): string {
  return value === null ? "—" : formatMs(value / 1000);
}

function table(header: string[], align: ("l" | "r")[], rows: string[][]): string[] {
  const divider = align.map((a) => (a === "r" ? "---:" : ":---"));
  return [`| ${header.join(" | ")} |`, `| ${divider.join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)];
}

function measurementRow(row: MeasurementRow): string[] {
  const name = `${escapeMarkdown(row.name)}${row.primary ? " (primary)" : ""}`;
  if (row.deltaMs === null) {
    return [name, ms(row.baseline?.mean), ms(row.candidate?.mean), "—", "—", escapeMarkdown(row.note ?? "not in both files"), "", "", ""];
  }
  const tone = rowTone(row);
  const verdict = row.verdict === "unknown" ? "no samples" : `${MARK[tone]} ${VERDICT_TEXT[row.verdict]}`;
  const ci = row.ci ? `${row.shiftMs?.toFixed(2)} [${row.ci.low.toFixed(2)}, ${row.ci.high.toFixed(2)}]` : row.shiftMs !== null ? row.shiftMs.toFixed(2) : "—";
  return [
    name,
    ms(row.baseline?.mean),
    ms(row.candidate?.mean),
    `${arrow(row.deltaMs)} ${formatMs(row.deltaMs)}`,
    `${(row.deltaPct ?? 0).toFixed(2)}%`,
    verdict,
    ci,
    row.pValue === null ? "—" : escapeMarkdown(formatP(row.pValue).replace(/^p=?/, "")),
    row.mdeMs === null ? "—" : `±${formatMs(row.mdeMs)}`,
  ];
}

function candidateReport(c: CandidateComparison, comparison: Comparison): string[] {
  const out: string[] = ["## Cold start benchmark comparison", ""];
  out.push(`**Baseline:** ${escapeMarkdown(describeSide(c.baseline))}  `);
  out.push(`**Optimized:** ${escapeMarkdown(describeSide(c.candidate))}`, "");
  if (c.environmentMismatches.length) {
    const what = c.environmentMismatches.map((m) => `${m.field} ${escapeMarkdown(m.baseline)} vs ${escapeMarkdown(m.candidate)}`).join("; ");
    out.push(`> [!WARNING]`, `> **Environments differ** (${what}): differences may come from the environment, not the code.`, "");
  }

  const s = c.summary;
  out.push(`### Summary`, "");
  for (const line of s.lines) out.push(`- ${MARK[s.tone]} ${escapeMarkdown(line)}`);
  if (s.note) out.push(`- ℹ️ ${escapeMarkdown(s.note)}`);
  if (comparison.failOnRegressionPct !== null) {
    if (c.regressions.length === 0) out.push(`- ✅ No regression (threshold ${comparison.failOnRegressionPct}%)`);
    for (const reason of c.regressions) out.push(`- ❌ **Regression:** ${escapeMarkdown(reason)}`);
  }
  out.push("");

  out.push("### Import time", "");
  const confidence = Math.round((1 - comparison.alpha) * 100);
  out.push(...table(
    ["Metric", "Baseline", "Optimized", "Δ ms", "Δ %", "Verdict", `Shift ms [${confidence}% CI]`, "p", "Could detect"],
    ["l", "r", "r", "r", "r", "l", "r", "r", "r"],
    c.measurements.map(measurementRow),
  ));
  out.push("", "Δ = baseline − optimized (↓ faster, ↑ slower), on means. Verdicts: two-sided permutation test on the fastest run of each side (noise only adds time); shift: the difference of the fastest runs, with its 95% interval.");
  if (c.arithmeticOnly) out.push("", "_No samples in these files: significance needs samples, so Δ is the seed's arithmetic on means._");
  out.push("");

  out.push("### Modules", "");
  out.push(...table(["", "Baseline", "Optimized", "Δ"], ["l", "r", "r", "r"],
    c.moduleCounts.map((row) => [escapeMarkdown(row.label), String(row.baseline), String(row.candidate), String(row.delta)])));
  out.push("");

  out.push("### Lazy loading", "");
  if (c.lazy.length === 0) out.push("_No lazy checks in these files._");
  else {
    const state = (loaded: boolean | null): string => (loaded === null ? "missing" : loaded ? "LOADED" : "NOT LOADED");
    out.push(...table(["Check", "Baseline", "Optimized", "Change"], ["l", "l", "l", "l"],
      c.lazy.map((row) => [
        `${escapeMarkdown(row.label)}${row.module ? ` (${escapeMarkdown(row.module)})` : ""}`,
        state(row.baseline), state(row.candidate), `${MARK[lazyTone(row.change)]} ${LAZY_TEXT[row.change]}`,
      ])));
  }
  out.push("");

  if (c.moduleDiff) {
    const diff = c.moduleDiff;
    out.push("### Top-level packages", "");
    out.push(`Modules loaded: baseline ${diff.baselineModules}, optimized ${diff.candidateModules}.`, "");
    if (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0) out.push("Same top-level packages on both sides.", "");
    else {
      out.push(...table(["Package", "Change", "Modules"], ["l", "l", "r"], [
        ...diff.newlyLoaded.map((row) => [escapeMarkdown(row.package), "➕ newly loaded", String(row.modules)]),
        ...diff.noLongerLoaded.map((row) => [escapeMarkdown(row.package), "➖ no longer loaded", String(row.modules)]),
      ]), "");
    }
  }

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
  return out;
}

export function render(comparison: Comparison): string {
  return `${comparison.candidates.map((c) => candidateReport(c, comparison).join("\n").trimEnd()).join("\n\n---\n\n")}\n`;
}
