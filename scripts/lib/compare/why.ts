/**
 * "Why is it slow", as data: import chains from the importers records, and what kind of
 * package a top-level name is and which chain loads it. Their text is render/why.ts's.
 */
import type { ImporterRecord, ModuleKind, RootKind, SourcePlace } from "../result/schema.ts";

/**
 * Module objects and names among `names` (sys.modules keys): a name the importers records
 * mark as an `alias` (the same module object under another name, as requests.packages puts
 * `requests.packages.urllib3`) is a name, not another module. Without records, every name
 * counts as a module.
 */
export function modulesAmong(names: readonly string[], records: Readonly<Record<string, ImporterRecord>> | null | undefined): { modules: number; names: number } {
  let aliases = 0;
  if (records) for (const name of names) if (Object.hasOwn(records, name) && records[name]!.alias) aliases += 1;
  return { modules: names.length - aliases, names: names.length };
}

/** Package match: `pkg` and `pkg.*`, never `pkg_extra`. */
export function inPackage(module: string, pkg: string): boolean {
  return module === pkg || module.startsWith(`${pkg}.`);
}

/** The statement's pseudo-module name in the importers records. */
export const STATEMENT = "__coldstart__";

/** One import along a chain: `module` was imported by `by` at `file:line` (`code`). */
export interface ChainLink {
  module: string;
  /** The importing module; "__coldstart__" for the statement; null when unknown. */
  by: string | null;
  file: string | null;
  line: number | null;
  code: string | null;
  root?: RootKind;
  /** The function the import ran in, when not at module top level. */
  function?: string;
  /** The module-level line up the stack that called that function. */
  via?: SourcePlace;
  /** The chain starts here because this module was loaded by interpreter start-up. */
  startup?: true;
}

/**
 * The links from the statement to `module`, statement first. The first link's `by` is
 * "__coldstart__" when the chain is complete; otherwise it is the farthest link known: a
 * module loaded at start-up (`startup`), one whose importer is unknown (`by` null), or one
 * whose importer has no record (`by` names it). Empty when `module` has no record. Safe
 * against cycles (a link is never visited twice).
 */
export function importChain(importers: Readonly<Record<string, ImporterRecord>>, module: string): ChainLink[] {
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  let name: string | null = module;
  while (name !== null && !seen.has(name)) {
    seen.add(name);
    const record: ImporterRecord | undefined = Object.hasOwn(importers, name) ? importers[name] : undefined;
    if (!record) break;
    if (record.by === null && !record.startup && record.alias && !seen.has(record.alias)) {
      // The same module object, imported under another name: its chain explains this one.
      name = record.alias;
      continue;
    }
    const link: ChainLink = { module: name, by: record.by, file: record.file, line: record.line, code: record.code };
    if (record.root) link.root = record.root;
    if (record.function) link.function = record.function;
    if (record.via) link.via = record.via;
    if (record.startup) link.startup = true;
    links.push(link);
    if (record.startup || record.by === null || record.by === STATEMENT) break;
    name = record.by;
  }
  return links.reverse();
}

/** True when the chain reaches the statement. */
export function chainComplete(links: readonly ChainLink[]): boolean {
  return links.length > 0 && links[0]!.by === STATEMENT;
}

/** Kind of a top-level package for a module diff. */
export type PackageKind = ModuleKind | "unknown";

/**
 * The questions a module diff asks of one side's importers records, for dozens of packages:
 * the module names are grouped by top-level package once, and a package's submodules
 * sorted when it is asked about.
 */
export interface PackageIndex {
  kind(pkg: string): PackageKind;
  chain(pkg: string): ChainLink[];
}

export function packageIndex(importers: Readonly<Record<string, ImporterRecord>>): PackageIndex {
  // The names by top-level package, made on the first question: sorting every name (over a
  // thousand, before the JIT warms up) cost more than the questions.
  let byTop: Map<string, string[]> | null = null;
  /** The names that start with `pkg.`, sorted. */
  const submodules = (pkg: string): string[] => {
    if (!byTop) {
      byTop = new Map();
      for (const name of Object.keys(importers)) {
        const dot = name.indexOf(".");
        if (dot < 0) continue; // a top-level name is no one's submodule
        const top = name.slice(0, dot);
        const list = byTop.get(top);
        if (list) list.push(name);
        else byTop.set(top, [name]);
      }
    }
    const dot = pkg.indexOf(".");
    const prefix = `${pkg}.`;
    return (byTop.get(dot < 0 ? pkg : pkg.slice(0, dot)) ?? []).filter((name) => name.startsWith(prefix)).sort();
  };
  return {
    // The package module's own `kind`, else the first of its submodules that has one.
    kind(pkg) {
      const own = Object.hasOwn(importers, pkg) ? importers[pkg]?.kind : undefined;
      if (own) return own;
      for (const name of submodules(pkg)) {
        const kind = importers[name]?.kind;
        if (kind) return kind;
      }
      return "unknown";
    },
    // The package module's own chain, else that of its first submodule (by name) whose chain reaches the statement.
    chain(pkg) {
      const own = importChain(importers, pkg);
      if (chainComplete(own)) return own;
      for (const name of submodules(pkg)) {
        const chain = importChain(importers, name);
        if (chainComplete(chain)) return chain;
      }
      return own;
    },
  };
}

/**
 * What a top-level package is, from the importers records of the side that loaded it:
 * the package module's own `kind`, else the first of its submodules that has one.
 */
export function packageKind(importers: Readonly<Record<string, ImporterRecord>> | undefined, pkg: string): PackageKind {
  return importers ? packageIndex(importers).kind(pkg) : "unknown";
}

/**
 * The chain that loads a top-level package: the package module's own, else that of its
 * first submodule (by name) whose chain reaches the statement. Empty when unknown.
 */
export function packageChain(importers: Readonly<Record<string, ImporterRecord>> | undefined, pkg: string): ChainLink[] {
  return importers ? packageIndex(importers).chain(pkg) : [];
}
