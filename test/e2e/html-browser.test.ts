/**
 * Opens the HTML report in headless Chromium, takes screenshots (light and dark scheme),
 * and checks they show something: many distinct colours and plenty of non-background
 * pixels, the light page light and the dark page dark. Skipped, with the reason printed,
 * only where no chromium is installed (CI installs Debian's chromium).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildComparison } from "../../scripts/lib/compare/build.ts";
import { render } from "../../scripts/lib/render/html.ts";
import type { LoadedResult } from "../../scripts/lib/result/read.ts";
import { CHROMIUM, chromium, chromiumTimeoutMs, colourStats, luminance, screenshot } from "../support/chromium.ts";
import { cleanupTempDirs, loadFixture, missing, tempDir } from "../helpers.ts";

const noChromium = missing("the HTML report in a browser (html-browser.test.ts)", CHROMIUM ? null : "no chromium on PATH (apt-get install -y chromium)");

afterAll(cleanupTempDirs);

const load = (name: string): LoadedResult => loadFixture(name, "html");

describe("html report in a browser", () => {
  test.skipIf(noChromium)("chromium renders the report: non-blank, light and dark", async () => {
    const dir = tempDir("coldstart-html-");
    const results = [load("base.json"), load("candidate.json"), load("evil.json")];
    const htmlPath = join(dir, "report.html");
    writeFileSync(htmlPath, render(buildComparison(results)));
    const blankPath = join(dir, "blank.html");
    writeFileSync(blankPath, "<!DOCTYPE html><html><body></body></html>");

    const shots = { report: join(dir, "report.png"), dark: join(dir, "dark.png"), blank: join(dir, "blank.png") };
    const light = colourStats(await screenshot(htmlPath, shots.report));
    const dark = colourStats(await screenshot(htmlPath, shots.dark, ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]));
    const blank = colourStats(await screenshot(blankPath, shots.blank));
    if (process.env.COLDSTART_KEEP_SCREENSHOT) {
      writeFileSync(process.env.COLDSTART_KEEP_SCREENSHOT, readFileSync(shots.report));
    }

    expect(blank.inked).toBeLessThan(0.001);
    // Text, dots, boxes and bars in several tones: hundreds of colours, a good share inked.
    expect(light.distinct).toBeGreaterThan(200);
    expect(light.inked).toBeGreaterThan(0.05);
    expect(readFileSync(shots.report).length).toBeGreaterThan(readFileSync(shots.blank).length * 5);
    expect(luminance(light.background)).toBeGreaterThan(200);
    expect(dark.distinct).toBeGreaterThan(200);
    expect(luminance(dark.background)).toBeLessThan(60);
    // Three chromium starts: seconds each on a busy machine, each bounded by its own kill timer.
  }, 3 * chromiumTimeoutMs() + 10_000);

  test.skipIf(noChromium)("every table fits a 1280-pixel window; on a phone the page stays its width and wide tables scroll", async () => {
    const dir = tempDir("coldstart-html-");
    // A copy for the test only: the report's CSP forbids scripts, so the measuring script
    // is added to a copy without it; the layout is the report's own.
    const page = render(buildComparison([load("base.json"), load("candidate.json"), load("evil.json")]))
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
      .replace("</body>", `<script>${LAYOUT_PROBE}</script></body>`);
    expect(page).toContain(LAYOUT_PROBE);
    for (const width of [1280, 390]) {
      // Chromium's headless window is at least 500 px wide: the report goes into an iframe of
      // the width under test (srcdoc, so it shares the outer page's origin and can name it).
      const htmlPath = join(dir, `layout-${width}.html`);
      const srcdoc = page.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
      writeFileSync(htmlPath, `<!DOCTYPE html><html><head><title>-</title></head><body style="margin:0"><iframe style="border:0;width:${width}px;height:1800px" srcdoc="${srcdoc}"></iframe></body></html>`);
      const layout = await measureLayout(htmlPath);
      expect(layout.tables.length).toBeGreaterThan(2);
      expect(layout.viewport).toBe(width);
      // The page itself never grows wider than the window: nothing is cut off at the right.
      expect(layout.page).toBeLessThanOrEqual(layout.viewport);
      for (const table of layout.tables) {
        if (width === 1280) expect({ ...table, fits: table.width <= table.room }).toMatchObject({ fits: true });
        else expect({ ...table, reachable: table.width <= table.room || table.scrolls }).toMatchObject({ reachable: true });
      }
    }
  }, 2 * chromiumTimeoutMs() + 10_000);
});

/** Runs in the report: its window's width, the page's, and each table's against the room it has. */
const LAYOUT_PROBE = `(() => {
  const tables = [...document.querySelectorAll("table")].map((table) => {
    let box = table.parentElement;
    while (box && box !== document.body && !/auto|scroll/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
    const scrolls = !!box && box !== document.body;
    const room = scrolls ? box.clientWidth : document.documentElement.clientWidth;
    return { name: table.className || table.querySelector("th")?.textContent || "table", width: table.scrollWidth, room, scrolls };
  });
  parent.document.title = "LAYOUT" + JSON.stringify({ viewport: window.innerWidth, page: document.documentElement.scrollWidth, tables });
})();`;

interface Layout {
  viewport: number;
  page: number;
  tables: { name: string; width: number; room: number; scrolls: boolean }[];
}

async function measureLayout(htmlPath: string): Promise<Layout> {
  const { code, stdout, stderr } = await chromium(htmlPath, ["--window-size=1400,2000", "--dump-dom"]);
  const title = stdout.match(/<title>LAYOUT(.*?)<\/title>/)?.[1];
  if (!title) throw new Error(`chromium exited ${code} without the layout (timeout ${chromiumTimeoutMs()} ms):\n${stderr.slice(-2000)}`);
  return JSON.parse(title.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")) as Layout;
}
