import { describe, expect, test } from "bun:test";
import { deflateSync } from "node:zlib";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { sideLabels } from "../../scripts/lib/compare/build.ts";
import { render } from "../../scripts/lib/render/html.ts";
import { escapeXml, icicle, importTree, linearScale, niceTicks, paddedDomain, stripPlot } from "../../scripts/lib/render/svg.ts";
import type { LoadedResult } from "../../scripts/lib/result/read.ts";
import type { ImportTimeRow } from "../../scripts/lib/result/schema.ts";
import { loadFixture } from "../helpers.ts";
import { decodePng } from "../support/chromium.ts";

const HTML = "html";
const RESULTS = "results";
const load = (folder: string, name: string): LoadedResult => loadFixture(name, folder);
function page(results: LoadedResult[]): string {
  return render(buildComparison(results));
}
function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

const base = load(HTML, "base.json");
const candidate = load(HTML, "candidate.json");
const evil = load(HTML, "evil.json");

describe("svg helpers", () => {
  test("escapeXml escapes markup and quotes, drops control characters", () => {
    expect(escapeXml(`<script>"a" & 'b'</script>\u0007`)).toBe("&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt; ");
  });
  test("linear scale and nice ticks", () => {
    const x = linearScale([10, 20], [0, 100]);
    expect(x(15)).toBe(50);
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(33.2, 47.9, 3)).toEqual([35, 40, 45]);
    expect(paddedDomain([10, 20], 0.1)).toEqual([9, 21]);
    expect(paddedDomain([7, 7])).toEqual([6, 8]);
  });
  test("import tree from post-order rows (-X importtime order)", () => {
    const rows: ImportTimeRow[] = [
      { module: "c", self_us: 5, cumulative_us: 5, depth: 2 },
      { module: "b", self_us: 10, cumulative_us: 15, depth: 1 },
      { module: "d", self_us: 20, cumulative_us: 20, depth: 1 },
      { module: "a", self_us: 5, cumulative_us: 40, depth: 0 },
      { module: "e", self_us: 7, cumulative_us: 7, depth: 0 },
    ];
    const tree = importTree(rows);
    expect(tree.map((n) => n.module)).toEqual(["a", "e"]);
    expect(tree[0]!.children.map((n) => n.module)).toEqual(["b", "d"]);
    expect(tree[0]!.children[0]!.children.map((n) => n.module)).toEqual(["c"]);
  });
  test("import tree from parent-first rows (as the results fixtures list them)", () => {
    const rows = load(RESULTS, "schema1_slower.json").data.importtime!.pkg_total!;
    const tree = importTree(rows);
    expect(tree.map((n) => n.module)).toEqual(["pkg"]);
    expect(tree[0]!.children.map((n) => n.module)).toEqual(["heavy", "pkg.cli", "email", "json", "pkg.core"]);
    expect(tree[0]!.children[1]!.children.map((n) => n.module)).toEqual(["argparse"]);
  });
  test("a real importtime tree nests and sums", () => {
    const tree = importTree(base.data.importtime!.app_total!);
    expect(tree.map((n) => n.module)).toEqual(["json", "email.message", "argparse", "decimal"]);
    const json = tree[0]!;
    expect(json.children.map((n) => n.module)).toEqual(["json.decoder", "json.encoder"]);
  });
  test("strip plot: a lane per ref, a dot per sample, names escaped", () => {
    const svg = stripPlot(
      [
        { label: "<b>main</b>", samples: [1, 2, 3], summary: null, verdict: "baseline", tone: "base" },
        { label: "seed", samples: [], summary: { min: 1, mean: 2, max: 4 }, verdict: "no samples", tone: "same" },
      ],
      { title: "t<" },
    );
    expect(count(svg, /<g class="lane /g)).toBe(2);
    expect(count(svg, /<circle class="dot/g)).toBe(3);
    expect(svg).toContain('<circle class="mean"');
    expect(svg).toContain("&lt;b&gt;main&lt;/b&gt;");
    expect(svg).not.toContain("<b>");
  });
  test("icicle: a bar per visible module, highlights, shared axis", () => {
    const tree = importTree(base.data.importtime!.app_total!);
    const svg = icicle(tree, { title: "x", highlight: new Map([["decimal", "good"]]) });
    expect(svg).toContain('class="node hl hl-good"');
    expect(count(svg, /<rect class="cum"/g)).toBeGreaterThan(10);
    const narrow = icicle(tree, { title: "x", totalUs: 1e9 });
    expect(count(narrow, /<rect class="cum"/g)).toBe(0);
  });
});

describe("html report", () => {
  const html = page([base, candidate, evil]);

  test("is a complete, self-contained page", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("</html>");
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("prefers-color-scheme:dark");
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script[\s>]/i);
    expect(html).not.toMatch(/<link[\s>]/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // Text is escaped, so every "<" opens a real tag: no tag has a src or href attribute
    // pointing at the network (in fact none has a src or href at all).
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    const linking = tags.filter((tag) => /\s(src|href|xlink:href)\s*=/i.test(tag));
    expect(linking.filter((tag) => /https?:/i.test(tag))).toEqual([]);
    expect(linking).toEqual([]);
  });

  test("one distribution svg per measurement, every ref named in each", () => {
    const names = ["app_total", "app_cli", "<script>alert('m')</script>"];
    expect(count(html, /<svg class="dist"/g)).toBe(names.length);
    for (const name of names) expect(html).toContain(`data-measurement="${escapeXml(name)}"`);
    const svgs = html.match(/<svg class="dist"[\s\S]*?<\/svg>/g)!;
    for (const svg of svgs) {
      for (const label of sideLabels([base, candidate, evil])) expect(svg).toContain(escapeXml(label));
      expect(count(svg, /<g class="lane /g)).toBe(3);
    }
    // 20 samples per ref, every ref: 60 dots in app_total.
    expect(count(svgs[0]!, /<circle class="dot/g)).toBe(60);
  });

  test("verdicts beside the lanes", () => {
    const first = html.match(/<svg class="dist"[\s\S]*?<\/svg>/)![0];
    expect(first).toMatch(/class="lane tone-good"[\s\S]*% faster/);
    expect(first).toMatch(/class="lane tone-bad"[\s\S]*% slower/);
    expect(first).toContain(">baseline<");
  });

  test("sections: module counts, lazy table, icicles, environment", () => {
    for (const id of ["summary", "distributions", "modules", "lazy", "importtime", "environment"]) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(count(html, /<svg class="icicle"/g)).toBe(3);
    expect(html).toContain("NOW LAZY");
    expect(html).toContain("Linux-6.1.0-x86_64-with-glibc2.36");
    expect(html).toContain("Environments differ");
    expect(html).toContain("hl hl-good");
  });

  test("names from input files show as text, never as markup", () => {
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<i>Heavy</i>");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("&lt;script&gt;evil&lt;/script&gt;");
    expect(html).toContain("&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const reversed = page([evil, base]);
    expect(reversed).toContain("&lt;i&gt;Heavy&lt;/i&gt;");
    expect(reversed).not.toMatch(/<(script|img|i|b)[\s>]/);
  });

  test("the tables hold the same figures as the other formats, in at most 7 columns (fits 1280 px and scrolls on a phone)", () => {
    const comparison = buildComparison([base, candidate]);
    const row = comparison.candidates[0]!.measurements[0]!;
    const text = render(comparison);
    expect(text).toContain(`${Math.abs(row.estimatePct!).toFixed(1)}%`);
    const headers = text.match(/<table class="stats">\s*<thead><tr>([\s\S]*?)<\/tr>/)![1]!;
    expect(count(headers, /<th/g)).toBeLessThanOrEqual(7);
    expect(text).toMatch(/<div class="scroll"><table class="stats">/);
  });

  test("deterministic", () => {
    expect(page([base, candidate, evil])).toBe(html);
  });

  test("seed files (no samples, no importtime) still render", () => {
    const seed = page([load(RESULTS, "seed_baseline.json"), load(RESULTS, "seed_optimized.json")]);
    expect(count(seed, /<svg class="dist"/g)).toBe(3);
    expect(count(seed, /<circle class="mean"/g)).toBe(6);
    expect(seed).toContain("no samples");
    expect(seed).toContain("No <code>-X importtime</code> rows");
    expect(seed).toContain("Paramiko");
  });

  test("schema-1 result fixtures with parent-first importtime rows", () => {
    const results = ["schema1_base.json", "schema1_faster.json", "schema1_slower.json"].map((n) => load(RESULTS, n));
    const text = page(results);
    expect(count(text, /<svg class="dist"/g)).toBe(2);
    expect(count(text, /<svg class="icicle"/g)).toBe(3);
    expect(text).toContain("pkg.cli");
  });
});

describe("the screenshot decoder of the browser tests (test/support/chromium.ts)", () => {
  test("png decoder reads a known image", () => {
    // 2×1 RGB, filter 1 (sub): red then red+green = yellow.
    const raw = Buffer.from([1, 255, 0, 0, 0, 255, 0]);
    const chunk = (type: string, data: Uint8Array): Buffer => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, "ascii");
      return Buffer.concat([head, data, Buffer.alloc(4)]); // CRC unchecked by the decoder
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(2, 0);
    ihdr.writeUInt32BE(1, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([2, 1]);
    expect([...image.rgba]).toEqual([255, 0, 0, 255, 255, 255, 0, 255]);
  });
});
