/**
 * Integration: real python3 processes on fixture packages in temp folders.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../scripts/lib/config.ts";
import { measureTrees } from "../../scripts/lib/measure/trees.ts";
import { isPackageModule } from "../../scripts/lib/measure/result.ts";
import { alive, cleanupTempDirs, hangLimit, scaledSeconds, sh, tempDir, writeTree } from "../helpers.ts";

setDefaultTimeout(hangLimit(120_000));
afterAll(cleanupTempDirs);

/** The fixture's timeout: 2 s on a calm machine, so the hung import costs little; stretched on a slow one, so the others never reach it. */
const TIMEOUT = scaledSeconds(2);

const PYPROJECT = `[project]
name = "pkg"

[tool.coldstart]
iterations = 3
warmup = 1
timeout = ${TIMEOUT}
importtime_runs = 2

[[tool.coldstart.imports]]
name = "pkg_total"
statement = "import pkg"

[[tool.coldstart.imports]]
name = "pkg_broken"
statement = "import pkg.broken"

[[tool.coldstart.imports]]
name = "pkg_hang"
statement = "import pkg.hang"

[[tool.coldstart.imports]]
name = "pkg_sub"
statement = "import pkg.sub"

[[tool.coldstart.lazy]]
key = "json_eagerly_loaded"
label = "JSON"
module = "json"

[[tool.coldstart.lazy]]
key = "decimal_eagerly_loaded"
label = "Decimal"
module = "decimal"
after = "import pkg.sub"
`;

function fixture(): string {
  const dir = tempDir();
  return writeTree(dir, {
    "pyproject.toml": PYPROJECT,
    "pkg/__init__.py": "import json\nimport pkg_extra\nimport not_pkg\nfrom . import sub\n",
    "pkg/sub.py": "VALUE = 1\n",
    "pkg/broken.py": "raise RuntimeError('this fixture refuses to import')\n",
    // The hung import starts a grandchild too: the whole process group must die.
    "pkg/hang.py": [
      "import os, subprocess, time",
      "child = subprocess.Popen(['sleep', '60'])",
      `open(os.path.join(${JSON.stringify(dir)}, 'grandchild.pid'), 'w').write(str(child.pid))`,
      "time.sleep(60)",
      "",
    ].join("\n"),
    "pkg_extra/__init__.py": "",
    "not_pkg/__init__.py": "",
  });
}

describe("measuring a fixture package with real interpreters", async () => {
  const dir = fixture();
  const config = loadConfig(dir, undefined, {});
  const [result] = await measureTrees([{ label: "working tree", dir, git: { ref: null, commit: null, dirty: false } }], {
    config,
    toolVersion: "test",
    runId: "run-1",
  });

  test("module counts and the module list equal an independent python3 -c", () => {
    const probe = sh(dir, ["python3", "-c", "import sys; import pkg; print(len(sys.modules)); print('\\n'.join(sorted(sys.modules)))"], {
      PYTHONPATH: dir,
    });
    const [count, ...names] = probe.stdout.trim().split("\n");
    expect(result!.module_counts.total).toBe(Number(count));
    expect(result!.modules!.loaded).toEqual(names);
    expect(result!.modules!.after).toBe("import pkg");
  });

  test("the filter counts pkg and pkg.* but not pkg_extra or not_pkg", () => {
    expect(result!.modules!.loaded).toContain("pkg_extra");
    expect(result!.modules!.loaded).toContain("not_pkg");
    expect(result!.module_counts.filtered).toBe(2); // pkg, pkg.sub
    expect(isPackageModule("pkg_extra", "pkg")).toBe(false);
    expect(isPackageModule("not_pkg", "pkg")).toBe(false);
    expect(isPackageModule("pkg.sub", "pkg")).toBe(true);
  });

  test("lazy answers equal an independent check, per statement, seed-style booleans too", () => {
    const probe = sh(dir, ["python3", "-c", "import sys; import pkg; a = 'json' in sys.modules; print(a)"], { PYTHONPATH: dir });
    expect(String(result!.lazy_checks!.json_eagerly_loaded!.loaded)).toBe(probe.stdout.trim().toLowerCase());
    expect(result!.json_eagerly_loaded).toBe(true);
    expect(result!.decimal_eagerly_loaded).toBe(false);
    expect(result!.lazy_checks!.decimal_eagerly_loaded!.after).toBe("import pkg.sub");
  });

  test("a raising import is reported with its stderr and the others still complete", () => {
    const failure = result!.failures!.pkg_broken!;
    expect(failure.kind).toBe("error");
    expect(failure.stderr_tail).toContain("RuntimeError: this fixture refuses to import");
    expect(result!.measurements.pkg_broken).toBeUndefined();
    expect(result!.measurements.pkg_sub!.iterations).toBe(3);
  });

  test("a hung import is killed at the timeout, with its whole process group", () => {
    const failure = result!.failures!.pkg_hang!;
    expect(failure.kind).toBe("timeout");
    expect(failure.message).toContain(`did not finish within ${TIMEOUT}s`);
    const pidFile = join(dir, "grandchild.pid");
    expect(existsSync(pidFile)).toBe(true);
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  test("samples, statistics, process times and the interpreter baseline are recorded", () => {
    const m = result!.measurements.pkg_total!;
    expect(m.samples).toHaveLength(3);
    expect(m.warmup_samples).toHaveLength(1);
    expect(m.min).toBeLessThanOrEqual(m.median);
    expect(m.median).toBeLessThanOrEqual(m.max);
    expect(m.process_ms!.samples).toHaveLength(3);
    // A whole process takes longer than the import inside it.
    expect(m.process_ms!.median).toBeGreaterThan(m.median);
    expect(result!.interpreter!.process_ms.samples.length).toBeGreaterThanOrEqual(6);
  });

  test("importtime rows cover the statement's imports and not the harness's", () => {
    const rows = result!.importtime!.pkg_total!;
    const names = rows.map((row) => row.module);
    expect(names).toContain("pkg");
    expect(names).toContain("pkg.sub");
    expect(rows.find((row) => row.module === "pkg")!.depth).toBe(0);
    expect(rows.every((row) => row.cumulative_us >= row.self_us)).toBe(true);
  });

  test("the environment records the real interpreter and what was changed", () => {
    const env = result!.environment!;
    expect(env.python).not.toContain("shims");
    expect(env.env.PYTHONPATH!.startsWith(dir)).toBe(true);
    expect(env.pyc).toBe("warm");
    // The bytecode cache lives in a temporary folder: nothing is written into the tree.
    expect(existsSync(join(dir, "pkg", "__pycache__"))).toBe(false);
    expect(result!.schema_version).toBe(1);
  });
});

test("pyc cold mode gives every run a fresh empty bytecode cache", async () => {
  const dir = writeTree(tempDir(), { "pyproject.toml": '[project]\nname = "coldpkg"\n', "coldpkg/__init__.py": "import email.mime.text\n" });
  const config = loadConfig(dir, undefined, { iterations: 2, warmup: 0, importtime_runs: 0, pyc: "cold" });
  const [result] = await measureTrees([{ label: "t", dir, git: { ref: null, commit: null, dirty: false } }], { config, toolVersion: "t", runId: "r" });
  expect(result!.environment!.pyc).toBe("cold");
  expect(result!.environment!.env.PYTHONPYCACHEPREFIX).toBe("<fresh empty folder per run>");
  // Nothing was written beside the sources: bytecode went to the throwaway prefix.
  expect(existsSync(join(dir, "coldpkg", "__pycache__"))).toBe(false);
});

describe("comparing trees goes on while the noise hides a change of `precision` percent", () => {
  const files = { "pyproject.toml": '[project]\nname = "quick"\n', "quick/__init__.py": "import json, email.parser, http.client\n" };
  const trees = () => [writeTree(tempDir(), files), writeTree(tempDir(), files)].map((dir, i) => ({
    label: `t${i}`, dir, git: { ref: null, commit: null, dirty: false },
  }));

  test("an unreachable precision extends the runs to max_iterations, in batches", async () => {
    const specs = trees();
    const config = loadConfig(specs[0]!.dir, undefined, { iterations: 3, max_iterations: 9, precision: 0.0001, warmup: 0, importtime_runs: 0 });
    const noisy: number[] = [];
    const results = await measureTrees(specs, {
      config, toolVersion: "t", runId: "r", onEvent: (event) => event.kind === "noisy" && noisy.push(event.maxIterations),
    });
    expect(results.map((result) => result.measurements.quick_total!.iterations)).toEqual([9, 9]);
    expect(noisy).toEqual([9]);
    // Every tree's samples[i] is round i: the same run_id marks them as one invocation.
    expect(results.map((result) => result.run_id)).toEqual(["r", "r"]);
  });

  test("a precision already met stops at iterations; one tree never extends", async () => {
    const specs = trees();
    // Six paired rounds are the fewest at which the signed-rank test can detect anything; with
    // eight, one burst of noise cannot make a 99% change undetectable.
    const loose = loadConfig(specs[0]!.dir, undefined, { iterations: 8, max_iterations: 20, precision: 99, warmup: 1, importtime_runs: 0 });
    const pair = await measureTrees(specs, { config: loose, toolVersion: "t", runId: "r" });
    expect(pair.map((result) => result.measurements.quick_total!.iterations)).toEqual([8, 8]);
    const strict = { ...loose, precision: 0.0001 };
    const [single] = await measureTrees(specs.slice(0, 1), { config: strict, toolVersion: "t", runId: "r" });
    expect(single!.measurements.quick_total!.iterations).toBe(8);
  });

  test("too few rounds to detect anything go on, even when the precision is loose", async () => {
    const specs = trees();
    const config = loadConfig(specs[0]!.dir, undefined, { iterations: 3, max_iterations: 8, precision: 99, warmup: 0, importtime_runs: 0 });
    const pair = await measureTrees(specs, { config, toolVersion: "t", runId: "r" });
    expect(pair.map((result) => result.measurements.quick_total!.iterations)).toEqual([8, 8]);
  });
});
