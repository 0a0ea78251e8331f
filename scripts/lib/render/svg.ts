/**
 * Small pure SVG helpers for the HTML report: escaping, a linear scale with nice ticks,
 * box statistics, the strip-and-box plot of sample distributions and the import-time
 * icicle. Every function returns markup as a string; nothing here reads files, the clock
 * or Math.random, so the same input gives the same page. Colours are CSS classes styled
 * by the page (light and dark schemes), never literal colours.
 */
import type { ImportTimeRow } from "../result/schema.ts";
import { describe } from "../stats/describe.ts";

/** Escapes text for HTML/SVG content and quoted attribute values; control characters become spaces. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A number for an SVG attribute: at most 2 decimals, never NaN. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return "0";
  return String(Math.round(value * 100) / 100);
}

export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as Scale;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count <= 0) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Round tick values inside [lo, hi], about `count` intervals apart. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const step = niceStep(hi - lo, count);
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k += 1) {
    ticks.push(Math.round(k * step * 1e9) / 1e9);
  }
  return ticks;
}

/** A domain covering every value, widened by `pad` of its span on each side (or ±1 when flat). */
export function paddedDomain(values: readonly number[], pad = 0.05): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (lo === hi) return [lo - Math.max(1, Math.abs(lo) * 0.05), hi + Math.max(1, Math.abs(hi) * 0.05)];
  const margin = (hi - lo) * pad;
  return [lo - margin, hi + margin];
}

/** Deterministic jitter in [-1, 1] for the i-th point (golden-ratio sequence). */
export function jitter(index: number): number {
  const phi = 0.618033988749895;
  return ((index * phi) % 1) * 2 - 1;
}

export type Tone = "good" | "bad" | "same" | "base";

/** One row (one ref) of a distribution plot. */
export interface Lane {
  /** Ref name as shown. */
  label: string;
  /** Samples in ms; empty when the file has none (seed files). */
  samples: readonly number[];
  /** Without samples: the file's min / mean / max, drawn as a range with a dot. */
  summary: { min: number; mean: number; max: number } | null;
  /** Text beside the lane, e.g. "faster −9.8 ms" or "baseline". */
  verdict: string;
  tone: Tone;
  /** Indices of samples flagged as outliers (drawn hollow). */
  outliers?: readonly number[];
}

export interface StripPlotOptions {
  /** Total width of the viewBox (it scales to the page width). */
  width?: number;
  laneHeight?: number;
  /** Width kept for lane labels on the left and verdicts on the right. */
  labelWidth?: number;
  verdictWidth?: number;
  /** Accessible title of the chart. */
  title: string;
  /** CSS class on the svg element. */
  className?: string;
  /** Extra attributes, already escaped (e.g. `data-measurement="..."`). */
  attributes?: string;
  /** Unit of the axis (default "ms"). */
  unit?: string;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

/**
 * A strip plot with a box per lane on one shared axis (ms): each sample a dot, the box
 * q1–q3 with the median, whiskers to min and max; the verdict on the right.
 */
export function stripPlot(lanes: readonly Lane[], options: StripPlotOptions): string {
  const width = options.width ?? 800;
  const laneHeight = options.laneHeight ?? 44;
  const labelWidth = options.labelWidth ?? 150;
  const verdictWidth = options.verdictWidth ?? 230;
  const top = 8;
  const axisHeight = 30;
  const height = top + lanes.length * laneHeight + axisHeight;
  const values: number[] = [];
  for (const lane of lanes) {
    values.push(...lane.samples);
    if (lane.samples.length === 0 && lane.summary) values.push(lane.summary.min, lane.summary.max);
  }
  const [lo, hi] = paddedDomain(values);
  const x = linearScale([lo, hi], [labelWidth + 8, width - verdictWidth - 8]);
  const out: string[] = [];
  const className = options.className ?? "chart";
  out.push(
    `<svg class="${escapeXml(className)}" viewBox="0 0 ${width} ${height}" role="img" preserveAspectRatio="xMinYMin meet"${options.attributes ? ` ${options.attributes}` : ""}>`,
    `<title>${escapeXml(options.title)}</title>`,
  );
  const plotBottom = top + lanes.length * laneHeight;
  for (const tick of niceTicks(lo, hi, 6)) {
    const tx = num(x(tick));
    out.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${top}" y2="${plotBottom}"/>`);
    out.push(`<text class="tick" x="${tx}" y="${plotBottom + 16}" text-anchor="middle">${escapeXml(formatTick(tick))}</text>`);
  }
  const unit = options.unit ?? "ms";
  out.push(`<text class="tick" x="${num(width - verdictWidth - 8)}" y="${plotBottom + 28}" text-anchor="end">${escapeXml(unit)}</text>`);
  lanes.forEach((lane, index) => {
    const y0 = top + index * laneHeight;
    const mid = y0 + laneHeight / 2;
    const tone = `tone-${lane.tone}`;
    out.push(`<g class="lane ${tone}">`);
    if (index % 2 === 1) out.push(`<rect class="band" x="0" y="${num(y0)}" width="${width}" height="${laneHeight}"/>`);
    out.push(`<text class="lane-label" x="4" y="${num(mid + 4)}">${escapeXml(truncate(lane.label, 22))}<title>${escapeXml(lane.label)}</title></text>`);
    const stats = describe(lane.samples);
    if (stats) {
      const boxTop = mid - laneHeight * 0.3;
      const boxHeight = laneHeight * 0.6;
      out.push(`<line class="whisker" x1="${num(x(stats.min))}" x2="${num(x(stats.max))}" y1="${num(mid)}" y2="${num(mid)}"/>`);
      for (const end of [stats.min, stats.max]) {
        out.push(`<line class="whisker" x1="${num(x(end))}" x2="${num(x(end))}" y1="${num(mid - 6)}" y2="${num(mid + 6)}"/>`);
      }
      out.push(`<rect class="box" x="${num(x(stats.p25))}" y="${num(boxTop)}" width="${num(Math.max(1, x(stats.p75) - x(stats.p25)))}" height="${num(boxHeight)}" rx="2"/>`);
      out.push(`<line class="median" x1="${num(x(stats.median))}" x2="${num(x(stats.median))}" y1="${num(boxTop)}" y2="${num(boxTop + boxHeight)}"/>`);
      const outliers = new Set(lane.outliers ?? []);
      lane.samples.forEach((sample, i) => {
        const cy = mid + jitter(i) * laneHeight * 0.22;
        const hollow = outliers.has(i) ? " outlier" : "";
        out.push(`<circle class="dot${hollow}" cx="${num(x(sample))}" cy="${num(cy)}" r="3"><title>${escapeXml(`${sample} ${unit} (run ${i + 1})`)}</title></circle>`);
      });
      out.push(`<title>${escapeXml(`${lane.label}: n=${stats.n}, median ${stats.median.toFixed(2)} ${unit}, q1 ${stats.p25.toFixed(2)}, q3 ${stats.p75.toFixed(2)}, min ${stats.min.toFixed(2)}, max ${stats.max.toFixed(2)}`)}</title>`);
    } else if (lane.summary) {
      const s = lane.summary;
      out.push(`<line class="range" x1="${num(x(s.min))}" x2="${num(x(s.max))}" y1="${num(mid)}" y2="${num(mid)}"/>`);
      out.push(`<circle class="mean" cx="${num(x(s.mean))}" cy="${num(mid)}" r="5"><title>${escapeXml(`mean ${s.mean} ${unit} (min ${s.min}, max ${s.max}; no samples)`)}</title></circle>`);
    } else {
      out.push(`<text class="missing" x="${num((x.range[0] + x.range[1]) / 2)}" y="${num(mid + 4)}" text-anchor="middle">not measured</text>`);
    }
    out.push(`<text class="verdict" x="${num(width - verdictWidth + 4)}" y="${num(mid + 4)}">${escapeXml(truncate(lane.verdict, 36))}<title>${escapeXml(lane.verdict)}</title></text>`);
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("\n");
}

/** Tick label: no trailing zeros, at most 3 significant decimals. */
export function formatTick(value: number): string {
  return String(Number(value.toPrecision(6)));
}

// ---------------------------------------------------------------------------------------
// Import-time tree and icicle

export interface ImportNode {
  module: string;
  selfUs: number;
  cumulativeUs: number;
  depth: number;
  children: ImportNode[];
}

/** Builds the tree from rows in post-order (children before their parent, `-X importtime` order). */
function treeFromPostOrder(rows: readonly ImportTimeRow[]): ImportNode[] {
  const stack: ImportNode[] = [];
  for (const row of rows) {
    const node: ImportNode = { module: row.module, selfUs: row.self_us, cumulativeUs: row.cumulative_us, depth: row.depth, children: [] };
    // The pending nodes one level deeper than this row are its children.
    while (stack.length && stack[stack.length - 1]!.depth > row.depth) node.children.unshift(stack.pop()!);
    stack.push(node);
  }
  return stack;
}

/** Builds the tree from rows in pre-order (parent first, as an indented listing reads). */
function treeFromPreOrder(rows: readonly ImportTimeRow[]): ImportNode[] {
  const roots: ImportNode[] = [];
  const path: ImportNode[] = [];
  for (const row of rows) {
    const node: ImportNode = { module: row.module, selfUs: row.self_us, cumulativeUs: row.cumulative_us, depth: row.depth, children: [] };
    while (path.length && path[path.length - 1]!.depth >= row.depth) path.pop();
    const parent = path[path.length - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
    path.push(node);
  }
  return roots;
}

/** How badly a reading of the rows fits: depth jumps it cannot explain, and children larger than their parent. */
function misfit(roots: readonly ImportNode[], rows: readonly ImportTimeRow[], order: "post" | "pre"): number {
  let bad = 0;
  for (let i = 1; i < rows.length; i += 1) {
    const step = rows[i]!.depth - rows[i - 1]!.depth;
    if (order === "post" && step < -1) bad += 1000;
    if (order === "pre" && step > 1) bad += 1000;
  }
  const visit = (node: ImportNode): void => {
    const sum = node.children.reduce((total, child) => total + child.cumulativeUs, 0);
    if (sum > node.cumulativeUs * 1.05 + 1) bad += 1;
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  const minDepth = Math.min(...rows.map((row) => row.depth));
  for (const root of roots) if (root.depth !== minDepth) bad += 100;
  return bad;
}

/**
 * The import tree of importtime rows. Rows are documented in `-X importtime` order
 * (post-order); rows listed parent-first are recognized too, by which reading fits the
 * depths and times (post-order wins a tie).
 */
export function importTree(rows: readonly ImportTimeRow[]): ImportNode[] {
  if (rows.length === 0) return [];
  const post = treeFromPostOrder(rows);
  const pre = treeFromPreOrder(rows);
  return misfit(pre, rows, "pre") < misfit(post, rows, "post") ? pre : post;
}

export interface IcicleOptions {
  title: string;
  width?: number;
  rowHeight?: number;
  /** µs mapped to the full width; default the tree's total (use one value for several trees to share the axis). */
  totalUs?: number;
  /** Modules to highlight, with how their change reads. */
  highlight?: ReadonlyMap<string, "good" | "bad">;
  /** Rows deeper than this are not drawn. */
  maxDepth?: number;
  /** More hover text for a module (its import chain, its hotspots). */
  tooltip?: (module: string) => string | null;
  className?: string;
}

/** Total cumulative time of a tree's roots, µs. */
export function treeTotalUs(roots: readonly ImportNode[]): number {
  return roots.reduce((sum, root) => sum + root.cumulativeUs, 0);
}

function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`;
}

/**
 * An icicle: each module a bar as wide as its cumulative time, its imports below it from
 * the left, its own (self) time shaded at the bar's right end; highlighted modules get an
 * outline in their tone. Bars under half a unit wide are skipped.
 */
export function icicle(roots: readonly ImportNode[], options: IcicleOptions): string {
  const width = options.width ?? 800;
  const rowHeight = options.rowHeight ?? 20;
  const maxDepth = options.maxDepth ?? 12;
  const total = options.totalUs ?? treeTotalUs(roots);
  const x = linearScale([0, total > 0 ? total : 1], [0, width]);
  const bars: string[] = [];
  let deepest = 0;
  const draw = (node: ImportNode, start: number, level: number): void => {
    const w = x(node.cumulativeUs) - x(0);
    if (w < 0.5 || level > maxDepth) return;
    deepest = Math.max(deepest, level);
    const left = x(start);
    const y = level * rowHeight;
    const mark = options.highlight?.get(node.module);
    const selfW = Math.min(w, Math.max(0, x(node.selfUs) - x(0)));
    const more = options.tooltip?.(node.module);
    const tip = `${node.module}: cumulative ${formatUs(node.cumulativeUs)}, self ${formatUs(node.selfUs)}${more ? `\n${more}` : ""}`;
    bars.push(`<g class="node${mark ? ` hl hl-${mark}` : ""}"><title>${escapeXml(tip)}</title>`);
    bars.push(`<rect class="cum" x="${num(left)}" y="${num(y)}" width="${num(Math.max(0.5, w - 0.5))}" height="${rowHeight - 1}"/>`);
    if (selfW >= 0.5) bars.push(`<rect class="self" x="${num(left + w - selfW)}" y="${num(y)}" width="${num(selfW - 0.5 > 0 ? selfW - 0.5 : selfW)}" height="${rowHeight - 1}"/>`);
    const chars = Math.floor((w - 6) / 7);
    if (chars >= 3) {
      bars.push(`<text class="node-label" x="${num(left + 3)}" y="${num(y + rowHeight * 0.7)}">${escapeXml(truncate(node.module, chars))}</text>`);
    }
    bars.push("</g>");
    let offset = start;
    for (const child of node.children) {
      draw(child, offset, level + 1);
      offset += child.cumulativeUs;
    }
  };
  let offset = 0;
  for (const root of roots) {
    draw(root, offset, 0);
    offset += root.cumulativeUs;
  }
  const height = (deepest + 1) * rowHeight;
  const className = options.className ?? "icicle";
  return [
    `<svg class="${escapeXml(className)}" viewBox="0 0 ${width} ${height}" role="img" preserveAspectRatio="xMinYMin meet">`,
    `<title>${escapeXml(options.title)}</title>`,
    ...bars,
    "</svg>",
  ].join("\n");
}
