/**
 * Flags shared by the measuring tools, parsed once into a typed options object.
 * Numbers are validated here so `--iterations ten` is one clear line, not NaN later.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import packageJson from "../../package.json" with { type: "json" };
import type { ConfigInput, PycMode } from "./config.ts";
import { UserError } from "./errors.ts";

export const VERSION: string = packageJson.version;

export const MEASURE_FLAGS = {
  repo: { type: "string" },
  out: { type: "string" },
  config: { type: "string" },
  package: { type: "string" },
  python: { type: "string" },
  iterations: { type: "string", short: "n" },
  warmup: { type: "string" },
  timeout: { type: "string" },
  pyc: { type: "string" },
  "importtime-runs": { type: "string" },
  "max-iterations": { type: "string" },
  precision: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const satisfies ParseArgsConfig["options"];

export const MEASURE_FLAGS_HELP = `Target and output:
  --repo DIR            Python project to measure (default: git top level of the current folder)
  --out DIR             where result files go (default: <repo>/benchmark_results)
  --config FILE         settings file (TOML or JSON, keys as in [tool.coldstart])
Measurement (override [tool.coldstart] in pyproject.toml):
  --package NAME        package whose modules are counted as "filtered"
  --python PATH         interpreter (default: <tree>/.venv/bin/python, else python3)
  -n, --iterations N    counted runs per measurement (default 10)
  --warmup N            uncounted runs first (default 1)
  --timeout SECONDS     per Python process (default 10)
  --pyc warm|cold       cold: a fresh empty bytecode cache for every run (default warm)
  --importtime-runs N   -X importtime runs per measurement, 0 to skip (default 3)
  --max-iterations N    comparing refs: go on up to N counted runs while noise hides
                        a change of --precision percent (default 30)
  --precision PCT       change a comparison must be able to detect, % (default 5)
Output:
  --json                print the whole result as JSON on stdout instead of progress
  -q, --quiet           no progress output
  -h, --help            this help
  -V, --version         print the version`;

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, tool: string) {
  // `--iterations -1` should reach our validation ("must be >= 1"), not parseArgs' "ambiguous".
  const takesValue = (arg: string) =>
    Object.entries(options).some(([name, spec]) => spec.type === "string" && (arg === `--${name}` || arg === `-${spec.short}`));
  const args: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      args.push(`${arg.startsWith("--") ? arg : `--${Object.entries(options).find(([, spec]) => `-${spec.short}` === arg)![0]}`}=${next}`);
      index += 1;
    } else {
      args.push(arg);
    }
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new UserError(`${message.replace(/\.$/, "")}; see ${tool} --help`);
  }
}

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UserError(`--${flag} must be a whole number >= ${min} (got "${value}")`);
  }
  return Number(value);
}

export interface MeasureFlags {
  repo: string | undefined;
  out: string | undefined;
  configFile: string | undefined;
  json: boolean;
  quiet: boolean;
  /** Settings given as flags; they win over every config file. */
  settings: ConfigInput;
}

export function measureFlags(values: Record<string, string | boolean | undefined>): MeasureFlags {
  const str = (key: string) => values[key] as string | undefined;
  const settings: ConfigInput = {};
  const iterations = integer("iterations", str("iterations"), 1);
  if (iterations !== undefined) settings.iterations = iterations;
  const warmup = integer("warmup", str("warmup"), 0);
  if (warmup !== undefined) settings.warmup = warmup;
  const importtimeRuns = integer("importtime-runs", str("importtime-runs"), 0);
  if (importtimeRuns !== undefined) settings.importtime_runs = importtimeRuns;
  const maxIterations = integer("max-iterations", str("max-iterations"), 1);
  if (maxIterations !== undefined) settings.max_iterations = maxIterations;
  const precision = str("precision");
  if (precision !== undefined) {
    const pct = Number(precision);
    if (precision.trim() === "" || !(pct > 0 && pct < 100)) throw new UserError(`--precision must be a percentage between 0 and 100 (got "${precision}")`);
    settings.precision = pct;
  }
  const timeout = str("timeout");
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || timeout.trim() === "") {
      throw new UserError(`--timeout must be a number of seconds > 0 (got "${timeout}")`);
    }
    settings.timeout = seconds;
  }
  const pyc = str("pyc");
  if (pyc !== undefined) {
    if (pyc !== "warm" && pyc !== "cold") throw new UserError(`--pyc must be "warm" or "cold" (got "${pyc}")`);
    settings.pyc = pyc as PycMode;
  }
  if (str("python") !== undefined) settings.python = str("python");
  const pkg = str("package");
  if (pkg !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(pkg)) throw new UserError(`--package must be a module name (got "${pkg}")`);
    settings.package = pkg;
  }
  return {
    repo: str("repo"),
    out: str("out"),
    configFile: str("config"),
    json: values.json === true,
    quiet: values.quiet === true,
    settings,
  };
}
