/**
 * Cutting importtime and importers out of the first parse (result/read-sections.ts): a
 * file laid out as coldstart writes it reads exactly as when parsed whole; a cut that is
 * not one value, or a layout that is not coldstart's, falls back to the whole text; a
 * broken value is still one line naming the file, when it is read.
 */
import { describe, expect, test } from "bun:test";
import { UserError } from "../../scripts/lib/errors.ts";
import { splitSections } from "../../scripts/lib/result/read-sections.ts";
import { parseResult } from "../../scripts/lib/result/read.ts";

const record = (by: string, line: number, code: string) => ({ by, file: `${by.replace(/\./g, "/")}.py`, line, code, root: "tree", kind: "first-party" });

/** A result file with two measurements' importtime rows and importers (non-ASCII included). */
function resultFile(): Record<string, unknown> {
  const measurement = { min: 10, max: 12, mean: 11, median: 11, iterations: 3, samples: [10, 11, 12], statement: "import app" };
  return {
    timestamp: 1763179522.04,
    python_version: "3.11.2",
    measurements: { app_total: measurement, app_cli: { ...measurement, statement: "import app.cli" } },
    module_counts: { total: 4, filtered: 2 },
    schema_version: 1,
    modules: { after: "import app", package: "app", loaded: ["app", "app.cli", "json", "re"] },
    importtime: {
      app_total: [{ module: "app", self_us: 120, cumulative_us: 900, depth: 0 }, { module: "json", self_us: 300, cumulative_us: 700, depth: 1 }],
      app_cli: [{ module: "app.cli", self_us: 50, cumulative_us: 80, depth: 0 }],
      app_empty: [],
    },
    importers: {
      app_total: { app: record("__coldstart__", 1, "import app"), json: record("app", 3, "import json  # “fast” … λ") },
      "app \"cli\"": { "app.cli": { by: null, file: null, line: null, code: null, startup: true } },
    },
    hotspots: { app_total: [{ module: "app", file: "app/__init__.py", line: 4, call: "re.compile", ms: 1.5, count: 1 }] },
  };
}

/** Every section read, as plain data (the getters run). */
function sections(text: string, source = "a.json") {
  const { data } = parseResult(text, source);
  return JSON.parse(JSON.stringify({ importtime: data.importtime, importers: data.importers, hotspots: data.hotspots, measurements: data.measurements }));
}

describe("read-sections", () => {
  test("a file laid out as coldstart writes it is cut, and reads as when parsed whole", () => {
    const file = resultFile();
    const pretty = JSON.stringify(file, null, 2);
    const split = splitSections(pretty)!;
    expect(split).not.toBeNull();
    expect(split.skeleton).not.toContain("import json  # “fast” … λ");
    expect(JSON.parse(split.skeleton).importers).toEqual({ app_total: {}, 'app "cli"': {} });
    expect(JSON.parse(split.skeleton).importtime).toEqual({ app_total: [], app_cli: [], app_empty: [] });
    // Whole: the same file on one line is not cut.
    expect(splitSections(JSON.stringify(file))).toBeNull();
    expect(sections(pretty)).toEqual(sections(JSON.stringify(file)));
    expect(Object.keys(parseResult(pretty, "a.json").data.importers!)).toEqual(["app_total", 'app "cli"']);
  });

  test("each cut value is the whole text's value, and the rest parses as the whole text with those values empty", () => {
    const pretty = JSON.stringify(resultFile(), null, 2);
    const whole = JSON.parse(pretty);
    const split = splitSections(pretty)!;
    const deferred = split.deferred(() => whole);
    for (const section of ["importtime", "importers"] as const) {
      for (const name of Object.keys(whole[section])) {
        const taken = deferred.take(section, name);
        if (taken !== undefined) expect(taken).toEqual(whole[section][name]);
      }
    }
    expect(deferred.take("importers", "no such measurement")).toBeUndefined();
  });

  test("a cut that is not one value falls back to the whole text", () => {
    // An inner list closed on a line indented 4, as coldstart never writes: the cut ends too early.
    const text = JSON.stringify(resultFile(), null, 2).replace(
      '"app_cli": [\n      {',
      '"app_cli": [\n      [\n    ],\n      {',
    );
    const whole = JSON.parse(text);
    const split = splitSections(text);
    expect(() => JSON.parse(split!.skeleton)).toThrow(); // the rest does not parse: parseResult parses the whole text
    expect(split!.deferred(() => whole).take("importtime", "app_cli")).toEqual(whole.importtime.app_cli);
    expect(() => parseResult(text, "a.json").data.importtime!.app_cli).toThrow('a.json: field "importtime.app_cli[0]" must be an object');
  });

  test("a broken value is one line naming the file when it is read, and only then", () => {
    const text = JSON.stringify(resultFile(), null, 2).replace('"by": "app",', '"by": "app"');
    const loaded = parseResult(text, "a.json");
    expect(loaded.measurements.app_total!.seed.median).toBe(11);
    let error: unknown;
    try {
      void loaded.data.importers!.app_total;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toStartWith("a.json: not valid JSON (");
  });

  test("a section given twice, or written otherwise, is parsed whole", () => {
    const pretty = JSON.stringify(resultFile(), null, 2);
    // JSON.parse keeps the last of a key given twice: the section is left whole, and reads as the whole text does.
    const twice = pretty.replace('\n  "hotspots": {', '\n  "importers": {\n    "x": {}\n  },\n  "hotspots": {');
    expect(splitSections(twice)!.skeleton).toContain("import json  # “fast” … λ");
    expect(sections(twice)).toEqual(sections(JSON.stringify(JSON.parse(twice))));
    expect(Object.keys(parseResult(twice, "a.json").data.importers!)).toEqual(["x"]);
    expect(splitSections(JSON.stringify(resultFile(), null, 4))).toBeNull();
    expect(splitSections(JSON.stringify(resultFile(), null, "\t"))).toBeNull();
  });

  test("every field of an importers record, an importtime row and a hotspot is checked, and a wrong one named", () => {
    const wrong: [string, (file: ReturnType<typeof resultFile>) => void, string][] = [
      ["importers.app_total.json.by", (f) => { (f.importers as any).app_total.json.by = 3; }, "must be a string"],
      ["importers.app_total.json.file", (f) => { (f.importers as any).app_total.json.file = false; }, "must be a string"],
      ["importers.app_total.json.line", (f) => { (f.importers as any).app_total.json.line = "3"; }, "must be a number"],
      ["importers.app_total.json.code", (f) => { (f.importers as any).app_total.json.code = []; }, "must be a string"],
      ["importers.app_total.json", (f) => { (f.importers as any).app_total.json = [1]; }, "must be an object"],
      ["importers.app_total.__proto__", (f) => { (f.importers as any).app_total = JSON.parse('{"__proto__": {"by": null}}'); }, "is not allowed"],
      ["importtime.app_total[1].module", (f) => { (f.importtime as any).app_total[1].module = 1; }, "must be a string"],
      ["importtime.app_total[1].self_us", (f) => { (f.importtime as any).app_total[1].self_us = null; }, "must be a number"],
      ["importtime.app_total[0].cumulative_us", (f) => { delete (f.importtime as any).app_total[0].cumulative_us; }, "must be a number"],
      ["importtime.app_total[1].depth", (f) => { (f.importtime as any).app_total[1].depth = "1"; }, "must be a number"],
      ["importtime.app_total[0]", (f) => { (f.importtime as any).app_total[0] = null; }, "must be an object"],
      ["hotspots.app_total[0].ms", (f) => { (f.hotspots as any).app_total[0].ms = "1.5"; }, "must be a number"],
      ["hotspots.app_total[0].line", (f) => { (f.hotspots as any).app_total[0].line = "4"; }, "must be a number"],
    ];
    for (const [field, spoil, problem] of wrong) {
      const file = resultFile();
      spoil(file);
      // Both ways a file is read: cut (coldstart's layout) and whole (one line).
      for (const text of [JSON.stringify(file, null, 2), JSON.stringify(file)]) {
        const read = () => {
          const { data } = parseResult(text, "a.json");
          return [data.importers?.app_total, data.importtime?.app_total, data.hotspots?.app_total];
        };
        expect(read).toThrow(new UserError(`a.json: field "${field}" ${problem}`));
      }
    }
    // Absent optional fields of an importers record read as null; a false `startup` is dropped.
    const file = resultFile();
    (file.importers as any).app_total.json = { by: "app", startup: false };
    const record = parseResult(JSON.stringify(file, null, 2), "a.json").data.importers!.app_total!.json!;
    expect(record).toEqual({ by: "app", file: null, line: null, code: null });
  });
});
