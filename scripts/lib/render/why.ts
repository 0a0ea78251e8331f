/**
 * Import chains and package diffs as text, for every renderer: a chain on one line, the
 * package lines of a module diff (one-module standard-library packages folded into one
 * line, the others one per line with the chain that loads them), and `--why MODULE`.
 */
import { type ChainLink, importChain, packageChain, type PackageKind, packageKind, STATEMENT } from "../compare/why.ts";
import type { PackageDiffRow, StillLargest } from "../model/comparison.ts";
import type { ImporterRecord, ResultFile } from "../result/schema.ts";

function place(file: string | null, line: number | null, code: string | null): string {
  const where = file === null ? "" : line === null ? file : `${file}:${line}`;
  if (where && code) return `${where} ${code}`;
  return where || code || "";
}

/** One link as text: `acme/cli/ssh.py:1 import asyncio`; the statement's link is its code alone. */
export function formatLink(link: ChainLink): string {
  if (link.startup) return `${link.module} (loaded at interpreter start-up)`;
  if (link.by === null) return `${link.module} (importer unknown)`;
  let text = link.by === STATEMENT ? (link.code ?? `import ${link.module}`) : place(link.file, link.line, link.code);
  if (!text) text = `${link.by} imports ${link.module}`;
  else if (link.by !== STATEMENT && link.code === null) text += " (no source line)";
  if (link.function) {
    const caller = link.via ? place(link.via.file, link.via.line, link.via.code) || link.via.by : null;
    text += caller ? ` (in ${link.function}(), called at ${caller})` : ` (in ${link.function}())`;
  }
  return text;
}

export interface FormatChainOptions {
  /** Between links (default " → "). */
  arrow?: string;
  /** At most this many links: the first and the last ones, "…" between (default: all). */
  maxLinks?: number;
}

/**
 * A chain on one line: `import acme → acme/__init__.py:2 from .cli import ssh →
 * acme/cli/ssh.py:1 import asyncio`. A chain that does not reach the statement starts with
 * what is known (`x (loaded at interpreter start-up) → ...`, `x (importer unknown) → ...`,
 * `... imported by y → ...`). Consecutive links made by the same line are shown once.
 */
export function formatChain(links: readonly ChainLink[], options: FormatChainOptions = {}): string {
  const arrow = options.arrow ?? " → ";
  const parts: string[] = [];
  const first = links[0];
  if (first && !first.startup && first.by !== null && first.by !== STATEMENT) parts.push(`(imported by ${first.by}, not recorded)`);
  let previous: ChainLink | null = null;
  for (const link of links) {
    const sameLine =
      previous !== null && previous.by === link.by && previous.file === link.file && previous.line === link.line && !link.startup && link.by !== null;
    if (!sameLine) parts.push(formatLink(link));
    previous = link;
  }
  const max = options.maxLinks;
  if (max !== undefined && max >= 2 && parts.length > max) {
    const hidden = parts.length - max;
    return [parts[0]!, `… ${hidden} more …`, ...parts.slice(parts.length - (max - 1))].join(arrow);
  }
  return parts.join(arrow);
}

/** A top-level package that one side loads and the other does not. */
export interface PackageChange {
  package: string;
  /** Modules of the package on the side that loads it. */
  modules: number;
  kind: PackageKind;
  /** How the statement reaches it on that side (statement first); may be empty. */
  chain?: ChainLink[];
}

export interface PackageLinesOptions {
  /** Names shown in the folded standard-library line before "…" (default 8). */
  maxNames?: number;
  arrow?: string;
  /** Links shown per chain (see FormatChainOptions.maxLinks; default: all). */
  maxLinks?: number;
}

const KIND_LABEL: Record<PackageKind, string> = {
  "first-party": "first-party",
  "third-party": "third-party",
  stdlib: "standard library",
  other: "outside the tree and site-packages",
  unknown: "",
};

const KIND_ORDER: Record<PackageKind, number> = { "first-party": 0, "third-party": 1, other: 2, unknown: 3, stdlib: 4 };

/**
 * Lines for packages added (`sign` "+") or removed ("−"): first-party, third-party and
 * other packages one per line with their chain, then multi-module standard-library
 * packages the same way, then every one-module standard-library package folded into one
 * line: `− 41 standard-library modules: _ast, _blake2, …`. Within a group: most modules
 * first, then by name.
 */
export function packageLines(sign: "+" | "−", packages: readonly PackageChange[], options: PackageLinesOptions = {}): string[] {
  const maxNames = options.maxNames ?? 8;
  const folded = packages.filter((p) => p.kind === "stdlib" && p.modules <= 1).map((p) => p.package).sort();
  const listed = packages
    .filter((p) => !(p.kind === "stdlib" && p.modules <= 1))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.modules - a.modules || (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  const lines = listed.map((p) => {
    const facts = [`${p.modules} module${p.modules === 1 ? "" : "s"}`, KIND_LABEL[p.kind]].filter(Boolean).join(", ");
    const chain = p.chain && p.chain.length > 0 ? `: ${formatChain(p.chain, { arrow: options.arrow, maxLinks: options.maxLinks })}` : "";
    return `${sign} ${p.package} (${facts})${chain}`;
  });
  if (folded.length > 0) {
    const names = folded.slice(0, maxNames).join(", ") + (folded.length > maxNames ? ", …" : "");
    lines.push(`${sign} ${folded.length} standard-library module${folded.length === 1 ? "" : "s"}: ${names}`);
  }
  return lines;
}

/** A row of the module diff as the comparison has it (`compare.ts` PackageDiffRow). */
export interface PackageCount {
  package: string;
  modules: number;
}

/**
 * The module diff's package lines, kinds and chains taken from each side's importers
 * records: added packages explained by the candidate's, removed ones by the baseline's.
 * Either side's records may be missing (older result files): kinds are then "unknown" and
 * the packages are listed one per line without a chain.
 */
export function moduleDiffLines(
  added: readonly PackageCount[],
  removed: readonly PackageCount[],
  importers: { baseline?: Readonly<Record<string, ImporterRecord>>; candidate?: Readonly<Record<string, ImporterRecord>> },
  options: PackageLinesOptions = {},
): string[] {
  const describe = (rows: readonly PackageCount[], side: Readonly<Record<string, ImporterRecord>> | undefined): PackageChange[] =>
    rows.map((row) => ({ package: row.package, modules: row.modules, kind: packageKind(side, row.package), chain: packageChain(side, row.package) }));
  return [...packageLines("+", describe(added, importers.candidate), options), ...packageLines("−", describe(removed, importers.baseline), options)];
}

/** `import acme → acme/__init__.py:2 from .cli import ssh → acme/cli/ssh.py:1 import asyncio`. */
/** "Still the largest", as every renderer words it: the title, and the cells of each row. */
export const STILL_LARGEST_TITLE = "Still the largest (top costs on both sides, what remains to win)";

export interface StillLargestCells {
  lines: { where: string; call: string; baseline: string; candidate: string }[];
  modules: { module: string; baseline: string; candidate: string; cumulative: string | null }[];
}

export function stillLargestCells(still: StillLargest): StillLargestCells {
  const ms = (us: number) => `${(us / 1000).toFixed(2)}ms`;
  return {
    lines: still.hotspots.map(({ hotspot: h, baselineMs, baselineLine }) => ({
      where: `${h.file ?? h.module}${h.line !== null ? `:${h.line}` : ""}${h.line !== null && baselineLine !== null && baselineLine !== h.line ? ` (line ${baselineLine} in the baseline)` : ""}`,
      call: `${h.call}${h.count > 1 ? ` ×${h.count}` : ""}`,
      baseline: `${baselineMs.toFixed(2)}ms`,
      candidate: `${h.ms.toFixed(2)}ms`,
    })),
    modules: still.modules.map((row) => ({
      module: row.module,
      baseline: ms(row.baselineSelfUs),
      candidate: ms(row.selfUs),
      cumulative: row.cumulativeUs !== null && row.baselineCumulativeUs !== null ? `${ms(row.baselineCumulativeUs)} → ${ms(row.cumulativeUs)}` : null,
    })),
  };
}

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
