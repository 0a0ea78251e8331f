/**
 * The typed options objects the tools build from their parsed command line (settings.ts):
 * paths resolved against the current folder, interpreters checked before any work.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { UserError } from "./errors.ts";
import { formatDef } from "./formats.ts";
import { flagGiven, numberValue, type ParsedArgs, parseArgs, type ScalarSettings, stringValue, type Tool } from "./settings.ts";

/** What the measuring tools take from their command line, paths resolved against the current folder. */
export interface MeasureArgs {
  repo: string | undefined;
  out: string | undefined;
  configFile: string | undefined;
  json: boolean;
  quiet: boolean;
  /** --why MODULE: print the import chain to MODULE. */
  why: string | undefined;
  /** Settings given as flags; they win over every config file. */
  settings: Partial<ScalarSettings>;
}

/**
 * The measuring tools' common options. An interpreter given as a path is taken relative
 * to the current folder (like --out and --repo), and must exist: that is checked here,
 * before anything is created.
 */
export function measureArgs(args: ParsedArgs, cwd = process.cwd()): MeasureArgs {
  const settings = { ...args.settings };
  if (settings.python) {
    settings.python = settings.python.map((python) => {
      if (!python.includes("/")) return python;
      const path = isAbsolute(python) ? python : resolve(cwd, python);
      if (!existsSync(path)) throw new UserError(`--python ${python}: no such file (${path})`);
      return path;
    });
  }
  const path = (flag: string) => {
    const value = stringValue(args, flag);
    return value === undefined ? undefined : resolve(cwd, value);
  };
  return {
    repo: path("repo"),
    out: path("out"),
    configFile: path("config"),
    json: flagGiven(args, "json"),
    quiet: flagGiven(args, "quiet"),
    why: stringValue(args, "why"),
    settings,
  };
}

/** What the tools that compare take from their command line. */
export interface ReportArgs {
  /** A name from the formats table (formats.ts), checked when parsed; an alias (`md`) is given as the format's name. */
  format: string;
  output: string | null;
  html: string | null;
  charts: boolean;
  primary: string | undefined;
  /** --fail-on-regression threshold in %, undefined when not asked for. */
  failOnRegressionPct: number | undefined;
  github: boolean;
  /** The report flags the user gave (for "does nothing" notes). */
  given: string[];
}

const REPORT_FLAGS = ["format", "output", "html", "no-chart", "primary", "fail-on-regression", "github"];

export function reportArgs(args: ParsedArgs): ReportArgs {
  return {
    // --json alone asks for the json format; --format wins when both are given.
    format: formatDef(stringValue(args, "format") ?? (flagGiven(args, "json") ? "json" : "terminal")).name,
    // `-` is standard output, the default.
    output: stringValue(args, "output") === "-" ? null : stringValue(args, "output") ?? null,
    html: stringValue(args, "html") ?? null,
    charts: !flagGiven(args, "no-chart"),
    primary: stringValue(args, "primary"),
    failOnRegressionPct: numberValue(args, "fail-on-regression"),
    github: flagGiven(args, "github"),
    given: REPORT_FLAGS.filter((flag) => args.values[flag] !== undefined),
  };
}

/** A tool's command line, parsed once: the raw values and the typed options built from them. */
export interface ToolArgs {
  args: ParsedArgs;
  measure: MeasureArgs;
  report: ReportArgs;
}

export function parseToolArgs(argv: readonly string[], tool: Tool, toolName: string, cwd = process.cwd()): ToolArgs {
  const args = parseArgs(argv, tool, toolName);
  return { args, measure: measureArgs(args, cwd), report: reportArgs(args) };
}
