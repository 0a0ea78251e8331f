/**
 * The environment step of a run: for every (tree, interpreter) that no `install` command
 * or in-tree `uv sync` took care of, read what the tree declares, decide the mode once per
 * interpreter (plan.ts: `auto` asks the interpreter what it lacks), then find the
 * environment in the cache or build it (one build per key, even when several trees or
 * runs need it at once), and point the tree at it: its python is spawned, the tree stays
 * first on PYTHONPATH — or, with `install_tree`, the tree is built and installed into a
 * folder of its own (`--no-deps`), which is then what is measured.
 *
 * Nothing here is timed; each build's log goes to the output folder, and a failure is one
 * line (exit 2) naming the tree, the step, its last error line and the log.
 */
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import { UserError } from "../errors.ts";
import { git } from "../git/run.ts";
import { childEnvironment, defaultPython, type PythonInfo, resolvePython } from "../measure/python.ts";
import type { TreeSpec } from "../measure/trees.ts";
import { interrupted, interruptExitCode, pruneStaleTemporaries, TEMP_PREFIXES, temporaryDir } from "../process.ts";
import { copyFile, ensureDir, writeFile } from "../write.ts";
import { VERSION } from "../settings.ts";
import { buildInto, closeLog, envPythonRuns, installerFor, installTree, openLog, StepError } from "./build.ts";
import { buildFolder, type CachedEnv, envsRoot, lockKey, lookupEnv, markInUse, META_FILE, type EnvMeta, publishEnv, pruneStaleBuilds } from "./cache.ts";
import { type Declarations, declaresAnything, diskFiles, readDeclarations } from "./declared.ts";
import { chooseMode, type DepsRecord, type EnvChoice, environmentKey, type EnvSetting } from "./plan.ts";
import { checkSatisfied } from "./satisfied.ts";

export interface EnvTree {
  spec: TreeSpec;
  /** What log files are named after (`env_<fileRef>_<seconds>.log`). */
  fileRef: string | null;
  /** The user's working tree (never written to). */
  working: boolean;
}

export interface EnvStepOptions {
  config: Config;
  outDir: string;
  /** Decisions, builds, waits. */
  say: (text: string) => void;
  /** Per-tree lines that report nothing new — no environment, or one reused (default: say). */
  detail?: (text: string) => void;
  /** --no-cache: build afresh and replace the cached environments. */
  fresh: boolean;
  /** The mode decided beforehand (bisect, history: over every commit of the path). */
  pinned?: EnvChoice;
  /** The cache folder (default: envsRoot()). */
  root?: string;
}

/** `uv` is on PATH (or null). */
export function findUv(): string | null {
  return Bun.which("uv");
}

/** Checks `env = "uv"` before anything is created: uv must be on PATH. */
export function checkEnvSetting(config: Pick<Config, "env">): void {
  if (config.env === "uv" && !findUv()) throw new UserError('env = "uv" but uv is not on PATH; install uv or use --env venv');
}

/** How an interpreter is named in reasons: "python3 (3.11.7)". */
export function interpreterName(python: PythonInfo): string {
  return `${python.requested} (${python.version.split(" ")[0]})`;
}

function realBinary(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The interpreter environments are made from: a virtualenv's python is made from its base. */
export function baseInterpreter(python: PythonInfo): string {
  return python.inVenv ? realBinary(python.executable) : python.executable;
}

/** The mode for trees of one interpreter: pinned, or chosen (auto asks the interpreter what it lacks). */
export async function decide(setting: EnvSetting, trees: { label: string; dir: string; declarations: Declarations }[], python: PythonInfo): Promise<EnvChoice> {
  const uv = findUv() !== null;
  if (setting !== "auto") return chooseMode(setting, [], uv, interpreterName(python));
  const asked = trees.map((tree) => tree.declarations.requirements);
  const answer = asked.some((lines) => lines.length)
    ? await checkSatisfied(python.executable, asked, childEnvironment(trees[0]!.dir, python).env)
    : { via: "", unsatisfied: asked.map(() => []) };
  const needs = trees.map((tree, index) => ({ label: tree.label, declares: declaresAnything(tree.declarations), unsatisfied: answer.unsatisfied[index] ?? [] }));
  return chooseMode("auto", needs, uv, interpreterName(python));
}

/** Copies the working tree's files (tracked and untracked, not ignored) to `dest`, so a build never writes into it. */
function snapshotWorkingTree(dir: string, dest: string): void {
  const listed = git(dir, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  if (!listed.ok) throw new UserError(`--install-tree: cannot list the working tree's files: ${listed.err}`);
  for (const path of listed.out.split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(dest, path)), { recursive: true });
    try {
      copyFile(join(dir, path), join(dest, path));
    } catch {
      // deleted in the working tree, or not a file (a submodule)
    }
  }
}

/** Keys built by this process: --no-cache rebuilds an environment once per invocation, not once per batch of a history. */
const builtHere = new Set<string>();

/** Environments of this run by key: several trees (and interpreters' trees) share one build. */
type Acquired = { env: CachedEnv; reused: boolean; seconds: number; log: string | null };

/** Attaches environments to the trees that need one; returns the specs to measure, in order. */
export async function attachEnvironments(trees: EnvTree[], options: EnvStepOptions): Promise<TreeSpec[]> {
  const { config, say } = options;
  const detail = options.detail ?? say;
  const root = options.root ?? envsRoot();
  const out = trees.map((tree) => tree.spec);
  const pending = trees.map((tree, index) => ({ ...tree, index })).filter((tree) => tree.spec.environment?.deps === undefined);
  if (!pending.length) return out;
  checkEnvSetting(config);
  pruneStaleBuilds(root);
  pruneStaleTemporaries(TEMP_PREFIXES.envtree);

  // Declarations and interpreters, then one decision per interpreter.
  const facts = await Promise.all(pending.map(async (tree) => {
    const requested = tree.spec.python ?? config.python[0] ?? defaultPython(tree.spec.dir);
    const python = await resolvePython(requested, tree.spec.dir);
    const declarations = readDeclarations(diskFiles(tree.spec.dir), config.extras);
    return { ...tree, requested, python, declarations };
  }));
  for (const tree of facts) for (const note of tree.declarations.notes) say(`Note: ${tree.spec.label}: ${note}`);
  const choices = new Map<string, EnvChoice>();
  for (const tree of facts) {
    const id = tree.python.executable;
    if (choices.has(id)) continue;
    const group = facts.filter((other) => other.python.executable === id).map((other) => ({ label: other.spec.label, dir: other.spec.dir, declarations: other.declarations }));
    const choice = options.pinned ?? await decide(config.env, group, tree.python);
    choices.set(id, choice);
    // A pinned mode was said once, where it was decided.
    if (choice.mode !== "none" && !options.pinned) say(`Environments (${interpreterName(tree.python)}): ${choice.mode} — ${choice.reason}`);
  }

  const acquired = new Map<string, Promise<Acquired>>();
  const stamp = Math.floor(Date.now() / 1000);
  for (const tree of facts) {
    if (interrupted()) throw new UserError("interrupted", interruptExitCode());
    const choice = choices.get(tree.python.executable)!;
    const label = tree.spec.label;
    if (choice.mode === "none") {
      const record: DepsRecord = { mode: "none", reason: choice.reason };
      detail(tree.working
        ? `Dependencies for ${label}: its own environment, as it is (the working tree is never changed)`
        : `Dependencies for ${label}: none (${choice.reason})`);
      out[tree.index] = { ...tree.spec, environment: { ...tree.spec.environment, deps: record } };
      continue;
    }
    const mode = choice.mode;
    const interpreter = { binary: realBinary(tree.python.executable), version: tree.python.version };
    const key = environmentKey(interpreter, mode, tree.declarations);
    const logName = `env_${(tree.fileRef ?? "worktree").replace(/[^A-Za-z0-9._~^@-]/g, "_")}_${stamp}.log`;
    let job = acquired.get(key);
    const first = job === undefined;
    if (!job) {
      job = acquire(root, key, { mode, interpreter, base: baseInterpreter(tree.python), declarations: tree.declarations, treeDir: tree.spec.dir, label, fresh: options.fresh, logPath: join(options.outDir, logName), say });
      acquired.set(key, job);
    }
    const got = await job;
    let seconds = first ? got.seconds : 0;
    let measuredDir = tree.spec.dir;
    let log = first ? got.log : null;
    if (config.install_tree) {
      const started = performance.now();
      const folder = temporaryDir(TEMP_PREFIXES.envtree);
      let source = tree.spec.dir;
      if (tree.working) {
        source = join(folder.dir, "source");
        snapshotWorkingTree(tree.spec.dir, source);
      }
      measuredDir = join(folder.dir, "site");
      ensureDir(options.outDir);
      const treeLog = openLog(join(options.outDir, logName));
      log = treeLog.path;
      try {
        await installTree(source, measuredDir, installerFor(got.env.meta.mode === "uv" ? "uv" : got.env.meta.installer ?? "base-pip", baseInterpreter(tree.python), got.env.python, findUv()), treeLog);
      } catch (error) {
        throw stepFailure(error, label, treeLog.path);
      } finally {
        closeLog(treeLog);
      }
      seconds += (performance.now() - started) / 1000;
    }
    const record: DepsRecord = {
      mode, reason: choice.reason, key, reused: got.reused || !first, install_s: Math.round(seconds * 100) / 100, ...(config.install_tree ? { install_tree: true } : {}),
    };
    const what = got.reused || !first ? `reused (${got.env.dir})` : `built in ${seconds.toFixed(1)} s (${got.env.dir})`;
    const tail = config.install_tree ? `; the tree installed into ${measuredDir}` : "";
    (record.reused && !config.install_tree ? detail : say)(`Dependencies for ${label}: ${mode} environment ${key} ${what}${tail}${log ? ` (log: ${log})` : ""}`);
    out[tree.index] = {
      ...tree.spec, dir: measuredDir, python: tree.requested, environmentPython: got.env.python, environment: { ...tree.spec.environment, deps: record },
    };
  }
  return out;
}

interface AcquireSpec {
  mode: "venv" | "uv";
  interpreter: { binary: string; version: string };
  base: string;
  declarations: Declarations;
  treeDir: string;
  label: string;
  fresh: boolean;
  logPath: string;
  say: (text: string) => void;
}

/**
 * When what failed to install came from requirements files, which often list developer
 * tools rather than what the import needs: "; the dependencies came from requirements.txt:
 * …--env none…". Empty for a package's own metadata (pyproject.toml, setup.cfg, setup.py).
 */
export function requirementsHint(sources: readonly string[]): string {
  const files = sources.filter((source) => /\.txt$/i.test(source));
  if (files.length === 0 || files.length !== sources.length) return "";
  return `; the dependencies came from ${files.join(", ")}: if the import needs none of them, --env none measures with the interpreter as it is (or set install in the config)`;
}

function stepFailure(error: unknown, label: string, log: string, sources: readonly string[] = []): unknown {
  if (!(error instanceof StepError)) return error;
  return new UserError(`environment for ${label}: ${error.step} failed: ${error.lastLine}${requirementsHint(sources)}; full log: ${log}`);
}

/** The environment `key`: from the cache, or built (under the key's lock) and published. */
async function acquire(root: string, key: string, spec: AcquireSpec): Promise<Acquired> {
  const usable = (found: CachedEnv | null) => (found && envPythonRuns(found.python) ? found : null);
  const reuse = (env: CachedEnv): Acquired => {
    markInUse(env.dir);
    return { env, reused: true, seconds: 0, log: null };
  };
  const fresh = spec.fresh && !builtHere.has(key);
  if (!fresh) {
    const found = usable(lookupEnv(root, key));
    if (found) return reuse(found);
  }
  const lock = await lockKey(root, key, (pid) => spec.say(`Waiting for run ${pid}, which is building environment ${key}...`));
  try {
    if (!fresh || lock.waited) {
      const found = usable(lookupEnv(root, key));
      if (found) return reuse(found);
    }
    const started = performance.now();
    const folder = buildFolder(root, key);
    ensureDir(dirname(spec.logPath));
    const log = openLog(spec.logPath);
    let built: Awaited<ReturnType<typeof buildInto>>;
    try {
      built = await buildInto(folder.dir, { mode: spec.mode, interpreter: spec.base, declarations: spec.declarations, treeDir: spec.treeDir, uv: findUv(), log });
    } catch (error) {
      folder.remove();
      throw stepFailure(error, spec.label, log.path, spec.declarations.sources);
    } finally {
      closeLog(log);
    }
    const seconds = (performance.now() - started) / 1000;
    const meta: EnvMeta = {
      key, mode: spec.mode, python: built.python, installer: built.installer, interpreter: spec.interpreter,
      requirements: spec.declarations.requirements, constraints: spec.declarations.constraints, options: spec.declarations.options,
      sources: spec.declarations.sources, created: new Date().toISOString(), build_s: Math.round(seconds * 100) / 100, tool: `coldstart ${VERSION}`,
    };
    writeFile(join(folder.dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    // A broken environment under the key (its base interpreter gone) is replaced like --no-cache does.
    publishEnv(root, key, folder.dir, fresh || existsSync(join(root, key)));
    folder.remove();
    builtHere.add(key);
    const env = lookupEnv(root, key);
    if (!env) throw new UserError(`environment for ${spec.label}: built, but ${join(root, key)} cannot be read back`);
    markInUse(env.dir);
    return { env, reused: false, seconds, log: log.path };
  } finally {
    lock.release();
  }
}
