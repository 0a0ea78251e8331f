#!/usr/bin/env bun
/**
 * `bun run bench`: how far coldstart's numbers can be trusted on this machine. A script that
 * prints one markdown table (and writes benchmark_results/bench.md), never a timed test.
 *
 * 1. False alarms   2. Power   3. Harness accuracy   4. Overhead   5. Start-up
 * 6. Precision against hyperfine   7. Simulation   8. Recorded sets (new test vs old)
 * 9. Instruction counts   10. Environments (build and reuse)   11. Bisect on 128 commits
 * 12. Advice, predicted against measured. Each section lives in sections/.
 *
 *   bun scripts/selfbench/main.ts [--quick] [--only 1,2,...]
 *
 * --quick: fewer repetitions (a smoke run of a few minutes; the recorded fixture is not
 * rewritten). The report goes to stdout and to benchmark_results/bench.md — or, so a smoke
 * or partial run never overwrites the full figures, bench-quick.md (--quick) or
 * bench-partial.md (--only). Progress goes to stderr. Exit 0 when every goal is met, 1 when
 * one is not, 2 when a section failed to run.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolvePython } from "../lib/measure/python.ts";
import { installSignalHandlers, pruneStaleTemporaries, TEMP_PREFIXES, temporaryDir } from "../lib/process.ts";
import { ensureDir, writeFile } from "../lib/write.ts";
import { type Bench, cpuSnapshot, othersLoad, ROOT, type Row, type SectionResult, seconds } from "./common.ts";
import { runHarnessAccuracy } from "./sections/harness.ts";
import { runInstructions } from "./sections/instructions.ts";
import { runOverhead } from "./sections/overhead.ts";
import { runPrecision } from "./sections/precision.ts";
import { runRecorded } from "./sections/recorded.ts";
import { runSimulated } from "./sections/simulated.ts";
import { runStartup } from "./sections/startup.ts";
import { runVerdicts } from "./sections/verdicts.ts";
import { runEnvironments } from "./sections/environments.ts";
import { runBisect } from "./sections/bisect.ts";
import { runAdvise } from "./sections/advise.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { quick: { type: "boolean" }, only: { type: "string" } } });
const quick = values.quick === true;
const only = values.only ? new Set(values.only.split(",").map((part) => Number(part.trim()))) : null;
const wanted = (id: number) => !only || only.has(id);

installSignalHandlers();
// The scratch folder of a bench that was killed outright (its fixtures run to megabytes).
pruneStaleTemporaries(TEMP_PREFIXES.scratch);
const log = (text: string) => process.stderr.write(`${text}\n`);
const bench: Bench = {
  quick,
  work: temporaryDir(TEMP_PREFIXES.scratch).dir,
  python: await resolvePython("python3", process.cwd()),
  log,
  shared: new Map(),
};

const SECTIONS: { ids: number[]; title: string; run: () => Promise<SectionResult> }[] = [
  { ids: [1, 2], title: "False alarms and power", run: () => runVerdicts(bench, { falseAlarms: wanted(1), power: wanted(2) }) },
  { ids: [3], title: "Harness accuracy", run: () => runHarnessAccuracy(bench) },
  { ids: [4], title: "Overhead of a two-ref run", run: () => runOverhead(bench) },
  { ids: [5], title: "Start-up of coldstart-compare", run: () => runStartup(bench) },
  { ids: [6], title: "Precision against hyperfine", run: () => runPrecision(bench) },
  { ids: [7], title: "Simulation", run: () => runSimulated(bench) },
  { ids: [8], title: "Recorded sets", run: () => runRecorded(bench) },
  { ids: [9], title: "Instruction counts", run: () => runInstructions(bench) },
  { ids: [10], title: "Environments", run: () => runEnvironments(bench) },
  { ids: [11], title: "Bisect on a generated history", run: () => runBisect(bench) },
  { ids: [12], title: "Advice, predicted against measured", run: () => runAdvise(bench) },
];
const sectionIds = SECTIONS.flatMap((section) => section.ids);
if (only && [...only].some((id) => !sectionIds.includes(id))) {
  process.stderr.write(`--only takes section numbers ${sectionIds[0]} to ${sectionIds.at(-1)}, comma-separated (got ${JSON.stringify(values.only)})\n`);
  process.exit(2);
}

const started = performance.now();
const rows: Row[] = [];
const details: string[] = [];
const conditions: string[] = [];
let crashed = false;
for (const section of SECTIONS) {
  const ids = section.ids.filter(wanted);
  if (!ids.length) continue;
  const name = `${ids.join(", ")}. ${section.title}`;
  log(`\n${name}...`);
  const sectionStart = performance.now();
  const cpuBefore = cpuSnapshot();
  try {
    const result = await section.run();
    rows.push(...result.rows);
    details.push(...(result.details ?? []));
  } catch (error) {
    crashed = true;
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    rows.push({ figure: `${name}: failed to run`, value: message.split("\n")[0]!, goal: "runs", met: false });
  }
  const wall = performance.now() - sectionStart;
  const load = othersLoad(cpuBefore, cpuSnapshot());
  const busy = load ? `other work on the machine used ${load.others.toFixed(2)} of ${bench.python.cpuCount} cores on average (hypervisor steal ${load.steal.toFixed(2)})` : "machine load unknown";
  conditions.push(`${name}: ${seconds(wall)}; ${busy}`);
  log(`${name}: done in ${seconds(wall)}`);
}
const totalMs = performance.now() - started;

const { python } = bench;
const header = `coldstart bench — ${new Date().toISOString()} — Python ${python.version.split(" ")[0]} (${python.executable}) on ${python.cpu}, ${python.cpuCount} cores${quick ? " — --quick" : ""}`;
const table = [
  "| figure | value | goal | met |",
  "|---|---|---|---|",
  ...rows.map((row) => `| ${row.figure} | ${row.value} | ${row.goal} | ${row.met === null ? "—" : row.met ? "yes" : "**no**"} |`),
].join("\n");
const footer = [
  `Wall time ${seconds(totalMs)} (${(totalMs / 60000).toFixed(1)} min). Per section, with the CPU other work took meanwhile (/proc/stat minus this bench and its children):`,
  "",
  ...conditions.map((line) => `- ${line}`),
].join("\n");
const report = `${header}\n\n${table}\n\n${footer}\n${details.map((block) => `\n${block}\n`).join("")}`;
process.stdout.write(`\n${report}`);
const outDir = join(ROOT, "benchmark_results");
ensureDir(outDir);
const reportFile = join(outDir, quick ? "bench-quick.md" : only ? "bench-partial.md" : "bench.md");
writeFile(reportFile, `# ${report}`);
log(`\nwritten to ${reportFile}`);
process.exit(crashed ? 2 : rows.some((row) => row.met === false) ? 1 : 0);
