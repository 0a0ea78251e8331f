/**
 * Section 5: start-up of `./coldstart-compare` (the compiled binary, built by
 * scripts/build.ts into a scratch folder) on a pair of result files of a real
 * application's shape, against `python3 -S` that merely `json.load`s the same two files
 * (the real interpreter, never a version-manager shim; -S: no site start-up, so no .pth
 * file runs). Goal ≤ 0.6×, for the terminal report and for --format json. Also the same
 * against `python3` with its site start-up, `--version` alone, and the binary's size.
 *
 * The files (startup-files.ts) are real result files of generated packages shaped like
 * runpod-python's pair: sizes, modules loaded, modules and top-level packages differing,
 * three measurements with importtime rows, importers and hotspots. Their shape is
 * measured on the files and printed beside runpod's.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { writeFile } from "../../lib/write.ts";
import { type Bench, type Row, type SectionResult, ROOT } from "../common.ts";
import { median } from "../../lib/stats/describe.ts";
import { type PairShape, realShapeFiles, RUNPOD_SHAPE } from "./startup-files.ts";

/** Runs bun with `args` in `cwd`, its output kept off ours; throws with its stderr when it fails. */
async function runBun(args: string[], cwd: string, what: string): Promise<void> {
  const child = Bun.spawn([process.execPath, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${stderr.trim()}`);
}

/** Builds the binary as scripts/build.ts ships it, in `dir` (in a child, so its message stays off stdout). */
async function buildBinary(dir: string): Promise<string> {
  const script = `const { build } = await import(${JSON.stringify(join(ROOT, "scripts", "build.ts"))}); process.exit(await build(${JSON.stringify(dir)}));`;
  await runBun(["-e", script], ROOT, "scripts/build.ts");
  return join(dir, "coldstart-compare");
}

interface HyperfineReport {
  results: { command: string; times: number[]; exit_codes?: number[] }[];
}

/**
 * The floor of any comparer built on Bun: a compiled binary (bytecode, as scripts/build.ts
 * builds ours) that reads the files, JSON.parses them and prints one line. Nothing a
 * comparison does can take less.
 */
async function buildParseOnly(dir: string): Promise<string> {
  const source = join(dir, "parse-only.ts");
  writeFile(source, `import { readFileSync } from "node:fs";\nfor (const file of process.argv.slice(2)) JSON.parse(readFileSync(file, "utf8"));\nconsole.log("parsed");\n`);
  const outfile = join(dir, "parse-only");
  await runBun(["build", "--compile", "--minify", "--bytecode", "--sourcemap=none", source, "--outfile", outfile], dir, "bun build of the parse-only binary");
  return outfile;
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

/**
 * Instructions (millions) of `argv`'s process, counted by callgrind with JavaScriptCore's
 * compiler and collector threads off, so the count repeats to about 0.1% (with them on it
 * wanders by 10%): a figure of the comparer's own work that the machine's speed does not
 * move. Null without valgrind.
 */
function countInstructions(argv: string[], env: Record<string, string>, cwd: string): number | null {
  const valgrind = Bun.which("valgrind");
  if (!valgrind) return null;
  const run = Bun.spawnSync([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", ...argv], {
    cwd, env: { ...env, BUN_JSC_useConcurrentJIT: "false", BUN_JSC_useConcurrentGC: "false" }, stdout: "ignore", stderr: "pipe",
  });
  const collected = /Collected : (\d+)/.exec(run.stderr.toString());
  return run.exitCode === 0 && collected ? Number(collected[1]) / 1e6 : null;
}

/** "928 KB + 639 KB, 1,289 / 981 modules, 308 differing in 35 top-level packages, ..." */
function describeShape(shape: PairShape): string {
  const kb = (bytes: number) => `${Math.round(bytes / 1000)} KB`;
  return `${kb(shape.bytes[0])} + ${kb(shape.bytes[1])}, ${shape.modules[0]} / ${shape.modules[1]} modules loaded, ` +
    `${shape.modulesDiffering} differing in ${shape.packagesDiffering} top-level packages, ${shape.measurements} measurements, ` +
    `importers ${shape.importers[0]} / ${shape.importers[1]}, importtime rows ${shape.importtimeRows[0]} / ${shape.importtimeRows[1]}, ` +
    `hotspots ${shape.hotspots[0]} / ${shape.hotspots[1]} (runpod-python: ${kb(RUNPOD_SHAPE.bytes[0])} + ${kb(RUNPOD_SHAPE.bytes[1])}, ` +
    `~${RUNPOD_SHAPE.modules} modules, ${RUNPOD_SHAPE.modulesDiffering} differing across many packages)`;
}

export async function runStartup(bench: Bench): Promise<SectionResult> {
  bench.log("  measuring rsapp (a runpod-shaped application: ~1,300 modules, 3 measurements × 15 runs) for the result files...");
  const made = await realShapeFiles(bench);
  const [fileA, fileB] = made.files;
  bench.log(`  files: ${describeShape(made.shape)}`);
  const binary = await buildBinary(join(bench.work, "bin"));
  const parseOnly = await buildParseOnly(join(bench.work, "bin"));
  const python = bench.python.executable;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
  // It must produce both reports: check once, outside the timing.
  const lines: Record<string, number> = {};
  for (const format of ["terminal", "json"]) {
    const check = Bun.spawnSync([binary, fileA, fileB, "--format", format], { env, stdout: "pipe", stderr: "pipe" });
    if (check.exitCode !== 0) throw new Error(`coldstart-compare --format ${format} failed on the files (exit ${check.exitCode}): ${check.stderr.toString().trim()}`);
    lines[format] = check.stdout.toString().split("\n").length;
  }
  const load = "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]";
  const runs = bench.quick ? 5 : 10;
  const blocks = bench.quick ? 2 : 5;
  const argvs = [
    [binary, fileA, fileB], [binary, fileA, fileB, "--format", "json"], [python, "-S", "-c", load, fileA, fileB],
    [python, "-c", load, fileA, fileB], [binary, "--version"], [python, "-S", "-c", "pass"], [parseOnly, fileA, fileB],
  ];
  let times: number[][];
  let how: string;
  if (Bun.which("hyperfine") || (await Bun.file("/usr/bin/hyperfine").exists())) {
    const quote = (arg: string) => (/^[\w./+=-]+$/.test(arg) ? arg : `'${arg}'`);
    times = await hyperfineTimes(bench, argvs.map((argv) => argv.map(quote).join(" ")), runs, blocks, env);
    how = `hyperfine -N, ${blocks} invocations × ${runs} runs, order rotated`;
  } else {
    times = await ownLoopTimes(argvs, runs * blocks, env, bench.work);
    how = `own alternating loop, ${runs * blocks} runs each`;
  }
  const [terminal, json, loadNoSite, loadSite, version, pythonAlone, parsed] = times.map((values) => median(values)) as [number, number, number, number, number, number, number];
  const sizeMb = (path: string) => statSync(path).size / 1e6;
  const counted = [[binary, fileA, fileB], [parseOnly, fileA, fileB], [binary, "--version"]].map((argv) => countInstructions(argv, env, bench.work));
  bench.log(`  compare ${terminal.toFixed(1)} ms (json ${json.toFixed(1)} ms), python3 -S json.load ${loadNoSite.toFixed(1)} ms (with site ${loadSite.toFixed(1)} ms), --version ${version.toFixed(1)} ms, python3 -S -c pass ${pythonAlone.toFixed(1)} ms`);
  const ratio = (value: number, of: number) => `${(value / of).toFixed(2)} (${value.toFixed(1)} / ${of.toFixed(1)} ms)`;
  const rows: Row[] = [
    {
      figure: "5. Start-up: coldstart-compare on two runpod-shaped result files / python3 -S that json.loads them (medians)",
      value: `${ratio(terminal, loadNoSite)}; ${how}; report ${lines.terminal} lines`,
      goal: "≤ 0.6",
      met: terminal / loadNoSite <= 0.6,
    },
    {
      figure: "5. The same with --format json (the whole model, sides' importtime rows, importers and hotspots included)",
      value: `${ratio(json, loadNoSite)}; report ${lines.json} lines`,
      goal: "≤ 0.6",
      met: json / loadNoSite <= 0.6,
    },
    { figure: "5. The files: sizes and shape, measured on them, beside runpod-python's", value: describeShape(made.shape), goal: "reported", met: null },
    {
      figure: "5. For reference: terminal and json against python3 with its site start-up (which runs .pth files)",
      value: `${ratio(terminal, loadSite)}; json ${ratio(json, loadSite)}`,
      goal: "reported",
      met: null,
    },
    { figure: "5. coldstart-compare --version (median)", value: `${version.toFixed(1)} ms`, goal: "reported", met: null },
    { figure: "5. For reference: python3 -S -c pass (median; the interpreter's own start-up)", value: `${pythonAlone.toFixed(1)} ms`, goal: "reported", met: null },
    {
      figure: "5. The floor: a compiled Bun binary that only reads and JSON.parses the two files / python3 -S json.load",
      value: ratio(parsed, loadNoSite),
      goal: "reported",
      met: null,
    },
    {
      figure: "5. Instructions (callgrind, JIT and GC threads off): the comparison (terminal) / the floor / --version",
      value: counted.every((count) => count !== null) ? counted.map((count) => `${count!.toFixed(1)} M`).join(" / ") : "skipped: no valgrind (apt-get install valgrind)",
      goal: "reported",
      met: null,
    },
    { figure: "5. Size of the compiled binary", value: `${sizeMb(binary).toFixed(1)} MB`, goal: "reported", met: null },
  ];
  return { rows };
}
