/**
 * Writing a comparison where the user asked for it: the report in its format to stdout or
 * `--output` (atomically), an html copy with `--html`, the markdown to
 * $GITHUB_STEP_SUMMARY with `--github`. Output paths are checked before any work.
 */
import type { Comparison } from "../model/comparison.ts";
import { UserError } from "../errors.ts";
import { appendFile, ensureWritableFile, STDOUT, writeFile } from "../write.ts";
import type { ReportArgs } from "../options.ts";
import { isTerminal, stdoutPalette } from "./color.ts";
import { renderReport } from "./index.ts";

/** Fails before any measuring when a report could not be written where asked. */
export function checkReportPaths(report: ReportArgs): void {
  if (report.output !== null) ensureWritableFile(report.output, "--output");
  if (report.html !== null) ensureWritableFile(report.html, "--html");
}

/** Writes through Bun's own file handles: process.stdout costs start-up time. */
async function write(destination: typeof Bun.stdout, text: string): Promise<void> {
  await Bun.write(destination, text);
}

export async function emitReport(comparison: Comparison, report: ReportArgs, tool: string): Promise<void> {
  const toTerminal = report.output === null && report.format === "terminal";
  const text = renderReport(comparison, report.format, {
    palette: toTerminal ? stdoutPalette() : undefined,
    charts: toTerminal && report.charts && isTerminal(1),
  });
  if (report.html !== null) {
    writeFile(report.html, report.format === "html" ? text : renderReport(comparison, "html"), { flag: "--html" });
    if (report.html !== STDOUT) await write(Bun.stderr, `${tool}: wrote ${report.html}\n`);
  }
  if (report.output !== null) {
    writeFile(report.output, text, { flag: "--output" });
    await write(Bun.stderr, `${tool}: wrote ${report.output}\n`);
  } else {
    await write(Bun.stdout, text);
  }
  if (report.github) {
    const summaryPath = process.env.GITHUB_STEP_SUMMARY;
    if (!summaryPath) {
      await write(Bun.stderr, `${tool}: --github: GITHUB_STEP_SUMMARY is not set; nothing appended\n`);
      return;
    }
    const markdown = report.format === "markdown" ? text : renderReport(comparison, "markdown");
    try {
      appendFile(summaryPath, `${markdown}\n`);
    } catch (error) {
      throw new UserError(`cannot append to GITHUB_STEP_SUMMARY (${summaryPath}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
