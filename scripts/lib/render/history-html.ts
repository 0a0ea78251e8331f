/**
 * The history as one self-contained HTML page, like the comparison report: inline CSS and
 * SVG, no script, no font, nothing from the network (locked down by a
 * Content-Security-Policy), light and dark. The trend chart with the marked steps, the
 * module counts, the table of every point, and the notes (a warning first when the points
 * are not comparable). Reads the trend model only; every text from a file goes through
 * escapeXml.
 */
import type { Trend } from "../model/history.ts";
import { quantity } from "../quantities.ts";
import { htmlPage, STYLE } from "./html-style.ts";
import {
  changeText, changeTone, markerRule, noteText, rangeText, runsPhrase, shortCommit, signed, trendNumber, trendUnit,
} from "./history-words.ts";
import { modulesChart, trendChart } from "./history-svg.ts";
import { escapeXml as esc } from "./svg.ts";
import { plural } from "./words.ts";

/** Chart classes the comparison report has no use for. */
const TREND_STYLE = `
svg.trend{min-width:640px;max-width:1100px}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .tband{fill:var(--base);fill-opacity:.16;stroke:none}
svg .tline{fill:none;stroke:var(--base);stroke-width:2}
svg .tdot{fill:var(--base)}svg .tdot.bad{fill:var(--bad)}svg .tdot.good{fill:var(--good)}
svg .tmark{stroke-width:1.5;stroke-dasharray:5 4}svg .tmark.bad{stroke:var(--bad)}svg .tmark.good{stroke:var(--good)}
svg .tmark-head.bad{fill:var(--bad)}svg .tmark-head.good{fill:var(--good)}
svg .tmark-label{font-size:12px;font-weight:600}svg .tmark-label.bad{fill:var(--bad)}svg .tmark-label.good{fill:var(--good)}
svg .tfail{fill:var(--bad);font-size:16px;font-weight:700}
svg .mline{fill:none;stroke:var(--muted);stroke-width:2}svg .mdot{fill:var(--muted)}
svg .xlabel{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
tr.marked td{background:var(--band)}td.nowrap{white-space:nowrap}
`;

function summarySection(trend: Trend): string[] {
  const out: string[] = ['<section id="summary">'];
  const what = `${trend.measurement ?? "?"}${trend.statement ? ` (${trend.statement})` : ""}`;
  out.push(`<p><strong>${esc(what)}</strong>: ${esc(quantity(trend.headline).label)}, median per commit. ${esc(rangeText(trend))}.</p>`);
  if (!trend.comparable) {
    out.push('<div class="warning" role="alert">⚠ These points are not comparable: ' +
      `${esc(trend.notes.filter((note) => note.kind === "machines-differ" || note.kind === "python-differs").map(noteText).join(" "))}</div>`);
  }
  const marked = trend.points.filter((point) => point.change?.marked);
  out.push('<div class="summary">');
  if (marked.length === 0) out.push(`<p class="headline same">= No marked step in ${esc(plural(trend.comparisons, "change"))}.</p>`);
  for (const point of marked) {
    const change = point.change!;
    const tone = changeTone(change);
    out.push(`<p class="headline ${tone}">${tone === "bad" ? "✗" : "✓"} <code>${esc(shortCommit(point.commit))}</code> ${esc(point.subject)}: ${esc(changeText(change, trend))}</p>`);
  }
  out.push(`<p class="note">${esc(markerRule(trend))}</p>`);
  out.push("</div>");
  for (const note of trend.notes) {
    if (!trend.comparable && (note.kind === "machines-differ" || note.kind === "python-differs")) continue;
    out.push(`<div class="warning">${esc(noteText(note))}</div>`);
  }
  out.push("</section>");
  return out;
}

function chartsSection(trend: Trend): string[] {
  return [
    '<section id="trend">',
    `<h2>${esc(quantity(trend.headline).label)} per commit</h2>`,
    '<p class="note">The line joins the medians, the band is each median\'s 95% interval (from the runs\' order statistics), dashed rules mark the significant steps; × is a commit whose import failed. Hover a point for its commit.</p>',
    `<figure><div class="scroll">${trendChart(trend)}</div></figure>`,
    "<h2>Modules loaded after the import</h2>",
    `<figure><div class="scroll">${modulesChart(trend)}</div></figure>`,
    "</section>",
  ];
}

function tableSection(trend: Trend): string[] {
  const unit = trendUnit(trend);
  const out: string[] = ['<section id="points">', "<h2>Every point</h2>", '<div class="scroll"><table class="stats">'];
  out.push(`<thead><tr><th class="num">#</th><th>Commit</th><th>Subject</th><th>Date</th><th class="num">Median (${esc(unit)})</th><th class="num">95% CI</th><th class="num">Modules</th><th>Change vs previous</th></tr></thead><tbody>`);
  trend.points.forEach((point, index) => {
    const marked = point.change?.marked ?? false;
    const median = point.median === null ? "—" : trendNumber(trend, point.median);
    const interval = point.interval ? `${trendNumber(trend, point.interval.low)}–${trendNumber(trend, point.interval.high)}` : "—";
    const delta = signed(point.change?.modulesDelta ?? null);
    const modules = point.modules ? `${point.modules.total}${delta ? ` (${delta})` : ""}` : "—";
    let change = index === 0 ? '<span class="muted">first point</span>' : '<span class="muted">—</span>';
    if (point.status === "failed") change = `<span class="bad">${esc(`failed: ${point.failure ?? ""}`)}</span>`;
    else if (point.change) {
      const tone = changeTone(point.change);
      const runs = runsPhrase(point.change.figures);
      const detail = [runs, point.change.adjustedP !== null && trend.correction === "holm" ? `adjusted p=${point.change.adjustedP.toPrecision(2)}` : null].filter(Boolean).join("; ");
      change = marked
        ? `<span class="pill ${tone}">◆ ${esc(changeText(point.change, trend))}</span>`
        : `<span class="muted">${esc(changeText(point.change, trend))}</span>`;
      if (detail) change += `<br><span class="small muted">${esc(detail)}</span>`;
    }
    out.push(
      `<tr${marked ? ' class="marked"' : ""}><td class="num">${index + 1}</td><td class="nowrap"><code title="${esc(point.commit)}">${esc(shortCommit(point.commit))}</code></td>` +
        `<td class="wrap">${esc(point.subject)}</td><td class="small nowrap">${esc(point.date.slice(0, 10))}</td><td class="num">${esc(median)}</td>` +
        `<td class="num small">${esc(interval)}</td><td class="num">${esc(modules)}</td><td class="wrap">${change}</td></tr>`,
    );
  });
  out.push("</tbody></table></div>", "</section>");
  return out;
}

function machinesSection(trend: Trend): string[] {
  const out: string[] = ['<section id="machines">', "<h2>Where it was measured</h2>", '<div class="scroll"><table><thead><tr><th>Host</th><th>Platform</th><th>CPU</th><th>Python</th><th class="num">Points</th></tr></thead><tbody>'];
  trend.machines.forEach((machine, index) => {
    const count = trend.points.filter((point) => point.machine === index).length;
    out.push(`<tr><td>${esc(machine.host ?? "—")}</td><td class="small">${esc(machine.platform ?? "—")}</td><td class="small">${esc(machine.cpu ?? "—")}</td><td>${esc((machine.python ?? "—").split(" ")[0]!)}</td><td class="num">${count}</td></tr>`);
  });
  out.push("</tbody></table></div>", "</section>");
  return out;
}

/** The whole page, from the trend alone. */
export function renderTrendHtml(trend: Trend, options: { title?: string } = {}): string {
  const title = options.title ?? `Cold start history: ${trend.measurement ?? "import"}`;
  const body = [...summarySection(trend), ...chartsSection(trend), ...tableSection(trend), ...machinesSection(trend)];
  const footer = `Made by coldstart (history format ${trend.formatVersion}). Self-contained: no scripts, no network.`;
  return htmlPage(title, STYLE + TREND_STYLE, body, footer);
}

/** The formats table's entry point (see formats.ts). */
export function render(trend: Trend): string {
  return renderTrendHtml(trend);
}
