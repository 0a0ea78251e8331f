/**
 * Section 12: "fix it, measured". On three packages of different shapes (advise-fixtures.ts),
 * each committed on `main` of a new repository, `bun scripts/benchmark_cold_start.ts
 * --advise --apply main` as a user runs it: the saving the advice predicted against the
 * saving the benchmark of the ref against its patch measured, in time and in memory.
 * Goal: each ratio measured / predicted within 0.7–1.3 (the issue's ±30%).
 *
 * And the overhead of the usage-profile run (the workload under the tracing profiler that
 * tells what it used) against the same workload run plainly: what the advice costs a user
 * beyond one run of their workload. Reported, median of several pairs.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AdviseRuntime } from "../../lib/advise/model.ts";
import { profileUsage } from "../../lib/advise/profile.ts";
import { loadWorkload, runWorkload } from "../../lib/advise/workload.ts";
import { childEnvironment, resolvePython } from "../../lib/measure/python.ts";
import { median } from "../../lib/stats/describe.ts";
import { copyTree, writeFile } from "../../lib/write.ts";
import { ADVISE_FIXTURES, type AdviseFixture } from "../advise-fixtures.ts";
import { type Bench, ROOT, type Row, type SectionResult, seconds } from "../common.ts";

const LOW = 0.7;
const HIGH = 1.3;

/** The fixture's files in `dir`, committed on `main`. */
function fixtureRepo(fixture: AdviseFixture, dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (fixture.from) copyTree(fixture.from, dir);
  for (const [path, text] of Object.entries(fixture.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFile(join(dir, path), text);
  }
  for (const args of [["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false", "commit", "-qm", fixture.name]]) {
    const run = Bun.spawnSync(["git", ...args], { cwd: dir, stdout: "ignore", stderr: "pipe" });
    if (run.exitCode !== 0) throw new Error(`git ${args.join(" ")} in ${dir}: ${run.stderr.toString().trim()}`);
  }
  return dir;
}

interface Patch {
  predictedMs: number;
  measuredMs: number;
  predictedMb: number;
  measuredMb: number;
}

const ratio = (measured: number, predicted: number) => (predicted > 0 ? measured / predicted : Number.NaN);
const within = (value: number) => value >= LOW && value <= HIGH;

async function adviseApply(bench: Bench, fixture: AdviseFixture): Promise<{ patch: Patch | null; wallMs: number; failure: string | null }> {
  const repo = fixtureRepo(fixture, join(bench.work, `advise-${fixture.name}`));
  const report = join(bench.work, `advise-${fixture.name}.json`);
  const argv = [
    process.execPath, join(ROOT, "scripts", "benchmark_cold_start.ts"), "--advise", "--apply", "main",
    "--python", bench.python.executable, "--format", "json", "--output", report, "--out", join(bench.work, `advise-${fixture.name}-results`), "-q",
  ];
  const started = performance.now();
  const child = Bun.spawn(argv, { cwd: repo, env: { ...process.env, CI: "true", NO_COLOR: "1" }, stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  const wallMs = performance.now() - started;
  if (code !== 0) return { patch: null, wallMs, failure: `exit ${code}: ${stderr.trim().split("\n").pop() ?? ""}` };
  const patch = JSON.parse(readFileSync(report, "utf8"))?.advice?.patch as Patch | undefined;
  if (!patch || typeof patch.measuredMs !== "number") return { patch: null, wallMs, failure: "no measured patch in the report" };
  return { patch, wallMs, failure: null };
}

/** Wall time of the workload under the usage profiler over the same run without it (median of pairs). */
async function profileOverhead(bench: Bench, fixture: AdviseFixture): Promise<{ plainMs: number; profiledMs: number }> {
  const dir = join(bench.work, `advise-${fixture.name}`);
  const info = await resolvePython(bench.python.executable, dir);
  const { env, changes } = childEnvironment(dir, info);
  const runtime: AdviseRuntime = { tree: { label: fixture.name, dir, python: info, env, envChanges: changes, pycache: join(bench.work, `advise-pyc-${fixture.name}`) }, timeoutMs: 60_000 };
  const pkg = readFileSync(join(dir, "pyproject.toml"), "utf8").match(/^package = "(.+)"$/m)![1]!;
  const workload = loadWorkload({ workload: readFileSync(join(dir, "pyproject.toml"), "utf8").match(/^workload = "(.+)"$/m)![1]! }, dir);
  const statement = `import ${pkg}`;
  await runWorkload(runtime, statement, workload); // writes the bytecode both sides then read
  const plain: number[] = [];
  const profiled: number[] = [];
  for (let pair = 0; pair < (bench.quick ? 3 : 10); pair += 1) {
    let started = performance.now();
    await runWorkload(runtime, statement, workload);
    plain.push(performance.now() - started);
    started = performance.now();
    await profileUsage(runtime, statement, workload);
    profiled.push(performance.now() - started);
  }
  return { plainMs: median(plain), profiledMs: median(profiled) };
}

export async function runAdvise(bench: Bench): Promise<SectionResult> {
  const rows: Row[] = [];
  for (const fixture of ADVISE_FIXTURES) {
    bench.log(`  --advise --apply on ${fixture.name} (${fixture.shape})...`);
    const { patch, wallMs, failure } = await adviseApply(bench, fixture);
    const figure = `12. Advice on "${fixture.name}" (${fixture.shape}): measured / predicted saving`;
    if (!patch) {
      rows.push({ figure, value: `run failed (${failure}); ${seconds(wallMs)}`, goal: `${LOW}–${HIGH} in time and memory`, met: false });
      continue;
    }
    const [time, memory] = [ratio(patch.measuredMs, patch.predictedMs), ratio(patch.measuredMb, patch.predictedMb)];
    bench.log(`    predicted ${patch.predictedMs.toFixed(1)} ms / ${patch.predictedMb.toFixed(2)} MB, measured ${patch.measuredMs.toFixed(1)} ms / ${patch.measuredMb.toFixed(2)} MB`);
    rows.push({
      figure,
      value: `time ${time.toFixed(2)} (${patch.measuredMs.toFixed(1)} of ${patch.predictedMs.toFixed(1)} ms), ` +
        `memory ${memory.toFixed(2)} (${patch.measuredMb.toFixed(2)} of ${patch.predictedMb.toFixed(2)} MB); the whole run ${seconds(wallMs)}`,
      goal: `${LOW}–${HIGH} in time and memory`,
      met: within(time) && within(memory),
    });
  }
  const service = ADVISE_FIXTURES[0]!;
  const overhead = await profileOverhead(bench, service);
  rows.push({
    figure: `12. Usage-profile run on "${service.name}" against its workload run plainly (median of ${bench.quick ? 3 : 10} pairs)`,
    value: `${overhead.profiledMs.toFixed(0)} ms against ${overhead.plainMs.toFixed(0)} ms (×${(overhead.profiledMs / overhead.plainMs).toFixed(2)})`,
    goal: "reported",
    met: null,
  });
  return { rows };
}
