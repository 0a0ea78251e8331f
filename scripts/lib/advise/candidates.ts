/**
 * Deferral candidates: the import statements of the target's own package whose whole
 * subtree (graph.ts) ran no code and was not imported during the workload, with their form
 * and movability (movability.ts, from the ast facts), ranked by predicted import time.
 * Third-party and standard-library files are never candidates: the own file's statement
 * that hands over to them is.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { UserError } from "../errors.ts";
import type { ImportTimeRow } from "../result/schema.ts";
import { analyzeFiles, type FileFacts, type StatementFacts } from "./facts.ts";
import { buildGraph, importSites, reachable, subtree, topPackages, type ImportGraph, type StatementRange } from "./graph.ts";
import type { AdviseRuntime, Candidate, ProfileReport } from "./model.ts";
import { blockerText, decide, movableText, type Decision } from "./movability.ts";
import { importtimeSaving } from "./predict.ts";

/** A candidate with what the rewrite needs. */
export interface StatementPlan {
  candidate: Candidate;
  /** The file's absolute path in the advised tree. */
  path: string;
  file: FileFacts;
  statement: StatementFacts | undefined;
  decision: Decision;
  range: StatementRange;
  /** `modules`' share of the statement's importtime self time (see predict.ts). */
  share: number;
}

/** A statement kept because the workload used part of its subtree. */
export interface KeptStatement {
  file: string;
  line: number;
  module: string;
  /** Modules of its subtree the workload ran or imported. */
  used: string[];
}

export interface CandidateSet {
  candidates: Candidate[];
  plans: StatementPlan[];
  kept: KeptStatement[];
  graph: ImportGraph;
}

export interface FindOptions {
  runtime: AdviseRuntime;
  statement: string;
  profile: ProfileReport;
  importtime: readonly ImportTimeRow[];
  /** The target's own packages (config `package`); default: every module whose file is in the tree. */
  packages?: readonly string[];
}

/** Whether a module belongs to the target: its file is in the tree (not site-packages) and its name in `packages`. */
export function ownModule(profile: ProfileReport, packages: readonly string[] | undefined): (module: string) => boolean {
  return (module) => {
    const info = profile.modules[module];
    if (!info || info.root !== "tree" || !info.file) return false;
    return !packages || packages.length === 0 || packages.some((name) => module === name || module.startsWith(`${name}.`));
  };
}

/** A statement's text on one line, without comments. */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.includes("#") && !/["']/.test(line) ? line.slice(0, line.indexOf("#")) : line).trim())
    .filter(Boolean)
    .join(" ")
    .replace(/\\ /g, "")
    .replace(/\( /g, "(")
    .replace(/ \)/g, ")")
    .replace(/,\)/g, ")");
}

function lineText(path: string, line: number): string {
  try {
    return (readFileSync(path, "utf8").split("\n")[line - 1] ?? "").trim();
  } catch {
    return "";
  }
}

/** Finds, analyses and ranks the candidates. Throws a UserError when the statement loads nothing of the target's own. */
export async function findCandidates(options: FindOptions): Promise<CandidateSet> {
  const { profile, runtime } = options;
  const own = ownModule(profile, options.packages);
  if (!Object.keys(profile.modules).some(own)) {
    const which = options.packages?.length ? ` of package ${options.packages.join(", ")}` : "";
    throw new UserError(`\`${options.statement}\` loads no module${which} from the target's own files (${runtime.tree.dir}): there is no package of its own to advise on`);
  }
  const graph = buildGraph(profile);
  const all = reachable(graph);
  const used = new Set([...profile.ran, ...profile.imported]);
  const sites = importSites(graph, own).filter((site) => subtree(graph, [site], all).length > 0);

  // One analysis process for every file with an import site.
  const byFile = new Map<string, { module: string; path: string; lines: number[] }>();
  for (const site of sites) {
    const file = profile.modules[site.module]!.file!;
    const entry = byFile.get(file) ?? { module: site.module, path: join(runtime.tree.dir, file), lines: [] };
    entry.lines.push(site.line);
    byFile.set(file, entry);
  }
  const files = [...byFile.entries()];
  const facts = await analyzeFiles(runtime, files.map(([, entry]) => ({ path: entry.path, lines: entry.lines })));

  const plans: StatementPlan[] = [];
  const kept: KeptStatement[] = [];
  const isModule = (name: string) => graph.loaded.has(name) || profile.startup.includes(name);
  files.forEach(([file, entry], index) => {
    const fileFacts = facts[index]!;
    const seen = new Set<number>();
    entry.lines.forEach((line, at) => {
      const statement: StatementFacts | undefined = fileFacts.statements[at];
      const range: StatementRange = statement?.found ? { module: entry.module, line: statement.lineno, endLine: statement.endLineno } : { module: entry.module, line };
      if (seen.has(range.line)) return;
      seen.add(range.line);
      const modules = subtree(graph, [range], all);
      if (modules.length === 0) return;
      const usedHere = modules.filter((name) => used.has(name));
      if (usedHere.length > 0) {
        kept.push({ file, line: range.line, module: entry.module, used: usedHere });
        return;
      }
      const context = { module: entry.module, isPackage: basename(file) === "__init__.py", isModule };
      const decision = decide(fileFacts, statement, context);
      const saving = importtimeSaving(options.importtime, modules);
      const candidate: Candidate = {
        file,
        line: range.line,
        code: statement?.found ? oneLine(statement.text) : lineText(entry.path, line),
        modules,
        packages: topPackages(modules),
        predictedMs: saving.ms,
        predictedMb: null,
        form: decision.movable ? decision.form : "none",
        movable: decision.movable,
        reason: "",
        module: entry.module,
        endLine: range.endLine ?? range.line,
        msSource: "importtime",
        importtimeMs: saving.ms,
        share: Math.round(saving.share * 1e4) / 1e4,
        mbSource: "none",
      };
      if (saving.unmeasured.length > 0) candidate.unmeasured = saving.unmeasured;
      if (decision.blockers.length > 0) candidate.blockers = decision.blockers;
      plans.push({ candidate, path: entry.path, file: fileFacts, statement, decision, range, share: saving.share });
    });
  });
  relate(plans);
  for (const plan of plans) plan.candidate.reason = reasonOf(plan);
  plans.sort((a, b) => b.candidate.predictedMs - a.candidate.predictedMs || compareSite(a.candidate, b.candidate));
  return { candidates: plans.map((plan) => plan.candidate), plans, kept, graph };
}

function compareSite(a: Candidate, b: Candidate): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/** `within` (the smallest candidate whose subtree holds this one's module) and, for one that cannot move, `suggestion`. */
function relate(plans: StatementPlan[]): void {
  const sets = new Map(plans.map((plan) => [plan, new Set(plan.candidate.modules)]));
  for (const plan of plans) {
    const mine = plan.candidate;
    const holders = plans
      .filter((other) => other !== plan && sets.get(other)!.has(mine.module))
      .sort((a, b) => a.candidate.modules.length - b.candidate.modules.length || compareSite(a.candidate, b.candidate));
    const holder = holders[0];
    if (holder) mine.within = { file: holder.candidate.file, line: holder.candidate.line };
    if (mine.movable) continue;
    const safe = holders.find((other) => other.candidate.movable && mine.modules.every((name) => sets.get(other)!.has(name)));
    if (safe) mine.suggestion = { file: safe.candidate.file, line: safe.candidate.line, code: safe.candidate.code, form: safe.candidate.form };
  }
}

const FORM_WORDS = { function: "by moving it into the functions that use it", getattr: "with a module __getattr__ (PEP 562)", none: "" } as const;

function reasonOf(plan: StatementPlan): string {
  const { candidate, decision, statement } = plan;
  if (candidate.movable && statement?.found) return movableText(statement, decision);
  const why = decision.blockers.map(blockerText).join("; ");
  const next = candidate.suggestion
    ? `; defer \`${candidate.suggestion.code}\` (${candidate.suggestion.file}:${candidate.suggestion.line}) instead, ${FORM_WORDS[candidate.suggestion.form]}`
    : "";
  return `not movable: ${why}${next}`;
}
