/**
 * The import graph of one statement and the subtree of an import statement: the modules
 * that would no longer load at import if that statement were deferred. Pure functions.
 *
 * Nodes are module names; the roots are the measured statement ("__coldstart__") and every
 * module interpreter start-up loaded. Edges are the executed imports (py-profile.ts), plus
 * one from every submodule to its parent package (`a.b` cannot load without `a`). A module
 * no edge reaches (put into sys.modules by hand, or loaded past the recorder) hangs off the
 * roots: it is never claimed to go away.
 *
 * subtree(S) = reach(roots, all edges) − reach(roots, edges without S's): the modules
 * loaded only through S — none of the kept modules, nor start-up, imports them. Several
 * statements at once give the subtree of deferring them together (which may exceed the
 * sum of their own: a module two of them share belongs to neither alone).
 */
import type { ImportEdge, ProfileReport } from "./model.ts";

export const STATEMENT_ROOT = "__coldstart__";

export interface ImportGraph {
  roots: string[];
  /** Modules the statement loaded. */
  loaded: Set<string>;
  /** Outgoing edges by module. */
  out: Map<string, ImportEdge[]>;
}

/** An import statement: module-level lines `line..endLine` of `module`. */
export interface StatementRange {
  module: string;
  line: number;
  endLine?: number;
}

function parentOf(name: string): string | null {
  const at = name.lastIndexOf(".");
  return at > 0 ? name.slice(0, at) : null;
}

/** The graph of a profile report (or any start-up list, loaded list and edges). */
export function buildGraph(input: Pick<ProfileReport, "startup" | "edges"> & { modules: Record<string, unknown> | string[] }): ImportGraph {
  const loaded = new Set(Array.isArray(input.modules) ? input.modules : Object.keys(input.modules));
  const startup = new Set(input.startup);
  const out = new Map<string, ImportEdge[]>();
  const add = (edge: ImportEdge) => {
    const list = out.get(edge.from);
    if (list) list.push(edge);
    else out.set(edge.from, [edge]);
  };
  const reached = new Set<string>();
  for (const edge of input.edges) {
    if (edge.from === edge.to) continue;
    add(edge);
    reached.add(edge.to);
  }
  for (const name of loaded) {
    const parent = parentOf(name);
    if (parent !== null) {
      add({ from: name, line: null, to: parent, direct: false });
      reached.add(parent);
    }
  }
  const roots = [STATEMENT_ROOT, ...[...startup].sort()];
  for (const name of [...loaded].sort()) {
    if (!reached.has(name) && !startup.has(name)) add({ from: STATEMENT_ROOT, line: null, to: name, direct: false });
  }
  return { roots, loaded, out };
}

function inRange(edge: ImportEdge, range: StatementRange): boolean {
  if (edge.from !== range.module || edge.line === null) return false;
  return edge.line >= range.line && edge.line <= (range.endLine ?? range.line);
}

/** Modules reachable from the roots, skipping the edges of `removed` statements. */
export function reachable(graph: ImportGraph, removed: readonly StatementRange[] = []): Set<string> {
  const seen = new Set<string>(graph.roots);
  const queue = [...graph.roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    for (const edge of graph.out.get(name) ?? []) {
      if (seen.has(edge.to)) continue;
      if (removed.length > 0 && removed.some((range) => inRange(edge, range))) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

/** The modules deferring `statements` (together) would stop loading, sorted. */
export function subtree(graph: ImportGraph, statements: readonly StatementRange[], all: Set<string> = reachable(graph)): string[] {
  const kept = reachable(graph, statements);
  return [...all].filter((name) => !kept.has(name) && graph.loaded.has(name)).sort();
}

/** An import site found in the graph: a module-level line of a module and what it imports. */
export interface ImportSite {
  module: string;
  line: number;
  /** Modules imported from this line. */
  targets: string[];
  /** The import is on the line itself (not in a function called there). */
  direct: boolean;
}

/** Every module-level line of the modules accepted by `own` that imports something, in module then line order. */
export function importSites(graph: ImportGraph, own: (module: string) => boolean): ImportSite[] {
  const sites = new Map<string, ImportSite>();
  for (const [from, edges] of graph.out) {
    if (!own(from)) continue;
    for (const edge of edges) {
      if (edge.line === null) continue;
      const key = `${from}\0${edge.line}`;
      const site = sites.get(key) ?? { module: from, line: edge.line, targets: [], direct: false };
      if (!site.targets.includes(edge.to)) site.targets.push(edge.to);
      site.direct ||= edge.direct;
      sites.set(key, site);
    }
  }
  return [...sites.values()].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : a.line - b.line));
}

/** Top-level package names of modules, sorted and unique. */
export function topPackages(modules: readonly string[]): string[] {
  return [...new Set(modules.map((name) => name.split(".")[0]!))].sort();
}
