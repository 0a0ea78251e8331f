/**
 * Which `bun test` hands itself to `bun test --parallel=2` (test/support/parallel.ts): the
 * whole suite or folders of it, never named files, the unit layer, an opted-out run, a
 * one-core machine, or the parallel run's own coordinator and workers.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { pathFilters, role, TIMINGS } from "../support/parallel.ts";

const calm = {};

test("the whole suite and folders of it are handed off; named files run as they are", () => {
  expect(role([], calm, 2)).toBe("hand-off");
  expect(role(["test/e2e"], calm, 2)).toBe("hand-off");
  expect(role(["test/unit", "test/e2e"], calm, 2)).toBe("hand-off");
  expect(role(["test/e2e/fault.test.ts"], calm, 2)).toBe("serial");
  expect(role(["test/e2e", "test/e2e/fault.test.ts"], calm, 2)).toBe("serial");
  // A name filter: its value is not a folder, so the run stays as asked.
  expect(role(["-t", "bisect"], calm, 2)).toBe("serial");
});

test("the unit layer, COLDSTART_TEST_SERIAL=1 and a one-core machine stay serial", () => {
  expect(role([], { COLDSTART_TEST_LAYER: "unit" }, 2)).toBe("serial");
  expect(role([], { COLDSTART_TEST_SERIAL: "1" }, 2)).toBe("serial");
  expect(role([], calm, 1)).toBe("serial");
  expect(role(null, calm, 2)).toBe("serial");
});

test("the parallel run's own processes never hand off again", () => {
  expect(role(["--parallel=2", "--no-isolate"], calm, 2)).toBe("coordinator");
  expect(role(["--test-worker"], calm, 2)).toBe("worker");
});

test("path filters are the arguments that are not options", () => {
  expect(pathFilters(["--timeout=5", "test/e2e", "-u"])).toEqual(["test/e2e"]);
});

test("the timings file is bun's own format: a duration per test file", () => {
  const timings = JSON.parse(readFileSync(TIMINGS, "utf8")) as { version: number; files: Record<string, number> };
  expect(timings.version).toBe(1);
  const files = Object.keys(timings.files);
  expect(files.length).toBeGreaterThan(10);
  expect(files.every((file) => /^test\/(unit|e2e)\/[\w-]+\.test\.ts$/.test(file))).toBe(true);
});
