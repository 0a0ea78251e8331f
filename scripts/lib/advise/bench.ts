/**
 * `coldstart-bench --advise [--apply [N]] [--check CMD] REF`: the ref measured as usual,
 * with advice in its result file; with --apply, a second worktree of the ref carries the
 * rewritten imports, and the two are benchmarked side by side (paired rounds), the report
 * ending with what to defer and the patch's predicted saving against the measured one.
 */
import { buildComparison } from "../compare/build.ts";
import { UserError } from "../errors.ts";
import { subdirectory } from "../git/tree.ts";
import type { MeasureArgs, ReportArgs } from "../options.ts";
import { measureRefs, type Target } from "../refs.ts";
import { adviceLines } from "../render/advice.ts";
import { emit } from "../render/emit.ts";
import type { Started } from "../startup.ts";
import { type AdviseTarget, adviceReport, adviseTree, type Applied, applyAdvice } from "./run.ts";

/** The refs --advise measures: the one given, and with --apply that ref again (to be patched). */
export function adviseTargets(targets: readonly Target[], apply: boolean): Target[] {
  if (targets.length !== 1) throw new UserError(`--advise looks at one ref at a time (got ${targets.length}); e.g. --advise${apply ? " --apply" : ""} main`);
  const [target] = targets as [Target];
  if (!apply) return [target];
  if (target.ref === null) throw new UserError("--apply needs a ref to check out twice, not the working tree; commit first, or name the ref (e.g. --advise --apply HEAD)");
  return [target, { label: `${target.label} + defer.patch`, ref: target.ref, fileRef: `${target.fileRef ?? target.ref}_patched` }];
}

export async function runAdviseBench(
  targets: Target[], what: AdviseTarget, started: Started, options: MeasureArgs & { advise: NonNullable<MeasureArgs["advise"]> }, report: ReportArgs,
  how: { tool: string; toolVersion: string; dropCaches: boolean },
): Promise<number> {
  const { target, config, outDir, reporter, counting } = started;
  const top = started.top!;
  const apply = options.advise.apply !== null;
  const ref = targets[0]!.ref ?? "HEAD";
  const say = (text: string) => reporter.line(text);
  let applied: Applied | null = null;
  const run = await measureRefs(targets, {
    top, subdir: subdirectory(top, target), target, config, outDir, reporter, tool: how.tool, toolVersion: how.toolVersion,
    dropCaches: how.dropCaches, runId: crypto.randomUUID(), counter: counting?.counter, environment: counting?.environment,
    prepared: apply
      ? async (trees) => {
        applied = await applyAdvice(trees[0]!, trees[1]!, what, {
          config, say, outDir, subdir: subdirectory(top, target), top: options.advise.apply || null, check: options.advise.check, ref,
        });
        if (!applied.patchPath) say("No candidate survived the checks: nothing to apply (the two trees are measured alike).");
      }
      : undefined,
    annotate: async (result, index, tree) => {
      if (index !== 0) return result;
      const advice = applied?.result.advice ?? (await adviseTree(tree, what, null, { config, say })).advice;
      return { ...result, advice };
    },
  });
  const original = run.results[0]!;
  const advice = original.data.advice!;
  if (!apply) {
    for (const line of adviceLines({ advice, patch: null })) say(line);
    if (options.json) process.stdout.write(`${JSON.stringify(original.data, null, 2)}\n`);
    return run.failed ? 2 : 0;
  }
  const comparison = buildComparison(run.results, { primary: report.primary ?? what.spec.name, failOnRegressionPct: report.failOnRegressionPct, gate: report.gate, tailQ: report.tailQ });
  const row = comparison.candidates[0]?.measurements.find((measurement) => measurement.name === what.spec.name);
  comparison.advice = adviceReport(ref, advice, applied, { baseline: original, candidate: run.results[1]!, measurement: what.spec.name, verdict: row?.verdict ?? null });
  await emit("comparison", comparison, report, how.tool);
  if (comparison.gate && comparison.gate.exitCode !== 0) return comparison.gate.exitCode;
  return run.failed ? 2 : 0;
}
