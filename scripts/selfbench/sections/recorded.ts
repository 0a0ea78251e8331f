/**
 * Section 8: real recorded sets. 20 A/A comparisons and 20 against the +10% candidate,
 * 30 paired rounds each (measureTrees, fixed at 30: no stopping), alternating; the raw
 * samples are saved as test/fixtures/recorded/paired-30-rounds.json (not with --quick).
 * Then, on exactly those samples, the new default (paired exact signed-rank) beside the old
 * fastest-run test (compareBestCase) — and, for reference, the unpaired Mann–Whitney —:
 * false alarms among the A/A comparisons, detections among the +10% ones.
 */
import { mkdirSync } from "node:fs";
import { writeFile } from "../../lib/write.ts";
import { dirname, join, relative } from "node:path";
import { median } from "../../lib/stats/describe.ts";
import { compareBestCase, compareTypical, type Direction } from "../../lib/stats/verdict.ts";
import { type Bench, compareTrees, countOf, describeOutcome, ROOT, type Row, type SectionResult } from "../common.ts";
import { PKG, timedFixtures } from "../fixtures.ts";
import { formatRecorded, RECORDED_FILE, type RecordedComparison, type RecordedSets, validateRecorded } from "../recorded-format.ts";

const ROUNDS = 30;

const TESTS: { name: string; call: (c: RecordedComparison) => Direction | null }[] = [
  { name: "new: paired signed-rank (default)", call: (c) => compareTypical(c.baseline, c.candidate, { paired: true, mde: false }).direction },
  { name: "old: fastest run (minimum test)", call: (c) => compareBestCase(c.baseline, c.candidate, {})?.direction ?? null },
  { name: "reference: unpaired Mann–Whitney", call: (c) => compareTypical(c.baseline, c.candidate, { paired: false, mde: false }).direction },
];

/** Share of a comparison's runs at least 30% above its fastest run: how contended it was. */
function contendedShare(comparison: RecordedComparison): number {
  const all = [...comparison.baseline, ...comparison.candidate];
  const floor = Math.min(...all);
  return all.filter((value) => value >= floor * 1.3).length / all.length;
}

export async function runRecorded(bench: Bench): Promise<SectionResult> {
  const fixtures = await timedFixtures(bench);
  const repeats = bench.quick ? 1 : 20;
  const sets: RecordedSets["sets"] = { aa: [], plus10: [] };
  const setup = { pkg: PKG, config: { iterations: ROUNDS, max_iterations: ROUNDS } };
  for (let i = 0; i < repeats; i += 1) {
    for (const key of ["aa", "plus10"] as const) {
      const outcome = await compareTrees(bench, fixtures.base, key === "aa" ? fixtures.baseCopy : fixtures.plus10, setup);
      sets[key].push({ baseline: outcome.baseline, candidate: outcome.candidate });
      bench.log(`  ${key === "aa" ? "A/A" : "+10%"} ${i + 1}/${repeats}: ${describeOutcome(outcome)}`);
    }
  }
  const recorded: RecordedSets = validateRecorded({
    description: "Raw import_ms samples of real paired comparisons (measureTrees, 30 rounds, no stopping) on the project's 2-core VM: " +
      "the bench fixture against a copy of itself (aa) and against a candidate doing ~10% more import work (plus10). Written by `bun run bench` (section 8).",
    recorded: new Date().toISOString(),
    machine: { cpu: bench.python.cpu, cores: bench.python.cpuCount, python: bench.python.version.split(" ")[0]! },
    quantity: "import_ms",
    rounds: ROUNDS,
    fixture: { base_import_ms: Math.round(fixtures.baseMedianMs * 1000) / 1000, base_fastest_ms: Math.round(fixtures.baseImportMs * 1000) / 1000, loops: fixtures.loops.base, plus10_extra_loops: fixtures.loops.plus10 - fixtures.loops.base },
    sets,
  }, "section 8");
  const path = bench.quick ? join(bench.work, "paired-30-rounds.json") : RECORDED_FILE;
  mkdirSync(dirname(path), { recursive: true });
  const text = formatRecorded(recorded);
  writeFile(path, text);
  validateRecorded(JSON.parse(text), path);
  bench.log(`  samples saved to ${path}`);

  const rows: Row[] = [];
  const table = ["| test | false alarms (A/A) | detections (+10%) | wrong direction (+10%) |", "|---|---|---|---|"];
  for (const test of TESTS) {
    const alarms = sets.aa.filter((c) => ["lower", "higher"].includes(test.call(c) ?? "")).length;
    const calls = sets.plus10.map((c) => test.call(c));
    const found = calls.filter((call) => call === "higher").length;
    const wrong = calls.filter((call) => call === "lower").length;
    table.push(`| ${test.name} | ${countOf(alarms, repeats)} | ${countOf(found, repeats)} | ${wrong} |`);
    if (test.name.startsWith("reference")) continue;
    rows.push({
      figure: `8. Recorded sets (${repeats} + ${repeats} comparisons of ${ROUNDS} paired rounds), ${test.name}`,
      value: `false alarms ${countOf(alarms, repeats)}; +10% detected ${countOf(found, repeats)}${wrong ? `, ${wrong} called faster` : ""}`,
      goal: "reported (new beside old)",
      met: null,
    });
  }
  const contended = [...sets.aa, ...sets.plus10].map(contendedShare);
  const shift = median(sets.plus10.map((c) => median(c.candidate.map((value, i) => value / c.baseline[i]!)) - 1)) * 100;
  const where = bench.quick ? "not saved (--quick)" : `saved as ${relative(ROOT, path)}`;
  return {
    rows,
    details: [
      `Section 8, recorded sets (${where}): median per-round ratio in the +10% set ${shift >= 0 ? "+" : ""}${shift.toFixed(1)}%; ` +
        `share of runs ≥ 30% above their comparison's fastest run (contention), median ${(median(contended) * 100).toFixed(0)}%, ` +
        `worst ${(Math.max(...contended) * 100).toFixed(0)}%.\n\n${table.join("\n")}`,
    ],
  };
}
