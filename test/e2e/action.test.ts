/**
 * The GitHub Action (action.yml) and the dogfood workflow, their steps run here in order
 * with a fake GITHUB_* environment (test/support/action-runner.ts): the dogfood workflow's
 * three jobs on the demo fixture — the action builds coldstart from a fresh checkout of
 * this repository, as on GitHub — and the action alone with `install: release` from a
 * local server, failing the job on a regression after the upload. Actions from elsewhere
 * (checkout, setup-python, setup-bun, upload/download-artifact) are stubbed explicitly.
 * That the files parse and hold together: test/unit/action-files.test.ts.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";
import { buildDemoRepo } from "../../scripts/demo.ts";
import { type Job, jobContext, matrixOf, newJob, runAction, runSteps, SkipJob, type Yaml } from "../support/action-runner.ts";
import { cleanupTempDirs, findPython, hangLimit, missing, ROOT, tempDir } from "../helpers.ts";

setDefaultTimeout(hangLimit(240_000));
afterAll(cleanupTempDirs);

const parse = (path: string) => Bun.YAML.parse(readFileSync(join(ROOT, path), "utf8")) as Yaml;
const workflows = Object.fromEntries([".github/workflows/cold-start.yml"].map((path) => [path, parse(path)]));

/**
 * Runs one job of a workflow, every leg of its matrix at once on machines of its own (as
 * GitHub does); legs this machine cannot run (a Python version it lacks) come back as skipped.
 */
async function runJob(workflow: Yaml, name: string, artifacts: string): Promise<{ legs: Job[]; skipped: string[] }> {
  const outcomes = await Promise.all(matrixOf(workflow.jobs[name]).map(async (matrix) => {
    const job = newJob(ROOT, artifacts);
    try {
      await runSteps(job, workflow.jobs[name].steps, jobContext(job, matrix));
      return { job };
    } catch (error) {
      if (!(error instanceof SkipJob)) throw error;
      return { skipped: `${name} ${JSON.stringify(matrix)}: ${error.message}` };
    }
  }));
  return { legs: outcomes.flatMap((o) => (o.job ? [o.job] : [])), skipped: outcomes.flatMap((o) => (o.skipped ? [o.skipped] : [])) };
}

function failedSteps(job: Job): string[] {
  return job.steps.filter((step) => step.code !== 0).map((step) => `${step.name} (exit ${step.code}): ${step.output.slice(-2000)}`);
}

function resultFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => /^cold_start_.+_\d+\.json$/.test(name) && name !== "cold_start_latest.json");
}

/** The dogfood workflow's interpreters (its setup-python steps); every leg runs only where all are installed. */
const DOGFOOD_PYTHONS = ["3.11", "3.12"];
const noDogfoodPythons = missing(
  "the dogfood workflow run here",
  DOGFOOD_PYTHONS.every(findPython) ? null : `it needs Python ${DOGFOOD_PYTHONS.join(" and ")} (pyenv, uv or /usr/bin); found ${DOGFOOD_PYTHONS.filter(findPython).join(", ") || "neither"}`,
);

test.skipIf(noDogfoodPythons)("the dogfood workflow, run here: two interpreters in one job, a two-version matrix, merged into one report", async () => {
  const workflow = workflows[".github/workflows/cold-start.yml"]!;
  const artifacts = tempDir("coldstart-artifacts-");
  // Jobs without `needs` start together, as on GitHub (each on a machine of its own here too).
  const [interpreters, matrix] = await Promise.all([runJob(workflow, "interpreters", artifacts), runJob(workflow, "matrix", artifacts)]);
  expect([...interpreters.skipped, ...matrix.skipped]).toEqual([]);
  expect([interpreters.legs.length, matrix.legs.length]).toEqual([1, 2]);
  for (const job of [...interpreters.legs, ...matrix.legs]) {
    expect(failedSteps(job)).toEqual([]);
    // The action built coldstart in its own checkout, and the job summary got the markdown report.
    expect(existsSync(join(job.workspace, "coldstart-bench"))).toBe(true);
    const summary = readFileSync(job.summary, "utf8");
    expect(summary).toContain("## Cold start benchmark comparison");
    expect(summary).toMatch(/✅ Cold start improved: \d+\.\d% faster/);
    expect(summary).toContain("No regression (threshold 5%)");
  }
  {
    // The interpreters job: both versions in one run, one matrix.
    const folder = join(artifacts, "cold-start-demo-interpreters");
    expect(resultFiles(folder)).toHaveLength(4);
    expect(existsSync(join(folder, "cold-start.html"))).toBe(true);
    const summary = readFileSync(interpreters.legs[0]!.summary, "utf8");
    expect(summary).not.toContain("Environments differ");
    const table = summary.slice(summary.lastIndexOf("## Matrix: every interpreter"));
    expect(table).toMatch(/\| 3\.11 \| lazy vs main \| ✅ [\d.]+% faster/);
    expect(table).toMatch(/\| 3\.12 \| lazy vs main \| ✅ [\d.]+% faster/);
  }
  for (const job of [...interpreters.legs, ...matrix.legs]) expect(job.steps.find((step) => step.name === "Fail on a regression")?.kind).toBe("skipped");
  const legs = readdirSync(artifacts).filter((name) => name.startsWith("cold-start-demo-py")).sort();
  expect(legs.length).toBe(matrix.legs.length);
  for (const leg of legs) expect(resultFiles(join(artifacts, leg))).toHaveLength(2);

  const merge = await runJob(workflow, "merge", artifacts);
  expect(merge.skipped).toEqual([]);
  const job = merge.legs[0]!;
  expect(failedSteps(job)).toEqual([]);
  expect(existsSync(join(artifacts, "cold-start-demo-merged", "merged.html"))).toBe(true);
  const summary = readFileSync(job.summary, "utf8");
  {
    // The merge job: one report over both legs.
    const table = summary.slice(summary.lastIndexOf("## Matrix: every CI job"));
    expect(table).toMatch(/\| Linux x86\\_64 · 3\.11 \| lazy vs main \| ✅/);
    expect(table).toMatch(/\| Linux x86\\_64 · 3\.12 \| lazy vs main \| ✅/);
    expect(readFileSync(join(artifacts, "cold-start-demo-merged", "merged.html"), "utf8")).toContain('<section id="matrix">');
  }
});

test("the action alone, install: release from a local server; a regression fails the job, after the upload", async () => {
  const python = findPython("3.11") ?? "python3";
  const bin = tempDir("coldstart-release-");
  expect(await build(bin)).toBe(0);
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  const requests: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const path = new URL(request.url).pathname;
      requests.push(path);
      return path === `/download/v${version}/coldstart-linux-x64` ? new Response(Bun.file(join(bin, "coldstart"))) : new Response("not found", { status: 404 });
    },
  });
  try {
    const job = newJob(ROOT, tempDir("coldstart-artifacts-"));
    const demo = join(job.temp, "demo");
    await buildDemoRepo(demo);
    let failure: Error | null = null;
    try {
      await runAction(job, join(job.workspace, "action.yml"), {
        install: "release", "release-url": `http://127.0.0.1:${server.port}`, "working-directory": demo,
        base: "lazy", head: "main", python, iterations: "6", "fail-on-regression": "5", args: "--max-iterations 6 --importtime-runs 0",
      }, jobContext(job));
    } catch (error) {
      failure = error as Error;
    }
    const steps = Object.fromEntries(job.steps.map((step) => [step.name, step]));
    expect(steps["Set up Bun"]!.kind).toBe("skipped");
    expect(steps["Build coldstart from the action's source"]!.kind).toBe("skipped");
    expect(steps["Download the coldstart binary"]!.code).toBe(0);
    expect(steps["Download the coldstart binary"]!.output).toContain(`coldstart ${version}`);
    expect(requests).toEqual([`/download/v${version}/coldstart-linux-x64`]);
    expect(steps["Benchmark base and head"]!.code).toBe(0); // the exit code goes to an output, so the upload still runs
    expect(steps["Upload the results and the HTML report"]!.kind).toBe("uses");
    expect(steps["Fail on a regression"]!.code).toBe(1);
    expect(steps["Fail on a regression"]!.output).toContain("::error title=coldstart::cold start regression");
    expect(failure?.message).toContain("composite action failed: Fail on a regression");
    const artifact = join(job.artifacts, `cold-start-Linux-${job.env.RUNNER_ARCH}-${python.replace(/[^A-Za-z0-9._-]/g, "_")}`);
    expect(resultFiles(artifact).sort().map((name) => name.replace(/_\d+\.json$/, ""))).toEqual(["cold_start_lazy", "cold_start_main"]);
    expect(existsSync(join(artifact, "cold-start.html"))).toBe(true);
    expect(readFileSync(job.summary, "utf8")).toContain("REGRESSION");
  } finally {
    server.stop(true);
  }
});
