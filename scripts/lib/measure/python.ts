/**
 * Finding the interpreter and building the child's environment.
 *
 * The interpreter is resolved once to `sys.executable` and that path is spawned: version
 * manager shims (pyenv, asdf) are shell scripts that would add tens of milliseconds to
 * every timed process.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { delimiter, join, resolve as resolvePath } from "node:path";
import { UserError } from "../errors.ts";
import { stopIfSignalled } from "../process.ts";
import { PROBE } from "./harness.ts";

export interface PythonInfo {
  /** What the user asked for (config, flag or default). */
  requested: string;
  /** The real executable that is spawned. */
  executable: string;
  version: string;
  versionInfo: [number, number, number];
  platform: string;
  cpu: string;
  cpuCount: number;
  /** True when the interpreter runs inside a virtualenv. */
  inVenv: boolean;
}

export function defaultPython(tree: string): string {
  const venv = join(tree, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

function cpuModel(): string {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const match = /^model name\s*:\s*(.+)$/m.exec(text);
    if (match) return match[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? "unknown";
}

/** Interpreters already asked, by the path or name requested: each is probed once per run. */
const probed = new Map<string, Promise<PythonInfo>>();

/**
 * Resolves an interpreter to its real executable and facts; a relative path is taken
 * relative to `cwd`. `spawned` reports the wall time of the probe process when one was
 * needed (not when answered from the cache), so the caller can account for every Python
 * process it started.
 */
export async function resolvePython(requested: string, cwd: string, spawned?: (wallMs: number) => void): Promise<PythonInfo> {
  const key = requested.includes("/") ? resolvePath(cwd, requested) : requested;
  const known = probed.get(key);
  if (known) return known;
  const started = performance.now();
  const info = probePython(key, cwd).then((found) => ({ ...found, requested }));
  probed.set(key, info);
  info.then(() => spawned?.(performance.now() - started), () => probed.delete(key));
  return info;
}

/** Numeric parts of a version folder name ("3.12.1" -> [3, 12, 1]), for picking the newest. */
function versionKey(name: string): number[] {
  return (name.match(/\d+/g) ?? []).map(Number);
}

function newestFirst(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (y[i] ?? -1) - (x[i] ?? -1);
  return 0;
}

/**
 * The executable a version such as "3.12" names: `python3.12` on PATH, else the newest
 * pyenv or uv installation of that version. Null when none is found.
 */
export function findPythonVersion(version: string, home = homedir()): string | null {
  const found = onPath(`python${version}`);
  // A version manager's shim answers only for the version it has selected: look behind it.
  if (found && !/\/(shims|\.asdf\/shims)\//.test(found)) return found;
  const roots: [string, (name: string) => boolean, string][] = [
    [join(process.env.PYENV_ROOT ?? join(home, ".pyenv"), "versions"), (name) => name === version || name.startsWith(`${version}.`), `bin/python${version}`],
    [join(process.env.UV_PYTHON_INSTALL_DIR ?? join(home, ".local", "share", "uv", "python")), (name) => name.startsWith(`cpython-${version}.`), `bin/python${version}`],
  ];
  for (const [root, matches, binary] of roots) {
    let names: string[];
    try {
      names = readdirSync(root).filter(matches).sort(newestFirst);
    } catch {
      continue;
    }
    for (const name of names) {
      const candidate = join(root, name, binary);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * `name` on the PATH the process has now (Bun.which and Bun.spawn without `env` look at
 * the PATH it started with, so a PATH set since, as the test suite sets it, would be missed).
 */
function onPath(name: string): string | null {
  return Bun.which(name, process.env.PATH === undefined ? undefined : { PATH: process.env.PATH });
}

/** What a requested interpreter resolves to before probing: a path, a command on PATH, or a version. */
function locate(requested: string): string | null {
  if (requested.includes("/")) return existsSync(requested) ? requested : null;
  if (/^\d+(\.\d+)*$/.test(requested)) return findPythonVersion(requested);
  return onPath(requested);
}

async function probePython(requested: string, cwd: string): Promise<PythonInfo> {
  const command = locate(requested);
  if (!command) {
    const how = /^\d+(\.\d+)*$/.test(requested) ? `no python${requested} on PATH, in pyenv or in uv` : "not found";
    throw new UserError(`python interpreter "${requested}": ${how}; set --python or [tool.coldstart] python`);
  }
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn([command, "-I", "-c", PROBE], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  } catch (error) {
    throw new UserError(`cannot run python interpreter "${requested}": ${error instanceof Error ? error.message : String(error)}`);
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  stopIfSignalled(proc.signalCode);
  if (code !== 0) {
    const lines = stderr.split("\n").map((line) => line.trim()).filter(Boolean);
    // 126/127: a shell (a pyenv or asdf shim) could not run it, and says why first; Python says why last.
    const said = (code === 126 || code === 127 ? lines[0] : lines[lines.length - 1]) ?? "";
    throw new UserError(`python interpreter "${requested}" failed to start (exit ${code}): ${said}`);
  }
  let info: {
    executable: string; version: string; version_info: number[]; platform: string;
    machine: string; processor: string; prefix: string; base_prefix: string; cpu_count: number | null;
  };
  try {
    info = JSON.parse(stdout.trim().split("\n").pop() ?? "");
  } catch {
    throw new UserError(`python interpreter "${requested}" did not answer like CPython 3.8+`);
  }
  const [major = 0, minor = 0, micro = 0] = info.version_info;
  if (major < 3 || (major === 3 && minor < 8)) {
    throw new UserError(`python interpreter "${requested}" is ${major}.${minor}; coldstart needs Python 3.8 or newer`);
  }
  return {
    requested,
    // A venv's python must be spawned by its own path (not the base interpreter) to stay in the venv.
    executable: info.executable || command,
    version: info.version,
    versionInfo: [major, minor, micro],
    platform: info.platform,
    cpu: cpuModel(),
    cpuCount: info.cpu_count ?? 0,
    inVenv: info.prefix !== info.base_prefix,
  };
}

/** Variables that would change what the child does at start-up; removed for every run. */
const REMOVED = [
  "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONPROFILEIMPORTTIME", "PYTHONVERBOSE", "PYTHONDEBUG",
  "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONMALLOC", "PYTHONTRACEMALLOC",
  "PYTHONDEVMODE", "PYTHONEXECUTABLE", "PYTHONHOME", "PYTHONBREAKPOINT", "PYTHONUNBUFFERED",
];

export interface ChildEnvironment {
  /** The full environment given to the child. */
  env: Record<string, string>;
  /** What the tool set (value) or removed (null), recorded in the result. */
  changes: Record<string, string | null>;
}

/**
 * The child's environment: the user's own, minus start-up hooks, with the tree's import
 * root first on PYTHONPATH when no virtualenv provides the package (the user's own
 * PYTHONPATH is kept after it). `treeOnPath` overrides that: a cached environment of the
 * tree's dependencies (env/) is a virtualenv that still needs the tree on the path.
 */
export function childEnvironment(tree: string, python: PythonInfo, base: Record<string, string | undefined> = process.env, treeOnPath = !python.inVenv): ChildEnvironment {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const changes: Record<string, string | null> = {};
  for (const key of REMOVED) {
    if (key in env) {
      delete env[key];
      changes[key] = null;
    }
  }
  if (treeOnPath) {
    const root = existsSync(join(tree, "src")) && !existsSync(join(tree, "src", "__init__.py")) ? join(tree, "src") : tree;
    const pythonPath = [root, base.PYTHONPATH].filter(Boolean).join(delimiter);
    env.PYTHONPATH = pythonPath;
    changes.PYTHONPATH = pythonPath;
  }
  return { env, changes };
}

/**
 * Checks interpreters given on the command line before anything is created: each must be
 * found and start. Relative paths from a config file belong to each tree and are checked
 * there.
 */
export async function checkInterpreters(requested: readonly string[], cwd = process.cwd()): Promise<PythonInfo[]> {
  const checked: PythonInfo[] = [];
  for (const python of requested) {
    if (python.includes("/") && !python.startsWith("/")) continue;
    checked.push(await resolvePython(python, cwd));
  }
  return checked;
}
