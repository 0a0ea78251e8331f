/**
 * Headless Chromium for the HTML tests: one offline run on a local page, a screenshot, and a
 * small PNG decoder to tell a rendered page from a blank one. CHROMIUM is null where no
 * chromium is installed (CI installs Debian's); the tests skip with the reason printed.
 */
import { existsSync, readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { hangLimit, tempDir } from "../helpers.ts";

export const CHROMIUM = ["chromium", "chromium-browser", "google-chrome"].map((name) => Bun.which(name)).find((path) => path !== null) ?? null;

/** Milliseconds one chromium start may take before it is killed: a hang limit, scaled to the machine. */
export const chromiumTimeoutMs = (): number => hangLimit(60_000);

export interface Image {
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
export function decodePng(bytes: Uint8Array): Image {
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
export function colourStats(image: Image): { distinct: number; background: [number, number, number]; inked: number } {
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

/** Headless chromium on one local page, offline, killed after chromiumTimeoutMs(). */
export async function chromium(htmlPath: string, flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = [
    CHROMIUM!, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
    `--user-data-dir=${tempDir("coldstart-chromium-")}`, "--hide-scrollbars",
    ...flags,
    `file://${htmlPath}`,
  ];
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), chromiumTimeoutMs());
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A 1200-pixel-wide screenshot of the page, decoded. */
export async function screenshot(htmlPath: string, pngPath: string, extraFlags: string[] = []): Promise<Image> {
  const { code, stderr } = await chromium(htmlPath, [`--screenshot=${pngPath}`, "--window-size=1200,2000", ...extraFlags]);
  if (!existsSync(pngPath)) {
    throw new Error(`chromium exited ${code} without a screenshot (timeout ${chromiumTimeoutMs()} ms):\n${stderr.slice(-2000)}`);
  }
  return decodePng(readFileSync(pngPath));
}

/** The ITU-R BT.709 luminance of a colour, 0 to 255. */
export function luminance([r, g, b]: [number, number, number]): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
