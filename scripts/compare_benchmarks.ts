#!/usr/bin/env bun
/**
 * coldstart-compare: compare result files (the first is the baseline) and report, with
 * verdicts from the samples. Thin: parse arguments, call scripts/lib/report.ts, print,
 * exit 0 (ok), 1 (--fail-on-regression tripped), 2 (usage or input error).
 * Imports no zx and no @clack/prompts: its own start-up matters.
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import packageJson from "../package.json" with { type: "json" };
import { isTerminal, stdoutPalette } from "./lib/color.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { writeFileAtomic } from "./lib/files.ts";
import { render as renderHtml } from "./lib/render/html.ts";
import { renderComparison, REPORT_FORMATS, type ReportFormat, renderComparisonReport } from "./lib/report.ts";
import { readResult } from "./lib/result.ts";

const TOOL = "coldstart-compare";

const HELP = `Usage: ${TOOL} <baseline.json> <candidate.json> [more.json ...] [options]

Compares cold start result files. The first file is the baseline; each further file is
compared with it. Reads coldstart schema-1 files and the original Python tool's files.

Options:
  --format terminal|markdown|json   report format (default: terminal)
  --output FILE                     write the report to FILE (atomically) instead of stdout
  --html FILE                       also write a self-contained HTML report (charts, no network)
  --no-chart                        no distribution sketches in the terminal report
  --primary NAME                    measurement the summary speaks from (default: the first)
  --fail-on-regression[=PCT]        exit 1 when a measurement is significantly slower by at
                                    least PCT % (default 0), or a lazy module became eager
  --github                          also append the markdown report to $GITHUB_STEP_SUMMARY
  -h, --help                        show this help
  -V, --version                     show the version

Verdicts compare the fastest run of each side (machine noise only adds time) with a
two-sided permutation test (alpha 0.05), with that difference, its 95% confidence
interval, and the smallest effect the samples could detect (power 0.8). Files without samples get the arithmetic on means only.
Δ = baseline − candidate: ↓ faster, ↑ slower. Colour: NO_COLOR, FORCE_COLOR, terminal only.
Exit codes: 0 ok, 1 regression (with --fail-on-regression), 2 usage or input error.`;

interface CompareOptions {
  files: string[];
  format: ReportFormat;
  output: string | null;
  html: string | null;
  chart: boolean;
  primary: string | undefined;
  failOnRegressionPct: number | undefined;
  github: boolean;
  help: boolean;
  version: boolean;
}

function parseOptions(argv: string[]): CompareOptions {
  // `--fail-on-regression` takes an optional value: bare means 0.
  const args = argv.map((arg) => (arg === "--fail-on-regression" ? "--fail-on-regression=0" : arg));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        output: { type: "string", short: "o" },
        html: { type: "string" },
        "no-chart": { type: "boolean" },
        primary: { type: "string" },
        "fail-on-regression": { type: "string" },
        github: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const { values, positionals } = parsed;
  const format = (values.format ?? "terminal") as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    throw new UserError(`--format ${values.format}: choose one of ${REPORT_FORMATS.join(", ")}`);
  }
  let failOnRegressionPct: number | undefined;
  const fail = values["fail-on-regression"];
  if (fail !== undefined) {
    failOnRegressionPct = Number(fail);
    if (fail.trim() === "" || !Number.isFinite(failOnRegressionPct) || failOnRegressionPct < 0) {
      throw new UserError(`--fail-on-regression=${fail}: give a percentage of 0 or more, e.g. --fail-on-regression=5`);
    }
  }
  return {
    files: positionals,
    format,
    output: values.output ?? null,
    html: values.html ?? null,
    chart: values["no-chart"] !== true,
    primary: values.primary,
    failOnRegressionPct,
    github: values.github ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** Writes through Bun's own file handles: process.stdout would cost ~17 ms of start-up. */
async function write(destination: typeof Bun.stdout, text: string): Promise<void> {
  await Bun.write(destination, text);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    await write(Bun.stdout, `${HELP}\n`);
    return 0;
  }
  if (options.version) {
    await write(Bun.stdout, `${TOOL} ${packageJson.version}\n`);
    return 0;
  }
  if (options.files.length < 2) {
    throw new UserError(`give at least two result files: ${TOOL} <baseline.json> <candidate.json> (see --help)`);
  }
  const results = await Promise.all(options.files.map((file) => readResult(file)));
  const toTerminal = options.output === null && options.format === "terminal";
  const palette = toTerminal ? stdoutPalette() : undefined;
  const { text, comparison } = renderComparisonReport(results, {
    format: options.format,
    palette,
    charts: toTerminal && options.chart && isTerminal(1),
    primary: options.primary,
    failOnRegressionPct: options.failOnRegressionPct,
  });
  if (options.html !== null) {
    writeFileAtomic(options.html, renderHtml(comparison, results));
    await write(Bun.stderr, `${TOOL}: wrote ${options.html}\n`);
  }
  if (options.output !== null) {
    writeFileAtomic(options.output, text);
    await write(Bun.stderr, `${TOOL}: wrote ${options.output}\n`);
  } else {
    await write(Bun.stdout, text);
  }
  if (options.github) {
    const summaryPath = process.env.GITHUB_STEP_SUMMARY;
    if (summaryPath) {
      const markdown = options.format === "markdown" ? text : renderComparison(comparison, "markdown");
      try {
        appendFileSync(summaryPath, `${markdown}\n`);
      } catch (error) {
        throw new UserError(`cannot append to GITHUB_STEP_SUMMARY (${summaryPath}): ${error instanceof Error ? error.message : String(error)}`);
      }
    } else {
      await write(Bun.stderr, `${TOOL}: --github: GITHUB_STEP_SUMMARY is not set; nothing appended\n`);
    }
  }
  return options.failOnRegressionPct !== undefined && comparison.regression ? 1 : 0;
}

await runMain(TOOL, main);
