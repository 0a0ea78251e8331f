/**
 * Result files -> comparison -> report text: the one function the compare tool and the
 * branch runner (benchmark_cold_start.ts) share, so both print the same comparison.
 * Imports no zx and no @clack/prompts (the compare tool's start-up depends on it).
 */
import { buildComparison, type Comparison, type ComparisonOptions } from "./compare.ts";
import { plainPalette, type Palette } from "./color.ts";
import type { LoadedResult } from "./result.ts";
import { render as renderJson } from "./render/json.ts";
import { render as renderMarkdown } from "./render/markdown.ts";
import { render as renderTerminal } from "./render/terminal.ts";

export type ReportFormat = "terminal" | "markdown" | "json";
export const REPORT_FORMATS: readonly ReportFormat[] = ["terminal", "markdown", "json"];

export interface ReportOptions extends ComparisonOptions {
  format?: ReportFormat;
  /** Colours for the terminal format (default: none). Use stdoutPalette() for stdout. */
  palette?: Palette;
  /** Terminal format: a distribution sketch under each measurement (default: none). */
  charts?: boolean;
}

/** Renders a built comparison in one format. */
export function renderComparison(
  comparison: Comparison,
  format: ReportFormat = "terminal",
  palette: Palette = plainPalette,
  charts?: readonly LoadedResult[],
): string {
  const renderers: Record<ReportFormat, () => string> = {
    terminal: () => renderTerminal(comparison, palette, charts),
    markdown: () => renderMarkdown(comparison),
    json: () => renderJson(comparison),
  };
  return renderers[format]();
}

/**
 * Compares loaded results (first = baseline) and renders the report. Returns the text and
 * the comparison (whose `regression` says whether --fail-on-regression should exit 1).
 * Throws UserError (exit 2) for fewer than two results or an unknown primary measurement.
 */
export function renderComparisonReport(
  results: LoadedResult[],
  options: ReportOptions = {},
): { text: string; comparison: Comparison } {
  const comparison = buildComparison(results, { primary: options.primary, failOnRegressionPct: options.failOnRegressionPct });
  const charts = options.charts ? results : undefined;
  return { text: renderComparison(comparison, options.format ?? "terminal", options.palette, charts), comparison };
}
