/**
 * What a tree declares it needs at run time, read without running anything:
 *
 * - `[project].dependencies` of pyproject.toml (plus `[project].optional-dependencies` of
 *   the configured `extras`); when `dependencies` is dynamic: setuptools'
 *   `[tool.setuptools.dynamic] dependencies = {file = [...]}`, else setup.cfg's
 *   `install_requires`, else a literal `install_requires = [...]` list in setup.py;
 *   with no `[project]` table, Poetry's `[tool.poetry.dependencies]` (its `^` and `~`
 *   constraints written as ranges), else setup.cfg, then setup.py (a setup.cfg with an
 *   `[options]` section and no install_requires anywhere declares no dependencies);
 * - `requirements.txt` and the other `requirements*.txt` at the tree's top, except those
 *   named for development (dev, test, doc, lint, ci, bench, typing, ...): comments, line
 *   continuations, `-r` / `-c` includes (relative to the including file), pip option lines
 *   (`--index-url`, `--find-links`, ...), and `-e .` / `.` (the tree itself, which is on
 *   the path anyway; `.[extra]` adds that extra's dependencies). Only when the package's
 *   metadata (above) does not declare its dependencies, or when the file installs the tree
 *   itself: beside a `[project]` table, a requirements file is most often the developers'
 *   tools (pygments 2.17's holds `tox ~= 4.4`), not what the import needs.
 *
 * Files are read through a `TreeFiles` reader, so a tree on disk and a commit in git
 * (history: every commit's declarations, without a worktree) read alike.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { git } from "../git/run.ts";

/** A tree's files by path relative to its top ("requirements.txt", "reqs/base.txt"). */
export interface TreeFiles {
  read(path: string): string | null;
  /** File names at the tree's top. */
  list(): string[];
}

export interface Declarations {
  /** Requirement lines to install (PEP 508, maybe with per-line pip options such as --hash). */
  requirements: string[];
  /** Constraint lines (`-c` files). */
  constraints: string[];
  /** pip option lines from requirements files ("--find-links ./wheels"), paths relative to the tree. */
  options: string[];
  /** The files the declarations came from, for messages. */
  sources: string[];
  /** uv.lock's text, when the tree has one. */
  uvLock: string | null;
  /** What could not be read (a computed install_requires, a missing include): said, not fatal. */
  notes: string[];
}

/** Requirements files that are not the tree's run-time dependencies, by name. */
const NOT_RUNTIME = /(dev|test|doc|lint|ci\b|bench|typ|mypy|style|format|build|release|coverage)/i;

/** A tree on disk. */
export function diskFiles(dir: string): TreeFiles {
  return {
    read(path) {
      try {
        return readFileSync(join(dir, path), "utf8");
      } catch {
        return null;
      }
    },
    list() {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

/** The folder `subdir` ("" for the top) of `commit` in the repository at `top`, read through git. */
export function commitFiles(top: string, commit: string, subdir: string): TreeFiles {
  const prefix = subdir ? `${subdir.replace(/\/+$/, "")}/` : "";
  return {
    read(path) {
      const result = git(top, ["show", `${commit}:${prefix}${path}`]);
      return result.ok ? `${result.out}\n` : null;
    },
    list() {
      const result = git(top, ["ls-tree", "--name-only", commit, "--", prefix || "."]);
      return result.ok ? result.out.split("\n").filter(Boolean).map((name) => name.slice(prefix.length)) : [];
    },
  };
}

/** The normalised name of a requirement ("Foo_Bar[x]>=1" -> "foo-bar"), or null for a URL or path line. */
export function requirementName(line: string): string | null {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[|[<>=!~;@ (]|$)/.exec(line);
  return match ? match[1]!.toLowerCase().replace(/[-_.]+/g, "-") : null;
}

/** A requirement line without its per-line pip options (`--hash=...`, `--config-settings ...`). */
export function withoutLineOptions(line: string): string {
  return line.replace(/\s+--?[A-Za-z][\w-]*(?:[= ]\S+)?/g, "").trim();
}

function normaliseExtra(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The extras in a requirement on the tree itself: ".[a,b]" -> ["a", "b"]; null when the line is not the tree. */
function selfExtras(target: string): string[] | null {
  const match = /^(?:file:)?\.\/?(?:\[([^\]]*)\])?$/.exec(target.trim());
  if (!match) return null;
  return (match[1] ?? "").split(",").map((part) => part.trim()).filter(Boolean);
}

interface Collected {
  requirements: string[];
  constraints: string[];
  options: string[];
  sources: string[];
  notes: string[];
  /** Extras of the tree itself asked for by `.[extra]` lines. */
  selfExtras: string[];
  /** True when a line installs the tree itself (`-e .`, `.`, `.[extra]`). */
  namesSelf: boolean;
}

const collected = (): Collected => ({ requirements: [], constraints: [], options: [], sources: [], notes: [], selfExtras: [], namesSelf: false });

/** Logical lines of a requirements file: continuations joined, comments and blanks dropped. */
export function requirementLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, "");
  return joined.split(/\r?\n/).map((line) => line.replace(/(^|\s)#.*$/, "").trim()).filter(Boolean);
}

/**
 * Reads one requirements file into `into`, following `-r` and `-c` includes (relative to
 * the including file; each file once). `asConstraints`: every requirement is a constraint.
 */
export function readRequirementsFile(files: TreeFiles, path: string, into: Collected, asConstraints = false, seen = new Set<string>()): void {
  const normal = posix.normalize(path);
  if (seen.has(normal)) return;
  seen.add(normal);
  const text = files.read(normal);
  if (text === null) {
    into.notes.push(`${path} is missing`);
    return;
  }
  into.sources.push(normal);
  const here = posix.dirname(normal);
  for (const line of requirementLines(text)) {
    const option = /^(-[rce]|--requirement|--constraint|--editable)(?:\s*=\s*|\s+|(?=\S))(.+)$/.exec(line);
    if (option) {
      const [, flag, value] = option;
      const target = value!.trim();
      if (flag === "-r" || flag === "--requirement" || flag === "-c" || flag === "--constraint") {
        const constraint = flag === "-c" || flag === "--constraint";
        if (/^[a-z+]+:\/\//i.test(target)) into.notes.push(`${normal}: ${flag} ${target} (a URL) is not followed`);
        else readRequirementsFile(files, posix.join(here, target), into, asConstraints || constraint, seen);
        continue;
      }
      // -e / --editable: the tree itself is on the path; anything else is installed as a plain requirement.
      addRequirement(target, normal, into, asConstraints);
      continue;
    }
    if (line.startsWith("-")) {
      into.options.push(line);
      continue;
    }
    addRequirement(line, normal, into, asConstraints);
  }
}

function addRequirement(line: string, file: string, into: Collected, asConstraint: boolean): void {
  const extras = selfExtras(withoutLineOptions(line));
  if (extras !== null) {
    into.selfExtras.push(...extras);
    into.namesSelf = true;
    return;
  }
  if (/^(\.|\/|~)/.test(line)) {
    into.notes.push(`${file}: the local path ${line} is not installed into a cached environment (use install for it)`);
    return;
  }
  (asConstraint ? into.constraints : into.requirements).push(line.replace(/\s+/g, " "));
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : null;
}

/** `install_requires` (or an `extras_require` entry) of setup.cfg; null when absent. */
export function setupCfgRequirements(text: string, section = "options", key = "install_requires"): string[] | null {
  const lines = text.split(/\r?\n/);
  let inSection = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === section;
      continue;
    }
    if (!inSection) continue;
    const entry = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!entry || normaliseExtra(entry[1]!) !== normaliseExtra(key)) continue;
    const values = [entry[2]!];
    while (index + 1 < lines.length && /^\s+\S/.test(lines[index + 1]!)) values.push(lines[(index += 1)]!);
    return values.map((value) => value.replace(/(^|\s)#.*$/, "").trim()).filter(Boolean);
  }
  return null;
}

/** The bracketed list starting at `start` ("[" ... its matching "]", strings honoured), or null. */
function bracketed(code: string, start: number): string | null {
  let depth = 0;
  let quote: string | null = null;
  for (let index = start; index < code.length; index += 1) {
    const char = code[index]!;
    if (quote) {
      if (char === "\\") index += 1;
      else if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "[") depth += 1;
    else if (char === "]" && (depth -= 1) === 0) return code.slice(start, index + 1);
  }
  return null;
}

/** A literal `install_requires = [...]` (or a name bound to a literal list) in setup.py; null when absent or computed. */
export function setupPyRequirements(text: string): string[] | null | "computed" {
  const code = text.replace(/#[^\n'"]*$/gm, "");
  const argument = /install_requires\s*=\s*(\[|[A-Za-z_][A-Za-z0-9_]*)/.exec(code);
  if (!argument) return null;
  let list: string | null;
  if (argument[1] === "[") list = bracketed(code, argument.index + argument[0].length - 1);
  else {
    const bound = new RegExp(`^${argument[1]}\\s*=\\s*\\[`, "m").exec(code);
    list = bound ? bracketed(code, bound.index + bound[0].length - 1) : null;
  }
  if (list === null) return "computed";
  const inner = list.slice(1, -1);
  const literal = /(['"])((?:\\.|(?!\1).)*)\1/g;
  const strings = [...inner.matchAll(literal)].map((match) => match[2]!);
  const rest = inner.replace(literal, "").replace(/[\s,]/g, "");
  return rest === "" ? strings : "computed";
}

/** Reads everything `files` declares; `extras` are the tree's own optional-dependency groups to include. */
export function readDeclarations(files: TreeFiles, extras: readonly string[] = []): Declarations {
  const into = collected();
  const fromFiles = collected();
  const names = files.list();
  const has = (name: string) => names.includes(name);

  for (const name of names.filter((item) => /^requirements.*\.txt$/i.test(item) && !NOT_RUNTIME.test(item.slice("requirements".length))).sort()) {
    readRequirementsFile(files, name, fromFiles);
  }

  let project: Record<string, unknown> | null = null;
  let pyproject: Record<string, unknown> | null = null;
  const pyprojectText = has("pyproject.toml") ? files.read("pyproject.toml") : null;
  if (pyprojectText !== null) {
    try {
      pyproject = Bun.TOML.parse(pyprojectText) as Record<string, unknown>;
      const table = pyproject.project;
      project = typeof table === "object" && table !== null && !Array.isArray(table) ? (table as Record<string, unknown>) : null;
    } catch {
      into.notes.push("pyproject.toml is not valid TOML: its dependencies are not read");
    }
  }
  const wanted = [...extras, ...fromFiles.selfExtras].map(normaliseExtra);
  const fromSetupFiles = () => {
    const cfg = has("setup.cfg") ? files.read("setup.cfg") : null;
    const fromCfg = cfg === null ? null : setupCfgRequirements(cfg);
    if (fromCfg !== null && fromCfg.length === 1 && /^file:/.test(fromCfg[0]!)) {
      for (const path of fromCfg[0]!.slice(5).split(",").map((part) => part.trim()).filter(Boolean)) readRequirementsFile(files, path, into);
    } else if (fromCfg !== null) {
      into.sources.push("setup.cfg");
      for (const line of fromCfg) addRequirement(line, "setup.cfg", into, false);
      for (const extra of wanted) for (const line of setupCfgRequirements(cfg!, "options.extras_require", extra) ?? []) addRequirement(line, "setup.cfg", into, false);
      return;
    }
    const py = has("setup.py") ? files.read("setup.py") : null;
    const found = py === null ? null : setupPyRequirements(py);
    if (found === "computed") into.notes.push("setup.py computes install_requires: those dependencies are not read (set install, or declare them in pyproject.toml)");
    else if (found !== null) {
      into.sources.push("setup.py");
      for (const line of found) addRequirement(line, "setup.py", into, false);
    } else if (cfg !== null && /^\s*\[options\]\s*$/m.test(cfg)) {
      // setup.cfg's [options] without install_requires (and a setup.py without one): the
      // package declares that it needs nothing (pygments 2.14, whose requirements.txt is
      // pytest, pylint and tox).
      into.sources.push("setup.cfg");
    }
  };

  if (project !== null) {
    const dynamic = stringList(project.dynamic) ?? [];
    const dependencies = stringList(project.dependencies);
    if (dependencies !== null) {
      into.sources.push("pyproject.toml");
      for (const line of dependencies) addRequirement(line, "pyproject.toml", into, false);
    } else if (dynamic.includes("dependencies")) {
      const setuptools = ((pyproject?.tool as Record<string, any> | undefined)?.setuptools as Record<string, any> | undefined)?.dynamic?.dependencies;
      const fileList = typeof setuptools?.file === "string" ? [setuptools.file] : stringList(setuptools?.file);
      if (fileList) for (const path of fileList) readRequirementsFile(files, path, into);
      else fromSetupFiles();
    }
    const optional = project["optional-dependencies"];
    if (typeof optional === "object" && optional !== null) {
      for (const [extra, lines] of Object.entries(optional as Record<string, unknown>)) {
        if (!wanted.includes(normaliseExtra(extra))) continue;
        for (const line of stringList(lines) ?? []) addRequirement(line, "pyproject.toml", into, false);
      }
    }
  } else if (poetryTable(pyproject) !== null) {
    readPoetry(poetryTable(pyproject)!, wanted, into);
  } else {
    fromSetupFiles();
  }
  // The metadata declares the dependencies when [project] lists them or does not mark them
  // dynamic (absent then means none), or when a dynamic source or a setup file gave them.
  const metadataDeclares = (project !== null && !(stringList(project.dynamic) ?? []).includes("dependencies")) || into.sources.length > 0;
  if (!metadataDeclares || fromFiles.namesSelf) {
    for (const key of ["requirements", "constraints", "options", "sources", "notes"] as const) into[key] = [...fromFiles[key], ...into[key]];
  }
  return {
    requirements: unique(into.requirements),
    constraints: unique(into.constraints),
    options: unique(into.options),
    sources: unique(into.sources),
    uvLock: has("uv.lock") ? files.read("uv.lock") : null,
    notes: into.notes,
  };
}

/** `[tool.poetry]` of a parsed pyproject.toml, when it has a dependencies table. */
function poetryTable(pyproject: Record<string, unknown> | null): Record<string, unknown> | null {
  const poetry = (pyproject?.tool as Record<string, unknown> | undefined)?.poetry;
  if (typeof poetry !== "object" || poetry === null) return null;
  const dependencies = (poetry as Record<string, unknown>).dependencies;
  return typeof dependencies === "object" && dependencies !== null ? (poetry as Record<string, unknown>) : null;
}

/** One part of a Poetry version constraint as PEP 440 clauses ("^2.13.0" -> [">=2.13.0", "<3.0.0"]). */
export function poetryClauses(part: string): string[] {
  const text = part.trim();
  if (text === "" || text === "*") return [];
  const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(text);
  const tilde = /^~(?!=)\s*(\d+(?:\.\d+)*)$/.exec(text);
  if (caret || tilde) {
    const release = (caret ?? tilde)![1]!.split(".").map(Number);
    // ^: the first non-zero part may not change; ~: the minor (the major when only it is given).
    const fixed = caret ? Math.max(0, release.findIndex((n) => n !== 0)) : Math.min(1, release.length - 1);
    const at = caret && release.every((n) => n === 0) ? release.length - 1 : fixed;
    const upper = release.slice(0, at + 1).map((n, index) => (index === at ? n + 1 : n));
    while (upper.length < release.length) upper.push(0);
    return [`>=${release.join(".")}`, `<${upper.join(".")}`];
  }
  if (/^(==|!=|>=|<=|~=|>|<)/.test(text)) return [text.replace(/\s+/g, "")];
  return [`==${text}`];
}

/** A Poetry constraint ("^2.13", ">=1,<3", "1.2.*") as a PEP 440 specifier, or null when it has an `||`. */
export function poetrySpecifier(constraint: string): string | null {
  if (constraint.includes("||")) return null;
  return constraint.split(",").flatMap(poetryClauses).join(",");
}

/** Poetry's `[tool.poetry.dependencies]` (and the `extras` wanted) as requirement lines. */
function readPoetry(poetry: Record<string, unknown>, wanted: readonly string[], into: Collected): void {
  const extras = (poetry.extras ?? {}) as Record<string, unknown>;
  const inExtras = new Set(Object.entries(extras).filter(([extra]) => wanted.includes(normaliseExtra(extra))).flatMap(([, names]) => (stringList(names) ?? []).map(normaliseExtra)));
  into.sources.push("pyproject.toml");
  for (const [name, raw] of Object.entries(poetry.dependencies as Record<string, unknown>)) {
    if (name.toLowerCase() === "python") continue;
    const spec = typeof raw === "string" ? { version: raw } : Array.isArray(raw) ? null : (raw as Record<string, unknown>);
    if (spec === null || typeof spec !== "object") {
      into.notes.push(`pyproject.toml: [tool.poetry.dependencies] ${name} has several constraints: not read (set install)`);
      continue;
    }
    if (spec.optional === true && !inExtras.has(normaliseExtra(name))) continue;
    if (spec.git || spec.path || spec.url) {
      into.notes.push(`pyproject.toml: [tool.poetry.dependencies] ${name} comes from a ${spec.git ? "git repository" : spec.path ? "local path" : "URL"}: not installed (set install)`);
      continue;
    }
    const version = poetrySpecifier(typeof spec.version === "string" ? spec.version : "*");
    const python = typeof spec.python === "string" ? poetrySpecifier(spec.python) : "";
    if (version === null || python === null) {
      into.notes.push(`pyproject.toml: [tool.poetry.dependencies] ${name}: a constraint with || is not read (set install)`);
      continue;
    }
    const markers = [
      ...(python ? python.split(",").map((clause) => `python_version ${/^[<>=!~]+/.exec(clause)![0]} "${clause.replace(/^[<>=!~]+/, "")}"`) : []),
      ...(typeof spec.markers === "string" ? [`(${spec.markers})`] : []),
    ];
    const extrasOf = stringList(spec.extras);
    into.requirements.push(`${name}${extrasOf?.length ? `[${extrasOf.join(",")}]` : ""}${version}${markers.length ? `; ${markers.join(" and ")}` : ""}`);
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** True when the tree declares something to install. */
export function declaresAnything(declarations: Declarations): boolean {
  return declarations.requirements.length > 0;
}
