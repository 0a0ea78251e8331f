/**
 * Fail closed (issue #11), imports that misbehave as processes: a subprocess that outlives
 * the import (holding the pipes, or in a session of its own with its pipes closed), a
 * non-daemon thread that keeps the interpreter alive, an import that replaces or closes
 * stdout, and a run stopped by SIGTERM while such processes live. Also: bytecode folders
 * left by a killed run are pruned by the next one. Real python3, fixtures made here.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../scripts/lib/measure/executor.ts";
import { HOTSPOT_RUNS } from "../../scripts/lib/measure/hotspot-merge.ts";
import { FAST, alive, cleanupTempDirs, eventually, gitRepo, hangLimit, pidsIn, resultFile, runScript, scaledSeconds, startScript, tempDir } from "../helpers.ts";

setDefaultTimeout(hangLimit(90_000));
afterAll(cleanupTempDirs);

/** Python that starts `python -c 'sleep 1000'` with `options` and appends its pid to PIDS (an env variable). */
function spawner(options: string): string {
  return [
    "import os, subprocess, sys",
    `_p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1000)'], ${options})`,
    "with open(os.environ['PIDS'], 'a') as _f: _f.write(f'{_p.pid}\\n')",
    "",
  ].join("\n");
}

/** Forks twice, the middle one calling setsid(): a daemon, no parent, no pipes. Appends the daemon's pid to PIDS. */
const DOUBLE_FORK = [
  "import os, time",
  "_r, _w = os.pipe()",
  "if os.fork() == 0:",
  "    os.setsid()",
  "    if os.fork() == 0:",
  "        _null = os.open(os.devnull, os.O_RDWR)",
  "        for _fd in (0, 1, 2): os.dup2(_null, _fd)",
  "        with open(os.environ['PIDS'], 'a') as _f: _f.write(f'{os.getpid()}\\n')",
  "        os.write(_w, b'x')",
  "        time.sleep(1000)",
  "    os._exit(0)",
  "os.read(_r, 1)",
  "",
].join("\n");

const DETACHED = "start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL";

function imports(names: string[]): string {
  return names.map((name) => `\n[[tool.coldstart.imports]]\nname = "${name}"\nstatement = "import pkg.${name}"\n`).join("");
}

describe("an import that starts a subprocess which outlives it", () => {
  test("holding the pipes, in its own session, or double-forked: measured at once, and nothing is left running", async () => {
    const pids = join(tempDir("coldstart-pids-"), "pids");
    const names = ["holds_pipes", "new_session", "double_fork"];
    const repo = gitRepo({
      "pyproject.toml": `[project]\nname = "pkg"\n${imports(names)}`,
      "pkg/__init__.py": "",
      "pkg/holds_pipes.py": spawner(""),
      "pkg/new_session.py": spawner(DETACHED),
      "pkg/double_fork.py": DOUBLE_FORK,
    });
    const out = tempDir("coldstart-out-");
    const timeout = scaledSeconds(3);
    const started = performance.now();
    const run = await runScript("test_cold_start.ts", [...FAST, "--timeout", String(timeout), "--out", out], { cwd: repo, env: { PIDS: pids } });
    const seconds = (performance.now() - started) / 1000;
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const { data } = resultFile(out, /^cold_start_\d+\.json$/);
    expect(data.failures).toEqual({});
    for (const name of names) {
      expect(data.measurements[name].samples).toHaveLength(3);
      expect(data.measurements[name].no_exit_runs).toBeUndefined();
    }
    // 3 timed runs and the explaining runs (importers once, hotspots HOTSPOT_RUNS times) per
    // statement: none may wait for the timeout (the whole run, waiting for none, well under 7).
    expect(pidsIn(pids).length).toBe(names.length * (3 + 1 + HOTSPOT_RUNS));
    expect(seconds).toBeLessThan(7 * timeout);
    expect(pidsIn(pids).filter(alive)).toEqual([]);
  });

  test("each run's leftovers are gone when the run ends, not only when coldstart exits", async () => {
    const pids = join(tempDir("coldstart-pids-"), "pids");
    const cwd = tempDir("coldstart-run-");
    for (const program of [spawner(DETACHED), DOUBLE_FORK, spawner("")]) {
      const before = pidsIn(pids).length;
      const timeoutMs = scaledSeconds(3) * 1000;
      const outcome = await runProcess(["python3", "-c", program], { cwd, env: { ...process.env, PIDS: pids } as Record<string, string>, timeoutMs });
      expect(outcome.timedOut).toBe(false);
      expect(outcome.code).toBe(0);
      expect(outcome.wallMs).toBeLessThan(timeoutMs);
      const started = pidsIn(pids).slice(before);
      expect(started).toHaveLength(1);
      expect(await eventually(() => !alive(started[0]!))).toBe(true);
    }
  });

  test("SIGTERM while the import hangs: exit 143, and every process it started is gone", async () => {
    const pids = join(tempDir("coldstart-pids-"), "pids");
    const repo = gitRepo({
      "pyproject.toml": '[project]\nname = "pkg"\n',
      "pkg/__init__.py": [spawner(""), spawner(DETACHED), DOUBLE_FORK, "time.sleep(1000)", ""].join("\n"),
    });
    const { proc, stderr } = startScript("test_cold_start.ts", [...FAST, "--timeout", "600", "--out", tempDir()], { cwd: repo, env: { PIDS: pids } });
    expect(await eventually(() => pidsIn(pids).length === 3)).toBe(true);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    expect(await stderr).toContain("coldstart-test: SIGTERM: stopped; no result file was written");
    expect(await eventually(() => pidsIn(pids).filter(alive).length === 0)).toBe(true);
  });
});

describe("an import that leaves the interpreter running, or takes stdout away", () => {
  test("a non-daemon thread: the sample is kept, the run is reported, and the timeout is paid once", async () => {
    const repo = gitRepo({
      "pyproject.toml": '[project]\nname = "pkg"\n',
      "pkg/__init__.py": "import threading, time\nthreading.Thread(target=time.sleep, args=(1000,)).start()\n",
    });
    const out = tempDir("coldstart-out-");
    const timeout = scaledSeconds(2);
    const started = performance.now();
    const run = await runScript("test_cold_start.ts", [...FAST, "--timeout", String(timeout), "--importtime-runs", "1", "--out", out], { cwd: repo });
    const seconds = (performance.now() - started) / 1000;
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const { data } = resultFile(out, /^cold_start_\d+\.json$/);
    const measurement = data.measurements.pkg_total;
    expect(measurement.samples).toHaveLength(3);
    expect(measurement.no_exit_runs).toBe(3);
    expect(data.importtime.pkg_total.length).toBeGreaterThan(0);
    expect(data.hotspots.pkg_total.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(
      new RegExp(`Warning: pkg_total: the import took \\d+\\.\\d+ms, but the interpreter did not exit afterwards \\(a non-daemon thread\\?\\): the first such run was killed after ${timeout}s, later ones as soon as their result was in\\. The samples are kept; process time is not measured\\.`),
    );
    // Only the first run waits for the timeout; the others, the -X importtime run and the
    // explaining runs stop once their result is in (waiting for the explaining runs'
    // timeouts alone would take 2 + 3 = 5 timeouts more).
    expect(seconds).toBeLessThan(5 * timeout);
  });

  test("replacing or closing sys.stdout, closing fd 1 and 2, or pointing them elsewhere: still measured", async () => {
    const variants: Record<string, string> = {
      stdout_none: "import sys\nsys.stdout = None\n",
      stdout_closed: "import sys\nsys.stdout.close()\n",
      fd1_closed: "import os\nos.close(1)\n",
      fds_closed: "import os, sys\nos.close(1)\nos.close(2)\nsys.stdout = sys.stderr = None\n",
      fds_devnull: "import os\n_fd = os.open(os.devnull, os.O_WRONLY)\nos.dup2(_fd, 1)\nos.dup2(_fd, 2)\n",
      prints_json: "print('{\"import_ms\": 0, \"modules\": []}')\n",
    };
    const repo = gitRepo({
      "pyproject.toml": `[project]\nname = "pkg"\n${imports(Object.keys(variants))}`,
      "pkg/__init__.py": "",
      ...Object.fromEntries(Object.entries(variants).map(([name, code]) => [`pkg/${name}.py`, `import json\n${code}`])),
    });
    const out = tempDir("coldstart-out-");
    const run = await runScript("test_cold_start.ts", [...FAST, "--importtime-runs", "1", "--out", out], { cwd: repo });
    expect(run.code).toBe(0);
    const { data } = resultFile(out, /^cold_start_\d+\.json$/);
    expect(data.failures).toEqual({});
    for (const name of Object.keys(variants)) {
      expect({ name, samples: data.measurements[name].samples.length }).toEqual({ name, samples: 3 });
      expect(data.measurements[name].samples.every((ms: number) => ms > 0)).toBe(true);
      expect({ name, hotspots: Array.isArray(data.hotspots[name]) }).toEqual({ name, hotspots: true });
    }
    expect(data.modules.loaded).toContain("json");
  });
});

test("bytecode folders of a killed run (coldstart-pyc-<dead pid>-*) are pruned at the next start; a live owner's are kept", async () => {
  const tmp = tempDir("coldstart-runtmp-");
  const gone = Bun.spawnSync(["true"]).pid;
  const stale = join(tmp, `coldstart-pyc-${gone}-AbCdEf`);
  const live = join(tmp, `coldstart-pyc-${process.pid}-GhIjKl`);
  for (const dir of [stale, live]) {
    mkdirSync(join(dir, "usr", "lib", "__pycache__"), { recursive: true });
    writeFileSync(join(dir, "usr", "lib", "__pycache__", "x.cpython-311.pyc"), "bytecode");
  }
  const repo = gitRepo({ "pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": "" });
  const run = await runScript("test_cold_start.ts", [...FAST, "--out", tempDir()], { cwd: repo, tmp });
  expect(run.code).toBe(0);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(live)).toBe(true);
  // Its own cache went too: only the live owner's folder is left.
  expect(readdirSync(tmp).filter((name) => name.startsWith("coldstart-"))).toEqual([`coldstart-pyc-${process.pid}-GhIjKl`]);
});
