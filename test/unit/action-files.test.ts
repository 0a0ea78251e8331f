/**
 * The GitHub Action (action.yml) and the workflows (.github/workflows/) as files: they
 * parse and hold together (inputs, step ids, stubs, release asset names). Their steps run
 * with a fake GITHUB_* environment in test/e2e/action.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.ts";
import { STUBS, type Yaml } from "../support/action-runner.ts";

const parse = (path: string) => Bun.YAML.parse(readFileSync(join(ROOT, path), "utf8")) as Yaml;
const action = parse("action.yml");
const WORKFLOWS = readdirSync(join(ROOT, ".github", "workflows")).filter((name) => /\.ya?ml$/.test(name)).map((name) => `.github/workflows/${name}`);
const workflows = Object.fromEntries(WORKFLOWS.map((path) => [path, parse(path)]));

/** Every `${{ }}` expression in a YAML tree. */
function expressions(node: unknown): string[] {
  if (typeof node === "string") return [...node.matchAll(/\$\{\{(.*?)\}\}/gs)].map((match) => match[1]!.trim());
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (node && typeof node === "object") return Object.values(node).flatMap(expressions);
  return [];
}

function checkSteps(where: string, steps: Yaml[]): void {
  for (const step of steps) {
    const label = `${where}: step ${step.name ?? step.uses}`;
    expect(Boolean(step.uses) !== Boolean(step.run), `${label}: uses or run`).toBe(true);
    if (step.uses) expect(step.uses === "./" || step.uses in STUBS, `${label}: ${step.uses} is not stubbed by the test`).toBe(true);
    // Values reach scripts through env:, never by ${{ }} pasted into the script (injection).
    if (step.run) expect(String(step.run), label).not.toContain("${{");
  }
}

describe("action.yml and the workflows parse and hold together", () => {
  test("action.yml: a composite action with the inputs, outputs and steps it documents", () => {
    expect(action.runs.using).toBe("composite");
    const inputs = Object.keys(action.inputs);
    for (const name of ["base", "head", "python", "metric", "fail-on-regression", "iterations", "working-directory", "install", "artifact-name"]) expect(inputs).toContain(name);
    for (const input of Object.values(action.inputs) as Yaml[]) expect(typeof input.description).toBe("string");
    const steps = action.runs.steps as Yaml[];
    checkSteps("action.yml", steps);
    for (const step of steps) if (step.run) expect(step.shell).toBe("bash");
    const ids = steps.map((step) => step.id).filter(Boolean);
    for (const expression of expressions(action)) {
      for (const [, name] of expression.matchAll(/\binputs\.([\w-]+)/g)) expect(inputs, expression).toContain(name!);
      for (const [, id] of expression.matchAll(/\bsteps\.([\w-]+)\./g)) expect(ids, expression).toContain(id!);
    }
  });
  test("every workflow: triggers, jobs with steps, needs that exist, `uses: ./` with inputs the action has", () => {
    expect(WORKFLOWS.sort()).toEqual([".github/workflows/cold-start.yml", ".github/workflows/release.yml"]);
    for (const [path, workflow] of Object.entries(workflows)) {
      expect(workflow.on, path).toBeDefined();
      for (const [name, job] of Object.entries(workflow.jobs as Record<string, Yaml>)) {
        expect(job["runs-on"], `${path} ${name}`).toBeDefined();
        for (const need of [job.needs ?? []].flat()) expect(Object.keys(workflow.jobs)).toContain(need);
        checkSteps(`${path} ${name}`, job.steps);
        for (const step of job.steps as Yaml[]) {
          if (step.uses === "./") for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
        }
      }
    }
  });
  test("release: the three targets, and the asset names the action downloads", () => {
    const release = workflows[".github/workflows/release.yml"]!;
    const built = (release.jobs.build.strategy.matrix.include as Yaml[]).map((row) => [row.target, row.asset]);
    expect(built).toEqual([
      ["bun-linux-x64", "coldstart-linux-x64"], ["bun-linux-arm64", "coldstart-linux-arm64"], ["bun-darwin-arm64", "coldstart-darwin-arm64"],
    ]);
    const download = (action.runs.steps as Yaml[]).find((step) => String(step.run ?? "").includes("asset="))!.run as string;
    expect([...download.matchAll(/asset=(coldstart-[\w-]+)/g)].map((match) => match[1]).sort()).toEqual(built.map((row) => row[1]).sort());
    expect((release.jobs.smoke.strategy.matrix.include as Yaml[]).map((row) => row.asset).sort()).toEqual(built.map((row) => row[1]).sort());
    expect(String((release.jobs.build.steps as Yaml[]).find((step) => step.name === "Build")!.run)).toContain('bun run build -- --target "$TARGET"');
  });
});
