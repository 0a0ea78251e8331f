/**
 * Configuration, later wins: built-in defaults < `[tool.coldstart]` in the target's
 * pyproject.toml < `--config FILE` < command-line flags. Every value is validated here,
 * once; an unknown key or a wrong type is a UserError naming the key and the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { UserError } from "./errors.ts";

export interface ImportSpec {
  /** Key in the result's `measurements`, e.g. "runpod_total". */
  name: string;
  statement: string;
}

export interface LazySpec {
  /** Top-level boolean key in the result, e.g. "paramiko_eagerly_loaded". */
  key: string;
  label: string;
  module: string;
  /** Statement after which `module` must not be loaded. */
  after: string;
  /** When the module is loaded, also time `import <module>` as a measurement named after it. */
  measure_if_loaded: boolean;
}

export interface Budgets {
  /** "<measurement>.<stat>" or "modules.total" / "modules.filtered" -> threshold; exceeded warns. */
  targets: Record<string, number>;
  /** Same keys; exceeded fails the run (exit 1). */
  limits: Record<string, number>;
}

export type PycMode = "warm" | "cold";

export interface Config {
  package: string;
  /** Interpreter as configured (resolved to its real executable before timing), or null for the default. */
  python: string | null;
  install: string | null;
  iterations: number;
  warmup: number;
  /** Seconds per Python process. */
  timeout: number;
  pyc: PycMode;
  /** `-X importtime` runs per measurement, aggregated by median. 0 turns them off. */
  importtime_runs: number;
  /**
   * Comparing trees: counted runs go on past `iterations`, up to this many, while a change
   * of `precision` percent would not yet be detected (noise decides, never the difference).
   */
  max_iterations: number;
  /** Percent of the baseline median a comparison must be able to detect (power 0.8). */
  precision: number;
  imports: ImportSpec[];
  lazy: LazySpec[];
  budgets: Budgets;
}

/** Values a user may set, in any source. */
export type ConfigInput = Partial<Omit<Config, "imports" | "lazy" | "budgets">> & {
  imports?: ImportSpec[];
  lazy?: LazySpec[];
  budgets?: Partial<Budgets>;
};

export const DEFAULTS = {
  iterations: 10,
  warmup: 1,
  timeout: 10,
  pyc: "warm" as PycMode,
  importtime_runs: 3,
  max_iterations: 30,
  precision: 5,
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type Raw = Record<string, unknown>;

function isTable(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates one source's table. `where` names the file (and table) in messages. */
export function validateConfigTable(table: Raw, where: string): ConfigInput {
  const fail = (key: string, problem: string): never => {
    throw new UserError(`${where}: ${key} ${problem}`);
  };
  const out: ConfigInput = {};
  const positiveInt = (key: string, value: unknown, min: number): number => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      fail(key, `must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    }
    return value as number;
  };
  const text = (key: string, value: unknown): string => {
    if (typeof value !== "string" || value.trim() === "") fail(key, `must be a non-empty string (got ${JSON.stringify(value)})`);
    return value as string;
  };
  const numberTable = (key: string, value: unknown): Record<string, number> => {
    if (!isTable(value)) return fail(key, "must be a table of name = number");
    const result: Record<string, number> = {};
    for (const [name, threshold] of Object.entries(value)) {
      if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold <= 0) {
        fail(`${key}."${name}"`, "must be a positive number");
      }
      if (!/^[^.]+\.(min|max|mean|median)$/.test(name) && name !== "modules.total" && name !== "modules.filtered") {
        fail(`${key}."${name}"`, 'must be "<measurement>.<min|max|mean|median>", "modules.total" or "modules.filtered"');
      }
      result[name] = threshold as number;
    }
    return result;
  };
  const listOf = (key: string, value: unknown): Raw[] => {
    if (!Array.isArray(value) || !value.every(isTable)) fail(key, "must be a list of tables ([[...]] in TOML)");
    return value as Raw[];
  };
  const only = (key: string, entry: Raw, allowed: string[]) => {
    for (const name of Object.keys(entry)) {
      if (!allowed.includes(name)) fail(`${key}.${name}`, `is not a known key (known: ${allowed.join(", ")})`);
    }
  };

  for (const [key, value] of Object.entries(table)) {
    switch (key) {
      case "package":
        out.package = text(key, value);
        if (!IDENTIFIER.test(out.package)) fail(key, `must be an importable module name (got ${JSON.stringify(value)})`);
        break;
      case "python":
        out.python = text(key, value);
        break;
      case "install":
        out.install = text(key, value);
        break;
      case "iterations":
        out.iterations = positiveInt(key, value, 1);
        break;
      case "warmup":
        out.warmup = positiveInt(key, value, 0);
        break;
      case "importtime_runs":
        out.importtime_runs = positiveInt(key, value, 0);
        break;
      case "max_iterations":
        out.max_iterations = positiveInt(key, value, 1);
        break;
      case "precision":
        if (typeof value !== "number" || !(value > 0) || !(value < 100)) fail(key, `must be a percentage between 0 and 100 (got ${JSON.stringify(value)})`);
        out.precision = value as number;
        break;
      case "timeout":
        if (typeof value !== "number" || !(value > 0)) fail(key, `must be a number of seconds > 0 (got ${JSON.stringify(value)})`);
        out.timeout = value as number;
        break;
      case "pyc":
        if (value !== "warm" && value !== "cold") fail(key, `must be "warm" or "cold" (got ${JSON.stringify(value)})`);
        out.pyc = value as PycMode;
        break;
      case "imports":
        out.imports = listOf(key, value).map((entry, index) => {
          only(`imports[${index}]`, entry, ["name", "statement"]);
          return { name: text(`imports[${index}].name`, entry.name), statement: text(`imports[${index}].statement`, entry.statement) };
        });
        break;
      case "lazy":
        out.lazy = listOf(key, value).map((entry, index) => {
          const at = `lazy[${index}]`;
          only(at, entry, ["key", "label", "module", "after", "measure_if_loaded"]);
          const module = text(`${at}.module`, entry.module);
          if (!IDENTIFIER.test(module)) fail(`${at}.module`, `must be a module name (got ${JSON.stringify(module)})`);
          if (entry.measure_if_loaded !== undefined && typeof entry.measure_if_loaded !== "boolean") {
            fail(`${at}.measure_if_loaded`, "must be true or false");
          }
          return {
            key: text(`${at}.key`, entry.key),
            label: entry.label === undefined ? module : text(`${at}.label`, entry.label),
            module,
            after: entry.after === undefined ? "" : text(`${at}.after`, entry.after),
            measure_if_loaded: entry.measure_if_loaded === true,
          };
        });
        break;
      case "budgets": {
        if (!isTable(value)) fail(key, "must be a table with targets and/or limits");
        only(key, value as Raw, ["targets", "limits"]);
        const budgets: Partial<Budgets> = {};
        if ((value as Raw).targets !== undefined) budgets.targets = numberTable("budgets.targets", (value as Raw).targets);
        if ((value as Raw).limits !== undefined) budgets.limits = numberTable("budgets.limits", (value as Raw).limits);
        out.budgets = budgets;
        break;
      }
      default:
        fail(key, "is not a known key (known: package, python, install, iterations, warmup, timeout, pyc, importtime_runs, max_iterations, precision, imports, lazy, budgets)");
    }
  }
  return out;
}

function parseToml(text: string, file: string): Raw {
  try {
    return Bun.TOML.parse(text) as Raw;
  } catch (error) {
    throw new UserError(`${file}: not valid TOML (${error instanceof Error ? error.message : String(error)})`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new UserError(`${file}: cannot read the config file (does it exist?)`);
  }
}

/** Reads a `--config` file: TOML or JSON with the keys at top level, or a pyproject.toml. */
export function readConfigFile(file: string): ConfigInput {
  const text = readText(file);
  if (file.endsWith(".json")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isTable(value)) throw new UserError(`${file}: must hold a JSON object of coldstart settings`);
    return validateConfigTable(value, file);
  }
  const table = parseToml(text, file);
  if (basename(file) === "pyproject.toml") {
    const section = (table.tool as Raw | undefined)?.coldstart;
    return isTable(section) ? validateConfigTable(section, `${file} [tool.coldstart]`) : {};
  }
  return validateConfigTable(table, file);
}

export interface ProjectInfo {
  /** `[tool.coldstart]` settings found in pyproject.toml. */
  settings: ConfigInput;
  /** Import name derived from `[project].name`, if any. */
  projectPackage: string | null;
}

export function readPyproject(tree: string): ProjectInfo {
  const file = join(tree, "pyproject.toml");
  if (!existsSync(file)) return { settings: {}, projectPackage: null };
  const table = parseToml(readText(file), file);
  const section = (table.tool as Raw | undefined)?.coldstart;
  if (section !== undefined && !isTable(section)) throw new UserError(`${file}: [tool.coldstart] must be a table`);
  const settings = section ? validateConfigTable(section, `${file} [tool.coldstart]`) : {};
  const name = (table.project as Raw | undefined)?.name;
  const projectPackage = typeof name === "string" ? name.trim().toLowerCase().replace(/[-.]+/g, "_") : null;
  return { settings, projectPackage };
}

/** Finds the single importable package at the top of the tree or under src/. */
export function detectPackage(tree: string): string | null {
  const candidates: string[] = [];
  for (const root of [tree, join(tree, "src")]) {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || ["test", "tests", "docs", "scripts", "benchmark_results"].includes(name)) continue;
      try {
        if (statSync(join(root, name)).isDirectory() && existsSync(join(root, name, "__init__.py"))) candidates.push(name);
      } catch {
        // unreadable entries are not packages
      }
    }
  }
  return candidates.length === 1 ? candidates[0]! : null;
}

/**
 * Merges the sources over the defaults and fills in what depends on the package.
 * `sources` are applied in order, later wins.
 */
export function resolveConfig(tree: string, sources: ConfigInput[], projectPackage: string | null): Config {
  const merged: ConfigInput = {};
  const budgets: Budgets = { targets: {}, limits: {} };
  for (const source of sources) {
    const { budgets: sourceBudgets, ...rest } = source;
    Object.assign(merged, Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)));
    if (sourceBudgets?.targets) Object.assign(budgets.targets, sourceBudgets.targets);
    if (sourceBudgets?.limits) Object.assign(budgets.limits, sourceBudgets.limits);
  }
  const pkg = merged.package ?? projectPackage ?? detectPackage(tree);
  if (!pkg) {
    throw new UserError(
      `no package found in ${tree}: no [project].name in pyproject.toml and no single package folder; ` +
        'set [tool.coldstart] package = "name" or pass --package NAME',
    );
  }
  const imports = merged.imports?.length ? merged.imports : [{ name: `${pkg.replace(/\./g, "_")}_total`, statement: `import ${pkg}` }];
  const names = new Set<string>();
  for (const spec of imports) {
    if (names.has(spec.name)) throw new UserError(`imports: the name "${spec.name}" is used twice`);
    names.add(spec.name);
  }
  const lazy = (merged.lazy ?? []).map((spec) => ({ ...spec, after: spec.after || `import ${pkg}` }));
  return {
    package: pkg,
    python: merged.python ?? null,
    install: merged.install ?? null,
    iterations: merged.iterations ?? DEFAULTS.iterations,
    warmup: merged.warmup ?? DEFAULTS.warmup,
    timeout: merged.timeout ?? DEFAULTS.timeout,
    pyc: merged.pyc ?? DEFAULTS.pyc,
    importtime_runs: merged.importtime_runs ?? DEFAULTS.importtime_runs,
    max_iterations: merged.max_iterations ?? DEFAULTS.max_iterations,
    precision: merged.precision ?? DEFAULTS.precision,
    imports,
    lazy,
    budgets,
  };
}

/** Loads the whole configuration for a tree: pyproject, then `--config`, then flags. */
export function loadConfig(tree: string, configFile: string | undefined, flags: ConfigInput): Config {
  const project = readPyproject(tree);
  const fromFile = configFile ? readConfigFile(configFile) : {};
  return resolveConfig(tree, [project.settings, fromFile, flags], project.projectPackage);
}
