import { expect, test } from "bun:test";
import { parseResult } from "../../scripts/lib/result/read.ts";
import { resultFileName } from "../../scripts/lib/result/schema.ts";

/** The JSON structure shown in the original tool's README, verbatim. */
const SEED_FILE = `{
  "timestamp": 1763179522.0437188,
  "python_version": "3.8.20 (default, Oct  2 2024, 16:12:59) [Clang 18.1.8 ]",
  "measurements": {
    "runpod_total": {
      "min": 375.97,
      "max": 527.9,
      "mean": 393.91,
      "median": 380.4,
      "iterations": 10
    }
  },
  "module_counts": {
    "total": 698,
    "filtered": 48
  },
  "paramiko_eagerly_loaded": true,
  "ssh_cli_loaded": true
}`;

test("a result file written by the original Python tool parses with our reader", () => {
  const loaded = parseResult(SEED_FILE, "seed.json");
  expect(loaded.data.measurements.runpod_total!.mean).toBe(393.91);
  expect(loaded.data.module_counts).toEqual({ total: 698, filtered: 48 });
  expect(loaded.hasSamples).toBe(false);
  expect(loaded.lazy).toEqual({
    paramiko_eagerly_loaded: { label: "Paramiko", loaded: true },
    ssh_cli_loaded: { label: "SSH CLI", loaded: true },
  });
});

test("schema-1 lazy_checks win over the top-level booleans and carry their labels", () => {
  const file = JSON.parse(SEED_FILE);
  file.schema_version = 1;
  file.lazy_checks = { paramiko_eagerly_loaded: { label: "Paramiko (ssh)", module: "paramiko", after: "import runpod", loaded: true } };
  file.measurements.runpod_total.samples = [380, 381];
  const loaded = parseResult(JSON.stringify(file), "new.json");
  expect(loaded.lazy.paramiko_eagerly_loaded).toEqual({ label: "Paramiko (ssh)", loaded: true, module: "paramiko" });
  expect(loaded.lazy.ssh_cli_loaded).toEqual({ label: "SSH CLI", loaded: true });
  expect(loaded.hasSamples).toBe(true);
});

test.each([
  ["", "a.json: the file is empty"],
  ["{\"timestamp\": 1,", "a.json: not valid JSON"],
  ["[]", 'a.json: field "(top level)" must be an object'],
  ['{"timestamp": 1, "python_version": "3", "measurements": {"x": {"min": "fast"}}, "module_counts": {"total": 1, "filtered": 0}}', 'a.json: field "measurements.x.min" must be a number'],
  ['{"timestamp": 1, "python_version": "3", "measurements": {}}', 'a.json: field "module_counts" must be an object'],
  ['{"timestamp": 1, "python_version": "3", "measurements": {"__proto__": {}}, "module_counts": {"total": 1, "filtered": 0}}', 'a.json: field "measurements.__proto__" is not allowed'],
  ['{"timestamp": 1, "python_version": "3", "measurements": {}, "module_counts": {"total": 1, "filtered": 0}, "schema_version": 9}', 'a.json: field "schema_version" is 9'],
])("a broken file is one message naming file and field: %p", (text, message) => {
  expect(() => parseResult(text, "a.json")).toThrow(message);
});

test("result file names follow the seed, refs with / as _", () => {
  expect(resultFileName(1763179522.9)).toBe("cold_start_1763179522.json");
  expect(resultFileName(1763179522, "feature/lazy-loading")).toBe("cold_start_feature_lazy-loading_1763179522.json");
});
