/**
 * Terminal distribution sketches: a one-line mini box plot of a ref's samples on an axis
 * shared by every ref of a measurement, so shifted distributions look shifted.
 *
 *   main       ├──────███┃██──────┤                  92.1 … 111.6 ms  median 95.1
 *   lazy   ├──██┃███────────┤                        81.7 … 105.7 ms  median 86.2
 *
 * Whiskers (─) run from min to max, the box (█) from q1 to q3, ┃ marks the median.
 * Pure: samples and axis in, text out; colour only through the palette given.
 */
import { printable } from "../errors.ts";
import { describe } from "../stats/describe.ts";
import type { Palette } from "./color.ts";

/** The value range every sketch of one measurement is drawn on. */
export interface Axis {
  lo: number;
  hi: number;
}

export type SketchTone = "good" | "bad" | "same" | "plain";

/** Default sketch width in columns. */
export const SKETCH_WIDTH = 40;

/** The axis covering every sample of every set (null when there is none). */
export function sharedAxis(sampleSets: readonly (readonly number[])[]): Axis | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const samples of sampleSets) {
    for (const value of samples) {
      if (!Number.isFinite(value)) continue;
      if (value < lo) lo = value;
      if (value > hi) hi = value;
    }
  }
  return lo <= hi ? { lo, hi } : null;
}

/** Column (0 .. width-1) of a value on the axis. */
export function column(value: number, axis: Axis, width: number): number {
  if (width <= 1 || axis.hi === axis.lo) return Math.floor((width - 1) / 2);
  const position = Math.round(((value - axis.lo) / (axis.hi - axis.lo)) * (width - 1));
  return Math.min(width - 1, Math.max(0, position));
}

/**
 * The sketch itself, exactly `width` columns: blank where there are no samples. Empty
 * samples give a blank line of that width. The box and median are painted in `tone`.
 */
export function sketch(
  samples: readonly number[],
  axis: Axis,
  palette?: Palette,
  tone: SketchTone = "plain",
  width = SKETCH_WIDTH,
): string {
  const stats = describe(samples);
  if (!stats || width < 1) return " ".repeat(Math.max(0, width));
  const cells: string[] = new Array<string>(width).fill(" ");
  const kinds: ("blank" | "whisker" | "box")[] = new Array<"blank" | "whisker" | "box">(width).fill("blank");
  const minCol = column(stats.min, axis, width);
  const maxCol = column(stats.max, axis, width);
  const q1Col = column(stats.p25, axis, width);
  const q3Col = column(stats.p75, axis, width);
  const medianCol = column(stats.median, axis, width);
  for (let i = minCol; i <= maxCol; i += 1) {
    cells[i] = "─";
    kinds[i] = "whisker";
  }
  if (maxCol > minCol) {
    cells[minCol] = "├";
    cells[maxCol] = "┤";
  }
  for (let i = q1Col; i <= q3Col; i += 1) {
    cells[i] = "█";
    kinds[i] = "box";
  }
  cells[medianCol] = "┃";
  kinds[medianCol] = "box";
  if (!palette?.enabled) return cells.join("");
  const paint = (text: string): string =>
    tone === "good" ? palette.good(text) : tone === "bad" ? palette.bad(text) : tone === "same" ? palette.same(text) : text;
  // Group runs of one kind so each run gets one colour sequence.
  let out = "";
  let run = "";
  let runKind = kinds[0]!;
  const flush = (): void => {
    if (!run) return;
    out += runKind === "box" ? paint(run) : runKind === "whisker" ? palette.dim(run) : run;
    run = "";
  };
  for (let i = 0; i < width; i += 1) {
    if (kinds[i] !== runKind) {
      flush();
      runKind = kinds[i]!;
    }
    run += cells[i];
  }
  flush();
  return out;
}

export interface SketchSide {
  /** Ref or file name, as shown. */
  label: string;
  samples: readonly number[];
  tone: SketchTone;
}

function fixed(value: number): string {
  return value.toFixed(1);
}

/**
 * One line per side, all on one shared axis: label, sketch, range and median. Sides
 * without samples get "no samples". Returns [] when no side has samples.
 */
export function sketchLines(
  sides: readonly SketchSide[],
  palette?: Palette,
  options: { width?: number; indent?: string; labelWidth?: number; unit?: string; number?: (value: number) => string } = {},
): string[] {
  const axis = sharedAxis(sides.map((side) => side.samples));
  if (!axis) return [];
  const width = options.width ?? SKETCH_WIDTH;
  const indent = options.indent ?? "    ";
  const unit = options.unit ?? "ms";
  const number = options.number ?? fixed;
  const labelWidth = options.labelWidth ?? Math.min(24, Math.max(...sides.map((side) => printable(side.label).length)));
  return sides.map((side) => {
    const label = printable(side.label);
    const shown = (label.length > labelWidth ? `${label.slice(0, labelWidth - 1)}…` : label).padEnd(labelWidth);
    const stats = describe(side.samples);
    if (!stats) return `${indent}${shown} ${" ".repeat(width)}  ${palette ? palette.dim("no samples") : "no samples"}`;
    const range = `${number(stats.min)} … ${number(stats.max)} ${unit}  median ${number(stats.median)}`;
    return `${indent}${shown} ${sketch(side.samples, axis, palette, side.tone, width)}  ${palette ? palette.dim(range) : range}`;
  });
}
