/**
 * The report formats, as a table: each renderer turns the one comparison model into text.
 * `--format` picks one; `--html FILE` is a shortcut for a second, html copy.
 */
import type { Comparison } from "../model/comparison.ts";
import type { Palette } from "./color.ts";
import { render as html } from "./html.ts";
import { render as json } from "./json.ts";
import { render as markdown } from "./markdown.ts";
import { render as terminal } from "./terminal.ts";

export type ReportFormat = "terminal" | "markdown" | "json" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["terminal", "markdown", "json", "html"];

export interface RenderOptions {
  /** Colours (terminal only; default none). */
  palette?: Palette;
  /** Distribution sketches under each measurement (terminal only). */
  charts?: boolean;
}

const RENDERERS: Record<ReportFormat, (comparison: Comparison, options: RenderOptions) => string> = {
  terminal: (comparison, options) => terminal(comparison, options),
  markdown: (comparison) => markdown(comparison),
  json: (comparison) => json(comparison),
  html: (comparison) => html(comparison),
};

export function renderReport(comparison: Comparison, format: ReportFormat, options: RenderOptions = {}): string {
  return RENDERERS[format](comparison, options);
}
