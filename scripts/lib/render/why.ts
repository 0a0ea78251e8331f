/**
 * Import chains and package diffs as text, for every renderer.
 */
import type { ChainLink, PackageDiffRow } from "../model/comparison.ts";
import { formatChain, importChain, packageLines } from "../compare/why.ts";
import type { ResultFile } from "../result/schema.ts";

/** `import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:1 import asyncio`. */
export function chainText(chain: readonly ChainLink[]): string {
  return formatChain(chain);
}

/**
 * Lines for packages newly loaded ("+") or no longer loaded ("−"): first- and third-party
 * packages one per line with their chain; one-module standard-library packages folded
 * into one line.
 */
export function packageDiffLines(sign: "+" | "−", rows: readonly PackageDiffRow[]): string[] {
  return packageLines(sign, rows.map((row) => ({ package: row.package, modules: row.modules, kind: row.origin, chain: row.chain ?? undefined })));
}

/**
 * `--why MODULE`: for each measurement, the chain from its statement to MODULE with the
 * file:line and code of every link, or why there is none.
 */
export function whyReport(result: ResultFile, module: string): string[] {
  const out: string[] = [`Why is ${module} loaded?`];
  const names = Object.keys(result.measurements);
  if (names.length === 0) out.push("  nothing was measured");
  for (const name of names) {
    const statement = result.measurements[name]!.statement ?? name;
    const importers = result.importers?.[name];
    if (!importers) {
      out.push(`  ${statement}: no importer records (the importers run failed or was skipped)`);
      continue;
    }
    const chain = importChain(importers, module);
    if (chain.length === 0) out.push(`  ${statement}: does not load ${module}`);
    else out.push(`  ${statement}: ${chainText(chain)}`);
  }
  return out;
}
