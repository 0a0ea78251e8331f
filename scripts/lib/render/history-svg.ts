/**
 * The history's charts as inline SVG: the primary measurement per commit (the median as a
 * line, its interval as a band, a dashed rule and label at each marked step, a cross at
 * commits that failed) and the module count per commit on the same commit axis. Pure:
 * the same trend gives the same markup; colours are CSS classes (light and dark).
 */
import type { Trend, TrendPoint } from "../model/history.ts";
import { changeText, shortCommit, trendNumber, trendUnit, trendValue } from "./history-words.ts";
import { escapeXml as esc, formatTick, linearScale, niceTicks, num, paddedDomain, type Scale } from "./svg.ts";

const WIDTH = 900;
const LEFT = 70;
const RIGHT = 24;

function xScale(trend: Trend): Scale {
  return linearScale([0, Math.max(1, trend.points.length - 1)], [LEFT + 10, WIDTH - RIGHT - 10]);
}

/** Runs of consecutive indices for which `has` holds (a line or band breaks at a failed point). */
function runs(points: readonly TrendPoint[], has: (point: TrendPoint) => boolean): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  points.forEach((point, index) => {
    if (has(point)) {
      current.push(index);
      return;
    }
    if (current.length) out.push(current);
    current = [];
  });
  if (current.length) out.push(current);
  return out;
}

function yAxis(y: Scale, lo: number, hi: number, top: number, bottom: number, format: (value: number) => string, unit: string): string[] {
  const out: string[] = [];
  for (const tick of niceTicks(lo, hi, 5)) {
    const ty = num(y(tick));
    out.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ty}" y2="${ty}"/>`);
    out.push(`<text class="tick" x="${LEFT - 6}" y="${num(y(tick) + 4)}" text-anchor="end">${esc(format(tick))}</text>`);
  }
  out.push(`<text class="tick axis-unit" x="${LEFT - 6}" y="${num(top - 6)}" text-anchor="end">${esc(unit)}</text>`);
  out.push(`<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(bottom)}" y2="${num(bottom)}"/>`);
  return out;
}

/** Commit labels under the axis, at most about 14 of them, always the first and the last. */
function xLabels(trend: Trend, x: Scale, bottom: number): string[] {
  const n = trend.points.length;
  const every = Math.max(1, Math.ceil(n / 14));
  const out: string[] = [];
  trend.points.forEach((point, index) => {
    if (index % every !== 0 && index !== n - 1 && !point.change?.marked) return;
    const px = num(x(index));
    out.push(`<text class="tick xlabel" transform="translate(${px} ${num(bottom + 12)}) rotate(-35)" text-anchor="end">${esc(shortCommit(point.commit).slice(0, 7))}</text>`);
  });
  return out;
}

function markers(trend: Trend, x: Scale, top: number, bottom: number, labels: boolean): string[] {
  const out: string[] = [];
  trend.points.forEach((point, index) => {
    const change = point.change;
    if (!change?.marked) return;
    const tone = change.verdict === "slower" ? "bad" : "good";
    const px = num(x(index));
    out.push(`<g class="tmark-group ${tone}" data-commit="${esc(point.commit)}">`);
    out.push(`<title>${esc(`${shortCommit(point.commit)} ${point.subject}: ${changeText(change, trend)}`)}</title>`);
    out.push(`<line class="tmark ${tone}" x1="${px}" x2="${px}" y1="${num(top)}" y2="${num(bottom)}"/>`);
    if (labels) {
      out.push(`<path class="tmark-head ${tone}" d="M${px} ${num(top + 9)} l-5 -8 h10 z"/>`);
      out.push(`<text class="tmark-label ${tone}" x="${num(x(index) + 7)}" y="${num(top + 9)}">${esc(`${shortCommit(point.commit).slice(0, 7)} ${changeText(change, trend)}`)}</text>`);
    }
    out.push("</g>");
  });
  return out;
}

function pointTitle(trend: Trend, point: TrendPoint): string {
  const lines = [`${shortCommit(point.commit)} ${point.subject}`];
  if (point.median !== null) lines.push(`median ${trendValue(trend, point.median)}${point.interval ? ` (95% CI ${trendNumber(trend, point.interval.low)}–${trendNumber(trend, point.interval.high)})` : ""}, n=${point.n}`);
  if (point.modules) lines.push(`${point.modules.total} modules`);
  if (point.change) lines.push(`vs previous: ${changeText(point.change, trend)}`);
  if (point.status === "failed") lines.push(`failed: ${point.failure ?? ""}`);
  return lines.join("\n");
}

/** Median per commit with its interval band and the marked steps. */
export function trendChart(trend: Trend): string {
  const top = 26;
  const bottom = 270;
  const height = bottom + 62;
  const x = xScale(trend);
  const values = trend.points.flatMap((point) => [point.median, point.interval?.low, point.interval?.high].filter((v): v is number => typeof v === "number"));
  const [lo, hi] = paddedDomain(values.length ? values : [0, 1], 0.08);
  const y = linearScale([lo, hi], [bottom, top]);
  const out: string[] = [
    `<svg class="trend" viewBox="0 0 ${WIDTH} ${height}" role="img" preserveAspectRatio="xMinYMin meet" data-points="${trend.points.length}">`,
    `<title>${esc(`${trend.measurement ?? ""}: median ${trendUnit(trend)} per commit, with its 95% interval`)}</title>`,
    ...yAxis(y, lo, hi, top, bottom, (value) => formatTick(Number(trendNumber(trend, value))), trendUnit(trend)),
  ];
  for (const run of runs(trend.points, (point) => point.interval !== null)) {
    const upper = run.map((i) => `${num(x(i))},${num(y(trend.points[i]!.interval!.high))}`);
    const lower = [...run].reverse().map((i) => `${num(x(i))},${num(y(trend.points[i]!.interval!.low))}`);
    if (run.length === 1) {
      const i = run[0]!;
      out.push(`<rect class="tband" x="${num(x(i) - 3)}" y="${num(y(trend.points[i]!.interval!.high))}" width="6" height="${num(Math.max(1, y(trend.points[i]!.interval!.low) - y(trend.points[i]!.interval!.high)))}"/>`);
    } else {
      out.push(`<polygon class="tband" points="${[...upper, ...lower].join(" ")}"/>`);
    }
  }
  for (const run of runs(trend.points, (point) => point.median !== null)) {
    if (run.length > 1) out.push(`<polyline class="tline" points="${run.map((i) => `${num(x(i))},${num(y(trend.points[i]!.median!))}`).join(" ")}"/>`);
  }
  out.push(...markers(trend, x, top, bottom, true));
  trend.points.forEach((point, index) => {
    const px = num(x(index));
    if (point.median === null) {
      out.push(`<text class="tfail" x="${px}" y="${num(bottom - 4)}" text-anchor="middle">×<title>${esc(pointTitle(trend, point))}</title></text>`);
      return;
    }
    const tone = point.change?.marked ? (point.change.verdict === "slower" ? " bad" : " good") : "";
    out.push(`<circle class="tdot${tone}" cx="${px}" cy="${num(y(point.median))}" r="${tone ? 5 : 3.5}"><title>${esc(pointTitle(trend, point))}</title></circle>`);
  });
  out.push(...xLabels(trend, x, bottom), "</svg>");
  return out.join("\n");
}

/** Modules loaded after the import, per commit, on the same commit axis. */
export function modulesChart(trend: Trend): string {
  const top = 20;
  const bottom = 150;
  const height = bottom + 62;
  const x = xScale(trend);
  const counts = trend.points.map((point) => point.modules?.total ?? null);
  const known = counts.filter((count): count is number => count !== null);
  const [lo, hi] = paddedDomain(known.length ? known : [0, 1], 0.1);
  const y = linearScale([lo, hi], [bottom, top]);
  const out: string[] = [
    `<svg class="trend modules" viewBox="0 0 ${WIDTH} ${height}" role="img" preserveAspectRatio="xMinYMin meet">`,
    "<title>Modules loaded after the import, per commit</title>",
    ...yAxis(y, lo, hi, top, bottom, (value) => formatTick(value), "modules"),
    ...markers(trend, x, top, bottom, false),
  ];
  for (const run of runs(trend.points, (point) => point.modules !== null)) {
    // A step line: module counts change at a commit, not between commits.
    const path = run.map((i, k) => (k === 0 ? `M${num(x(i))} ${num(y(counts[i]!))}` : `H${num(x(i))} V${num(y(counts[i]!))}`)).join(" ");
    out.push(`<path class="mline" d="${path}"/>`);
  }
  trend.points.forEach((point, index) => {
    if (point.modules === null) return;
    out.push(`<circle class="mdot" cx="${num(x(index))}" cy="${num(y(point.modules.total))}" r="2.5"><title>${esc(`${shortCommit(point.commit)}: ${point.modules.total} modules (${point.modules.filtered} of the package)`)}</title></circle>`);
  });
  out.push(...xLabels(trend, x, bottom), "</svg>");
  return out.join("\n");
}
