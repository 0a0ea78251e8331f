#!/usr/bin/env bun
/**
 * `bun run bench`: how far coldstart's numbers can be trusted on this machine. A script that
 * prints a table (and writes benchmark_results/bench.md), never a timed test.
 *
 * 1. False alarms: A/A comparisons (same tree twice) reported as faster or slower.
 * 2. Power: a candidate whose import does ~3% and ~10% more work, reported slower.
 * 3. Harness accuracy: our import time against a plain perf_counter loop, alternated.
 * 4. Overhead: wall time of a two-ref run / summed wall time of its Python processes.
 * 5. Start-up: ./coldstart-compare against Python merely loading the two JSON files.
 * 6. Precision: width of the 95% CI of the median difference, ours against hyperfine's.
 *
 * Options: --quick (fewer repetitions, for a smoke run), --only 1,2,... to pick sections.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "./build.ts";
import { buildComparison } from "./lib/compare.ts";
import { resolveConfig, type Config } from "./lib/config.ts";
import { ensureDir, writeFileAtomic } from "./lib/files.ts";
import { HARNESS, parseHarnessOutput } from "./lib/harness.ts";
import { measureTrees, type TreeSpec } from "./lib/measure.ts";
import { resolvePython } from "./lib/python.ts";
import { validateResult, type ResultFile } from "./lib/result.ts";
import { hodgesLehmann } from "./lib/significance.ts";
import { runChild } from "./lib/spawn.ts";
import { median } from "./lib/stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { quick: { type: "boolean" }, only: { type: "string" } } });
const QUICK = values.quick === true;
const ONLY = values.only ? new Set(values.only.split(",").map(Number)) : null;
const REPEATS = QUICK ? 4 : 20;

interface Row {
  figure: string;
  value: string;
  goal: string;
  met: boolean | null;
}
const rows: Row[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);
const work = mkdtempSync(join(tmpdir(), "coldstart-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const python = await resolvePython("python3", work);
const env = (dir: string): Record<string, string> => {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("PYTHON")) copy[key] = value;
  return { ...copy, PYTHONPATH: dir };
};

/** Milliseconds one iteration of the fixture's loop takes in this interpreter. */
async function msPerIteration(): Promise<number> {
  const probe = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(1000000):\n    x += i\nprint((time.perf_counter() - t) * 1000)\n";
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const run = await runChild([python.executable, "-c", probe], { cwd: work, env: env(work), timeoutMs: 30_000 });
    times.push(Number(run.stdout.trim()));
  }
  return median(times) / 1_000_000;
}

/** Median import time of the fixture in `dir`, by our harness. */
async function importMs(dir: string, runs = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await runChild([python.executable, "-c", HARNESS, "import benchpkg", ""], { cwd: dir, env: env(dir), timeoutMs: 30_000 });
    const parsed = parseHarnessOutput(run.stdout);
    if (parsed) times.push(parsed.import_ms);
  }
  return median(times);
}

/** A package that imports some real standard-library modules and then does `loops` of work. */
function fixture(name: string, loops: number): string {
  const dir = join(work, name);
  const files: Record<string, string> = {
    "pyproject.toml": '[project]\nname = "benchpkg"\n',
    "benchpkg/__init__.py": "import json\nimport email.parser\nfrom . import work\n",
    "benchpkg/work.py": `x = 0\nfor i in range(${loops}):\n    x += i\n`,
  };
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    Bun.spawnSync(["mkdir", "-p", join(full, "..")]);
    writeFileSync(full, content);
  }
  return dir;
}

function tree(dir: string, label: string): TreeSpec {
  return { label, dir, git: { ref: label, commit: null, dirty: false } };
}

// The base import is real imports plus a loop of about 25 ms; the candidates add loop
// iterations worth 3% and 10% of the whole base import time (the achieved shift is printed).
const perIteration = await msPerIteration();
const LOOPS = Math.round(25 / perIteration);
const base = fixture("base", LOOPS);
const baseCopy = join(work, "base-copy");
cpSync(base, baseCopy, { recursive: true });
const baseImportMs = await importMs(base);
const plus3 = fixture("plus3", LOOPS + Math.round((0.03 * baseImportMs) / perIteration));
const plus10 = fixture("plus10", LOOPS + Math.round((0.1 * baseImportMs) / perIteration));
log(`fixture: base import ${baseImportMs.toFixed(1)} ms (${LOOPS} loop iterations)`);
const config: Config = resolveConfig(base, [{ importtime_runs: 0 }], "benchpkg");

async function compareTrees(a: string, b: string): Promise<{ verdict: string; ciWidth: number | null; shiftPct: number | null; results: ResultFile[] }> {
  const results = await measureTrees([tree(a, "A"), tree(b, "B")], { config, toolVersion: "bench" });
  const loaded = results.map((result, index) => validateResult(JSON.parse(JSON.stringify(result)), `run-${index}`));
  const row = buildComparison(loaded).candidates[0]!.measurements[0]!;
  return { verdict: row.verdict, ciWidth: row.ci ? row.ci.high - row.ci.low : null, shiftPct: row.shiftPct, results };
}

const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
let aaResults: ResultFile[] = [];
const oursPlus10Widths: number[] = [];

if (!ONLY || ONLY.has(1)) {
  log(`1. ${REPEATS} A/A comparisons (defaults: ${config.iterations} iterations, ${config.warmup} warm-up)...`);
  let alarms = 0;
  for (let i = 0; i < REPEATS; i += 1) {
    const outcome = await compareTrees(base, baseCopy);
    if (outcome.verdict === "faster" || outcome.verdict === "slower") alarms += 1;
    aaResults = outcome.results;
  }
  rows.push({ figure: "1. False alarms in A/A comparisons", value: `${alarms}/${REPEATS} = ${pct(alarms / REPEATS)}`, goal: "≤ 5%", met: alarms / REPEATS <= 0.05 });
}

if (!ONLY || ONLY.has(2) || ONLY.has(6)) {
  for (const [label, dir] of [["+3%", plus3], ["+10%", plus10]] as const) {
    log(`2. ${REPEATS} comparisons against a candidate doing ${label} work...`);
    let slower = 0;
    const shifts: number[] = [];
    for (let i = 0; i < REPEATS; i += 1) {
      const outcome = await compareTrees(base, dir);
      if (outcome.verdict === "slower") slower += 1;
      if (outcome.shiftPct !== null) shifts.push(-outcome.shiftPct);
      if (label === "+10%" && outcome.ciWidth !== null) oursPlus10Widths.push(outcome.ciWidth);
    }
    const goal = label === "+10%" ? "≥ 95%" : "reported";
    rows.push({
      figure: `2. Power at ${label} (measured shift ${median(shifts).toFixed(1)}%)`,
      value: `${slower}/${REPEATS} = ${pct(slower / REPEATS)} slower`,
      goal,
      met: label === "+10%" ? slower / REPEATS >= 0.95 : null,
    });
  }
}

if (!ONLY || ONLY.has(3)) {
  log("3. Harness accuracy: our harness against a plain perf_counter loop, alternated...");
  const plain = "import time\nt = time.perf_counter()\nimport benchpkg\nprint((time.perf_counter() - t) * 1000)\n";
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < (QUICK ? 10 : 100); i += 1) {
    const a = await runChild([python.executable, "-c", HARNESS, "import benchpkg", ""], { cwd: base, env: env(base), timeoutMs: 30_000 });
    const b = await runChild([python.executable, "-c", plain], { cwd: base, env: env(base), timeoutMs: 30_000 });
    const parsed = parseHarnessOutput(a.stdout);
    if (parsed) ours.push(parsed.import_ms);
    theirs.push(Number(b.stdout.trim()));
  }
  const ratio = median(ours) / median(theirs);
  rows.push({
    figure: "3. Harness accuracy (ours / plain perf_counter, medians)",
    value: `${ratio.toFixed(3)} (${median(ours).toFixed(2)} / ${median(theirs).toFixed(2)} ms)`,
    goal: "1.00 ± 0.03",
    met: Math.abs(ratio - 1) <= 0.03,
  });
}

if (!ONLY || ONLY.has(4)) {
  log("4. Overhead of a two-ref run (bun scripts/benchmark_cold_start.ts base plus10)...");
  const repo = join(work, "repo");
  cpSync(base, repo, { recursive: true });
  const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: repo, stdout: "ignore", stderr: "ignore" });
  git("init", "-q", "-b", "base");
  git("-c", "user.email=b@example.com", "-c", "user.name=bench", "add", "-A");
  git("-c", "user.email=b@example.com", "-c", "user.name=bench", "commit", "-qm", "base");
  git("checkout", "-q", "-b", "plus10");
  cpSync(join(plus10, "benchpkg", "work.py"), join(repo, "benchpkg", "work.py"));
  git("-c", "user.email=b@example.com", "-c", "user.name=bench", "commit", "-qam", "plus10");
  git("checkout", "-q", "base");
  const out = join(work, "overhead-results");
  const started = performance.now();
  const run = Bun.spawnSync(["bun", join(ROOT, "scripts", "benchmark_cold_start.ts"), "base", "plus10", "--repo", repo, "--out", out, "-q"], {
    cwd: repo, env: { ...process.env, CI: "true", NO_COLOR: "1" }, stdout: "ignore", stderr: "pipe",
  });
  const wall = performance.now() - started;
  const files = new Bun.Glob("cold_start_*_*.json").scanSync(out);
  let childMs = 0;
  for (const file of files) {
    if (file.endsWith("latest.json")) continue;
    const data = JSON.parse(readFileSync(join(out, file), "utf8")) as ResultFile;
    childMs += data.runs?.child_ms ?? 0;
  }
  if (run.exitCode !== 0 || childMs === 0) {
    rows.push({ figure: "4. Overhead of a two-ref run", value: `run failed (exit ${run.exitCode}): ${run.stderr.toString().trim().split("\n").pop()}`, goal: "≤ 1.10", met: false });
  } else {
    const ratio = wall / childMs;
    rows.push({ figure: "4. Overhead (run wall / Python processes' wall)", value: `${ratio.toFixed(3)} (${(wall / 1000).toFixed(1)} s / ${(childMs / 1000).toFixed(1)} s)`, goal: "≤ 1.10", met: ratio <= 1.1 });
  }
}

if (!ONLY || ONLY.has(5)) {
  log("5. Start-up of ./coldstart-compare against Python loading the two JSON files...");
  if (!aaResults.length) aaResults = (await compareTrees(base, baseCopy)).results;
  const [fileA, fileB] = [join(work, "a.json"), join(work, "b.json")];
  writeFileSync(fileA, JSON.stringify(aaResults[0]));
  writeFileSync(fileB, JSON.stringify(aaResults[1]));
  const binDir = join(work, "bin");
  ensureDir(binDir);
  await build(["coldstart-compare"], binDir);
  const binary = join(binDir, "coldstart-compare");
  const load = `import json\njson.load(open(${JSON.stringify(fileA)}))\njson.load(open(${JSON.stringify(fileB)}))\n`;
  const ours: number[] = [];
  const theirs: number[] = [];
  const quiet = { cwd: work, env: { ...env(work), NO_COLOR: "1" }, timeoutMs: 30_000 };
  for (let i = 0; i < (QUICK ? 10 : 30); i += 1) {
    ours.push((await runChild([binary, fileA, fileB], quiet)).wallMs);
    theirs.push((await runChild([python.executable, "-c", load], quiet)).wallMs);
  }
  const ratio = median(ours) / median(theirs);
  rows.push({
    figure: "5. Start-up: coldstart-compare / python loading 2 JSON files",
    value: `${ratio.toFixed(2)} (${median(ours).toFixed(1)} / ${median(theirs).toFixed(1)} ms)`,
    goal: "< 1",
    met: ratio < 1,
  });
}

if ((!ONLY || ONLY.has(6)) && oursPlus10Widths.length) {
  log("6. Precision against hyperfine (same imports, same number of runs)...");
  if (!Bun.which("hyperfine")) {
    rows.push({ figure: "6. Precision vs hyperfine", value: "hyperfine not installed (apt-get install hyperfine)", goal: "ours ≤ hyperfine", met: null });
  } else {
    const widths: number[] = [];
    const exportFile = join(work, "hyperfine.json");
    const command = (dir: string) => `${python.executable} -c "import sys; sys.path.insert(0, '${dir}'); import benchpkg"`;
    for (let i = 0; i < (QUICK ? 2 : 6); i += 1) {
      Bun.spawnSync(["hyperfine", "-N", "--style", "none", "--runs", String(config.iterations), "--warmup", String(config.warmup),
        "--export-json", exportFile, command(base), command(plus10)], { cwd: work, env: env(work), stdout: "ignore", stderr: "ignore" });
      const report = JSON.parse(readFileSync(exportFile, "utf8")) as { results: { times: number[] }[] };
      const [a, b] = report.results.map((result) => result.times.map((seconds) => seconds * 1000));
      const shift = hodgesLehmann(a!, b!);
      if (shift.ci) widths.push(shift.ci.high - shift.ci.low);
    }
    const ours = median(oursPlus10Widths);
    const theirs = median(widths);
    rows.push({
      figure: `6. Precision: 95% CI width of the median difference, n=${config.iterations}`,
      value: `ours ${ours.toFixed(2)} ms, hyperfine ${theirs.toFixed(2)} ms`,
      goal: "ours ≤ hyperfine",
      met: ours <= theirs,
    });
  }
}

const header = `coldstart bench — ${new Date().toISOString()} — ${python.version.split(" ")[0]} on ${python.cpu}, ${python.cpuCount} cores${QUICK ? " (--quick)" : ""}`;
const table = [
  "| figure | value | goal | met |",
  "|---|---|---|---|",
  ...rows.map((row) => `| ${row.figure} | ${row.value} | ${row.goal} | ${row.met === null ? "—" : row.met ? "yes" : "**no**"} |`),
].join("\n");
process.stdout.write(`\n${header}\n\n${table}\n`);
const outDir = join(ROOT, "benchmark_results");
ensureDir(outDir);
writeFileAtomic(join(outDir, "bench.md"), `# ${header}\n\n${table}\n`);
log(`\nwritten to ${join(outDir, "bench.md")}`);
process.exit(rows.some((row) => row.met === false) ? 1 : 0);
