/**
 * Every option of the three tools, declared once: flag, config key, type, bounds, default
 * and help. The one table drives command-line parsing, the validation of config values
 * (`[tool.coldstart]`, `--config`) and the help text, so a flag and its config key can
 * never disagree. Hand-written parser (no node:util): the compare tool's start-up counts.
 */
import packageJson from "../../package.json" with { type: "json" };
import { UserError } from "./errors.ts";
import { FORMATS, formatChoices, formatNames } from "./formats.ts";
import { METRICS, type MetricName } from "./quantities.ts";

export const VERSION: string = packageJson.version;

export type Tool = "test" | "bench" | "compare";

type Kind =
  | "int" // whole number within [min, max]
  | "number" // finite number within (above, below)
  | "string"
  | "bool"
  | "choice" // one of `choices`
  | "module" // a dotted Python module name
  | "pythons"; // interpreters: a comma-separated list (flag) or a string / list of strings (config)

export interface OptionSpec {
  /** Long flag without the dashes. */
  flag: string;
  short?: string;
  /** The `[tool.coldstart]` key when the option is also a setting. */
  key?: SettingKey;
  kind: Kind;
  min?: number;
  max?: number;
  /** Exclusive bounds for numbers. */
  above?: number;
  below?: number;
  /** The allowed values; a function when they come from a list that may grow (formats). */
  choices?: readonly string[] | (() => readonly string[]);
  /** What the help calls the value, e.g. N, DIR. */
  value?: string;
  /** The value a bare flag stands for, for flags whose value is optional (`--fail-on-regression`). */
  bare?: string;
  help: string | (() => string);
  group: "Target and output" | "Measurement" | "Benchmark" | "Over time" | "Fix it" | "Report" | "General";
  tools: readonly Tool[];
}

/** The scalar settings that `[tool.coldstart]`, `--config` and flags can set. */
export interface ScalarSettings {
  package: string;
  /** Interpreters as asked for (resolved to real executables before timing); empty: the default. */
  python: string[];
  install: string | null;
  iterations: number;
  warmup: number;
  timeout: number;
  pyc: "warm" | "cold";
  importtime_runs: number;
  max_iterations: number;
  precision: number;
  metric: MetricName;
  jobs: number;
  /** Python statements run after the measured import, standing for what the package is used for (--advise). */
  workload: string | null;
  /** The same in a file, relative to the target. */
  workload_file: string | null;
  /** Dependencies per tree: an environment of the cache (venv, uv), none, or auto (env/plan.ts). */
  env: "auto" | "venv" | "uv" | "none";
  /** Install the tree itself (--no-deps) instead of putting it on PYTHONPATH. */
  install_tree: boolean;
  /** Submodules checked out in a ref's worktree: auto, those the measured import can need. */
  submodules: "auto" | "all" | "none";
}
export type SettingKey = keyof ScalarSettings;

export const DEFAULTS = {
  iterations: 10,
  warmup: 1,
  timeout: 10,
  pyc: "warm",
  importtime_runs: 3,
  max_iterations: 30,
  precision: 5,
  metric: "time",
  env: "auto",
  install_tree: false,
  submodules: "auto",
} as const satisfies Partial<ScalarSettings>;

const MEASURING: readonly Tool[] = ["test", "bench"];
const ALL: readonly Tool[] = ["test", "bench", "compare"];

export const OPTIONS: readonly OptionSpec[] = [
  { flag: "repo", kind: "string", value: "DIR", group: "Target and output", tools: MEASURING,
    help: "Python project to measure (default: the project of the current folder: nearest pyproject.toml, else the git top level)" },
  { flag: "out", kind: "string", value: "DIR", group: "Target and output", tools: MEASURING,
    help: "where result files go (default: <repo>/benchmark_results)" },
  { flag: "config", kind: "string", value: "FILE", group: "Target and output", tools: MEASURING,
    help: "settings file (TOML or JSON, keys as in [tool.coldstart])" },
  { flag: "package", key: "package", kind: "module", value: "NAME", group: "Measurement", tools: MEASURING,
    help: 'package whose modules are counted as "filtered"' },
  { flag: "python", key: "python", kind: "pythons", value: "PY[,PY...]", group: "Measurement", tools: MEASURING,
    help: "interpreter(s): a path, a command, or a version such as 3.12 (default: <tree>/.venv/bin/python, else python3)" },
  { flag: "iterations", short: "n", key: "iterations", kind: "int", min: 1, value: "N", group: "Measurement", tools: MEASURING,
    help: `counted runs per measurement (default ${DEFAULTS.iterations})` },
  { flag: "warmup", key: "warmup", kind: "int", min: 0, value: "N", group: "Measurement", tools: MEASURING,
    help: `uncounted runs first (default ${DEFAULTS.warmup})` },
  { flag: "timeout", key: "timeout", kind: "number", above: 0, value: "SECONDS", group: "Measurement", tools: MEASURING,
    help: `per Python process (default ${DEFAULTS.timeout})` },
  { flag: "pyc", key: "pyc", kind: "choice", choices: ["warm", "cold"], value: "warm|cold", group: "Measurement", tools: MEASURING,
    help: `cold: a fresh empty bytecode cache for every run (default ${DEFAULTS.pyc})` },
  { flag: "importtime-runs", key: "importtime_runs", kind: "int", min: 0, value: "N", group: "Measurement", tools: MEASURING,
    help: `-X importtime runs per measurement, 0 to skip (default ${DEFAULTS.importtime_runs})` },
  { flag: "metric", key: "metric", kind: "choice", choices: METRICS.map((metric) => metric.name), value: METRICS.map((metric) => metric.name).join("|"), group: "Measurement", tools: MEASURING,
    help: `what decides a comparison: ${METRICS.map((metric) => `${metric.name} (${metric.about})`).join("; ")}; the others are measured beside it (default time)` },
  { flag: "jobs", key: "jobs", kind: "int", min: 1, value: "N", group: "Measurement", tools: MEASURING,
    help: "parallel runs when counting instructions (default: the number of cores; time is always measured one run at a time)" },
  { flag: "max-iterations", key: "max_iterations", kind: "int", min: 1, value: "N", group: "Measurement", tools: MEASURING,
    help: `comparing refs: go on up to N counted runs while noise hides a change of --precision percent (default ${DEFAULTS.max_iterations})` },
  { flag: "precision", key: "precision", kind: "number", above: 0, below: 100, value: "PCT", group: "Measurement", tools: MEASURING,
    help: `change a comparison must be able to detect, % (default ${DEFAULTS.precision})` },
  { flag: "why", kind: "string", value: "MODULE", group: "Measurement", tools: MEASURING,
    help: "print the chain of imports from each statement to MODULE, with file:line of every link" },
  { flag: "workload", key: "workload", kind: "string", value: "STATEMENTS", group: "Fix it", tools: MEASURING,
    help: "Python run after the import, standing for what the package is used for (e.g. \"mypkg.main(['--help'])\")" },
  { flag: "workload-file", key: "workload_file", kind: "string", value: "PATH", group: "Fix it", tools: MEASURING,
    help: "the workload in a file (relative to the project)" },
  { flag: "advise", kind: "bool", group: "Fix it", tools: MEASURING,
    help: "what to defer: the import statements of your package whose modules the workload never uses, with the predicted saving" },
  { flag: "apply", kind: "int", min: 0, bare: "0", value: "N", group: "Fix it", tools: ["bench"],
    help: "with --advise REF: rewrite the top N movable candidates (bare: all) in a temporary worktree, check them, benchmark REF against the patch and write advice/<ref>-defer.patch" },
  { flag: "check", kind: "string", value: "CMD", group: "Fix it", tools: ["bench"],
    help: "with --apply: a command (through the shell, e.g. \"pytest -q -x\") that must pass on the patched tree whenever it passes on the original" },
  { flag: "aa", kind: "string", value: "REF", group: "Benchmark", tools: ["bench"],
    help: "measure REF against itself (two worktrees): this machine's noise" },
  { flag: "interactive", short: "i", kind: "bool", group: "Benchmark", tools: ["bench"],
    help: "choose refs and iterations with prompts (needs a terminal, never in CI)" },
  { flag: "submodules", key: "submodules", kind: "choice", choices: ["auto", "all", "none"], value: "auto|all|none", group: "Benchmark", tools: ["bench"],
    help: `submodules checked out in each ref's worktree: auto, only those under the measured package or on its import path; all; none (default ${DEFAULTS.submodules})` },
  { flag: "drop-caches", kind: "bool", group: "Benchmark", tools: ["bench"],
    help: "drop the OS page cache before every run (Linux, root only)" },
  { flag: "env", key: "env", kind: "choice", choices: ["auto", "venv", "uv", "none"], value: "auto|venv|uv|none", group: "Benchmark", tools: ["bench"],
    help: "dependencies per tree: venv / uv: a cached environment holding what the tree declares; none: the interpreter as it is; auto (default): an environment when a tree declares dependencies the interpreter lacks, uv sync when uv.lock and uv are there" },
  { flag: "install-tree", key: "install_tree", kind: "bool", group: "Benchmark", tools: ["bench"],
    help: "with an environment: build and install the tree itself (--no-deps) instead of putting it on PYTHONPATH (extension modules)" },
  { flag: "prune-envs", kind: "number", min: 0, bare: "0", value: "DAYS", group: "Benchmark", tools: ["bench"],
    help: "remove cached environments unused for DAYS days (bare: all), except those a running coldstart uses, and exit" },
  { flag: "bisect", kind: "bool", group: "Over time", tools: ["bench"],
    help: "GOOD BAD: find the first commit on the first-parent path significantly slower than GOOD" },
  { flag: "threshold", kind: "number", min: 0, value: "PCT", group: "Over time", tools: ["bench", "compare"],
    help: "--bisect: how much slower counts as slow; --history: the smallest change marked, % (default 5)" },
  { flag: "history", kind: "string", value: "RANGE", group: "Over time", tools: ["bench"],
    help: "measure the commits of RANGE (e.g. main~50..main) and draw the trend" },
  { flag: "every", kind: "int", min: 1, value: "K", group: "Over time", tools: ["bench"],
    help: "--history: measure every K-th commit (default 1)" },
  { flag: "shard", kind: "string", value: "K/N", group: "Over time", tools: ["bench"],
    help: "--history: measure only every N-th commit starting at the K-th (for N CI jobs)" },
  { flag: "max-time", kind: "string", value: "DURATION", group: "Over time", tools: ["bench"],
    help: "--bisect / --history: start no step that would end after DURATION (90s, 20m, 1h); the answer so far, exit 3" },
  { flag: "no-cache", kind: "bool", group: "Over time", tools: ["bench"],
    help: "measure afresh instead of reusing benchmark_results/cache/, and build environments afresh, replacing the cached ones (the new files and environments are cached)" },
  { flag: "history", kind: "bool", group: "Over time", tools: ["compare"],
    help: "FILES or folders written by bench --history (every shard's benchmark_results/cache): the trend, not a comparison" },
  { flag: "format", kind: "choice", choices: () => formatChoices(), value: "FORMAT", group: "Report", tools: ["compare", "bench"],
    help: () => `report format: ${FORMATS.map((format) => `${format.name} (${format.aliases?.length ? `or ${format.aliases.join(", ")}: ` : ""}${format.about})`).join(", ")}; default terminal` },
  { flag: "output", short: "o", kind: "string", value: "FILE", group: "Report", tools: ["compare", "bench"],
    help: "write the report to FILE instead of stdout (- is stdout; a file is replaced atomically, a link written through, a device or FIFO in place)" },
  { flag: "html", kind: "string", value: "FILE", group: "Report", tools: ["compare", "bench"],
    help: "also write the report as a self-contained HTML page (no network)" },
  { flag: "no-chart", kind: "bool", group: "Report", tools: ["compare", "bench"],
    help: "no distribution sketches in the terminal report" },
  { flag: "primary", kind: "string", value: "NAME", group: "Report", tools: ["compare", "bench"],
    help: "measurement the summary speaks from (default: the first one)" },
  { flag: "fail-on-regression", kind: "number", min: 0, bare: "0", value: "PCT", group: "Report", tools: ["compare", "bench"],
    help: "exit 1 when the whole interval of a change lies beyond PCT % slower (bare: any significant slowdown), a lazy module turned eager or a candidate failed; exit 3 when the primary comparison cannot tell (its interval straddles PCT, or no verdict); 0 when its interval's slow end is below PCT" },
  { flag: "gate", kind: "choice", choices: ["typical", "tail", "both"], value: "typical|tail|both", group: "Report", tools: ["compare", "bench"],
    help: "what --fail-on-regression gates on: the typical change (default), the slow runs (--tail), or both" },
  { flag: "tail", kind: "number", above: 0, below: 1, value: "Q", group: "Report", tools: ["compare", "bench"],
    help: "the slow runs compared beside the typical change: the Q quantile (default 0.9)" },
  { flag: "github", kind: "bool", group: "Report", tools: ["compare", "bench"],
    help: "also append the markdown report to $GITHUB_STEP_SUMMARY" },
  { flag: "merge", kind: "bool", group: "Report", tools: ["compare"],
    help: "FILES or folders from several CI jobs: one report, each job's files compared among themselves" },
  { flag: "json", kind: "bool", group: "General", tools: MEASURING,
    help: "print the result (or the comparison) as JSON on stdout; progress still goes to stderr" },
  { flag: "quiet", short: "q", kind: "bool", group: "General", tools: MEASURING,
    help: "no progress output" },
  { flag: "help", short: "h", kind: "bool", group: "General", tools: ALL, help: "this help" },
  { flag: "version", short: "V", kind: "bool", group: "General", tools: ALL, help: "print the version" },
];

export type OptionValue = string | number | boolean | string[];

export interface ParsedArgs {
  /** Flag name -> value, for the options given (settings included). */
  values: Record<string, OptionValue>;
  /** The settings given as flags, keyed by config key; they win over every config file. */
  settings: Partial<ScalarSettings>;
  positionals: string[];
}

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function choicesOf(spec: OptionSpec): readonly string[] {
  return typeof spec.choices === "function" ? spec.choices() : spec.choices ?? [];
}

/** What a value must be, as the end of "X must be ...". */
function expectation(spec: OptionSpec): string {
  switch (spec.kind) {
    case "int":
      return `a whole number >= ${spec.min ?? 0}${spec.max !== undefined ? ` and <= ${spec.max}` : ""}`;
    case "number":
      // Both ends as the check applies them: --precision 0 is refused, so "between 0 and 100" would not say why.
      return `a number ${spec.above !== undefined ? `> ${spec.above}` : `>= ${spec.min ?? 0}`}${spec.below !== undefined ? ` and < ${spec.below}` : ""}`;
    case "choice":
      return `one of ${choicesOf(spec).map((choice) => `"${choice}"`).join(", ")}`;
    case "module":
      return "an importable module name (letters, digits, _ and dots)";
    case "pythons":
      return "an interpreter (path, command or version) or a list of them";
    case "bool":
      return "true or false";
    default:
      return "a non-empty string";
  }
}

/**
 * Checks one value against its spec; `raw` is a string from the command line or a TOML /
 * JSON value from a config file. Returns the typed value or a problem ("must be ...").
 */
export function coerce(spec: OptionSpec, raw: unknown): { value: OptionValue } | { problem: string } {
  const bad = { problem: `must be ${expectation(spec)} (got ${JSON.stringify(raw)})` };
  const fromText = typeof raw === "string";
  switch (spec.kind) {
    case "int": {
      const value = fromText ? (/^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN) : raw;
      if (typeof value !== "number" || !Number.isInteger(value)) return bad;
      if (value < (spec.min ?? -Infinity) || value > (spec.max ?? Infinity)) return bad;
      return { value };
    }
    case "number": {
      const value = fromText ? (raw.trim() === "" ? Number.NaN : Number(raw)) : raw;
      if (typeof value !== "number" || !Number.isFinite(value)) return bad;
      if (spec.min !== undefined && value < spec.min) return bad;
      if (spec.above !== undefined && !(value > spec.above)) return bad;
      if (spec.below !== undefined && !(value < spec.below)) return bad;
      return { value };
    }
    case "bool":
      return typeof raw === "boolean" ? { value: raw } : bad;
    case "choice":
      return typeof raw === "string" && choicesOf(spec).includes(raw) ? { value: raw } : bad;
    case "module":
      return typeof raw === "string" && MODULE_NAME.test(raw) ? { value: raw } : bad;
    case "pythons": {
      const list = fromText ? raw.split(",").map((item) => item.trim()) : Array.isArray(raw) ? raw : [raw];
      if (list.length === 0 || !list.every((item) => typeof item === "string" && item.trim() !== "")) return bad;
      return { value: list as string[] };
    }
    default:
      return typeof raw === "string" && raw.trim() !== "" ? { value: raw } : bad;
  }
}

/** The spec of a `[tool.coldstart]` key, if it is a scalar setting. */
export function settingSpec(key: string): OptionSpec | undefined {
  return OPTIONS.find((spec) => spec.key === key);
}

function optionsOf(tool: Tool): OptionSpec[] {
  return OPTIONS.filter((spec) => spec.tools.includes(tool));
}

/**
 * Parses a tool's command line against the table. `--name value`, `--name=value`, `-n value`
 * and `-n5` are accepted; an option whose value is optional (`--fail-on-regression`) takes
 * the next argument only when it is a number. Every problem is one UserError line.
 */
export function parseArgs(argv: readonly string[], tool: Tool, toolName: string): ParsedArgs {
  const specs = optionsOf(tool);
  const values: Record<string, OptionValue> = {};
  const settings: Partial<ScalarSettings> = {};
  const positionals: string[] = [];
  const seeHelp = `see ${toolName} --help`;
  const store = (spec: OptionSpec, raw: unknown, shown: string) => {
    const result = coerce(spec, raw);
    if ("problem" in result) throw new UserError(`${shown} ${result.problem}`);
    values[spec.flag] = result.value;
    if (spec.key) (settings as Record<string, OptionValue>)[spec.key] = result.value;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = specs.find((candidate) => candidate.flag === name);
      shown = `--${name}`;
      if (!spec) throw new UserError(`unknown option ${JSON.stringify(`--${name}`)}; ${seeHelp}`);
    } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
      spec = specs.find((candidate) => candidate.short === arg[1]);
      shown = `-${arg[1]}`;
      if (!spec) throw new UserError(`unknown option ${JSON.stringify(arg.slice(0, 2))}; ${seeHelp}`);
      if (arg.length > 2) {
        if (spec.kind === "bool") throw new UserError(`${shown} takes no value (got ${JSON.stringify(arg)}); ${seeHelp}`);
        inline = arg.slice(2);
      }
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.kind === "bool") {
      if (inline !== undefined) throw new UserError(`${shown} takes no value (got ${JSON.stringify(inline)}); ${seeHelp}`);
      values[spec.flag] = true;
      if (spec.key) (settings as Record<string, OptionValue>)[spec.key] = true;
      continue;
    }
    if (inline !== undefined) {
      store(spec, inline, shown);
      continue;
    }
    const next = argv[index + 1];
    if (spec.bare !== undefined) {
      if (next !== undefined && /^\s*-?\d+(\.\d+)?\s*$/.test(next)) {
        store(spec, next, shown);
        index += 1;
      } else {
        store(spec, spec.bare, shown);
      }
      continue;
    }
    if (next === undefined || (next.startsWith("-") && next.length > 1 && !/^-\d/.test(next))) {
      throw new UserError(`${shown} needs a value (${spec.value ?? "a value"}: ${expectation(spec)}); ${seeHelp}`);
    }
    store(spec, next, shown);
    index += 1;
  }
  return { values, settings, positionals };
}

/** The options section of a tool's help, grouped, from the table. */
export function optionsHelp(tool: Tool): string {
  const groups = new Map<string, string[]>();
  for (const spec of optionsOf(tool)) {
    const names = `${spec.short ? `-${spec.short}, ` : ""}--${spec.flag}${spec.value ? (spec.bare !== undefined ? `[=${spec.value}]` : ` ${spec.value}`) : ""}`;
    const help = typeof spec.help === "function" ? spec.help() : spec.help;
    const line = names.length <= 22 ? `  ${names.padEnd(22)}${help}` : `  ${names}\n  ${" ".repeat(22)}${help}`;
    const list = groups.get(spec.group) ?? [];
    list.push(line);
    groups.set(spec.group, list);
  }
  return [...groups].map(([group, lines]) => `${group}:\n${lines.join("\n")}`).join("\n");
}

/** Convenience accessors for parsed values. */
export function stringValue(args: ParsedArgs, flag: string): string | undefined {
  const value = args.values[flag];
  return typeof value === "string" ? value : undefined;
}

export function numberValue(args: ParsedArgs, flag: string): number | undefined {
  const value = args.values[flag];
  return typeof value === "number" ? value : undefined;
}

export function flagGiven(args: ParsedArgs, flag: string): boolean {
  return args.values[flag] === true;
}
