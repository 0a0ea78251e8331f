/** The import graph and the subtree of a statement, on hand-made graphs (no processes). */
import { describe, expect, test } from "bun:test";
import { buildGraph, importSites, reachable, subtree, topPackages } from "../../scripts/lib/advise/graph.ts";
import type { ImportEdge } from "../../scripts/lib/advise/model.ts";

/** `"from:line>to"` strings to edges (line "-" for null). */
function edges(...specs: string[]): ImportEdge[] {
  return specs.map((spec) => {
    const [site, to] = spec.split(">");
    const [from, line] = site!.split(":");
    return { from: from!, line: line === "-" ? null : Number(line), to: to!, direct: true };
  });
}

function graph(modules: string[], specs: string[], startup: string[] = ["sys", "os"]) {
  return buildGraph({ startup, modules, edges: edges(...specs) });
}

describe("subtree of a statement", () => {
  test("a chain: everything below the statement goes", () => {
    const g = graph(["pkg", "pkg.report", "csv", "_csv"], ["__coldstart__:1>pkg", "pkg:2>pkg.report", "pkg.report:1>csv", "csv:3>_csv"]);
    expect(subtree(g, [{ module: "pkg", line: 2 }])).toEqual(["_csv", "csv", "pkg.report"]);
    expect(subtree(g, [{ module: "pkg.report", line: 1 }])).toEqual(["_csv", "csv"]);
    expect(subtree(g, [{ module: "__coldstart__", line: 1 }])).toEqual(["_csv", "csv", "pkg", "pkg.report"]);
  });

  test("a diamond: the shared bottom goes only when both sides go", () => {
    const g = graph(["pkg", "pkg.a", "pkg.b", "heavy"], ["__coldstart__:1>pkg", "pkg:1>pkg.a", "pkg:2>pkg.b", "pkg.a:1>heavy", "pkg.b:1>heavy"]);
    expect(subtree(g, [{ module: "pkg", line: 1 }])).toEqual(["pkg.a"]);
    expect(subtree(g, [{ module: "pkg", line: 2 }])).toEqual(["pkg.b"]);
    // Together they bring more than the sum of each alone.
    expect(subtree(g, [{ module: "pkg", line: 1 }, { module: "pkg", line: 2 }])).toEqual(["heavy", "pkg.a", "pkg.b"]);
  });

  test("a module a kept module also imports stays", () => {
    const g = graph(["pkg", "pkg.core", "pkg.report", "json", "csv"], [
      "__coldstart__:1>pkg", "pkg:1>pkg.core", "pkg:2>pkg.report", "pkg.core:1>json", "pkg.report:1>json", "pkg.report:2>csv",
    ]);
    expect(subtree(g, [{ module: "pkg", line: 2 }])).toEqual(["csv", "pkg.report"]);
  });

  test("a module start-up loaded is never in a subtree", () => {
    const g = graph(["pkg", "pkg.report"], ["__coldstart__:1>pkg", "pkg:2>pkg.report", "pkg.report:1>os", "pkg.report:2>sys"]);
    expect(subtree(g, [{ module: "pkg", line: 2 }])).toEqual(["pkg.report"]);
  });

  test("cycles: two modules importing each other go together, and a cycle back to a kept module keeps nothing extra", () => {
    const g = graph(["pkg", "pkg.a", "pkg.b"], ["__coldstart__:1>pkg", "pkg:3>pkg.a", "pkg.a:1>pkg.b", "pkg.b:1>pkg.a", "pkg.b:2>pkg"]);
    expect(subtree(g, [{ module: "pkg", line: 3 }])).toEqual(["pkg.a", "pkg.b"]);
    expect(reachable(g, [{ module: "pkg", line: 3 }]).has("pkg.a")).toBe(false);
  });

  test("`from pkg import sub` where sub is a submodule: the submodule needs its package, not the other way round", () => {
    // acme:2 `from .vendor import thing` loads acme.vendor and acme.vendor.thing (a submodule).
    const g = graph(["acme", "acme.vendor", "acme.vendor.thing", "zlib"], [
      "__coldstart__:1>acme", "acme:2>acme.vendor", "acme:2>acme.vendor.thing", "acme.vendor.thing:1>zlib",
    ]);
    expect(subtree(g, [{ module: "acme", line: 2 }])).toEqual(["acme.vendor", "acme.vendor.thing", "zlib"]);
    // A kept module that needs only the submodule keeps its parent package too.
    const kept = graph(["acme", "acme.core", "acme.vendor", "acme.vendor.thing"], [
      "__coldstart__:1>acme", "acme:1>acme.core", "acme:2>acme.vendor", "acme.core:1>acme.vendor.thing",
    ]);
    expect(subtree(kept, [{ module: "acme", line: 2 }])).toEqual([]);
  });

  test("a statement over several lines is matched by its range", () => {
    const g = graph(["pkg", "pkg.a", "pkg.b"], ["__coldstart__:1>pkg", "pkg:3>pkg.a", "pkg:4>pkg.b"]);
    expect(subtree(g, [{ module: "pkg", line: 3 }])).toEqual(["pkg.a"]);
    expect(subtree(g, [{ module: "pkg", line: 3, endLine: 5 }])).toEqual(["pkg.a", "pkg.b"]);
  });

  test("a module no recorded edge reaches (put in sys.modules by hand) is never claimed to go", () => {
    const g = graph(["pkg", "pkg.report", "orphan"], ["__coldstart__:1>pkg", "pkg:2>pkg.report"]);
    expect(subtree(g, [{ module: "pkg", line: 2 }])).toEqual(["pkg.report"]);
    expect(subtree(g, [{ module: "__coldstart__", line: 1 }])).toEqual(["pkg", "pkg.report"]);
  });

  test("edges recorded while a module was being loaded (line null) belong to that module", () => {
    const g = graph(["pkg", "_ext", "zlib"], ["__coldstart__:1>pkg", "pkg:4>_ext", "_ext:->zlib"]);
    expect(subtree(g, [{ module: "pkg", line: 4 }])).toEqual(["_ext", "zlib"]);
  });
});

describe("import sites", () => {
  test("module-level lines of own modules, with their targets, in order", () => {
    const g = graph(["pkg", "pkg.a", "csv", "json"], ["__coldstart__:1>pkg", "pkg:2>pkg.a", "pkg:2>csv", "pkg.a:1>json", "json:1>csv"]);
    const sites = importSites(g, (module) => module === "pkg" || module.startsWith("pkg."));
    expect(sites.map((site) => [site.module, site.line, site.targets])).toEqual([
      ["pkg", 2, ["pkg.a", "csv"]],
      ["pkg.a", 1, ["json"]],
    ]);
  });

  test("top-level packages", () => {
    expect(topPackages(["xml.dom.minidom", "xml", "_csv", "csv"])).toEqual(["_csv", "csv", "xml"]);
  });
});
