/**
 * Writing a report where the user asked for it — a comparison, a trend or a bisect, in
 * the format of `--format` (formats.ts) — to stdout or `--output`, an html copy with
 * `--html`, the markdown to $GITHUB_STEP_SUMMARY with `--github`. Paths are checked before
 * any work (`checkReportPaths`), formats before any measuring (`checkReportFormats`).
 */
import { checkFormat, formatDef, render, type Subject, type Subjects } from "../formats.ts";
import type { ReportArgs } from "../options.ts";
import { appendFile, ensureWritableFile, STDOUT, writeFile } from "../write.ts";
import { UserError } from "../errors.ts";
import { isTerminal, stdoutPalette } from "./color.ts";

/** Fails before any measuring when a report could not be written where asked. */
export function checkReportPaths(report: ReportArgs): void {
  if (report.output !== null) ensureWritableFile(report.output, "--output");
  if (report.html !== null) ensureWritableFile(report.html, "--html");
}

/** Fails before any measuring when the formats asked for cannot render `subject`; `what` names the question. */
export function checkReportFormats(report: ReportArgs, subject: Subject, what: string): void {
  checkFormat(report.format, subject, what);
  if (report.html !== null) checkFormat("html", subject, what, "--html");
  if (report.github) checkFormat("markdown", subject, what, "--github");
}

/** Writes through Bun's own file handles: process.stdout costs start-up time. */
async function say(destination: typeof Bun.stdout, text: string): Promise<void> {
  await Bun.write(destination, text);
}

export async function emit<S extends Subject>(subject: S, value: Subjects[S], report: ReportArgs, tool: string): Promise<void> {
  const toTerminal = report.output === null && formatDef(report.format).forTerminal === true;
  const text = render(report.format, subject, value, {
    palette: toTerminal ? stdoutPalette() : undefined,
    charts: toTerminal && report.charts && isTerminal(1),
  });
  if (report.html !== null) {
    writeFile(report.html, report.format === "html" ? text : render("html", subject, value), { flag: "--html" });
    if (report.html !== STDOUT) await say(Bun.stderr, `${tool}: wrote ${report.html}\n`);
  }
  if (report.output !== null) {
    writeFile(report.output, text, { flag: "--output" });
    await say(Bun.stderr, `${tool}: wrote ${report.output}\n`);
  } else {
    await say(Bun.stdout, text);
  }
  if (report.github) {
    const summaryPath = process.env.GITHUB_STEP_SUMMARY;
    if (!summaryPath) {
      await say(Bun.stderr, `${tool}: --github: GITHUB_STEP_SUMMARY is not set; nothing appended\n`);
      return;
    }
    const markdown = report.format === "markdown" ? text : render("markdown", subject, value);
    try {
      appendFile(summaryPath, `${markdown}\n`);
    } catch (error) {
      throw new UserError(`cannot append to GITHUB_STEP_SUMMARY (${summaryPath}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
