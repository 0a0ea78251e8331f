/**
 * The usage profile: one uncounted run of py-profile.ts recording the statement's import
 * graph and what the workload used. The workload's output goes to a scratch folder that is
 * removed afterwards; the run gets three times the timeout (the hooks slow it down).
 */
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { runProcess, stderrTail } from "../measure/executor.ts";
import type { RootKind } from "../result/schema.ts";
import { TEMP_PREFIXES, temporaryDir } from "../process.ts";
import type { AdviseRuntime, ImportEdge, ModuleInfo, ProfileReport, Workload } from "./model.ts";
import { PROFILE } from "./py-profile.ts";
import { adviseArgv, digestFile } from "./workload.ts";

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

/** The profile report from the program's result line; null when it is missing or malformed. */
export function parseProfile(line: string): ProfileReport | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || !Array.isArray(value.edges) || typeof value.modules !== "object" || value.modules === null) return null;
  const modules: Record<string, ModuleInfo> = Object.create(null);
  for (const [name, raw] of Object.entries(value.modules as Record<string, unknown>)) {
    if (!Array.isArray(raw)) continue;
    modules[name] = { file: typeof raw[0] === "string" ? raw[0] : null, root: (typeof raw[1] === "string" ? raw[1] : null) as RootKind | null, package: raw[2] === true };
  }
  const edges: ImportEdge[] = [];
  for (const raw of value.edges as unknown[]) {
    if (!Array.isArray(raw) || typeof raw[0] !== "string" || typeof raw[2] !== "string") continue;
    edges.push({ from: raw[0], line: typeof raw[1] === "number" ? raw[1] : null, to: raw[2], direct: raw[3] === true });
  }
  return {
    python: typeof value.python === "string" ? value.python : "",
    error: typeof value.error === "string" ? value.error : null,
    workloadError: typeof value.werror === "string" ? value.werror : null,
    tool: typeof value.tool === "string" ? value.tool : "none",
    warnings: strings(value.warnings),
    startup: strings(value.startup),
    modules,
    edges,
    ran: strings(value.ran),
    imported: strings(value.imported),
    new: strings(value.new),
    statementMs: typeof value.statement_ms === "number" ? value.statement_ms : 0,
    workloadMs: typeof value.workload_ms === "number" ? value.workload_ms : 0,
  };
}

/**
 * Records the import graph of `statement` and the modules `workload` used. Throws a
 * UserError (exit 2) when the run gives no report, or the statement or workload fails
 * under the profiler.
 */
export async function profileUsage(runtime: AdviseRuntime, statement: string, workload: Workload): Promise<ProfileReport> {
  const scratch = temporaryDir(TEMP_PREFIXES.scratch);
  try {
    const outputs = { stdout: join(scratch.dir, "stdout"), stderr: join(scratch.dir, "stderr") };
    const timeoutMs = runtime.timeoutMs * 3;
    const run = await runProcess(adviseArgv(runtime, PROFILE, statement, workload, outputs), {
      cwd: runtime.tree.dir,
      env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache },
      timeoutMs,
    });
    const report = parseProfile(run.channel);
    if (!report) {
      const why = run.timedOut
        ? `did not finish within ${timeoutMs / 1000}s; killed`
        : `ended without a report (exit ${run.code})${stderrTail(digestFile(outputs.stderr).tail + run.stderr, 1) ? `: ${stderrTail(digestFile(outputs.stderr).tail + run.stderr, 1)}` : ""}`;
      throw new UserError(`the usage profile of the workload ${why}`);
    }
    if (report.error) throw new UserError(`the measured statement failed under the usage profiler: ${report.error}`);
    if (report.workloadError) throw new UserError(`the workload failed under the usage profiler: ${report.workloadError}`);
    return report;
  } finally {
    scratch.remove();
  }
}
