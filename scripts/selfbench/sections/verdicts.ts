/**
 * Sections 1 and 2: verdicts of real comparisons, with the defaults a user gets (10
 * counted rounds, going on 5 rounds at a time up to 30 while the comparison could not yet
 * detect a 5% change: the scheduler's adaptive stopping).
 *
 * 1. False alarms: the base fixture against a copy of itself, called faster or slower.
 * 2. Power: the base against candidates doing ~3% and ~10% more import work, called slower.
 *
 * When both run, the three kinds of comparison alternate (A/A, +3%, +10%, A/A, ...), so a
 * calm or a noisy hour falls on all of them alike.
 */
import { median } from "../../lib/stats/describe.ts";
import {
  type Bench, compareTrees, countOf, describeOutcome, medianOf, minMedMax, type Outcome, type Row, type SectionResult, signed,
} from "../common.ts";
import { PKG, timedFixtures } from "../fixtures.ts";

/** Other work below this many cores' worth of CPU counts as a calm comparison. */
const CALM_CORES = 0.5;

interface Kind {
  key: "aa" | "plus3" | "plus10";
  label: string;
  outcomes: Outcome[];
}

export async function runVerdicts(bench: Bench, sections: { falseAlarms: boolean; power: boolean }): Promise<SectionResult> {
  const fixtures = await timedFixtures(bench);
  const repeats = bench.quick ? 2 : 20;
  const kinds: Kind[] = [];
  if (sections.falseAlarms) kinds.push({ key: "aa", label: "A/A", outcomes: [] });
  if (sections.power) kinds.push({ key: "plus3", label: "+3%", outcomes: [] }, { key: "plus10", label: "+10%", outcomes: [] });
  const candidateOf = { aa: fixtures.baseCopy, plus3: fixtures.plus3, plus10: fixtures.plus10 };
  const setup = { pkg: PKG, config: {} };
  for (let i = 0; i < repeats; i += 1) {
    for (const kind of kinds) {
      const outcome = await compareTrees(bench, fixtures.base, candidateOf[kind.key], setup);
      kind.outcomes.push(outcome);
      bench.log(`  ${kind.label} ${i + 1}/${repeats}: ${describeOutcome(outcome)}`);
    }
  }

  const rows: Row[] = [];
  const details: string[] = [];
  const roundsOf = (outcomes: Outcome[]) => outcomes.map((outcome) => outcome.baseline.length);
  const roundsText = (outcomes: Outcome[]) => {
    const rounds = roundsOf(outcomes);
    return `rounds used min/median/max ${minMedMax(rounds, 0)}, ${rounds.filter((n) => n >= 30).length} went to 30`;
  };
  for (const kind of kinds) {
    const { outcomes } = kind;
    if (kind.key === "aa") {
      const alarms = outcomes.filter((outcome) => outcome.verdict === "faster" || outcome.verdict === "slower").length;
      const bestCaseAlarms = outcomes.filter((outcome) => outcome.bestCase === "lower" || outcome.bestCase === "higher").length;
      rows.push({
        figure: `1. False alarms in ${repeats} A/A comparisons (defaults: 10 rounds, adaptive up to 30)`,
        value: `${countOf(alarms, repeats)}; ${roundsText(outcomes)}; best-case test alone: ${bestCaseAlarms}`,
        goal: "≤ 5%",
        met: alarms / repeats <= 0.05,
      });
      continue;
    }
    const slower = outcomes.filter((outcome) => outcome.verdict === "slower").length;
    const faster = outcomes.filter((outcome) => outcome.verdict === "faster").length;
    const shift = medianOf(outcomes.map((outcome) => (outcome.estimatePct === null ? null : -outcome.estimatePct)));
    const mde = medianOf(outcomes.map((outcome) => outcome.mdePct));
    const plus10 = kind.key === "plus10";
    rows.push({
      figure: `2. Power at ${kind.label} (${repeats} comparisons; median measured change ${shift === null ? "—" : `${signed(shift)}%`})`,
      value: `${countOf(slower, repeats)} slower${faster ? `, ${faster} faster (!)` : ""}; median could detect ±${mde?.toFixed(1) ?? "—"}%; ${roundsText(outcomes)}`,
      goal: plus10 ? "≥ 95%" : "reported",
      met: plus10 ? slower / repeats >= 0.95 : null,
    });
  }

  // Per comparison, for whoever investigates a goal that was not met.
  const lines = [
    "| kind | # | verdict | change % | 95% CI % | could detect % | rounds | fastest run ms (base / cand) | median ms (base / cand) | others' CPU (cores) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const kind of kinds) {
    kind.outcomes.forEach((outcome, index) => {
      const est = outcome.estimatePct === null ? "—" : signed(-outcome.estimatePct);
      const ci = outcome.ciPct ? `${signed(-outcome.ciPct.high)} … ${signed(-outcome.ciPct.low)}` : "—";
      const fastest = `${Math.min(...outcome.baseline).toFixed(2)} / ${Math.min(...outcome.candidate).toFixed(2)}`;
      const medians = `${median(outcome.baseline).toFixed(2)} / ${median(outcome.candidate).toFixed(2)}`;
      const others = outcome.othersCores === null ? "—" : outcome.othersCores.toFixed(2);
      lines.push(`| ${kind.label} | ${index + 1} | ${outcome.verdict} | ${est} | ${ci} | ${outcome.mdePct?.toFixed(1) ?? "—"} | ${outcome.baseline.length} | ${fastest} | ${medians} | ${others} |`);
    });
  }
  // The machine is shared: how the verdicts went with the CPU other work took meanwhile.
  const split = kinds.map((kind) => {
    const hit = (outcome: Outcome) => (kind.key === "aa" ? outcome.verdict === "faster" || outcome.verdict === "slower" : outcome.verdict === "slower");
    const calm = kind.outcomes.filter((outcome) => outcome.othersCores !== null && outcome.othersCores < CALM_CORES);
    const busy = kind.outcomes.filter((outcome) => outcome.othersCores !== null && outcome.othersCores >= CALM_CORES);
    const share = (list: Outcome[]) => (list.length ? `${list.filter(hit).length}/${list.length}` : "—");
    return `${kind.label} ${kind.key === "aa" ? "false alarms" : "called slower"}: ${share(calm)} with other work under ${CALM_CORES} core, ${share(busy)} above`;
  });
  details.push(
    `Sections 1–2 against the machine's other work: ${split.join("; ")}.`,
    `Sections 1–2, every comparison (fixture: base import fastest ${fixtures.baseImportMs.toFixed(1)} ms, median ${fixtures.baseMedianMs.toFixed(1)} ms by the harness in calibration; loops ${fixtures.loops.base} / +${fixtures.loops.plus3 - fixtures.loops.base} / +${fixtures.loops.plus10 - fixtures.loops.base} iterations of ${(fixtures.iterationUs * 1000).toFixed(1)} ns). Changes are the candidate's, + = slower.`,
    lines.join("\n"),
  );
  return { rows, details };
}
