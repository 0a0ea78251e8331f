/**
 * `coldstart-bench --prune-envs[=DAYS]`: removes the cached environments unused for DAYS
 * days (bare: every one), never one that a running coldstart uses, plus what killed runs
 * left half built; prints what it did and exits 0. Nothing else is done in that run.
 */
import { UserError } from "../errors.ts";
import { numberValue, type ParsedArgs } from "../settings.ts";
import { envsRoot, pruneEnvs } from "./cache.ts";

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function pruneEnvsCommand(args: ParsedArgs, tool: string): number {
  if (args.positionals.length) throw new UserError(`--prune-envs removes cached environments and exits; give no refs (got ${args.positionals.join(" ")})`);
  const days = numberValue(args, "prune-envs") ?? 0;
  const root = envsRoot();
  const outcome = pruneEnvs(root, days);
  const freed = outcome.removed.reduce((sum, item) => sum + item.bytes, 0);
  const kept: string[] = [];
  if (outcome.inUse.length) kept.push(`${outcome.inUse.length} in use by a running coldstart`);
  if (outcome.recent.length) kept.push(`${outcome.recent.length} used within ${days} day${days === 1 ? "" : "s"}`);
  const what = days > 0 ? `unused for ${days} day${days === 1 ? "" : "s"}` : "all";
  process.stdout.write(`${tool}: removed ${outcome.removed.length} cached environment${outcome.removed.length === 1 ? "" : "s"} (${what}, ${megabytes(freed)}) from ${root}${kept.length ? `; kept ${kept.join(", ")}` : ""}\n`);
  return 0;
}
