/**
 * "What to defer", in words, for every report: the candidates (rank, file:line and code,
 * the modules it would stop loading, the predicted saving, the form of the change or why it
 * cannot move), the statements the workload used (keep), the work done at import, and with
 * --apply the patch's prediction against what the benchmark measured.
 */
import type { AdviceReport } from "../model/comparison.ts";
import type { Advice, Candidate } from "../result/schema.ts";
import { formatMs, plural } from "./words.ts";

const SOURCE: Record<string, string> = { importtime: "-X importtime share", "blocked-run": "blocked run", estimate: "estimate", none: "" };

function packages(list: readonly string[], max = 5): string {
  return list.length <= max ? list.join(", ") : `${list.slice(0, max).join(", ")}, …`;
}

/** A candidate's packages, those with the most modules first, C helpers (`_ssl`) after the packages they serve. */
export function mainPackages(candidate: Pick<Candidate, "modules" | "packages">): string[] {
  const count = (pkg: string) => candidate.modules.filter((module) => module === pkg || module.startsWith(`${pkg}.`)).length;
  return [...candidate.packages].sort((a, b) => Number(a.startsWith("_")) - Number(b.startsWith("_")) || count(b) - count(a) || (a < b ? -1 : 1));
}

/** A sentence, ended. */
const ended = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** "12.4 ms, 2.3 MB (blocked run)". */
export function savingText(ms: number, mb: number | null, mbSource: string): string {
  const memory = mb === null ? "" : `, ${mb.toFixed(1)} MB${SOURCE[mbSource] ? ` (${SOURCE[mbSource]})` : ""}`;
  return `${formatMs(ms)}${memory}`;
}

/** The workload, as the section's heading says it. */
export function workloadText(advice: Advice): string {
  const { workload } = advice;
  const ran = workload.ok ? `ran in ${workload.ms === null ? "?" : formatMs(workload.ms)}${workload.exited ? ", ended by sys.exit" : ""}` : `failed: ${workload.error ?? "?"}`;
  return `workload ${JSON.stringify(workload.statement.length > 60 ? `${workload.statement.slice(0, 59)}…` : workload.statement)} ${ran}`;
}

export interface CandidateText {
  /** "1. acme/__init__.py:7 from .reporting import render_report". */
  head: string;
  /** "stops 19 modules (csv, sqlite3, …): 88.80ms, 9.3 MB (blocked run); not used by the workload". */
  facts: string;
  /** The form of the change or why it cannot move (the candidate's own sentence), and --apply's outcome. */
  how: string;
  movable: boolean;
}

export function candidateText(candidate: Candidate, rank: number): CandidateText {
  const stops = `stops ${plural(candidate.modules.length, "module")}${candidate.packages.length ? ` (${packages(mainPackages(candidate))})` : ""}`;
  const facts = `${stops}: saves about ${savingText(candidate.predictedMs, candidate.predictedMb, candidate.mbSource)}; not used by the workload`;
  const applied = candidate.applied === undefined ? "" : candidate.applied ? " Applied." : ` Not applied: ${ended(candidate.appliedReason ?? "?")}`;
  const reason = ended(candidate.reason.replace(/^not movable:\s*/i, ""));
  return { head: `${rank}. ${candidate.file}:${candidate.line} ${candidate.code}`, facts, how: `${candidate.movable ? "" : "NOT MOVABLE: "}${reason}${applied}`, movable: candidate.movable };
}

/** The whole section as plain lines (terminal and the single-tree report; markdown and html build their own layout from the same pieces). */
export function adviceLines(report: Pick<AdviceReport, "advice" | "patch">): string[] {
  const { advice } = report;
  const out: string[] = [`What to defer (${workloadText(advice)}):`];
  if (advice.candidates.length === 0) out.push("  Nothing: every import statement of the package brings in modules the workload uses.");
  advice.candidates.forEach((candidate, index) => {
    const text = candidateText(candidate, index + 1);
    out.push(`  ${text.head}`, `       ${text.facts}`, `       ${text.how}`);
  });
  for (const kept of advice.kept ?? []) {
    out.push(`  keep ${kept.file}:${kept.line}: used by the workload (${packages(kept.used, 4)})`);
  }
  if (advice.eagerWork.length) {
    out.push("Work done at import: compute it on first use");
    for (const work of advice.eagerWork) out.push(`  ${work.file}${work.line === null ? "" : `:${work.line}`} ${work.call}  ${formatMs(work.ms)} (${(work.share * 100).toFixed(0)}% of the import)`);
  }
  out.push(...patchLines(report.patch));
  return out;
}

/** "; measured: 28 fewer", and why when fewer than predicted. */
function measuredModulesText(patch: NonNullable<AdviceReport["patch"]>): string {
  if (patch.measuredModules === null || patch.measuredModules === undefined) return "";
  const fewer = Math.round(patch.measuredModules);
  const short = fewer < patch.modules ? " (an import moved into a function that runs at import still loads its modules)" : "";
  return `; measured: ${fewer} fewer${short}`;
}

/** --apply: the patch, and predicted against measured. */
export function patchLines(patch: AdviceReport["patch"]): string[] {
  if (!patch) return [];
  const measured = patch.measuredMs === null ? "not measured" : `${formatMs(patch.measuredMs)}${patch.measuredMb === null ? "" : `, ${patch.measuredMb.toFixed(1)} MB`}`;
  // A saving the benchmark did not find significant is noise: no ratio is made of it.
  const significant = patch.verdict === undefined || patch.verdict === null || patch.verdict === "faster";
  const ratio = !significant
    ? `; not a significant change (${patch.verdict}): smaller than these runs can tell, so no ratio to the prediction`
    : patch.measuredMs !== null && patch.predictedMs > 0 ? ` (measured / predicted ${(patch.measuredMs / patch.predictedMs).toFixed(2)})` : "";
  return [
    `Patch: ${patch.path} (${plural(patch.applied, "candidate")}; predicted to stop ${plural(patch.modules, "module")}: ${packages(patch.packages)}${measuredModulesText(patch)})`,
    `  predicted saving ${savingText(patch.predictedMs, patch.predictedMb, patch.mbSource)}; measured ${measured}${ratio}`,
  ];
}
