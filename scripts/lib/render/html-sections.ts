/**
 * The HTML report's later sections: modules and package diffs (with the chains that load
 * them), lazy checks, the import-time breakdown (icicles whose hover titles carry chains
 * and hotspots, then a "Why" list), and each file's environment. Model in, markup out.
 */
import type { Comparison } from "../model/comparison.ts";
import { formatMs } from "./words.ts";
import { escapeXml as esc, icicle, type ImportNode, importTree, treeTotalUs } from "./svg.ts";
import { importChain } from "../compare/why.ts";
import { candidateText, mainPackages, patchLines, savingText, workloadText } from "./advice.ts";
import { chainText, packageDiffLines, STILL_LARGEST_TITLE, stillLargestCells } from "./why.ts";
import { sideRole } from "../compare/matrix.ts";
import {
  countWithNames, LAZY_TEXT, lazyTone, MATRIX_AXIS, matrixCellText, matrixColumn, matrixIntro, matrixMissingText, matrixRowName, matrixUnitsNote, plural,
} from "./words.ts";

const MARK = { good: "✓", bad: "✗", same: "=" } as const;

export function modulesSection(comparison: Comparison): string[] {
  const out: string[] = ['<section id="modules">', "<h2>Modules loaded</h2>"];
  const pkg = comparison.candidates[0]?.moduleCounts.find((row) => row.key === "filtered")?.package ?? null;
  const totals = comparison.sides.map((side) => side.moduleCounts?.total ?? 0);
  const maxTotal = Math.max(1, ...totals);
  // Each side against the baseline it is compared with (its group's, with several groups).
  const baseOf = (index: number) => {
    const role = sideRole(comparison, index);
    return role.kind === "candidate" ? comparison.sides[role.baseline]!.moduleCounts : null;
  };
  out.push(`<div class="scroll"><table><thead><tr><th>Ref</th><th class="num">Total modules loaded</th><th class="num">${esc(pkg ? `${pkg} modules` : "Package modules")}</th><th class="num">Δ total</th></tr></thead><tbody>`);
  comparison.sides.forEach((side, index) => {
    const counts = side.moduleCounts;
    if (!counts) {
      out.push(`<tr><td><strong>${esc(side.label)}</strong></td><td class="num muted" colspan="3">n/a (failed)</td></tr>`);
      return;
    }
    const base = baseOf(index);
    const delta = !base ? null : base.total - counts.total;
    const tone = delta === null ? "" : delta > 0 ? "good" : delta < 0 ? "bad" : "same";
    const bar = `<span class="bar" style="width:${Math.round((counts.total / maxTotal) * 120)}px"></span>`;
    const [total, filtered] = [countWithNames(counts.total, counts.names?.total), countWithNames(counts.filtered, counts.names?.filtered)];
    out.push(`<tr><td><strong>${esc(side.label)}</strong></td><td class="num">${bar}${esc(total)}</td><td class="num">${esc(filtered)}</td><td class="num ${tone}">${delta === null ? "—" : delta > 0 ? `↓ ${delta} fewer` : delta < 0 ? `↑ ${-delta} more` : "="}</td></tr>`);
  });
  out.push("</tbody></table></div>");
  if (comparison.sides.some((side) => side.moduleCounts?.names)) {
    out.push('<p class="note">Modules are module objects: an alias in sys.modules (the same module under another name) is counted once; names counts every name.</p>');
  }
  for (const c of comparison.candidates) {
    const diff = c.moduleDiff;
    if (!diff || (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0)) continue;
    out.push(`<h3>Top-level packages: ${esc(comparison.sides[c.candidate]!.label)} vs ${esc(comparison.sides[c.baseline]!.label)}</h3><ul>`);
    for (const line of packageDiffLines("+", diff.newlyLoaded)) out.push(`<li class="bad"><code>${esc(line)}</code></li>`);
    for (const line of packageDiffLines("−", diff.noLongerLoaded)) out.push(`<li class="good"><code>${esc(line)}</code></li>`);
    out.push("</ul>");
  }
  out.push("</section>");
  return out;
}

export function lazySection(comparison: Comparison): string[] {
  const out: string[] = ['<section id="lazy">', "<h2>Lazy loading</h2>"];
  const keys: string[] = [];
  for (const c of comparison.candidates) for (const row of c.lazy) if (!keys.includes(row.key)) keys.push(row.key);
  if (keys.length === 0) {
    out.push('<p class="muted">No lazy checks in these files.</p></section>');
    return out;
  }
  const head = comparison.sides.map((side) => `<th>${esc(side.label)}</th>`).join("");
  const changeHead = comparison.candidates.length > 1
    ? comparison.candidates.map((c) => `<th>Change (${esc(comparison.sides[c.candidate]!.label)})</th>`).join("")
    : "<th>Change</th>";
  out.push(`<div class="scroll"><table><thead><tr><th>Check</th>${head}${changeHead}</tr></thead><tbody>`);
  for (const key of keys) {
    const entry = comparison.candidates.map((c) => c.lazy.find((row) => row.key === key)).find((row) => row !== undefined)!;
    const states = comparison.sides.map((side) => {
      const loaded = side.lazy[key];
      if (loaded === undefined) return '<td class="muted">missing</td>';
      return loaded ? "<td>loaded (eager)</td>" : "<td>not loaded (lazy)</td>";
    }).join("");
    const changes = comparison.candidates.map((c) => {
      const row = c.lazy.find((r) => r.key === key);
      if (!row) return '<td class="muted">—</td>';
      const tone = lazyTone(row.change);
      const chain = row.chain && row.change !== "no-change" ? `<br><code class="small">${esc(chainText(row.chain))}</code>` : "";
      return `<td class="wrap"><span class="pill ${tone}">${esc(`${MARK[tone]} ${LAZY_TEXT[row.change]}`)}</span>${chain}</td>`;
    }).join("");
    out.push(`<tr><td><strong>${esc(entry.label)}</strong><br><code class="muted">${esc(entry.module ?? key)}</code></td>${states}${changes}</tr>`);
  }
  out.push("</tbody></table></div></section>");
  return out;
}

function formatUsMs(us: number | null): string {
  return us === null ? "—" : formatMs(us / 1000);
}

export function importTimeSection(comparison: Comparison, highlightCount: number): string[] {
  const out: string[] = ['<section id="importtime">', "<h2>Import-time breakdown</h2>"];
  const name = comparison.breakdown;
  if (name === null) {
    out.push('<p class="muted">No <code>-X importtime</code> rows in these files.</p></section>');
    return out;
  }
  out.push(`<p>Measurement <code>${esc(name)}</code>, from <code>python -X importtime</code> (median per module). Each bar is a module as wide as its cumulative import time, with what it imports below it; the shaded end is its own (self) time. All refs share one axis. The ${highlightCount} largest changes in cumulative time against the baseline are outlined; hover a bar for the chain that imports it.</p>`);
  out.push('<p class="legend"><span class="sw l-cum"></span>cumulative<span class="sw l-self"></span>self<span class="sw l-bad"></span>slower than baseline<span class="sw l-good"></span>faster than baseline</p>');
  const trees: (ImportNode[] | null)[] = comparison.sides.map((side) => (side.importtime?.length ? importTree(side.importtime) : null));
  const totalUs = Math.max(1, ...trees.map((tree) => (tree ? treeTotalUs(tree) : 0)));
  const diffs = comparison.candidates.map((c) => c.importTime.find((d) => d.measurement === name) ?? null);
  const highlightFor = (index: number): Map<string, "good" | "bad"> => {
    const role = sideRole(comparison, index);
    const diff = role.kind === "candidate" ? diffs[role.comparison] : diffs[Math.max(0, comparison.candidates.findIndex((c) => c.baseline === index))];
    const map = new Map<string, "good" | "bad">();
    for (const row of diff?.largestChanges.slice(0, highlightCount) ?? []) map.set(row.module, row.deltaUs > 0 ? "good" : "bad");
    return map;
  };
  trees.forEach((tree, index) => {
    const side = comparison.sides[index]!;
    out.push(`<h3>${esc(side.label)} <span class="muted">${tree ? esc(formatUsMs(treeTotalUs(tree))) : ""}</span></h3>`);
    if (!tree) {
      out.push('<p class="muted">No importtime rows for this measurement in this file.</p>');
      return;
    }
    out.push('<div class="scroll">');
    out.push(icicle(tree, { title: `${side.label}: import-time breakdown of ${name}`, totalUs, highlight: highlightFor(index), tooltip: whyTooltip(side) }));
    out.push("</div>");
  });
  diffs.forEach((diff, index) => {
    if (!diff) return;
    const c = comparison.candidates[index]!;
    out.push(`<h3>Largest changes: ${esc(comparison.sides[c.candidate]!.label)} vs ${esc(comparison.sides[c.baseline]!.label)}</h3>`);
    if (diff.largestChanges.length === 0) out.push('<p class="muted">No module changed its cumulative time.</p>');
    else {
      out.push('<div class="scroll"><table><thead><tr><th>Module</th><th class="num">Baseline</th><th class="num">Candidate</th><th class="num">Δ</th></tr></thead><tbody>');
      for (const row of diff.largestChanges) {
        const tone = row.deltaUs > 0 ? "good" : "bad";
        out.push(`<tr><td><code>${esc(row.module)}</code></td><td class="num">${esc(formatUsMs(row.baselineUs))}</td><td class="num">${esc(formatUsMs(row.candidateUs))}</td><td class="num ${tone}">${esc(`${row.deltaUs > 0 ? "↓" : "↑"} ${formatMs(row.deltaUs / 1000)}`)}</td></tr>`);
      }
      out.push("</tbody></table></div>");
    }
  });
  out.push(...whyList(comparison));
  out.push("</section>");
  return out;
}

/** Hover text per module: the chain that imports it and its largest hotspots. */
function whyTooltip(side: Comparison["sides"][number]): ((module: string) => string | null) | undefined {
  const { importers, hotspots } = side;
  if (!importers && !hotspots) return undefined;
  return (module) => {
    const lines: string[] = [];
    const chain = importers ? importChain(importers, module) : [];
    if (chain.length) lines.push(`imported by: ${chainText(chain)}`);
    for (const h of (hotspots ?? []).filter((spot) => spot.module === module).slice(0, 3)) {
      lines.push(`${h.file ?? h.module}${h.line !== null ? `:${h.line}` : ""} ${h.call}${h.count > 1 ? ` ×${h.count}` : ""} ${formatMs(h.ms)}`);
    }
    return lines.length ? lines.join("\n") : null;
  };
}

/** The "Why" list: hotspots of each side, and hotspots that appeared or disappeared. */
function whyList(comparison: Comparison): string[] {
  const out: string[] = [];
  const sides = comparison.sides.filter((side) => side.hotspots?.length);
  if (sides.length === 0 && comparison.candidates.every((c) => c.hotspots.length === 0 && !c.stillLargest)) return out;
  out.push('<h3 id="why">Why: the lines behind the time</h3>');
  for (const side of sides) {
    out.push(`<p><strong>${esc(side.label)}</strong>: calls in module top-level code, largest first</p><ul>`);
    for (const h of side.hotspots!.slice(0, 12)) {
      const where = `${h.file ?? h.module}${h.line !== null ? `:${h.line}` : ""}`;
      out.push(`<li><code>${esc(where)}</code> ${esc(`${h.call}${h.count > 1 ? ` ×${h.count}` : ""}`)} <span class="muted">${esc(formatMs(h.ms))}</span></li>`);
    }
    out.push("</ul>");
  }
  for (const c of comparison.candidates) {
    if (c.hotspots.length === 0) continue;
    out.push(`<p><strong>${esc(comparison.sides[c.candidate]!.label)} vs ${esc(comparison.sides[c.baseline]!.label)}</strong>: ${plural(c.hotspots.length, "hotspot")} changed</p><ul>`);
    for (const { change, hotspot: h } of c.hotspots.slice(0, 12)) {
      const where = `${h.file ?? h.module}${h.line !== null ? `:${h.line}` : ""}`;
      out.push(`<li class="${change === "appeared" ? "bad" : "good"}">${change === "appeared" ? "+ appeared" : "− gone"}: <code>${esc(where)}</code> ${esc(h.call)} ${esc(formatMs(h.ms))}</li>`);
    }
    out.push("</ul>");
  }
  for (const c of comparison.candidates) {
    if (!c.stillLargest) continue;
    const cells = stillLargestCells(c.stillLargest);
    out.push(`<p><strong>${esc(comparison.sides[c.candidate]!.label)} vs ${esc(comparison.sides[c.baseline]!.label)}</strong>: ${esc(STILL_LARGEST_TITLE)}</p><ul>`);
    for (const row of cells.lines) out.push(`<li><code>${esc(row.where)}</code> ${esc(row.call)} <span class="muted">${esc(`${row.baseline} → ${row.candidate}`)}</span></li>`);
    for (const row of cells.modules) {
      out.push(`<li>module <code>${esc(row.module)}</code> self time <span class="muted">${esc(`${row.baseline} → ${row.candidate}${row.cumulative ? `, cumulative ${row.cumulative}` : ""}`)}</span></li>`);
    }
    out.push("</ul>");
  }
  return out;
}

export function environmentSection(comparison: Comparison): string[] {
  const out: string[] = ['<section id="environment">', "<h2>Environment</h2>"];
  const fields: [string, (s: Comparison["sides"][number]) => string][] = [
    ["File", (s) => s.source],
    ["Git commit", (s) => (s.commit ? `${s.commit}${s.dirty ? " (dirty)" : ""}` : "—")],
    ["Recorded", (s) => (Number.isFinite(s.timestamp) ? new Date(s.timestamp * 1000).toISOString().replace(".000Z", "Z") : "—")],
    ["Python version", (s) => s.pythonVersion],
    ["Interpreter", (s) => s.environment.python ?? "—"],
    ["Platform", (s) => s.environment.platform ?? "—"],
    ["CPU", (s) => `${s.environment.cpu ?? "—"}${s.environment.cpuCount ? ` × ${s.environment.cpuCount}` : ""}`],
    ["pyc", (s) => s.environment.pyc ?? "—"],
    ["Metric", (s) => `${s.environment.metric ?? "time"}${s.environment.counter ? ` (${s.environment.counter})` : ""}`],
    ["Iterations / warm-up", (s) => (s.environment.iterations !== null ? `${s.environment.iterations} / ${s.environment.warmup ?? "—"}` : "—")],
    ["Tool", (s) => s.environment.tool ?? "original Python tool"],
    ["Environment variables set", (s) => {
      const env = s.environment.env;
      if (Object.keys(env).length === 0) return "—";
      return Object.entries(env).map(([key, value]) => (value === null ? `${key} (removed)` : `${key}=${value}`)).join("\n");
    }],
  ];
  const head = comparison.sides.map((side) => `<th>${esc(side.label)}</th>`).join("");
  out.push(`<div class="scroll"><table class="env"><thead><tr><th></th>${head}</tr></thead><tbody>`);
  for (const [field, get] of fields) {
    const values = comparison.sides.map(get);
    const compared = !["File", "Git commit", "Recorded", "Tool"].includes(field);
    const cells = values.map((value, index) => {
      const role = sideRole(comparison, index);
      const differs = compared && role.kind === "candidate" && value !== values[role.baseline];
      return `<td${differs ? ' class="diff" title="differs from the baseline"' : ""}><code>${esc(value).replace(/\n/g, "<br>")}</code></td>`;
    }).join("");
    out.push(`<tr><th>${esc(field)}</th>${cells}</tr>`);
  }
  out.push("</tbody></table></div>");
  out.push('<p class="note">Highlighted cells differ from the baseline.</p></section>');
  return out;
}

/** The matrix, last: group × measurement; each cell links to its measurement's runs above. */
export function matrixSection(comparison: Comparison): string[] {
  const matrix = comparison.matrix;
  if (!matrix) return [];
  const intro = matrixIntro(matrix);
  const out: string[] = ['<section id="matrix">', `<h2>${esc(intro.title)}</h2>`, `<p>${esc(intro.note)}</p>`];
  // Measurement figures are numbered in the order the comparisons list them (html.ts).
  const figures: string[] = [];
  for (const c of comparison.candidates) for (const row of c.measurements) if (!figures.includes(row.name)) figures.push(row.name);
  const head = matrix.measurements.map((name) => `<th>${esc(matrixColumn(matrix, name))}</th>`).join("");
  out.push(`<div class="scroll"><table class="matrix"><thead><tr><th>${esc(MATRIX_AXIS[matrix.axis])}</th><th>Candidate</th>${head}</tr></thead><tbody>`);
  for (const row of matrix.rows) {
    const lead = `<td><strong>${esc(matrix.groups[row.group]!.label)}</strong></td><td>${esc(matrixRowName(comparison, row))}</td>`;
    if (row.missing) {
      out.push(`<tr>${lead}<td colspan="${matrix.measurements.length}" class="muted">⚠ ${esc(matrixMissingText(matrix, row.missing))}</td></tr>`);
      continue;
    }
    const cells = row.cells.map((cell, index) => {
      const { tone, text } = matrixCellText(cell);
      if (!cell) return '<td class="muted">—</td>';
      return `<td class="wrap"><a href="#m-${figures.indexOf(matrix.measurements[index]!)}"><span class="pill ${tone}">${esc(`${MARK[tone]} ${text}`)}</span></a></td>`;
    }).join("");
    out.push(`<tr>${lead}${cells}</tr>`);
  }
  out.push("</tbody></table></div>", `<p class="note">${esc(matrixUnitsNote(comparison.alpha))}</p>`, "</section>");
  return out;
}

/** What to defer (--advise --apply): the candidates, what to keep, the work done at import, the patch. */
export function adviceSection(comparison: Comparison): string[] {
  const report = comparison.advice;
  if (!report) return [];
  const { advice } = report;
  const out = ['<section id="advice">', `<h2>What to defer${report.ref ? ` in ${esc(report.ref)}` : ""}</h2>`, `<p>${esc(workloadText(advice))}.</p>`];
  out.push('<div class="scroll"><table><thead><tr><th class="num">#</th><th>Statement</th><th>Would stop loading</th><th class="num">Saves about</th><th>Change</th></tr></thead><tbody>');
  advice.candidates.forEach((candidate, index) => {
    const text = candidateText(candidate, index + 1);
    out.push(`<tr><td class="num">${index + 1}</td><td><code>${esc(`${candidate.file}:${candidate.line} ${candidate.code}`)}</code></td><td class="wrap">${esc(`${candidate.modules.length} modules (${mainPackages(candidate).slice(0, 5).join(", ")})`)}</td><td class="num">${esc(savingText(candidate.predictedMs, candidate.predictedMb, candidate.mbSource))}</td><td class="wrap${candidate.movable ? "" : " bad"}">${esc(text.how)}</td></tr>`);
  });
  out.push("</tbody></table></div>");
  for (const kept of advice.kept ?? []) out.push(`<p class="small">keep <code>${esc(`${kept.file}:${kept.line}`)}</code>: used by the workload (${esc(kept.used.slice(0, 4).join(", "))})</p>`);
  if (advice.eagerWork.length) {
    out.push("<h3>Work done at import: compute it on first use</h3><ul>");
    for (const work of advice.eagerWork) out.push(`<li><code>${esc(`${work.file}${work.line === null ? "" : `:${work.line}`} ${work.call}`)}</code> ${esc(formatMs(work.ms))}</li>`);
    out.push("</ul>");
  }
  for (const line of patchLines(report.patch)) out.push(`<p>${esc(line.trim())}</p>`);
  out.push("</section>");
  return out;
}
