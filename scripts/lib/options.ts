/**
 * The typed options objects the tools build from their parsed command line (settings.ts):
 * paths resolved against the current folder, interpreters checked before any work.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { UserError } from "./errors.ts";
import type { GateOn } from "./model/comparison.ts";
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
  /** --max-time, in ms: no bisect step or history batch starts that would end after it. */
  maxTimeMs: number | undefined;
  /** --advise, and with it --apply N (0: every movable candidate; null: advice only) and --check CMD. */
  advise: { apply: number | null; check: string | null } | null;
  /** Settings given as flags; they win over every config file. */
  settings: Partial<ScalarSettings>;
}

/**
 * The measuring tools' common options. An interpreter given as a path is taken relative
 * to the current folder (like --out and --repo), and must exist: that is checked here,
 * before anything is created.
 */
export function measureArgs(args: ParsedArgs, cwd = process.cwd()): MeasureArgs {
  for (const flag of ["apply", "check"]) {
    if (args.values[flag] !== undefined && !flagGiven(args, "advise")) throw new UserError(`--${flag} goes with --advise (e.g. --advise --apply main); see --help`);
  }
  if (args.values.check !== undefined && args.values.apply === undefined) throw new UserError("--check runs on the patched tree: give --apply too");
  const settings = { ...args.settings };
  if (settings.workload_file) settings.workload_file = resolve(cwd, settings.workload_file);
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
    maxTimeMs: durationMs(stringValue(args, "max-time")),
    advise: flagGiven(args, "advise") ? { apply: numberValue(args, "apply") ?? null, check: stringValue(args, "check") ?? null } : null,
    settings,
  };
}

/** "90s", "20m", "1h", "1h30m" or plain seconds, in ms; undefined when not given. */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(h|m|s)/g)];
  const unit = { h: 3_600_000, m: 60_000, s: 1000 } as const;
  if (parts.length === 0 || parts.map((part) => part[0]).join("").replace(/\s/g, "") !== trimmed.replace(/\s/g, "")) {
    throw new UserError(`--max-time must be a duration such as 90s, 20m or 1h (got ${JSON.stringify(text)})`);
  }
  const ms = parts.reduce((sum, part) => sum + Number(part[1]) * unit[part[2] as keyof typeof unit], 0);
  if (!(ms > 0)) throw new UserError(`--max-time must be more than 0 (got ${JSON.stringify(text)})`);
  return ms;
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
  /** What the gate decides on (--gate). */
  gate: GateOn;
  /** The slow-runs quantile (--tail), undefined for the default. */
  tailQ: number | undefined;
  github: boolean;
  /** The report flags the user gave (for "does nothing" notes). */
  given: string[];
}

const REPORT_FLAGS = ["format", "output", "html", "no-chart", "primary", "fail-on-regression", "gate", "tail", "github"];

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
    gate: (stringValue(args, "gate") ?? "typical") as GateOn,
    tailQ: numberValue(args, "tail"),
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
