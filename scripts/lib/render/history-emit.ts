/**
 * Writing a trend where it was asked for: terminal, json or html to stdout or `--output`
 * (atomically), an html copy with `--html`. Shared by bench --history and compare --history.
 */
import type { Trend } from "../model/history.ts";
import type { ReportArgs } from "../options.ts";
import { STDOUT, writeFile } from "../write.ts";
import { isTerminal, stdoutPalette } from "./color.ts";
import { renderTrendHtml } from "./history-html.ts";
import { renderTrendTerminal } from "./history-terminal.ts";

export async function emitTrend(trend: Trend, report: ReportArgs, options: { json: boolean; tool: string }): Promise<void> {
  const format = options.json && !report.given.includes("format") ? "json" : report.format;
  const text = format === "json" ? `${JSON.stringify(trend, null, 2)}\n`
    : format === "html" ? renderTrendHtml(trend)
    : renderTrendTerminal(trend, report.output === null && isTerminal(1) ? stdoutPalette() : undefined);
  if (report.html !== null) {
    writeFile(report.html, format === "html" ? text : renderTrendHtml(trend), { flag: "--html" });
    if (report.html !== STDOUT) await Bun.write(Bun.stderr, `${options.tool}: wrote ${report.html}\n`);
  }
  if (report.output !== null) {
    writeFile(report.output, text, { flag: "--output" });
    await Bun.write(Bun.stderr, `${options.tool}: wrote ${report.output}\n`);
  } else {
    await Bun.write(Bun.stdout, text);
  }
}
