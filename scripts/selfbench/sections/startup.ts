/**
 * Section 5: start-up of `./coldstart-compare` (the compiled binary, built by
 * scripts/build.ts into a scratch folder) on two runpod-sized result files, against a
 * Python process that merely `json.load`s the same two files (the real interpreter,
 * never a version-manager shim). Goal ≤ 0.6×. Also `--version` alone, and the binary's size.
 *
 * The files are real: `bigpkg`, a generated package of 1,200 modules (12 subpackages of
 * 100), measured by measureTrees with three measurements of 15 counted runs, one
 * `-X importtime` run and the importers of every module — as large as runpod's. The
 * candidate loads one more subpackage, so the report has a module diff to show.
 */
import { statSync } from "node:fs";
import { writeFile } from "../../lib/write.ts";
import { join } from "node:path";
import { benchConfig, type Bench, type Row, type SectionResult, ROOT } from "../common.ts";
import { median } from "../../lib/stats/describe.ts";
import { measureTrees } from "../../lib/measure/trees.ts";
import { VERSION } from "../../lib/settings.ts";
import { writeTree } from "../fixtures.ts";

const SUBPACKAGES = 12;
const MODULES_PER = 100;

function bigPackage(dir: string, extra: boolean): string {
  const files: Record<string, string> = { "pyproject.toml": '[project]\nname = "bigpkg"\n' };
  const subs = Array.from({ length: SUBPACKAGES + (extra ? 1 : 0) }, (_, i) => `sub${String(i).padStart(2, "0")}`);
  files["bigpkg/__init__.py"] = `${subs.map((sub) => `from . import ${sub}`).join("\n")}\n`;
  files["bigpkg/cli.py"] = "from . import sub00, sub01, sub02, sub03\nfrom .sub04 import mod000\n";
  files["bigpkg/serverless.py"] = "from . import sub05, sub06, sub07\nimport json\n";
  for (const sub of subs) {
    const mods = Array.from({ length: MODULES_PER }, (_, i) => `mod${String(i).padStart(3, "0")}`);
    files[`bigpkg/${sub}/__init__.py`] = `${mods.map((mod) => `from . import ${mod}`).join("\n")}\n`;
    for (const [i, mod] of mods.entries()) {
      const previous = i > 0 ? `from .${mods[i - 1]} import Thing${i - 1} as _Base\n` : "_Base = object\n";
      files[`bigpkg/${sub}/${mod}.py`] =
        `"""${sub}.${mod}: generated for the coldstart bench."""\n${previous}\nTABLE = {str(k): k * ${i + 1} for k in range(20)}\n\n` +
        `class Thing${i}(_Base):\n    """A class with a few methods."""\n\n    limit = ${i}\n\n    def __init__(self, value=0):\n        self.value = value\n\n` +
        `    def scaled(self, factor):\n        return self.value * factor + self.limit\n\n\ndef helper_${i}(items):\n    return [Thing${i}(item) for item in items]\n`;
    }
  }
  return writeTree(dir, files);
}

/** Two result files of one bench run of bigpkg: baseline and candidate. */
export async function runpodSizedFiles(bench: Bench): Promise<{ files: [string, string]; modules: number; importtimeRows: number; importers: number }> {
  const base = bigPackage(join(bench.work, "bigpkg-base"), false);
  const cand = bigPackage(join(bench.work, "bigpkg-cand"), true);
  const config = benchConfig(base, "bigpkg", {
    python: [bench.python.executable], iterations: 15, max_iterations: 15, warmup: 1, importtime_runs: 1,
    imports: [
      { name: "bigpkg_total", statement: "import bigpkg" },
      { name: "bigpkg_cli", statement: "import bigpkg.cli" },
      { name: "bigpkg_serverless", statement: "import bigpkg.serverless" },
    ],
  });
  const results = await measureTrees(
    [{ label: "main", dir: base, git: { ref: "main", commit: null, dirty: false } }, { label: "feature", dir: cand, git: { ref: "feature", commit: null, dirty: false } }],
    { config, toolVersion: VERSION, runId: crypto.randomUUID() },
  );
  const files = results.map((result, index) => {
    const path = join(bench.work, `runpod-sized-${index === 0 ? "main" : "feature"}.json`);
    writeFile(path, `${JSON.stringify(result, null, 2)}\n`); // as saveResult writes them
    return path;
  }) as [string, string];
  const first = results[0]!;
  return {
    files,
    modules: first.modules?.loaded.length ?? 0,
    importtimeRows: first.importtime?.bigpkg_total?.length ?? 0,
    importers: Object.keys(first.importers?.bigpkg_total ?? {}).length,
  };
}

/** Builds the binary as scripts/build.ts ships it, in `dir` (in a child, so its message stays off stdout). */
async function buildBinary(dir: string): Promise<string> {
  const script = `const { build } = await import(${JSON.stringify(join(ROOT, "scripts", "build.ts"))}); process.exit(await build(${JSON.stringify(dir)}));`;
  const child = Bun.spawn([process.execPath, "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0) throw new Error(`scripts/build.ts failed (exit ${code}): ${stderr.trim()}`);
  return join(dir, "coldstart-compare");
}

interface HyperfineReport {
  results: { command: string; times: number[]; exit_codes?: number[] }[];
}

/** hyperfine -N over `commands` in `blocks` invocations, rotating their order; all times (ms) per command. */
export async function hyperfineTimes(bench: Bench, commands: string[], runs: number, blocks: number, env: Record<string, string>): Promise<number[][]> {
  const pooled: number[][] = commands.map(() => []);
  for (let block = 0; block < blocks; block += 1) {
    const order = commands.map((_, index) => (index + block) % commands.length);
    const out = join(bench.work, `hyperfine-${block}.json`);
    const argv = ["/usr/bin/hyperfine", "-N", "--style", "none", "--warmup", "3", "--runs", String(runs), "--export-json", out, ...order.map((i) => commands[i]!)];
    const child = Bun.spawn(argv, { cwd: bench.work, env, stdout: "ignore", stderr: "pipe" });
    const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    if (code !== 0) throw new Error(`hyperfine failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
    const report = (await Bun.file(out).json()) as HyperfineReport;
    report.results.forEach((result, position) => pooled[order[position]!]!.push(...result.times.map((s) => s * 1000)));
  }
  return pooled;
}

/** Our own alternating loop when hyperfine is missing: wall times (ms) per command, spawn to exit. */
async function ownLoopTimes(argvs: string[][], runs: number, env: Record<string, string>, cwd: string): Promise<number[][]> {
  const times: number[][] = argvs.map(() => []);
  for (let run = -3; run < runs; run += 1) {
    for (const [index, argv] of argvs.entries()) {
      const started = performance.now();
      const child = Bun.spawn(argv, { cwd, env, stdout: "ignore", stderr: "ignore" });
      await child.exited;
      if (run >= 0) times[index]!.push(performance.now() - started);
    }
  }
  return times;
}

export async function runStartup(bench: Bench): Promise<SectionResult> {
  bench.log("  measuring bigpkg (1,200 modules, 3 measurements × 15 runs) for the result files...");
  const made = await runpodSizedFiles(bench);
  const [fileA, fileB] = made.files;
  const binary = await buildBinary(join(bench.work, "bin"));
  const python = bench.python.executable;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
  // It must produce the report: check once, outside the timing.
  const check = Bun.spawnSync([binary, fileA, fileB], { env, stdout: "pipe", stderr: "pipe" });
  if (check.exitCode !== 0) throw new Error(`coldstart-compare failed on the files (exit ${check.exitCode}): ${check.stderr.toString().trim()}`);
  const reportLines = check.stdout.toString().split("\n").length;
  const load = `import json; json.load(open('${fileA}')); json.load(open('${fileB}'))`;
  const runs = bench.quick ? 5 : 10;
  const blocks = bench.quick ? 2 : 5;
  let times: number[][];
  let how: string;
  if (Bun.which("hyperfine") || (await Bun.file("/usr/bin/hyperfine").exists())) {
    times = await hyperfineTimes(bench, [`${binary} ${fileA} ${fileB}`, `${python} -c "${load}"`, `${binary} --version`, `${python} -c pass`, `${python} -S -c "${load}"`], runs, blocks, env);
    how = `hyperfine -N, ${blocks} invocations × ${runs} runs, order rotated`;
  } else {
    times = await ownLoopTimes([[binary, fileA, fileB], [python, "-c", load], [binary, "--version"], [python, "-c", "pass"], [python, "-S", "-c", load]], runs * blocks, env, bench.work);
    how = `own alternating loop, ${runs * blocks} runs each`;
  }
  const [compare, loadOnly, version, pythonAlone, loadNoSite] = times.map((values) => median(values)) as [number, number, number, number, number];
  const ratio = compare / loadOnly;
  const sizeMb = (path: string) => statSync(path).size / 1e6;
  bench.log(`  compare ${compare.toFixed(1)} ms, python json.load ${loadOnly.toFixed(1)} ms, --version ${version.toFixed(1)} ms, python -c pass ${pythonAlone.toFixed(1)} ms`);
  const rows: Row[] = [
    {
      figure: "5. Start-up: coldstart-compare on two runpod-sized files / python3 json.load of the same files (medians)",
      value: `${ratio.toFixed(2)} (${compare.toFixed(1)} / ${loadOnly.toFixed(1)} ms; ${how}; files ${sizeMb(fileA).toFixed(2)} + ${sizeMb(fileB).toFixed(2)} MB, ${made.modules} modules loaded, ${made.importtimeRows} importtime rows, ${made.importers} importers per measurement; report ${reportLines} lines)`,
      goal: "≤ 0.6",
      met: ratio <= 0.6,
    },
    { figure: "5. coldstart-compare --version (median)", value: `${version.toFixed(1)} ms`, goal: "reported", met: null },
    { figure: "5. For reference: python3 -c pass (median; its site start-up is part of the json.load side)", value: `${pythonAlone.toFixed(1)} ms`, goal: "reported", met: null },
    {
      figure: "5. For reference: coldstart-compare / the same json.load with python3 -S (no site: no .pth files run at start-up)",
      value: `${(compare / loadNoSite).toFixed(2)} (${compare.toFixed(1)} / ${loadNoSite.toFixed(1)} ms)`,
      goal: "reported",
      met: null,
    },
    { figure: "5. Size of the compiled binary", value: `${sizeMb(binary).toFixed(1)} MB`, goal: "reported", met: null },
  ];
  return { rows };
}
