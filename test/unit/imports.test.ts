// The code's imports run one way: no file reaches itself through its imports (type-only, lazy
// `import()` and `require()` included), and the library never reaches back into the entry
// scripts or the benchmark that sit on top of it.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const SCRIPTS = join(ROOT, "scripts");
const SPECIFIER = /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']|\b(?:import|require)\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const match of readFileSync(file, "utf8").matchAll(SPECIFIER)) targets.add(resolve(dirname(file), match[1] ?? match[2]!));
    graph.set(file, [...targets].filter((target) => files.includes(target)));
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)!.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe("imports", () => {
  const files = sourceFiles(SCRIPTS);
  const graph = importGraph(files);
  const name = (file: string) => relative(ROOT, file);

  test("the walker sees static, type-only, lazy and required imports", () => {
    const edges = (file: string) => (graph.get(join(SCRIPTS, file)) ?? []).map(name);
    expect(edges("lib/formats.ts").length).toBeGreaterThan(0);
    expect(edges("benchmark_cold_start.ts")).toContain("scripts/lib/advise/run.ts");
    expect(edges("benchmark_cold_start.ts")).toContain("scripts/lib/env/attach.ts");
  });

  test("a circle is found when there is one", () => {
    const made = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["d"]], ["e", ["a"]]]);
    expect(circles(made)).toEqual([["a", "b", "c"], ["d"]]);
  });

  test("no file reaches itself through its imports", () => {
    expect(circles(graph).map((circle) => circle.map(name).join(" → "))).toEqual([]);
  });

  test("the library imports neither the entry scripts nor the benchmark", () => {
    const backwards = [...graph].flatMap(([file, targets]) =>
      name(file).startsWith("scripts/lib/")
        ? targets.filter((target) => !name(target).startsWith("scripts/lib/")).map((target) => `${name(file)} → ${name(target)}`)
        : []);
    expect(backwards).toEqual([]);
  });
});
