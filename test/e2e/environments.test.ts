/**
 * Environments per ref, end to end and offline: real git repositories, real python3,
 * `python -m venv` and pip installing from a wheelhouse written here (depx 1.0 imports
 * json; depx 2.0 imports asyncio, email.mime.multipart, http.client), with
 * `PIP_NO_INDEX=1 PIP_FIND_LINKS=<wheelhouse>` and no uv on PATH. Each test has its own
 * cache folder (XDG_CACHE_HOME), output folder and TMPDIR; the user's repository is
 * compared byte for byte before and after.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { depxPackage, depxWheelhouse, offlinePip } from "../../scripts/selfbench/wheelhouse.ts";
import { cleanupTempDirs, git, gitRepo, repoSnapshot, resultFile, resultFiles, ROOT, runScript, sh, tempDir, twoInterpreters, worktreeCount, worktreeFolders, writeTree } from "../helpers.ts";

// Environments are built with pip; a bisect measures several pairs. Limits catch hangs only.
setDefaultTimeout(600_000);

const python = Bun.which("python3");
const pipOk = python !== null && Bun.spawnSync([python, "-c", "import venv, pip"]).exitCode === 0;
const SKIP = python === null ? "no python3 on PATH" : pipOk ? null : "python3 has no venv or pip module (apt-get install python3-venv python3-pip)";
if (SKIP) console.log(`environments.test.ts: skipped: ${SKIP}`);
const uv = Bun.which("uv");
if (!uv) console.log("environments.test.ts: the uv mode test is skipped: uv is not on PATH (it is installed from PyPI, out of reach here)");

let wheelhouse = "";
let repo = "";
let snapshot = "";

/** PATH without any folder holding uv: the default `auto` must fall back to venv + pip. */
function pathWithoutUv(): string {
  return (process.env.PATH ?? "").split(delimiter).filter((dir) => !existsSync(join(dir, "uv"))).join(delimiter);
}

beforeAll(() => {
  if (SKIP) return;
  wheelhouse = depxWheelhouse(python!, join(tempDir("coldstart-wheels-"), "wheelhouse"));
  repo = gitRepo(depxPackage("1.0"));
  git(repo, "tag", "v1");
  writeTree(repo, depxPackage("2.0"));
  git(repo, "commit", "-qam", "depx 2.0");
  git(repo, "tag", "v2");
  writeTree(repo, depxPackage("3.0"));
  git(repo, "commit", "-qam", "depx 3.0, which no index has");
  git(repo, "tag", "v3");
  git(repo, "checkout", "-q", "v2");
  git(repo, "switch", "-q", "-c", "work");
  writeFileSync(join(repo, "NOTES.md"), "untracked notes\n");
  snapshot = repoSnapshot(repo);
});
afterAll(cleanupTempDirs);

const FEW = ["--warmup", "0", "--importtime-runs", "0"];

/** coldstart-bench in `cwd` with an offline pip, no uv, the cache `cache` and its own --out. */
async function bench(args: string[], cache: string, options: { cwd?: string; env?: Record<string, string>; out?: string } = {}) {
  const out = options.out ?? tempDir("coldstart-out-");
  const run = await runScript("benchmark_cold_start.ts", ["--out", out, ...args], {
    cwd: options.cwd ?? repo,
    env: { ...offlinePip(wheelhouse), PATH: pathWithoutUv(), XDG_CACHE_HOME: cache, ...options.env },
  });
  expect(worktreeFolders(run.tmp)).toEqual([]);
  return { ...run, out };
}

const envsOf = (cache: string) => {
  const root = join(cache, "coldstart", "envs");
  return existsSync(root) ? readdirSync(root).sort() : [];
};
const logsIn = (out: string) => (existsSync(out) ? readdirSync(out).filter((name) => /^env_.*\.log$/.test(name)).sort() : []);

describe.skipIf(SKIP !== null)("two tags whose dependency got heavier", () => {
  let cache = "";

  test("each tag is measured with its own depx: v2 loads asyncio through depx, the verdict is slower", async () => {
    cache = tempDir("coldstart-xdg-");
    const run = await bench([...FEW, "--iterations", "8", "--max-iterations", "12", "v1", "v2"], cache);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Environments (python3 (3.");
    expect(run.stdout).toMatch(/: venv — auto: v1 needs depx==1\.0 \(not installed\), which python3 \(3\.\d+\.\d+\) lacks; an environment \(venv \+ pip\) for every tree\n/);
    expect(run.stdout).toMatch(/Dependencies for v1: venv environment [0-9a-f]{16} built in \d+\.\d s \(.*coldstart\/envs\/[0-9a-f]{16}\) \(log: .*env_v1_\d+\.log\)/);
    expect(run.stdout).toMatch(/Dependencies for v2: venv environment [0-9a-f]{16} built in /);
    expect(run.stdout).toMatch(/pkg_total .*✗ [\d.]+% slower/);
    expect(run.stdout).toMatch(/\+ asyncio \(\d+ modules, standard library\): import pkg → pkg\/__init__\.py:1 import depx → depx\/__init__\.py:1 import asyncio/);
    expect(run.stdout).toMatch(/− json \(\d+ modules, standard library\): import pkg → pkg\/__init__\.py:1 import depx → depx\/__init__\.py:1 import json/);
    const v1 = resultFile(run.out, /^cold_start_v1_\d+\.json$/).data;
    const v2 = resultFile(run.out, /^cold_start_v2_\d+\.json$/).data;
    expect(v1.modules.loaded).not.toContain("asyncio");
    expect(v2.modules.loaded).toContain("asyncio");
    for (const data of [v1, v2]) {
      const { key, mode, reused, install_s } = data.environment.deps;
      expect({ mode, reused }).toEqual({ mode: "venv", reused: false });
      expect(key).toMatch(/^[0-9a-f]{16}$/);
      expect(install_s).toBeGreaterThan(0);
      expect(data.environment.python).toStartWith(join(cache, "coldstart", "envs", key));
      expect(data.environment.python_venv).toBe(true);
      expect(data.environment.env.PYTHONPATH).toMatch(/coldstart-wt-/); // the tree itself stays on the path
    }
    expect(v1.environment.deps.key).not.toBe(v2.environment.deps.key);
    expect(envsOf(cache)).toEqual([v1.environment.deps.key, v2.environment.deps.key].sort());
    const logs = logsIn(run.out);
    expect(logs).toHaveLength(2);
    expect(readFileSync(join(run.out, logs.find((name) => name.startsWith("env_v1_"))!), "utf8")).toContain("Successfully installed depx-1.0");
    expect(repoSnapshot(repo)).toBe(snapshot);
    expect(worktreeCount(repo)).toBe(1);
  });

  test("a second run reuses both environments: said, and no pip install", async () => {
    const before = envsOf(cache);
    const run = await bench([...FEW, "--iterations", "3", "--max-iterations", "3", "v1", "v2"], cache);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dependencies for v1: venv environment [0-9a-f]{16} reused \(/);
    expect(run.stdout).toMatch(/Dependencies for v2: venv environment [0-9a-f]{16} reused \(/);
    expect(run.stdout).not.toContain("built in");
    expect(logsIn(run.out)).toEqual([]);
    for (const name of ["v1", "v2"]) {
      expect(resultFile(run.out, new RegExp(`^cold_start_${name}_\\d+\\.json$`)).data.environment.deps).toMatchObject({ mode: "venv", reused: true, install_s: 0 });
    }
    expect(envsOf(cache)).toEqual(before);
    expect(repoSnapshot(repo)).toBe(snapshot);
  });

  test("a dependency that cannot be installed: one line naming the ref, the step, the last error and the log; exit 2; repository and cache intact", async () => {
    const before = envsOf(cache);
    const run = await bench(["-q", ...FEW, "v1", "v3"], cache);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coldstart-bench: error: environment for v3: pip install failed: ERROR: No matching distribution found for depx==3\.0; full log: .*env_v3_\d+\.log$/);
    expect(readFileSync(lines[0]!.split("full log: ")[1]!, "utf8")).toContain("from versions: 1.0, 2.0");
    expect(run.stdout).toBe("");
    expect(resultFiles(run.out)).toEqual([]);
    expect(envsOf(cache)).toEqual(before); // no half-built environment, no lock, the others untouched
    expect(readdirSync(join(cache, "coldstart", "envs")).sort()).toEqual(before);
    expect(repoSnapshot(repo)).toBe(snapshot);
    expect(worktreeCount(repo)).toBe(1);
  });

  test("env = none keeps today's behaviour: v2 runs against the interpreter as it is, and the hint says what to do", async () => {
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--env", "none", "v2"], tempDir("coldstart-xdg-"));
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Dependencies for v2: none (env = none: the interpreter as it is, PYTHONPATH on the tree)");
    expect(run.stderr).toContain("No module named 'depx'");
    expect(run.stderr).toContain("hint: worktrees have no .venv of their own; declare the dependencies");
  });

  test("--prune-envs DAYS keeps what was used lately; bare, it removes every environment; it takes no refs", async () => {
    const kept = await bench(["--prune-envs", "1"], cache);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toBe(`coldstart-bench: removed 0 cached environments (unused for 1 day, 0.0 MB) from ${join(cache, "coldstart", "envs")}; kept 2 used within 1 day\n`);
    const all = await bench(["--prune-envs"], cache);
    expect(all.stdout).toMatch(/^coldstart-bench: removed 2 cached environments \(all, [\d.]+ MB\) from /);
    expect(envsOf(cache)).toEqual([]);
    const wrong = await bench(["--prune-envs", "v1"], cache);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("coldstart-bench: error: --prune-envs removes cached environments and exits; give no refs (got v1)\n");
  });
});

describe.skipIf(SKIP !== null)("sharing and concurrency", () => {
  test("--aa: two worktrees of one commit share one environment", async () => {
    const cache = tempDir("coldstart-xdg-");
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--aa", "v2"], cache);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dependencies for v2 \[A\]: venv environment ([0-9a-f]{16}) built in/);
    expect(run.stdout).toMatch(/Dependencies for v2 \[B\]: venv environment ([0-9a-f]{16}) reused/);
    expect(envsOf(cache)).toHaveLength(1);
  });

  test("two runs at once that need one environment: one builds it, the other waits and reuses it", async () => {
    const cache = tempDir("coldstart-xdg-");
    const [a, b] = await Promise.all([1, 2].map(() => bench([...FEW, "--iterations", "2", "--max-iterations", "2", "v1"], cache)));
    expect([a!.code, b!.code]).toEqual([0, 0]);
    const said = [a!.stdout, b!.stdout].map((text) => /Dependencies for v1: venv environment [0-9a-f]{16} (built|reused)/.exec(text)?.[1]).sort();
    expect(said).toEqual(["built", "reused"]);
    expect(envsOf(cache)).toHaveLength(1);
    expect(readdirSync(join(cache, "coldstart", "envs")).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("--no-cache builds afresh and replaces the cached environment", async () => {
    const cache = tempDir("coldstart-xdg-");
    await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "v1"], cache);
    const [key] = envsOf(cache);
    const created = JSON.parse(readFileSync(join(cache, "coldstart", "envs", key!, "coldstart-env.json"), "utf8")).created;
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--no-cache", "v1"], cache);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dependencies for v1: venv environment [0-9a-f]{16} built in/);
    expect(envsOf(cache)).toEqual([key!]);
    expect(JSON.parse(readFileSync(join(cache, "coldstart", "envs", key!, "coldstart-env.json"), "utf8")).created).not.toBe(created);
  });

  test("Ctrl-C during a build kills pip and leaves no environment, lock or worktree behind", async () => {
    const cache = tempDir("coldstart-xdg-");
    let asked = 0;
    // An index that accepts pip's request and never answers: the build hangs until the signal.
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => { asked += 1; return new Promise<Response>(() => {}); } });
    const tmp = tempDir("coldstart-runtmp-");
    const proc = Bun.spawn(["bun", join(ROOT, "scripts", "benchmark_cold_start.ts"), "--out", tempDir("coldstart-out-"), ...FEW, "v2"], {
      cwd: repo, stdout: "pipe", stderr: "pipe", stdin: "ignore",
      env: { ...process.env, NO_COLOR: "1", CI: "true", TMPDIR: tmp, PATH: pathWithoutUv(), XDG_CACHE_HOME: cache, PIP_INDEX_URL: `http://127.0.0.1:${server.port}/simple`, PIP_TIMEOUT: "300", PIP_RETRIES: "0" },
    });
    try {
      const deadline = Date.now() + 120_000;
      while (asked === 0 && Date.now() < deadline && proc.exitCode === null) await Bun.sleep(50);
      expect(asked).toBeGreaterThan(0);
      expect(readdirSync(join(cache, "coldstart", "envs")).some((name) => name.startsWith(".build-"))).toBe(true);
      proc.kill("SIGINT");
      const code = await proc.exited;
      expect(code).toBe(130);
      expect(readdirSync(join(cache, "coldstart", "envs"))).toEqual([]);
      const pips = sh(ROOT, ["ps", "-eo", "args"]).stdout.split("\n").filter((line) => line.includes(join(cache, "coldstart")));
      expect(pips).toEqual([]);
      expect(worktreeFolders(tmp)).toEqual([]);
      expect(repoSnapshot(repo)).toBe(snapshot);
    } finally {
      proc.kill("SIGKILL");
      server.stop(true);
    }
  });
});

describe.skipIf(SKIP !== null)("a bisect across ten commits of which one changes the dependency", () => {
  test("builds two environments and names the commit", async () => {
    const bisectRepo = gitRepo(depxPackage("1.0"));
    const commits: string[] = [git(bisectRepo, "rev-parse", "HEAD")];
    for (let i = 1; i <= 9; i += 1) {
      writeTree(bisectRepo, i >= 6 ? depxPackage("2.0") : {});
      writeFileSync(join(bisectRepo, "pkg", "__init__.py"), `import depx\n# change ${i}\n`);
      git(bisectRepo, "commit", "-qam", i === 6 ? "depx 2.0" : `change ${i}`);
      commits.push(git(bisectRepo, "rev-parse", "HEAD"));
    }
    const before = repoSnapshot(bisectRepo);
    const cache = tempDir("coldstart-xdg-");
    const out = tempDir("coldstart-out-");
    const run = await bench(["--bisect", "main~9", "main", "--metric", "time", "--iterations", "6", "--max-iterations", "8", "--importtime-runs", "0", "--threshold", "200"], cache, { cwd: bisectRepo, out });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Environments: venv, for every commit — auto: ");
    expect(run.stdout).toContain(`First slow commit: ${commits[6]}`);
    expect(run.stdout.match(/venv environment [0-9a-f]{16} built in/g)).toHaveLength(2);
    expect(envsOf(cache)).toHaveLength(2);
    // The measurement cache says which environment every file was measured in.
    const cached = readdirSync(join(out, "cache")).filter((name) => name.endsWith(".json"));
    expect(cached.length).toBeGreaterThan(0);
    for (const name of cached) expect(JSON.parse(readFileSync(join(out, "cache", name), "utf8")).environment.deps.mode).toBe("venv");
    expect(repoSnapshot(bisectRepo)).toBe(before);
  });
});

describe.skipIf(SKIP !== null)("--install-tree: a package that needs a build step", () => {
  /** An in-tree build backend (no setuptools, no network): the wheel holds a module the source tree does not. */
  const BACKEND = String.raw`
import base64, hashlib, os, zipfile
NAME, VERSION = "tpkg", "0.1"
def _files():
    files = {}
    for root, _, names in os.walk(NAME):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(root, name)
                files[path] = open(path).read()
    files[NAME + "/_built.py"] = "BUILT = True\n"
    return files
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = "%s-%s.dist-info" % (NAME, VERSION)
    files = _files()
    files[info + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Dist: depx==2.0\n" % (NAME, VERSION)
    files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: fixture\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = ["%s,sha256=%s,%d" % (p, base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b"=").decode(), len(t.encode())) for p, t in files.items()]
    files[info + "/RECORD"] = "\n".join(record + [info + "/RECORD,,"]) + "\n"
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for p, t in files.items():
            z.writestr(p, t)
    return name
`;

  test("refs and the working tree are built and installed beside the environment; the working tree is never written to", async () => {
    const treeRepo = gitRepo({
      "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n\n[project]\nname = "tpkg"\nversion = "0.1"\ndependencies = ["depx==2.0"]\n',
      "_build/backend.py": BACKEND,
      "tpkg/__init__.py": "import depx\nfrom tpkg import _built\n",
      ".gitignore": "benchmark_results/\n",
    });
    writeFileSync(join(treeRepo, "tpkg", "extra.py"), "# uncommitted, untracked\n");
    const before = repoSnapshot(treeRepo);
    const cache = tempDir("coldstart-xdg-");
    const plain = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "main"], cache, { cwd: treeRepo });
    expect(plain.code).toBe(2); // the source alone lacks the built module
    expect(plain.stderr).toContain("cannot import name '_built'");
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--install-tree", "main", "."], cache, { cwd: treeRepo });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dependencies for main: venv environment [0-9a-f]{16} reused \(.*\); the tree installed into .*coldstart-inst-/);
    expect(run.stdout).toMatch(/Dependencies for working tree: venv environment [0-9a-f]{16} reused \(.*\); the tree installed into /);
    for (const pattern of [/^cold_start_main_\d+\.json$/, /^cold_start_\d+\.json$/]) {
      const data = resultFile(run.out, pattern).data;
      expect(data.modules.loaded).toContain("tpkg._built");
      expect(data.environment.deps).toMatchObject({ mode: "venv", install_tree: true, reused: true });
      expect(data.environment.deps.install_s).toBeGreaterThan(0);
      expect(data.environment.env.PYTHONPATH).toMatch(/coldstart-inst-.*\/site/);
    }
    expect(repoSnapshot(treeRepo)).toBe(before);
    expect(worktreeCount(treeRepo)).toBe(1);
    expect(readdirSync(run.tmp).filter((name) => name.startsWith("coldstart-inst-"))).toEqual([]);
  });
});

describe.skipIf(SKIP !== null)("interpreters and modes", () => {
  const pair = twoInterpreters();
  test.skipIf(pair === null)("--python A,B: one environment per interpreter, named as asked", async () => {
    const cache = tempDir("coldstart-xdg-");
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--python", pair!.join(","), "v2"], cache);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.match(/venv environment [0-9a-f]{16} built in/g)).toHaveLength(2);
    const files = resultFiles(run.out).filter((name) => name !== "cold_start_latest.json");
    const envs = files.map((name) => JSON.parse(readFileSync(join(run.out, name), "utf8")).environment);
    expect(envs.map((env) => env.python_requested).sort()).toEqual([...pair!].sort());
    expect(new Set(envs.map((env) => env.deps.key)).size).toBe(2);
    expect(envsOf(cache)).toHaveLength(2);
  });

  test("an interpreter whose pip cannot install into another environment: python -m venv with ensurepip, and the environment's own pip", async () => {
    const cache = tempDir("coldstart-xdg-");
    const run = await bench([...FEW, "--iterations", "2", "--max-iterations", "2", "--env", "venv", "v1"], cache, { env: { COLDSTART_VENV_WITH_PIP: "1" } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Environments (python3 (3.");
    expect(run.stdout).toContain("): venv — env = venv\n");
    const [key] = envsOf(cache);
    const meta = JSON.parse(readFileSync(join(cache, "coldstart", "envs", key!, "coldstart-env.json"), "utf8"));
    expect(meta).toMatchObject({ mode: "venv", installer: "own-pip", requirements: ["depx==1.0"] });
    expect(existsSync(join(cache, "coldstart", "envs", key!, "bin", "pip"))).toBe(true);
    expect(readFileSync(join(run.out, logsIn(run.out)[0]!), "utf8")).toMatch(/-m pip install --progress-bar off -r .*coldstart-requirements\.txt/);
  });

  test.skipIf(uv !== null)("env = uv without uv on PATH: one line before anything is created", async () => {
    const out = join(tempDir("coldstart-out-"), "results");
    const run = await bench(["--env", "uv", "v1"], tempDir("coldstart-xdg-"), { out });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('coldstart-bench: error: env = "uv" but uv is not on PATH; install uv or use --env venv\n');
    expect(existsSync(out)).toBe(false);
  });

  test.skipIf(uv === null)("env = uv: uv venv + uv pip install from the same wheelhouse", async () => {
    const cache = tempDir("coldstart-xdg-");
    const run = await runScript("benchmark_cold_start.ts", ["--out", tempDir("coldstart-out-"), ...FEW, "--iterations", "2", "--max-iterations", "2", "--env", "uv", "v1", "v2"], {
      cwd: repo, env: { ...offlinePip(wheelhouse), UV_NO_INDEX: "1", UV_FIND_LINKS: wheelhouse, XDG_CACHE_HOME: cache },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.match(/uv environment [0-9a-f]{16} built in/g)).toHaveLength(2);
  });
});
