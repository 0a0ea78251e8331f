/**
 * Configuration, later wins: built-in defaults < `[tool.coldstart]` in the target's
 * pyproject.toml < `--config FILE` < command-line flags. Scalar keys are validated by the
 * settings table (settings.ts), the structured ones (imports, lazy, budgets) here; an
 * unknown key or a wrong value is a UserError naming the key and the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join } from "node:path";
import { UserError } from "./errors.ts";
import { BUDGET_STATS, isQuantityKey } from "./quantities.ts";
import { RESULT_KEYS } from "./result/schema.ts";
import { coerce, DEFAULTS, OPTIONS, type ScalarSettings, settingSpec } from "./settings.ts";

export interface ImportSpec {
  /** Key in the result's `measurements`, e.g. "runpod_total". */
  name: string;
  statement: string;
  /** This statement's own workload (--advise), where it differs from the project's. */
  workload?: string;
  workload_file?: string;
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
  /** "<measurement>[.<quantity>].<stat>" or "modules.total" / "modules.filtered" -> threshold; exceeded warns. */
  targets: Record<string, number>;
  /** Same keys; exceeded fails the run (exit 1). */
  limits: Record<string, number>;
}

export interface Config extends ScalarSettings {
  /** Optional-dependency groups of the tree installed into its environment too (`[project].optional-dependencies`). */
  extras: string[];
  imports: ImportSpec[];
  lazy: LazySpec[];
  budgets: Budgets;
  /** The settings some source set (a file or a flag); the others are defaults a flow may choose for (a bisect's metric). */
  given: readonly string[];
  /** The p a comparison of these measurements will be judged at (default 0.05; a bisect step's is lower): rounds are planned for it. */
  level?: number;
  /** Run the why programs (importers, hotspots) after the timed rounds (default true; a bisect step needs none). */
  explain?: boolean;
}

/** Values one source sets. */
export type ConfigInput = Partial<ScalarSettings> & {
  extras?: string[];
  imports?: ImportSpec[];
  lazy?: LazySpec[];
  budgets?: Partial<Budgets>;
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const STRUCTURED = ["install", "extras", "imports", "lazy", "budgets"];

type Raw = Record<string, unknown>;

function isTable(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates one source's table. `where` names the file (and table) in messages. */
export function validateConfigTable(table: Raw, where: string): ConfigInput {
  const fail = (key: string, problem: string): never => {
    throw new UserError(`${where}: ${key} ${problem}`);
  };
  const text = (key: string, value: unknown): string => {
    if (typeof value !== "string" || value.trim() === "") fail(key, `must be a non-empty string (got ${JSON.stringify(value)})`);
    return value as string;
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
  const thresholds = (key: string, value: unknown): Record<string, number> => {
    if (!isTable(value)) return fail(key, "must be a table of name = number");
    const result: Record<string, number> = {};
    for (const [name, threshold] of Object.entries(value)) {
      if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold <= 0) fail(`${key}."${name}"`, "must be a positive number");
      if (!parseBudgetKey(name)) {
        fail(`${key}."${name}"`, `must be "<measurement>.<${BUDGET_STATS.join("|")}>", "<measurement>.<quantity>.<stat>", "modules.total" or "modules.filtered"`);
      }
      result[name] = threshold as number;
    }
    return result;
  };

  const out: ConfigInput = {};
  for (const [key, value] of Object.entries(table)) {
    const spec = settingSpec(key);
    if (spec) {
      const result = coerce(spec, value);
      if ("problem" in result) fail(key, result.problem);
      else (out as Record<string, unknown>)[key] = result.value;
      continue;
    }
    switch (key) {
      case "install":
        out.install = text(key, value);
        break;
      case "extras":
        if (!Array.isArray(value) || !value.every((item) => typeof item === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(item))) {
          fail(key, `must be a list of extra names, e.g. ["http2"] (got ${JSON.stringify(value)})`);
        }
        out.extras = value as string[];
        break;
      case "imports":
        out.imports = listOf(key, value).map((entry, index) => {
          only(`imports[${index}]`, entry, ["name", "statement", "workload", "workload_file"]);
          const spec: ImportSpec = { name: text(`imports[${index}].name`, entry.name), statement: text(`imports[${index}].statement`, entry.statement) };
          if (entry.workload !== undefined) spec.workload = text(`imports[${index}].workload`, entry.workload);
          if (entry.workload_file !== undefined) spec.workload_file = text(`imports[${index}].workload_file`, entry.workload_file);
          if (spec.workload !== undefined && spec.workload_file !== undefined) fail(`imports[${index}]`, "has both workload and workload_file; give one");
          return spec;
        });
        break;
      case "lazy":
        out.lazy = listOf(key, value).map((entry, index) => {
          const at = `lazy[${index}]`;
          only(at, entry, ["key", "label", "module", "after", "measure_if_loaded"]);
          const module = text(`${at}.module`, entry.module);
          if (!IDENTIFIER.test(module)) fail(`${at}.module`, `must be a module name (got ${JSON.stringify(module)})`);
          const lazyKey = text(`${at}.key`, entry.key);
          if (RESULT_KEYS.includes(lazyKey)) {
            fail(`${at}.key`, `"${lazyKey}" is a key of the result file itself; choose another name (e.g. "${module.replace(/\./g, "_")}_loaded")`);
          }
          if (entry.measure_if_loaded !== undefined && typeof entry.measure_if_loaded !== "boolean") fail(`${at}.measure_if_loaded`, "must be true or false");
          return {
            key: lazyKey,
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
        if ((value as Raw).targets !== undefined) budgets.targets = thresholds("budgets.targets", (value as Raw).targets);
        if ((value as Raw).limits !== undefined) budgets.limits = thresholds("budgets.limits", (value as Raw).limits);
        out.budgets = budgets;
        break;
      }
      default: {
        const known = [...OPTIONS.flatMap((option) => (option.key ? [option.key] : [])), ...STRUCTURED];
        fail(key, `is not a known key (known: ${known.join(", ")})`);
      }
    }
  }
  return out;
}

export interface BudgetKey {
  /** null for "modules.total" / "modules.filtered". */
  measurement: string | null;
  quantity: string;
  stat: string;
}

/** "<measurement>.<stat>" (import time), "<measurement>.<quantity>.<stat>", or "modules.<total|filtered>". */
export function parseBudgetKey(key: string): BudgetKey | null {
  if (key === "modules.total" || key === "modules.filtered") return { measurement: null, quantity: "modules", stat: key.slice(8) };
  const parts = key.split(".");
  const stat = parts.pop()!;
  if (!(BUDGET_STATS as readonly string[]).includes(stat) || parts.length === 0) return null;
  if (parts.length >= 2 && isQuantityKey(parts[parts.length - 1]!)) {
    const quantity = parts.pop()!;
    return { measurement: parts.join("."), quantity, stat };
  }
  return { measurement: parts.join("."), quantity: "import_ms", stat };
}

function parseToml(text: string, file: string): Raw {
  try {
    return Bun.TOML.parse(text) as Raw;
  } catch (error) {
    throw new UserError(`${file}: not valid TOML (${error instanceof Error ? error.message : String(error)})`);
  }
}

function readText(file: string, what: string): string {
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file} is a folder, not a ${what}`);
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${file}: cannot read the ${what} (does it exist?)`);
  }
}

/** Reads a `--config` file: TOML or JSON with the keys at top level, or a pyproject.toml. */
export function readConfigFile(file: string): ConfigInput {
  const text = readText(file, "config file");
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
  /** `[project].name`, as written, if any. */
  projectName: string | null;
}

export function readPyproject(tree: string): ProjectInfo {
  const file = join(tree, "pyproject.toml");
  if (!existsSync(file)) return { settings: {}, projectName: null };
  const table = parseToml(readText(file, "pyproject.toml"), file);
  const section = (table.tool as Raw | undefined)?.coldstart;
  if (section !== undefined && !isTable(section)) throw new UserError(`${file}: [tool.coldstart] must be a table`);
  const settings = section ? validateConfigTable(section, `${file} [tool.coldstart]`) : {};
  const project = table.project;
  const name = isTable(project) ? project.name : undefined;
  if (name !== undefined && typeof name !== "string") {
    throw new UserError(`${file}: [project] name must be a string (got ${JSON.stringify(name)})`);
  }
  if (typeof name === "string" && !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name.trim())) {
    throw new UserError(`${file}: [project] name ${JSON.stringify(name)} is not a valid project name (letters, digits, ., _ and -)`);
  }
  return { settings, projectName: typeof name === "string" ? name.trim() : null };
}

const NOT_PACKAGES = new Set(["test", "tests", "docs", "doc", "scripts", "examples", "benchmark_results", "build", "dist"]);

/** Importable top-level packages (folders with __init__.py) at the top of the tree and under src/. */
export function packageFolders(tree: string): string[] {
  const found: string[] = [];
  for (const root of [tree, join(tree, "src")]) {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || NOT_PACKAGES.has(name)) continue;
      try {
        if (statSync(join(root, name)).isDirectory() && existsSync(join(root, name, "__init__.py"))) found.push(name);
      } catch {
        // unreadable entries are not packages
      }
    }
  }
  return found;
}

function importableHere(tree: string, name: string): boolean {
  return [tree, join(tree, "src")].some((root) => existsSync(join(root, name, "__init__.py")) || existsSync(join(root, `${name}.py`)));
}

/**
 * The package to measure when none is configured: the import name of `[project].name`
 * when the tree has it (or no single package folder says otherwise), else the single
 * package folder (`python-foo` with a folder `foo/`).
 */
export function defaultPackage(tree: string, projectName: string | null): string {
  const folders = packageFolders(tree);
  const fromName = projectName ? projectName.toLowerCase().replace(/[-.]+/g, "_") : null;
  const valid = fromName !== null && IDENTIFIER.test(fromName);
  if (valid && importableHere(tree, fromName)) return fromName;
  if (folders.length === 1) return folders[0]!;
  // Not in the tree, and no folder to prefer: the package may come from the environment.
  if (valid && folders.length === 0) return fromName;
  const named = projectName ? `[project] name ${JSON.stringify(projectName)} is not importable here; ` : "no [project].name in pyproject.toml; ";
  const found = folders.length ? `package folders found: ${[...folders].sort().join(", ")}` : "no package folder found";
  throw new UserError(`no package found in ${tree}: ${named}${found}; set [tool.coldstart] package = "name" or pass --package NAME`);
}

/** One source of settings and where it comes from (named in messages). */
export interface ConfigSource {
  input: ConfigInput;
  where: string;
}

/**
 * Merges the sources over the defaults and fills in what depends on the package.
 * `sources` are applied in order, later wins.
 */
export function resolveConfig(tree: string, sources: ConfigSource[], projectName: string | null): Config {
  const merged: ConfigInput = {};
  const budgets: Budgets = { targets: {}, limits: {} };
  const budgetOrigin = new Map<string, string>();
  for (const { input, where } of sources) {
    const { budgets: sourceBudgets, ...rest } = input;
    if (rest.workload !== undefined && rest.workload_file !== undefined) throw new UserError(`${where}: workload and workload_file are both set; give one`);
    // A later source's workload replaces an earlier one's, whichever way it is given.
    if (rest.workload !== undefined) delete merged.workload_file;
    if (rest.workload_file !== undefined) delete merged.workload;
    Object.assign(merged, Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)));
    for (const kind of ["targets", "limits"] as const) {
      for (const [key, value] of Object.entries(sourceBudgets?.[kind] ?? {})) {
        budgets[kind][key] = value;
        budgetOrigin.set(`${kind}\0${key}`, where);
      }
    }
  }
  const pkg = merged.package ?? defaultPackage(tree, projectName);
  const imports = merged.imports?.length ? merged.imports : [{ name: `${pkg.replace(/\./g, "_")}_total`, statement: `import ${pkg}` }];
  const names = new Set<string>();
  for (const spec of imports) {
    if (names.has(spec.name)) throw new UserError(`imports: the name "${spec.name}" is used twice`);
    names.add(spec.name);
  }
  const lazy = (merged.lazy ?? []).map((spec) => ({ ...spec, after: spec.after || `import ${pkg}` }));
  const lazyKeys = new Set<string>();
  for (const spec of lazy) {
    if (lazyKeys.has(spec.key)) throw new UserError(`lazy: the key "${spec.key}" is used twice`);
    lazyKeys.add(spec.key);
  }
  // A budget must name something that is measured: an import, or a lazy module timed when eager.
  const measured = new Set([...names, ...lazy.filter((spec) => spec.measure_if_loaded).map((spec) => spec.module)]);
  for (const [kind, table] of [["targets", budgets.targets], ["limits", budgets.limits]] as const) {
    for (const key of Object.keys(table)) {
      const parsed = parseBudgetKey(key)!;
      if (parsed.measurement !== null && !measured.has(parsed.measurement)) {
        const where = budgetOrigin.get(`${kind}\0${key}`);
        throw new UserError(`${where ? `${where}: ` : ""}budgets.${kind}."${key}": no measurement "${parsed.measurement}" (measured: ${[...measured].join(", ")})`);
      }
    }
  }
  return {
    package: pkg,
    python: merged.python ?? [],
    install: merged.install ?? null,
    iterations: merged.iterations ?? DEFAULTS.iterations,
    warmup: merged.warmup ?? DEFAULTS.warmup,
    timeout: merged.timeout ?? DEFAULTS.timeout,
    pyc: merged.pyc ?? DEFAULTS.pyc,
    importtime_runs: merged.importtime_runs ?? DEFAULTS.importtime_runs,
    max_iterations: merged.max_iterations ?? DEFAULTS.max_iterations,
    precision: merged.precision ?? DEFAULTS.precision,
    metric: merged.metric ?? DEFAULTS.metric,
    jobs: merged.jobs ?? Math.max(1, cpus().length),
    workload: merged.workload ?? null,
    workload_file: merged.workload_file ?? null,
    env: merged.env ?? DEFAULTS.env,
    install_tree: merged.install_tree ?? DEFAULTS.install_tree,
    extras: merged.extras ?? [],
    submodules: merged.submodules ?? DEFAULTS.submodules,
    imports,
    lazy,
    budgets,
    given: Object.keys(merged),
  };
}

/** Loads the whole configuration for a tree: pyproject, then `--config`, then flags. */
export function loadConfig(tree: string, configFile: string | undefined, flags: ConfigInput): Config {
  const project = readPyproject(tree);
  const sources: ConfigSource[] = [{ input: project.settings, where: `${join(tree, "pyproject.toml")} [tool.coldstart]` }];
  if (configFile) sources.push({ input: readConfigFile(configFile), where: configFile });
  sources.push({ input: flags, where: "command line" });
  return resolveConfig(tree, sources, project.projectName);
}
