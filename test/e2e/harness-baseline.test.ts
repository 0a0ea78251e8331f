/**
 * "import adds ≈0.00 ms" beside a 61.67 ms import: what the import adds is the statement's
 * process time minus the `python -c pass` runs', both through the harness. The harness
 * imported json after the statement to write its line; a `pass` run paid for that import
 * (more with --pyc cold, compiling it every run), a run whose package had already loaded
 * json did not, so the subtraction took away part of the import itself. The harness now
 * imports nothing after the statement, so the two runs differ by the statement alone.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { END_MARKER, HARNESS, parseHarnessOutput, RESULT_FD } from "../../scripts/lib/measure/harness.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";

setDefaultTimeout(60_000);
afterAll(cleanupTempDirs);

async function harness(statement: string, extra: string[] = []): Promise<{ channel: string; stderr: string }> {
  const proc = Bun.spawn(["python3", ...extra, "-c", HARNESS, statement, ""], {
    cwd: tempDir(), env: { ...process.env, PYTHONPYCACHEPREFIX: tempDir() }, stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const channel = new Response(Bun.file(proc.stdio[RESULT_FD] as unknown as number).stream()).text();
  const [stderr, text] = await Promise.all([new Response(proc.stderr as ReadableStream).text(), channel, proc.exited]);
  return { channel: text, stderr };
}

test("after the statement the harness imports nothing: a pass run and an import run differ by the statement only", async () => {
  for (const statement of ["pass", "import json"]) {
    const { stderr } = await harness(statement, ["-X", "importtime"]);
    const after = stderr.slice(stderr.indexOf(END_MARKER) + END_MARKER.length).split("\n").filter((line) => line.startsWith("import time:"));
    expect({ statement, after }).toEqual({ statement, after: [] });
  }
});

test("the result line is JSON, whatever the module names", async () => {
  const { channel } = await harness(`import sys; sys.modules['we"ird\\\\näme 😀\\x01'] = sys`);
  const output = parseHarnessOutput(channel)!;
  expect(output).not.toBeNull();
  expect(output.modules).toContain('we"ird\\näme 😀\x01');
  expect(output.modules).not.toContain("json");
  expect(output.quantities.import_ms).toBeGreaterThan(0);
  expect(output.quantities.rss_mb).toBeGreaterThan(0);
});
