/**
 * The HTML report: one self-contained page (inline CSS and SVG; no script, no font, no
 * link to the network, locked down by a Content-Security-Policy) that opens offline and
 * can be attached to a CI run. Per measurement: every side's runs on one axis with its
 * verdict and a table of the same figures the terminal shows; then modules, lazy checks,
 * the import-time breakdown with the chains and hotspots, and each file's environment.
 * It reads only the comparison model. Every text from an input file goes through escapeXml.
 */
import type { CandidateComparison, Comparison, MeasurementRow, Side } from "../model/comparison.ts";
import { quantity, type QuantityKey, quantityKeys } from "../quantities.ts";
import { sideRole } from "../compare/matrix.ts";
import { adviceSection, environmentSection, importTimeSection, lazySection, matrixSection, modulesSection } from "./html-sections.ts";
import { htmlPage, STYLE } from "./html-style.ts";
import { escapeXml as esc, type Lane, stripPlot, type Tone } from "./svg.ts";
import {
  describeSide, detectText, estimateText, figuresText, formatAdds, formatValue, gateLines, reasonText, ROLE_WORD, rowNotes, rowTone, spreadText, summaryEvents, summaryLines,
  testText, verdictText,
} from "./words.ts";

export interface HtmlOptions {
  /** Page title (default "Cold start benchmark comparison"). */
  title?: string;
  /** How many of the largest import-time changes to outline (default 5). */
  highlightCount?: number;
}

export const MARK: Record<Tone, string> = { good: "✓", bad: "✗", same: "=", base: "" };

export function toneClass(tone: Tone): string {
  return tone === "base" ? "" : tone;
}

function headerSection(comparison: Comparison): string[] {
  const out: string[] = ['<section id="summary">'];
  out.push('<div class="scroll"><table><thead><tr><th></th><th>Ref</th><th>File</th></tr></thead><tbody>');
  comparison.sides.forEach((side, index) => {
    out.push(`<tr><td class="muted">${ROLE_WORD[sideRole(comparison, index).kind]}</td><td><strong>${esc(side.label)}</strong></td><td><code>${esc(describeSide(side))}</code></td></tr>`);
  });
  out.push("</tbody></table></div>");
  for (const c of comparison.candidates) {
    const summary = summaryLines(c.summary);
    out.push(`<div class="summary"><p class="muted">${esc(comparison.sides[c.candidate]!.label)} vs ${esc(comparison.sides[c.baseline]!.label)}</p>`);
    summary.lines.forEach((line, i) => out.push(`<p class="${i === 0 ? "headline " : ""}${summary.tone}">${esc(`${MARK[summary.tone]} ${line}`)}</p>`));
    for (const event of summaryEvents(c.summary)) out.push(`<p class="${event.tone}">${esc(`${MARK[event.tone]} ${event.text}`)}</p>`);
    if (c.gate) for (const line of gateLines(c.gate)) out.push(`<p class="${line.tone}">${esc(`${MARK[line.tone]} ${line.text}`)}</p>`);
    out.push("</div>");
    if (c.environmentMismatches.length) {
      const what = c.environmentMismatches.map((m) => `${m.field} ${m.baseline} vs ${m.candidate}`).join("; ");
      out.push(`<div class="warning" role="alert">⚠ Environments differ (${esc(comparison.sides[c.candidate]!.label)}: ${esc(what)}): differences may come from the environment, not the code.</div>`);
    }
  }
  out.push("</section>");
  return out;
}

/** Every measurement name, in the order the sides list them. */
function measurementNames(comparison: Comparison): string[] {
  const names: string[] = [];
  for (const c of comparison.candidates) for (const row of c.measurements) if (!names.includes(row.name)) names.push(row.name);
  return names;
}

function rowFor(c: CandidateComparison, name: string): MeasurementRow | undefined {
  return c.measurements.find((row) => row.name === name);
}

/** The words beside a candidate's lane. */
function laneVerdict(row: MeasurementRow | undefined): { text: string; tone: Tone } {
  if (!row) return { text: "not compared", tone: "same" };
  if (row.status !== "ok") return { text: row.status.startsWith("failed") ? "failed" : "not measured", tone: row.status === "failed-candidate" ? "bad" : "same" };
  return { text: `${MARK[rowTone(row)]} ${verdictText(row)}`, tone: rowTone(row) };
}

function measurementTable(comparison: Comparison, name: string, key: MeasurementRow["headline"]): string[] {
  const unit = quantity(key).unit;
  const out: string[] = ['<div class="scroll"><table class="stats">'];
  out.push(`<thead><tr><th>Ref</th><th class="num">n</th><th class="num">Median</th><th class="num">Fastest</th><th>Change (typical)</th><th class="num">Could detect</th><th>Best case (fastest run)</th></tr></thead><tbody>`);
  comparison.sides.forEach((side, index) => {
    const series = side.measurements[name]?.quantities[key];
    const label = `<td><strong>${esc(side.label)}</strong></td>`;
    if (!series) {
      const failure = side.failures[name];
      out.push(`<tr>${label}<td colspan="6" class="muted">${esc(failure ? `failed: ${failure.message}` : "not measured")}</td></tr>`);
      return;
    }
    const cells = [String(series.n), formatValue(key, series.median), formatValue(key, series.min)].map((v) => `<td class="num">${esc(v)}</td>`).join("");
    const c = comparison.candidates.find((candidate) => candidate.candidate === index);
    const row = c ? rowFor(c, name) : undefined;
    if (!row) {
      out.push(`<tr>${label}${cells}<td class="muted">${ROLE_WORD[sideRole(comparison, index).kind === "alone" ? "alone" : "baseline"]}</td><td class="num">—</td><td class="muted">—</td></tr>`);
      return;
    }
    const main = row.quantities.find((q) => q.quantity === key);
    const tone = rowTone(row);
    const change = main?.typical
      ? `<span class="pill ${toneClass(tone)}">${esc(`${MARK[tone]} ${verdictText(row)}`)}</span><br><span class="small">${esc(`${figuresText(key, main.typical)}; ${testText(main.typical)}`)}</span>` +
        rowNotes(row, main).map((note) => `<br><span class="small${note.startsWith("⚠") ? " warning" : ""}">${esc(note)}</span>`).join("")
      : `<span class="muted">${esc(row.means ? `Δ mean ${formatValue("import_ms", row.means.deltaMs)} (no samples)` : reasonText(row.reason))}</span>`;
    const detect = main?.typical ? detectText(main.typical, main.detail).replace("could detect ", "") : "—";
    const best = main?.bestCase && main.bestCase.estimatePct !== null ? esc(estimateText(key, main.bestCase)) : "—";
    out.push(`<tr>${label}${cells}<td class="wrap">${change}</td><td class="num">${esc(detect)}</td><td class="wrap small">${best}</td></tr>`);
  });
  out.push("</tbody></table></div>");
  out.push(`<p class="note">Median and fastest run in ${esc(unit)}. Change: the typical change, baseline − candidate (Hodges–Lehmann estimate with its 95% interval; paired by round when the files come from one run). Best case: the fastest runs compared, with their own test.</p>`);
  return out;
}

/** The other quantities of a measurement (CPU time, memory, process time, ...), one row per side. */
function quantityTable(comparison: Comparison, name: string, headline: QuantityKey): string[] {
  const measured = new Set(comparison.sides.flatMap((side) => Object.keys(side.measurements[name]?.quantities ?? {})));
  const keys = quantityKeys().filter((key) => key !== headline && measured.has(key));
  if (keys.length === 0) return [];
  const out: string[] = ['<div class="scroll"><table class="stats">', `<thead><tr><th>Ref</th>${keys.map((key) => `<th>${esc(quantity(key).column)}</th>`).join("")}</tr></thead><tbody>`];
  comparison.sides.forEach((side, index) => {
    const c = comparison.candidates.find((candidate) => candidate.candidate === index);
    const row = c ? rowFor(c, name) : undefined;
    const cells = keys.map((key) => {
      const series = side.measurements[name]?.quantities[key];
      if (!series) return '<td class="muted">—</td>';
      const q = row?.quantities.find((candidate) => candidate.quantity === key);
      const added = side.measurements[name]?.importAdds?.[key];
      const adds = added !== undefined ? ` (import adds ${formatAdds(key, added)})` : "";
      const verdict = (q?.typical ? `<br><span class="small">${esc(estimateText(key, q.typical))}</span>` : "") +
        (q?.spread ? `<br><span class="small warning">${esc(`⚠ ${spreadText(key, q.spread)}`)}</span>` : "");
      return `<td class="wrap">${esc(`${formatValue(key, series.median)}${adds}`)}${verdict}</td>`;
    }).join("");
    out.push(`<tr><td><strong>${esc(side.label)}</strong></td>${cells}</tr>`);
  });
  out.push("</tbody></table></div>");
  return out;
}

function distributionSection(comparison: Comparison): string[] {
  const out: string[] = ['<section id="distributions">', "<h2>Runs per measurement</h2>"];
  out.push('<p class="note">Each dot is one run; the box spans the middle half of the runs, the thick line is the median, whiskers reach the fastest and slowest run. Every ref of a measurement shares one axis.</p>');
  measurementNames(comparison).forEach((name, measurementIndex) => {
    const rows = comparison.candidates.map((c) => rowFor(c, name));
    const key = rows.find((row) => row)?.headline ?? "import_ms";
    const primary = rows.some((row) => row?.primary);
    const statement = comparison.sides.map((side) => side.measurements[name]?.statement).find((s) => s);
    out.push(`<figure class="measurement" id="m-${measurementIndex}">`);
    out.push(`<h3>${esc(name)}${primary ? ' <span class="pill same">primary</span>' : ""}${statement ? ` <code class="muted">${esc(statement)}</code>` : ""}</h3>`);
    const lanes: Lane[] = comparison.sides.map((side: Side, index) => {
      const measured = side.measurements[name];
      const series = measured?.quantities[key];
      const role = sideRole(comparison, index);
      const c = role.kind === "candidate" ? comparison.candidates[role.comparison] : undefined;
      const verdict = !c
        ? { text: role.kind === "alone" ? ROLE_WORD.alone : measured ? "baseline" : "not measured", tone: "base" as Tone }
        : laneVerdict(rowFor(c, name));
      // Files without samples: the means, from the row that compares this side.
      const means = rowFor(c ?? comparison.candidates.find((candidate) => candidate.baseline === index) ?? comparison.candidates[0]!, name)?.means;
      const mean = means ? (c ? means.candidate : means.baseline) : null;
      return {
        label: side.label,
        samples: series?.samples ?? [],
        summary: !series && mean !== null ? { min: mean, mean, max: mean } : null,
        verdict: verdict.text,
        tone: c ? verdict.tone : "base",
        outliers: key === "import_ms" ? measured?.outliers : undefined,
      };
    });
    const unit = quantity(key).unit;
    out.push('<div class="scroll">');
    out.push(stripPlot(lanes, { title: `${name}: ${quantity(key).label} per run, ${unit}`, className: "dist", attributes: `data-measurement="${esc(name)}"`, unit }));
    out.push("</div>");
    out.push(...measurementTable(comparison, name, key));
    out.push(...quantityTable(comparison, name, key));
    out.push("</figure>");
  });
  out.push("</section>");
  return out;
}

/** The whole page, from the comparison alone. */
export function render(comparison: Comparison, options: HtmlOptions = {}): string {
  const title = options.title ?? "Cold start benchmark comparison";
  const body = [
    ...headerSection(comparison),
    ...distributionSection(comparison),
    ...modulesSection(comparison),
    ...lazySection(comparison),
    ...importTimeSection(comparison, options.highlightCount ?? 5),
    ...environmentSection(comparison),
    ...matrixSection(comparison),
    ...adviceSection(comparison),
  ];
  const footer = `Made by coldstart (comparison format ${comparison.formatVersion}). Self-contained: no scripts, no network. Significance level ${comparison.alpha}, power ${comparison.power}.`;
  return htmlPage(title, STYLE, body, footer);
}
