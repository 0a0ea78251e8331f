/**
 * Opens the HTML report in headless Chromium, takes screenshots (light and dark scheme),
 * and checks they show something: many distinct colours and plenty of non-background
 * pixels, the light page light and the dark page dark. Skipped, with the reason printed,
 * only where no chromium is installed (CI installs Debian's chromium).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { buildComparison } from "../scripts/lib/compare/build.ts";
import { render } from "../scripts/lib/render/html.ts";
import { type LoadedResult, parseResult } from "../scripts/lib/result/read.ts";
import { cleanupTempDirs, tempDir } from "./helpers.ts";

const CHROMIUM = ["chromium", "chromium-browser", "google-chrome"].map((name) => Bun.which(name)).find((path) => path !== null) ?? null;
if (!CHROMIUM) console.log("html-browser.test.ts: skipped: no chromium on PATH (apt-get install -y chromium)");

/** Seconds one chromium screenshot may take before it is killed. */
const CHROMIUM_TIMEOUT_MS = 60_000;

afterAll(cleanupTempDirs);

interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
function decodePng(bytes: Uint8Array): Image {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      const depth = data[8];
      colorType = data[9]!;
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${data[12]}`);
      }
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const value = line[x]!;
      const predicted = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    rgba[i * 4] = pixels[i * channels]!;
    rgba[i * 4 + 1] = pixels[i * channels + 1]!;
    rgba[i * 4 + 2] = pixels[i * channels + 2]!;
    rgba[i * 4 + 3] = channels === 4 ? pixels[i * channels + 3]! : 255;
  }
  return { width, height, rgba };
}

/** Distinct colours, the most common one (the background) and the share of other pixels. */
function colourStats(image: Image): { distinct: number; background: [number, number, number]; inked: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < image.width * image.height; i += 1) {
    const key = (image.rgba[i * 4]! << 16) | (image.rgba[i * 4 + 1]! << 8) | image.rgba[i * 4 + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let top = 0;
  let topCount = 0;
  for (const [key, count] of counts) if (count > topCount) [top, topCount] = [key, count];
  return {
    distinct: counts.size,
    background: [(top >> 16) & 0xff, (top >> 8) & 0xff, top & 0xff],
    inked: 1 - topCount / (image.width * image.height),
  };
}

/** Headless chromium on one local page, offline, killed after CHROMIUM_TIMEOUT_MS. */
async function chromium(htmlPath: string, flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = [
    CHROMIUM!, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
    `--user-data-dir=${tempDir("coldstart-chromium-")}`, "--hide-scrollbars",
    ...flags,
    `file://${htmlPath}`,
  ];
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), CHROMIUM_TIMEOUT_MS);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function screenshot(htmlPath: string, pngPath: string, extraFlags: string[] = []): Promise<void> {
  const { code, stderr } = await chromium(htmlPath, [`--screenshot=${pngPath}`, "--window-size=1200,2000", ...extraFlags]);
  if (!existsSync(pngPath)) {
    throw new Error(`chromium exited ${code} without a screenshot (timeout ${CHROMIUM_TIMEOUT_MS} ms):\n${stderr.slice(-2000)}`);
  }
}

function load(name: string): LoadedResult {
  return parseResult(readFileSync(join(import.meta.dir, "fixtures", "html", name), "utf8"), name);
}

describe("html report in a browser", () => {
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

  test.skipIf(!CHROMIUM)("chromium renders the report: non-blank, light and dark", async () => {
    const dir = tempDir("coldstart-html-");
    const results = [load("base.json"), load("candidate.json"), load("evil.json")];
    const htmlPath = join(dir, "report.html");
    writeFileSync(htmlPath, render(buildComparison(results)));
    const blankPath = join(dir, "blank.html");
    writeFileSync(blankPath, "<!DOCTYPE html><html><body></body></html>");

    const shots = { report: join(dir, "report.png"), dark: join(dir, "dark.png"), blank: join(dir, "blank.png") };
    await screenshot(htmlPath, shots.report);
    await screenshot(htmlPath, shots.dark, ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]);
    await screenshot(blankPath, shots.blank);
    if (process.env.COLDSTART_KEEP_SCREENSHOT) {
      writeFileSync(process.env.COLDSTART_KEEP_SCREENSHOT, readFileSync(shots.report));
    }

    const blank = colourStats(decodePng(readFileSync(shots.blank)));
    const light = colourStats(decodePng(readFileSync(shots.report)));
    const dark = colourStats(decodePng(readFileSync(shots.dark)));
    expect(blank.inked).toBeLessThan(0.001);
    // Text, dots, boxes and bars in several tones: hundreds of colours, a good share inked.
    expect(light.distinct).toBeGreaterThan(200);
    expect(light.inked).toBeGreaterThan(0.05);
    expect(readFileSync(shots.report).length).toBeGreaterThan(readFileSync(shots.blank).length * 5);
    const luminance = ([r, g, b]: [number, number, number]): number => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    expect(luminance(light.background)).toBeGreaterThan(200);
    expect(dark.distinct).toBeGreaterThan(200);
    expect(luminance(dark.background)).toBeLessThan(60);
    // Three chromium starts: seconds each on a busy machine, each bounded by its own kill timer.
  }, 3 * CHROMIUM_TIMEOUT_MS + 10_000);

  test.skipIf(!CHROMIUM)("every table fits a 1280-pixel window; on a phone the page stays its width and wide tables scroll", async () => {
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
  }, 2 * CHROMIUM_TIMEOUT_MS + 10_000);
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
  if (!title) throw new Error(`chromium exited ${code} without the layout (timeout ${CHROMIUM_TIMEOUT_MS} ms):\n${stderr.slice(-2000)}`);
  return JSON.parse(title.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")) as Layout;
}
