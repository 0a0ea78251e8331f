/**
 * A history in the terminal: one row per point — commit, subject, median with its
 * interval, modules, and the change against the previous point with its verdict (◆ marks
 * a significant step) — then the marked steps and the notes. Reads the trend model only.
 */
import { printable } from "../errors.ts";
import type { Trend, TrendPoint } from "../model/history.ts";
import { plainPalette, type Palette } from "./color.ts";
import { changeText, changeTone, markerRule, noteText, rangeText, shortCommit, signed, trendNumber, trendUnit } from "./history-words.ts";
import { quantity } from "../quantities.ts";
import { plural, type Tone } from "./words.ts";

const MARKER = "◆";

function paint(palette: Palette, tone: Tone, text: string): string {
  return tone === "good" ? palette.good(text) : tone === "bad" ? palette.bad(text) : palette.same(text);
}

function fit(text: string, width: number): string {
  const clean = printable(text);
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

function cells(trend: Trend, point: TrendPoint): { median: string; interval: string; modules: string } {
  const median = point.median === null ? "—" : trendNumber(trend, point.median);
  const interval = point.interval ? `${trendNumber(trend, point.interval.low)}–${trendNumber(trend, point.interval.high)}` : "";
  const delta = signed(point.change?.modulesDelta ?? null);
  const modules = point.modules ? `${point.modules.total}${delta ? ` (${delta})` : ""}` : "—";
  return { median, interval, modules };
}

export function renderTrendTerminal(trend: Trend, palette: Palette = plainPalette): string {
  const out: string[] = [];
  const what = `${trend.measurement ?? "?"}${trend.statement ? ` (${trend.statement})` : ""}`;
  out.push(palette.bold(`COLD START HISTORY: ${printable(what)}, ${quantity(trend.headline).label} per commit`));
  out.push(`${printable(rangeText(trend))}. ${markerRule(trend)}`);
  out.push("");
  const unit = trendUnit(trend);
  const rows = trend.points.map((point) => cells(trend, point));
  const medianWidth = Math.max(`median ${unit}`.length, ...rows.map((row) => row.median.length));
  const intervalWidth = Math.max("95% CI".length, ...rows.map((row) => row.interval.length));
  const modulesWidth = Math.max("modules".length, ...rows.map((row) => row.modules.length));
  const indexWidth = String(trend.points.length).length;
  out.push(
    `${"#".padStart(indexWidth)}  ${"commit".padEnd(9)}  ${"subject".padEnd(36)}  ${`median ${unit}`.padStart(medianWidth)}  ${"95% CI".padEnd(intervalWidth)}  ${"modules".padStart(modulesWidth)}  change vs previous`,
  );
  trend.points.forEach((point, index) => {
    const row = rows[index]!;
    const left = `${String(index + 1).padStart(indexWidth)}  ${shortCommit(point.commit)}  ${fit(point.subject, 36)}  ${row.median.padStart(medianWidth)}  ${row.interval.padEnd(intervalWidth)}  ${row.modules.padStart(modulesWidth)}  `;
    if (point.status === "failed") {
      out.push(`${left}${palette.bad(`failed: ${printable(point.failure ?? "")}`)}`);
      return;
    }
    const change = point.change;
    if (!change) {
      out.push(`${left}${index === 0 ? palette.dim("(first point)") : ""}`.trimEnd());
      return;
    }
    const gap = change.distance !== null && change.distance > 1 && trend.points[index - 1]?.commit !== change.from ? ` vs ${shortCommit(change.from)}` : "";
    const text = `${change.marked ? `${MARKER} ` : ""}${changeText(change, trend)}${gap}`;
    out.push(`${left}${change.marked ? paint(palette, changeTone(change), text) : palette.dim(text)}`);
  });
  const marked = trend.points.filter((point) => point.change?.marked);
  out.push("");
  if (marked.length === 0) {
    out.push(`No marked step in ${plural(trend.comparisons, "change")}.`);
  } else {
    out.push(palette.bold(`Marked ${plural(marked.length, "step")}:`));
    for (const point of marked) {
      const change = point.change!;
      out.push(paint(palette, changeTone(change), `  ${MARKER} ${shortCommit(point.commit)} ${fit(point.subject, 60).trimEnd()}: ${changeText(change, trend)}`));
    }
  }
  for (const note of trend.notes) out.push(palette.warn(`Note: ${noteText(note)}`));
  return `${out.join("\n")}\n`;
}

/** The formats table's entry point (see formats.ts). */
export function render(trend: Trend, options: { palette?: Palette } = {}): string {
  return renderTrendTerminal(trend, options.palette);
}
