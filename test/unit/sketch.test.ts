import { describe, expect, test } from "bun:test";
import { createPalette } from "../../scripts/lib/render/color.ts";
import { column, sharedAxis, sketch, sketchLines } from "../../scripts/lib/render/sketch.ts";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { render as renderTerminal } from "../../scripts/lib/render/terminal.ts";
import { loadFixture } from "../helpers.ts";

const fixture = (name: string) => loadFixture(name);

const plain = createPalette(false);
const colour = createPalette(true);
const strip = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");

describe("sketch", () => {
  test("shared axis spans every set", () => {
    expect(sharedAxis([[3, 1], [], [7, 2]])).toEqual({ lo: 1, hi: 7 });
    expect(sharedAxis([[], []])).toBeNull();
  });
  test("columns map the axis onto 0..width-1", () => {
    const axis = { lo: 0, hi: 10 };
    expect(column(0, axis, 11)).toBe(0);
    expect(column(10, axis, 11)).toBe(10);
    expect(column(5, axis, 11)).toBe(5);
    expect(column(99, axis, 11)).toBe(10);
    expect(column(5, { lo: 5, hi: 5 }, 11)).toBe(5);
  });
  test("mini box plot: whiskers, box, median, exact width", () => {
    // min 0, q1 2, median 5, q3 8, max 10 (type-7 quartiles), one column per unit.
    const samples = [0, 2, 5, 8, 10];
    expect(sketch(samples, { lo: 0, hi: 20 }, plain, "plain", 21)).toBe("├─███┃███─┤          ");
    expect(sketch(samples, { lo: 0, hi: 10 }, undefined, "plain", 11)).toBe("├─███┃███─┤");
  });
  test("shifted samples are drawn shifted on the same axis", () => {
    const axis = sharedAxis([[10, 11, 12], [20, 21, 22]])!;
    const a = sketch([10, 11, 12], axis, plain, "plain", 20);
    const b = sketch([20, 21, 22], axis, plain, "plain", 20);
    expect(a.indexOf("┃")).toBeLessThan(b.indexOf("┃"));
    expect(a.trimEnd().length).toBeLessThan(10);
    expect(b.trimStart().length).toBeLessThan(10);
  });
  test("empty samples: a blank of the width; one value: just the median", () => {
    expect(sketch([], { lo: 0, hi: 1 }, plain, "plain", 5)).toBe("     ");
    expect(sketch([3], { lo: 3, hi: 3 }, plain, "plain", 5)).toBe("  ┃  ");
  });
  test("colour only through the palette, same text without it", () => {
    const axis = { lo: 0, hi: 10 };
    const coloured = sketch([1, 2, 3, 4, 9], axis, colour, "bad", 30);
    expect(coloured).toContain("\u001b[31m");
    expect(strip(coloured)).toBe(sketch([1, 2, 3, 4, 9], axis, plain, "bad", 30));
    expect(sketch([1, 2, 3], axis, plain, "bad", 30)).not.toContain("\u001b[");
  });
  test("lines: one per side, aligned, labels sanitized", () => {
    const lines = sketchLines(
      [
        { label: "main", samples: [95, 96, 97, 99, 111], tone: "plain" },
        { label: "lazy\u001b[31m", samples: [82, 84, 86, 88, 105], tone: "good" },
        { label: "seed", samples: [], tone: "plain" },
      ],
      plain,
      { width: 20 },
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toStartWith("    main ");
    expect(lines[0]).toContain("95.0 … 111.0 ms  median 97.0");
    expect(lines[1]).not.toContain("\u001b");
    expect(lines[2]).toContain("no samples");
    const sketchStart = (line: string): number => line.indexOf(" ", 4) + 1;
    expect(sketchStart(lines[0]!)).toBe(sketchStart(lines[1]!));
    expect(sketchLines([{ label: "x", samples: [], tone: "plain" }], plain)).toEqual([]);
  });
});

describe("sketches in the terminal report, drawn from the comparison model", () => {
  test("baseline and candidate named by ref, on one axis, under their row", () => {
    const comparison = buildComparison([fixture("schema1_base.json"), fixture("schema1_faster.json")]);
    const lines = renderTerminal(comparison, { palette: plain, charts: true }).split("\n");
    const row = lines.findIndex((line) => line.startsWith("pkg_total"));
    const sketches = lines.slice(row).filter((line) => /^    (main|lazy) /.test(line));
    // Figures in the unit's own formatting (quantities.ts UNITS.ms: two decimals), as in every other column.
    expect(sketches[0]).toContain("91.54 … 111.57 ms  median 95.62");
    expect(sketches[1]).toContain("81.69 … 105.70 ms  median 86.16");
    // One axis: the faster candidate's median is drawn left of the baseline's.
    expect(sketches[1]!.indexOf("┃")).toBeLessThan(sketches[0]!.indexOf("┃"));
    expect(renderTerminal(comparison, { palette: plain })).not.toContain("┃");
  });
  test("seed files (no samples): no sketch lines", () => {
    const comparison = buildComparison([fixture("seed_baseline.json"), fixture("seed_optimized.json")]);
    expect(renderTerminal(comparison, { palette: plain, charts: true })).not.toContain("┃");
  });
});
