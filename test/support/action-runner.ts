/**
 * Test helper: runs GitHub Actions workflow jobs and the composite action of this
 * repository locally, as the runner would for the subset they use — `${{ }}` expressions
 * (contexts, ==, !=, &&, ||, !, always/success/failure/cancelled), `if:`, step outputs
 * ($GITHUB_OUTPUT), $GITHUB_PATH, $GITHUB_STEP_SUMMARY, matrices of lists, `needs`, and
 * `uses: ./`. Actions from elsewhere are stubbed explicitly (STUBS); any other `uses:`,
 * expression or function is an error, so the workflows stay within what is tested here.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { findPython } from "../helpers.ts";

type Context = Record<string, unknown>;
export type Yaml = Record<string, any>;

// ---- expressions -------------------------------------------------------------------

const TOKEN = /\s*(?:(\|\||&&|==|!=|!|\(|\)|,)|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)\b|([A-Za-z_][A-Za-z0-9_.-]*))/y;

function truthy(value: unknown): boolean {
  return !(value === "" || value === null || value === undefined || value === false || value === 0);
}

/** Evaluates one expression (without its `${{ }}`) against the contexts. */
export function evaluate(source: string, context: Context, status: { failed: boolean }): unknown {
  const tokens: { op?: string; str?: string; num?: string; id?: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.trimEnd().length) {
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`expression: cannot read ${JSON.stringify(source.slice(TOKEN.lastIndex))} in ${JSON.stringify(source)}`);
    tokens.push({ op: match[1], str: match[2]?.replace(/''/g, "'"), num: match[3], id: match[4] });
  }
  let at = 0;
  const peek = (op: string) => tokens[at]?.op === op;
  const take = (op: string) => {
    if (!peek(op)) throw new Error(`expression: expected ${op} in ${JSON.stringify(source)}`);
    at += 1;
  };
  const FUNCTIONS: Record<string, () => boolean> = {
    always: () => true, success: () => !status.failed, failure: () => status.failed, cancelled: () => false,
  };
  const primary = (): unknown => {
    const token = tokens[at++];
    if (!token) throw new Error(`expression: unexpected end of ${JSON.stringify(source)}`);
    if (token.op === "(") {
      const value = or();
      take(")");
      return value;
    }
    if (token.str !== undefined) return token.str;
    if (token.num !== undefined) return Number(token.num);
    if (token.id === "true" || token.id === "false") return token.id === "true";
    if (token.id === "null") return null;
    if (token.id && peek("(")) {
      const fn = FUNCTIONS[token.id];
      if (!fn) throw new Error(`expression: function ${token.id}() is not supported here`);
      take("(");
      take(")");
      return fn();
    }
    if (!token.id) throw new Error(`expression: unexpected ${token.op} in ${JSON.stringify(source)}`);
    const [root, ...path] = token.id.split(".");
    if (!(root! in context)) throw new Error(`expression: unknown context ${root} in ${JSON.stringify(source)}`);
    return path.reduce<unknown>((value, key) => (value as Context | undefined)?.[key], context[root!]);
  };
  const unary = (): unknown => {
    if (peek("!")) {
      at += 1;
      return !truthy(unary());
    }
    return primary();
  };
  const compare = (): unknown => {
    const left = unary();
    for (const op of ["==", "!="]) {
      if (peek(op)) {
        at += 1;
        const right = unary();
        const same = String(left ?? "").toLowerCase() === String(right ?? "").toLowerCase();
        return op === "==" ? same : !same;
      }
    }
    return left;
  };
  const and = (): unknown => {
    let value = compare();
    while (peek("&&")) {
      at += 1;
      const right = compare();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): unknown => {
    let value = and();
    while (peek("||")) {
      at += 1;
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`expression: trailing input in ${JSON.stringify(source)}`);
  return value;
}

/** A string with its `${{ }}` parts replaced. */
export function interpolate(text: unknown, context: Context, status = { failed: false }): string {
  return String(text ?? "").replace(/\$\{\{(.*?)\}\}/gs, (_, inner: string) => String(evaluate(inner, context, status) ?? ""));
}

function condition(text: unknown, context: Context, status: { failed: boolean }): boolean {
  if (text === undefined) return !status.failed;
  const source = String(text).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const usesStatus = /\b(always|failure|cancelled|success)\(\)/.test(source);
  return truthy(evaluate(source, context, status)) && (usesStatus || !status.failed);
}

// ---- the runner --------------------------------------------------------------------

export interface StepRecord {
  name: string;
  kind: "run" | "uses" | "skipped";
  code: number;
  output: string;
  seconds: number;
}

export interface Job {
  /** The job's machine: workspace (a checkout), temp folder, PATH additions, summary file. */
  workspace: string;
  temp: string;
  summary: string;
  path: string[];
  env: Record<string, string>;
  status: { failed: boolean };
  steps: StepRecord[];
  /** Uploaded artifacts, by name (shared by the jobs of one workflow run). */
  artifacts: string;
}

/** Stubs for the actions used from elsewhere: what each one does to the job, locally. */
export type Stub = (job: Job, inputs: Record<string, string>) => void;

export const STUBS: Record<string, Stub> = {
  "actions/checkout@v4": (job) => {
    if (!existsSync(join(job.workspace, "action.yml"))) throw new Error("checkout stub: the workspace is not a copy of this repository");
  },
  "oven-sh/setup-bun@v2": (_job, inputs) => {
    if (inputs["bun-version"] !== Bun.version) throw new Error(`setup-bun stub: asked for Bun ${inputs["bun-version"]}, this is ${Bun.version}`);
  },
  "actions/setup-python@v5": (job, inputs) => {
    const bin = join(job.temp, "setup-python-bin");
    mkdirSync(bin, { recursive: true });
    const versions = inputs["python-version"]!.split("\n").map((line) => line.trim()).filter(Boolean);
    for (const version of versions) {
      const python = findPython(version);
      if (!python) throw new SkipJob(`Python ${version} is not installed on this machine`);
      for (const name of [`python${version}`, "python3", "python"]) {
        rmSync(join(bin, name), { force: true });
        symlinkSync(python, join(bin, name));
      }
    }
    job.path.unshift(bin);
  },
  "actions/upload-artifact@v4": (job, inputs) => {
    const target = join(job.artifacts, inputs.name!);
    if (existsSync(target) && inputs.overwrite !== "true") throw new Error(`upload-artifact stub: an artifact named ${inputs.name} exists`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    for (const line of inputs.path!.split("\n").map((item) => item.trim()).filter(Boolean)) {
      const source = line.startsWith("/") ? line : join(job.workspace, line);
      if (!existsSync(source)) {
        if (inputs["if-no-files-found"] === "error") throw new Error(`upload-artifact stub: nothing at ${source}`);
        continue;
      }
      // A folder's contents become the artifact's root; a file keeps its name.
      cpSync(source, statSync(source).isDirectory() ? target : join(target, basename(source)), { recursive: true });
    }
  },
  "actions/download-artifact@v4": (job, inputs) => {
    const pattern = new Bun.Glob(inputs.pattern ?? inputs.name!);
    const names = readdirSync(job.artifacts).filter((name) => pattern.match(name));
    const into = join(job.workspace, inputs.path ?? ".");
    // v4: by pattern, each artifact in a folder of its name unless merge-multiple; by name, straight into path.
    const own = inputs.name === undefined && inputs["merge-multiple"] !== "true";
    for (const name of names) cpSync(join(job.artifacts, name), own ? join(into, name) : into, { recursive: true });
  },
};

/** A job that cannot run on this machine (e.g. a Python version it lacks). */
export class SkipJob extends Error {}

/** A fresh checkout of this repository: its tracked and untracked, not ignored, files (what a commit holds). */
export function checkout(root: string, into: string): string {
  const files = Bun.spawnSync(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root }).stdout.toString().split("\0").filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(root, file), join(into, file), { verbatimSymlinks: true });
  }
  return into;
}

/** Reads KEY=VALUE and KEY<<DELIM ... DELIM lines (the runner's file-command format). */
function readCommandFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

/** Runs a step's script as the runner does (bash -eo pipefail), without blocking this process (a test may serve it). */
async function runScript(job: Job, script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; output: string }> {
  const file = join(job.temp, `step-${job.steps.length}.sh`);
  writeFileSync(file, script);
  const child = Bun.spawn(["bash", "--noprofile", "--norc", "-eo", "pipefail", file], {
    cwd, env: { ...job.env, ...env, PATH: [...job.path, job.env.PATH].join(":") }, stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, output: stdout + stderr };
}

/**
 * Runs steps in order, as the runner does: `if:` decides, run steps get fresh
 * GITHUB_OUTPUT / GITHUB_PATH files, outputs land in `steps.<id>.outputs`.
 */
export async function runSteps(job: Job, steps: Yaml[], context: Context, extraEnv: Record<string, string> = {}, actionPath?: string): Promise<void> {
  const stepsContext: Record<string, { outputs: Record<string, string> }> = {};
  context.steps = stepsContext;
  for (const step of steps) {
    const name = String(step.name ?? step.uses ?? "run");
    if (!condition(step.if, context, job.status)) {
      job.steps.push({ name, kind: "skipped", code: 0, output: "", seconds: 0 });
      continue;
    }
    const env = Object.fromEntries(Object.entries((step.env ?? {}) as Record<string, unknown>).map(([k, v]) => [k, interpolate(v, context, job.status)]));
    const inputs = Object.fromEntries(Object.entries((step.with ?? {}) as Record<string, unknown>).map(([k, v]) => [k, interpolate(v, context, job.status)]));
    if (step.uses) {
      const uses = String(step.uses);
      try {
        if (uses === "./") await runAction(job, join(job.workspace, "action.yml"), inputs, context);
        else if (STUBS[uses]) STUBS[uses]!(job, inputs);
        else throw new Error(`no stub for ${uses}`);
        job.steps.push({ name, kind: "uses", code: 0, output: "", seconds: 0 });
      } catch (error) {
        if (error instanceof SkipJob || !(error instanceof StepFailed)) throw error;
        job.status.failed = true;
        job.steps.push({ name, kind: "uses", code: error.code, output: error.message, seconds: 0 });
      }
      continue;
    }
    const output = join(job.temp, `output-${job.steps.length}`);
    const pathFile = join(job.temp, `path-${job.steps.length}`);
    const cwd = step["working-directory"] ? interpolate(step["working-directory"], context) : job.workspace;
    const stepEnv = {
      ...extraEnv, ...env, GITHUB_OUTPUT: output, GITHUB_PATH: pathFile, GITHUB_STEP_SUMMARY: job.summary,
      ...(actionPath ? { GITHUB_ACTION_PATH: actionPath } : {}),
    };
    const started = performance.now();
    const result = await runScript(job, interpolate(step.run, context), stepEnv, cwd);
    job.steps.push({ name, kind: "run", code: result.code, output: result.output, seconds: (performance.now() - started) / 1000 });
    if (existsSync(pathFile)) job.path.unshift(...readFileSync(pathFile, "utf8").split("\n").filter(Boolean).reverse());
    if (step.id) stepsContext[step.id] = { outputs: readCommandFile(output) };
    if (result.code !== 0) job.status.failed = true;
  }
}

class StepFailed extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** Runs the composite action at `file` with `with:` inputs (defaults filled in), as a `uses:` step does. */
export async function runAction(job: Job, file: string, given: Record<string, string>, outer: Context): Promise<Record<string, string>> {
  const action = Bun.YAML.parse(readFileSync(file, "utf8")) as Yaml;
  const declared = (action.inputs ?? {}) as Record<string, { default?: string }>;
  for (const key of Object.keys(given)) if (!(key in declared)) throw new Error(`${file}: no input named ${key}`);
  const inputs = Object.fromEntries(Object.entries(declared).map(([key, spec]) => [key, given[key] ?? String(spec.default ?? "")]));
  const actionPath = dirname(file);
  const github = { ...(outer.github as Context), action_path: actionPath, action_repository: "", action_ref: "" };
  const context: Context = { ...outer, inputs, github };
  const before = job.status.failed;
  job.status.failed = false;
  await runSteps(job, action.runs.steps as Yaml[], context, {}, actionPath);
  const failed = job.status.failed;
  job.status.failed = before;
  const outputs = Object.fromEntries(Object.entries((action.outputs ?? {}) as Record<string, { value: string }>).map(([k, v]) => [k, interpolate(v.value, context)]));
  if (failed) throw new StepFailed(1, `composite action failed: ${job.steps.filter((s) => s.code !== 0).map((s) => s.name).join(", ")}`);
  return outputs;
}

/** A job's machine: a checkout of `root`, its own temp folder and summary, this process's environment minus any real GITHUB_*. */
export function newJob(root: string, artifacts: string): Job {
  const base = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), "coldstart-job-"));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(GITHUB_|RUNNER_)/.test(key)) env[key] = value;
  const job: Job = {
    workspace: checkout(root, join(base, "workspace")),
    temp: join(base, "temp"),
    summary: join(base, "summary.md"),
    path: [],
    env: {
      ...env, CI: "true", GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: join(base, "workspace"), RUNNER_TEMP: join(base, "temp"),
      RUNNER_OS: process.platform === "darwin" ? "macOS" : "Linux", RUNNER_ARCH: process.arch === "arm64" ? "ARM64" : "X64", NO_COLOR: "1",
    },
    status: { failed: false },
    steps: [],
    artifacts,
  };
  mkdirSync(job.temp, { recursive: true });
  writeFileSync(job.summary, "");
  return job;
}

/** The contexts a job's expressions see. */
export function jobContext(job: Job, matrix: Record<string, unknown> = {}): Context {
  return {
    matrix,
    runner: { temp: job.temp, os: job.env.RUNNER_OS, arch: job.env.RUNNER_ARCH },
    github: { workspace: job.workspace, event_name: "pull_request", ref_name: "test", repository: "coldstart/coldstart", token: "" },
    env: job.env,
  };
}

/** Every combination of a `strategy.matrix` of lists (no include/exclude). */
export function matrixOf(job: Yaml): Record<string, unknown>[] {
  const matrix = job.strategy?.matrix as Record<string, unknown[]> | undefined;
  if (!matrix) return [{}];
  if (matrix.include || matrix.exclude) throw new Error("matrixOf: include/exclude are not supported here");
  return Object.entries(matrix).reduce<Record<string, unknown>[]>(
    (combos, [key, values]) => combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value }))), [{}]);
}
