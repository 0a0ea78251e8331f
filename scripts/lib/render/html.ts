/**
 * The HTML report: one self-contained page (inline CSS and SVG; no script, no font, no
 * link to the network, locked down by a Content-Security-Policy) that opens offline and
 * can be attached to a CI run. It shows, per measurement, every ref's sample distribution
 * on one axis with its verdict; module counts and diffs; the lazy checks; the import-time
 * icicle of the primary measurement with the largest changes outlined; the environment
 * of each file. Light and dark schemes follow prefers-color-scheme; wide charts scroll
 * sideways on a phone.
 *
 * The template is TypeScript (bundled into the compiled binaries), never a file read at
 * run time. Every text from an input file goes through escapeXml. Imports no zx, no clack.
 */
import {
  type CandidateComparison, type Comparison, describeSide, formatMs, formatP, LAZY_TEXT, lazyTone,
  type MeasurementRow, rowTone, VERDICT_TEXT,
} from "../compare.ts";
import type { LoadedResult } from "../result.ts";
import {
  boxStats, escapeXml as esc, icicle, type ImportNode, importTree, type Lane, stripPlot, type Tone, treeTotalUs,
} from "./svg.ts";

export interface HtmlOptions {
  /** Page title (default "Cold start benchmark comparison"). */
  title?: string;
  /** How many of the largest import-time changes to outline (default 5). */
  highlightCount?: number;
}

/** Packages listed one per line in the module diff; the rest share one line. */
const PACKAGE_LIST_LIMIT = 8;

const MARK: Record<Tone, string> = { good: "✓", bad: "✗", same: "=", base: "" };

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--band:#f6f8fa;--card:#fff;
--good:#1a7f37;--good-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--same:#9a6700;--same-bg:#fff8c5;--base:#0969da;
--cum:#b6d4fe;--self:#3b82f6;--warn-bg:#fff8c5;--warn:#7d4e00}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--band:#151b23;--card:#0d1117;
--good:#3fb950;--good-bg:#12261e;--bad:#f85149;--bad-bg:#2d1214;--same:#d29922;--same-bg:#272115;--base:#4493f8;
--cum:#1f3a5f;--self:#4f8fdc;--warn-bg:#272115;--warn:#e3b341}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0 .4em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.02em;margin:1.2em 0 .3em;word-break:break-all}
figure{margin:0 0 1.5em}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.muted,.note{color:var(--muted)}.note{font-size:.9em}
.good{color:var(--good)}.bad{color:var(--bad)}.same{color:var(--same)}
.pill{display:inline-block;white-space:nowrap;padding:0 .5em;border-radius:1em;font-size:.85em;font-weight:600}
.pill.good{background:var(--good-bg)}.pill.bad{background:var(--bad-bg)}.pill.same{background:var(--same-bg)}
.summary{border:1px solid var(--line);border-radius:8px;padding:.6em .9em;margin:.6em 0;background:var(--card)}
.summary p{margin:.15em 0}.summary .headline{font-weight:600}
.warning{background:var(--warn-bg);color:var(--warn);border-radius:8px;padding:.5em .9em;margin:.6em 0;font-weight:600}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.4em 0;font-size:.92em}
th,td{border-bottom:1px solid var(--line);padding:.3em .6em;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.diff{background:var(--warn-bg)}
.bar{display:inline-block;height:.7em;background:var(--self);border-radius:2px;vertical-align:middle;margin-right:.4em}
svg{display:block;width:100%;height:auto;font:12px system-ui,sans-serif}
svg.dist{min-width:620px;max-width:900px}svg.icicle{min-width:640px;font-size:11px}
svg .grid{stroke:var(--line);stroke-width:1}svg .tick{fill:var(--muted)}svg .band{fill:var(--band)}
svg .lane-label{fill:var(--fg);font-weight:600}svg .verdict{fill:var(--fg)}svg .missing{fill:var(--muted)}
svg .lane .box{fill-opacity:.22;stroke-width:1.5}svg .whisker,svg .range{stroke-width:1.5}
svg .median{stroke-width:3}svg .dot{fill-opacity:.75}svg .dot.outlier{fill:none;stroke-width:1.5}
svg .tone-base .box,svg .tone-base .dot,svg .tone-base .mean{fill:var(--base)}svg .tone-base .box,svg .tone-base .whisker,svg .tone-base .median,svg .tone-base .range,svg .tone-base .outlier{stroke:var(--base)}
svg .tone-good .box,svg .tone-good .dot,svg .tone-good .mean{fill:var(--good)}svg .tone-good .box,svg .tone-good .whisker,svg .tone-good .median,svg .tone-good .range,svg .tone-good .outlier{stroke:var(--good)}svg .tone-good .verdict{fill:var(--good)}
svg .tone-bad .box,svg .tone-bad .dot,svg .tone-bad .mean{fill:var(--bad)}svg .tone-bad .box,svg .tone-bad .whisker,svg .tone-bad .median,svg .tone-bad .range,svg .tone-bad .outlier{stroke:var(--bad)}svg .tone-bad .verdict{fill:var(--bad)}
svg .tone-same .box,svg .tone-same .dot,svg .tone-same .mean{fill:var(--same)}svg .tone-same .box,svg .tone-same .whisker,svg .tone-same .median,svg .tone-same .range,svg .tone-same .outlier{stroke:var(--same)}svg .tone-same .verdict{fill:var(--same)}
svg .dot.outlier{fill:none}
svg .node .cum{fill:var(--cum)}svg .node .self{fill:var(--self)}svg .node-label{fill:var(--fg);pointer-events:none}
svg .hl .cum{stroke-width:2.5}svg .hl-bad .cum{stroke:var(--bad);fill:var(--bad-bg)}svg .hl-good .cum{stroke:var(--good);fill:var(--good-bg)}
svg .hl-bad .self{fill:var(--bad);fill-opacity:.6}svg .hl-good .self{fill:var(--good);fill-opacity:.6}
.legend{font-size:.85em;color:var(--muted)}.legend .sw{display:inline-block;width:1.4em;height:.8em;vertical-align:middle;margin:0 .3em 0 .8em;border-radius:2px}
.legend .l-cum{background:var(--cum)}.legend .l-self{background:var(--self)}.legend .l-bad{border:2px solid var(--bad)}.legend .l-good{border:2px solid var(--good)}
footer{margin:2em 0 1em;font-size:.85em;color:var(--muted)}
@media (max-width:600px){main{padding:10px}body{font-size:14px}th,td{padding:.25em .4em}}
`;

function toneClass(tone: Tone): string {
  return tone === "base" ? "" : tone;
}

/** Short names for the files: the git ref, else the file name; repeated names get #n. */
export function refLabels(results: readonly LoadedResult[]): string[] {
  const raw = results.map((result) => result.data.git?.ref || result.source.split(/[\\/]/).pop() || result.source);
  return raw.map((label, index) => (raw.filter((other) => other === label).length > 1 ? `${label} #${index + 1}` : label));
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : formatMs(value);
}

function signedMs(value: number): string {
  return `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(value).toFixed(2)} ms`;
}

/** The verdict words beside a candidate's lane. */
function laneVerdict(row: MeasurementRow | undefined): { text: string; tone: Tone } {
  if (!row) return { text: "not compared", tone: "same" };
  if (row.status !== "ok") return { text: row.status === "missing-candidate" ? "not measured here" : "not in baseline", tone: "same" };
  const tone = rowTone(row);
  if (row.verdict === "unknown") {
    return { text: `Δ mean ${signedMs(row.deltaMs ?? 0)} (no samples)`, tone };
  }
  if (row.verdict === "no-change") {
    return { text: `${MARK.same} no significant change${row.mdeMs !== null ? ` (±${row.mdeMs.toFixed(1)} ms)` : ""}`, tone };
  }
  const shift = Math.abs(row.shiftMs ?? row.deltaMs ?? 0).toFixed(2);
  return { text: `${MARK[tone]} ${VERDICT_TEXT[row.verdict]} by ${shift} ms (${formatP(row.pValue)})`, tone };
}

function measurementNames(results: readonly LoadedResult[]): string[] {
  const names: string[] = [];
  for (const result of results) for (const name of Object.keys(result.data.measurements)) if (!names.includes(name)) names.push(name);
  return names;
}

function present(result: LoadedResult, name: string) {
  if (result.data.failures?.[name]) return undefined;
  return result.data.measurements[name];
}

function headerSection(comparison: Comparison, results: readonly LoadedResult[], labels: string[]): string[] {
  const out: string[] = [];
  out.push('<section id="summary">');
  out.push("<div class=\"scroll\"><table><thead><tr><th></th><th>Ref</th><th>File</th></tr></thead><tbody>");
  results.forEach((result, index) => {
    const side = index === 0 ? comparison.candidates[0]?.baseline : comparison.candidates[index - 1]?.candidate;
    const role = index === 0 ? "baseline" : "candidate";
    out.push(`<tr><td class="muted">${role}</td><td><strong>${esc(labels[index]!)}</strong></td><td><code>${esc(side ? describeSide(side) : result.source)}</code></td></tr>`);
  });
  out.push("</tbody></table></div>");
  comparison.candidates.forEach((c, index) => {
    const s = c.summary;
    const tone: Tone = s.tone;
    out.push(`<div class="summary"><p class="muted">${esc(labels[index + 1]!)} vs ${esc(labels[0]!)}</p>`);
    s.lines.forEach((line, i) => {
      out.push(`<p class="${i === 0 ? "headline " : ""}${toneClass(tone)}">${esc(`${MARK[tone]} ${line}`)}</p>`);
    });
    if (s.note) out.push(`<p class="note">Note: ${esc(s.note)}</p>`);
    if (comparison.failOnRegressionPct !== null) {
      if (c.regressions.length === 0) out.push(`<p class="good">✓ No regression (threshold ${comparison.failOnRegressionPct}%)</p>`);
      for (const reason of c.regressions) out.push(`<p class="bad">✗ REGRESSION: ${esc(reason)}</p>`);
    }
    out.push("</div>");
    if (c.environmentMismatches.length) {
      const what = c.environmentMismatches.map((m) => `${m.field} ${m.baseline} vs ${m.candidate}`).join("; ");
      out.push(`<div class="warning" role="alert">⚠ Environments differ (${esc(labels[index + 1]!)}: ${esc(what)}): differences may come from the environment, not the code.</div>`);
    }
  });
  out.push("</section>");
  return out;
}

function distributionSection(comparison: Comparison, results: readonly LoadedResult[], labels: string[]): string[] {
  const out: string[] = ['<section id="distributions">', "<h2>Import time per run</h2>"];
  out.push('<p class="note">Each dot is one run; the box spans the middle half of the runs, the thick line is the median, whiskers reach the fastest and slowest run. Every ref of a measurement shares one axis.</p>');
  measurementNames(results).forEach((name, measurementIndex) => {
    const rows = comparison.candidates.map((c) => c.measurements.find((row) => row.name === name));
    const primary = rows.some((row) => row?.primary);
    const statement = results.map((result) => result.data.measurements[name]?.statement).find((s) => s !== undefined);
    out.push(`<figure class="measurement" id="m-${measurementIndex}">`);
    out.push(`<h3>${esc(name)}${primary ? ' <span class="pill same">primary</span>' : ""}${statement ? ` <code class="muted">${esc(statement)}</code>` : ""}</h3>`);
    const lanes: Lane[] = results.map((result, index) => {
      const measurement = present(result, name);
      const verdict = index === 0
        ? { text: measurement ? "baseline" : "not measured", tone: "base" as Tone }
        : laneVerdict(rows[index - 1]);
      return {
        label: labels[index]!,
        samples: measurement?.samples ?? [],
        summary: measurement ? { min: measurement.min, mean: measurement.mean, max: measurement.max } : null,
        verdict: verdict.text,
        tone: index === 0 ? "base" : verdict.tone,
        outliers: measurement?.outliers,
      };
    });
    out.push('<div class="scroll">');
    out.push(stripPlot(lanes, { title: `${name}: import time per run, ms`, className: "dist", attributes: `data-measurement="${esc(name)}"` }));
    out.push("</div>");
    out.push(...measurementTable(name, results, labels, rows));
    out.push("</figure>");
  });
  out.push("</section>");
  return out;
}

function measurementTable(name: string, results: readonly LoadedResult[], labels: string[], rows: (MeasurementRow | undefined)[]): string[] {
  const out: string[] = ['<div class="scroll"><table class="stats">'];
  out.push('<thead><tr><th>Ref</th><th class="num">n</th><th class="num">Median</th><th class="num">Mean</th><th class="num">Min</th><th class="num">Max</th><th class="num">Δ mean</th><th>Verdict</th><th class="num">Shift [95% CI]</th><th class="num">p</th><th class="num">Could detect</th></tr></thead><tbody>');
  results.forEach((result, index) => {
    const m = present(result, name);
    const failure = result.data.failures?.[name];
    const label = `<td><strong>${esc(labels[index]!)}</strong></td>`;
    if (!m) {
      out.push(`<tr>${label}<td colspan="10" class="muted">${esc(failure ? `failed: ${failure.message}` : "not measured")}</td></tr>`);
      return;
    }
    const stats = boxStats(m.samples ?? []);
    const n = stats ? String(stats.n) : "—";
    const median = stats ? stats.median : m.median;
    const cells = [n, ms(median), ms(m.mean), ms(stats?.min ?? m.min), ms(stats?.max ?? m.max)].map((v) => `<td class="num">${esc(v)}</td>`).join("");
    if (index === 0) {
      out.push(`<tr>${label}${cells}<td class="num">—</td><td class="muted">baseline</td><td class="num">—</td><td class="num">—</td><td class="num">—</td></tr>`);
      return;
    }
    const row = rows[index - 1];
    if (!row || row.deltaMs === null) {
      out.push(`<tr>${label}${cells}<td class="num">—</td><td class="muted">${esc(row?.note ?? "not in both files")}</td><td class="num">—</td><td class="num">—</td><td class="num">—</td></tr>`);
      return;
    }
    const tone = rowTone(row);
    const verdict = row.verdict === "unknown" ? '<span class="muted">no samples</span>' : `<span class="pill ${toneClass(tone)}">${esc(`${MARK[tone]} ${VERDICT_TEXT[row.verdict]}`)}</span>`;
    const shift = row.shiftMs === null ? "—" : `${row.shiftMs.toFixed(2)}${row.ci ? ` [${row.ci.low.toFixed(2)}, ${row.ci.high.toFixed(2)}]` : ""}`;
    const delta = `${formatMs(row.deltaMs)} (${(row.deltaPct ?? 0).toFixed(1)}%)`;
    out.push(`<tr>${label}${cells}<td class="num ${toneClass(tone)}">${esc(delta)}</td><td>${verdict}</td><td class="num">${esc(shift)}</td><td class="num">${esc(row.pValue === null ? "—" : formatP(row.pValue))}</td><td class="num">${esc(row.mdeMs === null ? "—" : `±${formatMs(row.mdeMs)}`)}</td></tr>`);
  });
  out.push("</tbody></table></div>");
  out.push('<p class="note">Δ = baseline − candidate (positive: faster). Shift: the difference of the fastest runs (noise only adds time, so the fastest run is the undisturbed cost), with its 95% confidence interval; p from a two-sided permutation test of that difference.</p>');
  return out;
}

function modulesSection(comparison: Comparison, results: readonly LoadedResult[], labels: string[]): string[] {
  const out: string[] = ['<section id="modules">', "<h2>Modules loaded</h2>"];
  const filteredLabel = comparison.candidates[0]?.moduleCounts.find((row) => row.key === "filtered")?.label ?? "Package modules loaded";
  const maxTotal = Math.max(1, ...results.map((r) => r.data.module_counts.total));
  out.push(`<div class="scroll"><table><thead><tr><th>Ref</th><th class="num">Total modules loaded</th><th class="num">${esc(filteredLabel)}</th><th class="num">Δ total</th></tr></thead><tbody>`);
  results.forEach((result, index) => {
    const counts = result.data.module_counts;
    const delta = index === 0 ? null : results[0]!.data.module_counts.total - counts.total;
    const tone = delta === null ? "" : delta > 0 ? "good" : delta < 0 ? "bad" : "same";
    const bar = `<span class="bar" style="width:${Math.round((counts.total / maxTotal) * 120)}px"></span>`;
    out.push(`<tr><td><strong>${esc(labels[index]!)}</strong></td><td class="num">${bar}${counts.total}</td><td class="num">${counts.filtered}</td><td class="num ${tone}">${delta === null ? "—" : delta > 0 ? `↓ ${delta} fewer` : delta < 0 ? `↑ ${-delta} more` : "="}</td></tr>`);
  });
  out.push("</tbody></table></div>");
  comparison.candidates.forEach((c, index) => {
    const diff = c.moduleDiff;
    if (!diff || (diff.newlyLoaded.length === 0 && diff.noLongerLoaded.length === 0)) return;
    out.push(`<h3>Top-level packages: ${esc(labels[index + 1]!)} vs ${esc(labels[0]!)}</h3><ul>`);
    const plural = (n: number): string => `${n} module${n === 1 ? "" : "s"}`;
    const list = (rows: { package: string; modules: number }[], tone: string, words: string): void => {
      for (const row of rows.slice(0, PACKAGE_LIST_LIMIT)) out.push(`<li class="${tone}">${words} <code>${esc(row.package)}</code> (${plural(row.modules)})</li>`);
      const rest = rows.slice(PACKAGE_LIST_LIMIT);
      if (rest.length) {
        const modules = rest.reduce((sum, row) => sum + row.modules, 0);
        out.push(`<li class="${tone}">… and ${rest.length} more package${rest.length === 1 ? "" : "s"} (${plural(modules)}): <code>${esc(rest.map((row) => row.package).join(", "))}</code></li>`);
      }
    };
    list(diff.newlyLoaded, "bad", "+ newly loaded");
    list(diff.noLongerLoaded, "good", "− no longer loaded");
    out.push("</ul>");
  });
  out.push("</section>");
  return out;
}

function lazySection(comparison: Comparison, results: readonly LoadedResult[], labels: string[]): string[] {
  const out: string[] = ['<section id="lazy">', "<h2>Lazy loading</h2>"];
  const keys: string[] = [];
  for (const result of results) for (const key of Object.keys(result.lazy)) if (!keys.includes(key)) keys.push(key);
  if (keys.length === 0) {
    out.push('<p class="muted">No lazy checks in these files.</p></section>');
    return out;
  }
  const head = labels.map((label) => `<th>${esc(label)}</th>`).join("");
  const changeHead = comparison.candidates.length > 1
    ? labels.slice(1).map((label) => `<th>Change (${esc(label)})</th>`).join("")
    : "<th>Change</th>";
  out.push(`<div class="scroll"><table><thead><tr><th>Check</th><th>Module</th>${head}${changeHead}</tr></thead><tbody>`);
  for (const key of keys) {
    const entry = results.map((result) => result.lazy[key]).find((e) => e !== undefined);
    const label = entry?.label ?? key;
    const module = entry?.module ?? "";
    const states = results.map((result) => {
      const check = result.lazy[key];
      if (!check) return '<td class="muted">missing</td>';
      return check.loaded ? "<td>loaded (eager)</td>" : "<td>not loaded (lazy)</td>";
    }).join("");
    const changes = comparison.candidates.map((c) => {
      const row = c.lazy.find((r) => r.key === key);
      if (!row) return '<td class="muted">—</td>';
      const tone = lazyTone(row.change);
      return `<td><span class="pill ${tone}">${esc(`${MARK[tone]} ${LAZY_TEXT[row.change]}`)}</span></td>`;
    }).join("");
    out.push(`<tr><td><strong>${esc(label)}</strong><br><code class="muted">${esc(key)}</code></td><td><code>${esc(module)}</code></td>${states}${changes}</tr>`);
  }
  out.push("</tbody></table></div></section>");
  return out;
}

/** The measurement the breakdown shows: the summary's, else the first with importtime rows. */
function breakdownMeasurement(comparison: Comparison, results: readonly LoadedResult[]): string | null {
  const withRows = (name: string | null): boolean => name !== null && results.some((r) => (r.data.importtime?.[name]?.length ?? 0) > 0);
  const wanted = comparison.primaryRequested ?? comparison.candidates[0]?.summary.measurement ?? null;
  if (withRows(wanted)) return wanted;
  for (const result of results) for (const name of Object.keys(result.data.importtime ?? {})) if (withRows(name)) return name;
  return null;
}

function formatUsMs(us: number | null): string {
  return us === null ? "—" : formatMs(us / 1000);
}

function importTimeSection(comparison: Comparison, results: readonly LoadedResult[], labels: string[], options: HtmlOptions): string[] {
  const out: string[] = ['<section id="importtime">', "<h2>Import-time breakdown</h2>"];
  const name = breakdownMeasurement(comparison, results);
  if (name === null) {
    out.push('<p class="muted">No <code>-X importtime</code> rows in these files.</p></section>');
    return out;
  }
  const count = options.highlightCount ?? 5;
  out.push(`<p>Measurement <code>${esc(name)}</code>, from <code>python -X importtime</code> (median per module). Each bar is a module as wide as its cumulative import time, with what it imports below it; the shaded end is its own (self) time. All refs share one axis. The ${count} largest changes in cumulative time against the baseline are outlined.</p>`);
  out.push('<p class="legend"><span class="sw l-cum"></span>cumulative<span class="sw l-self"></span>self<span class="sw l-bad"></span>slower than baseline<span class="sw l-good"></span>faster than baseline</p>');
  const trees: (ImportNode[] | null)[] = results.map((result) => {
    const rows = result.data.importtime?.[name];
    return rows && rows.length ? importTree(rows) : null;
  });
  const totalUs = Math.max(1, ...trees.map((tree) => (tree ? treeTotalUs(tree) : 0)));
  const diffs = comparison.candidates.map((c) => c.importTime.find((d) => d.measurement === name) ?? null);
  // The baseline is outlined where the first candidate changed it.
  const highlightFor = (index: number): Map<string, "good" | "bad"> => {
    const diff = diffs[Math.max(0, index - 1)];
    const map = new Map<string, "good" | "bad">();
    for (const row of diff?.largestChanges.slice(0, count) ?? []) map.set(row.module, row.deltaUs > 0 ? "good" : "bad");
    return map;
  };
  trees.forEach((tree, index) => {
    const total = tree ? treeTotalUs(tree) : 0;
    out.push(`<h3>${esc(labels[index]!)} <span class="muted">${tree ? esc(formatUsMs(total)) : ""}</span></h3>`);
    if (!tree) {
      out.push('<p class="muted">No importtime rows for this measurement in this file.</p>');
      return;
    }
    out.push('<div class="scroll">');
    out.push(icicle(tree, { title: `${labels[index]}: import-time breakdown of ${name}`, totalUs, highlight: highlightFor(index) }));
    out.push("</div>");
  });
  diffs.forEach((diff, index) => {
    if (!diff) return;
    out.push(`<h3>Largest changes: ${esc(labels[index + 1]!)} vs ${esc(labels[0]!)}</h3>`);
    if (diff.largestChanges.length === 0) {
      out.push('<p class="muted">No module changed its cumulative time.</p>');
    } else {
      out.push('<div class="scroll"><table><thead><tr><th>Module</th><th class="num">Baseline</th><th class="num">Candidate</th><th class="num">Δ</th></tr></thead><tbody>');
      for (const row of diff.largestChanges) {
        const tone = row.deltaUs > 0 ? "good" : "bad";
        out.push(`<tr><td><code>${esc(row.module)}</code></td><td class="num">${esc(formatUsMs(row.baselineUs))}</td><td class="num">${esc(formatUsMs(row.candidateUs))}</td><td class="num ${tone}">${esc(`${row.deltaUs > 0 ? "↓" : "↑"} ${formatMs(row.deltaUs / 1000)}`)}</td></tr>`);
      }
      out.push("</tbody></table></div>");
    }
    if (diff.topSelf.length) {
      out.push(`<details><summary>Top self time in ${esc(labels[index + 1]!)}</summary><div class="scroll"><table><thead><tr><th>Module</th><th class="num">Self</th><th class="num">Cumulative</th><th class="num">Baseline self</th></tr></thead><tbody>`);
      for (const row of diff.topSelf) {
        out.push(`<tr><td><code>${esc(row.module)}</code></td><td class="num">${esc(formatUsMs(row.selfUs))}</td><td class="num">${esc(formatUsMs(row.cumulativeUs))}</td><td class="num">${esc(formatUsMs(row.baselineSelfUs))}</td></tr>`);
      }
      out.push("</tbody></table></div></details>");
    }
  });
  out.push("</section>");
  return out;
}

function environmentSection(results: readonly LoadedResult[], labels: string[]): string[] {
  const out: string[] = ['<section id="environment">', "<h2>Environment</h2>"];
  const fields: [string, (r: LoadedResult) => string][] = [
    ["File", (r) => r.source],
    ["Git commit", (r) => (r.data.git?.commit ? `${r.data.git.commit}${r.data.git.dirty ? " (dirty)" : ""}` : "—")],
    ["Recorded", (r) => (Number.isFinite(r.data.timestamp) ? new Date(r.data.timestamp * 1000).toISOString().replace(".000Z", "Z") : "—")],
    ["Python version", (r) => r.data.environment?.python_version ?? r.data.python_version],
    ["Interpreter", (r) => r.data.environment?.python ?? "—"],
    ["Platform", (r) => r.data.environment?.platform ?? "—"],
    ["CPU", (r) => `${r.data.environment?.cpu ?? "—"}${r.data.environment?.cpu_count ? ` × ${r.data.environment.cpu_count}` : ""}`],
    ["pyc", (r) => r.data.environment?.pyc ?? "—"],
    ["Iterations / warm-up", (r) => (r.data.environment?.iterations !== undefined ? `${r.data.environment.iterations} / ${r.data.environment.warmup ?? "—"}` : "—")],
    ["Tool", (r) => (r.data.tool ? `${r.data.tool.name} ${r.data.tool.version}` : "original Python tool")],
    ["Environment variables set", (r) => {
      const env = r.data.environment?.env;
      if (!env || Object.keys(env).length === 0) return "—";
      return Object.entries(env).map(([key, value]) => (value === null ? `${key} (removed)` : `${key}=${value}`)).join("\n");
    }],
  ];
  const head = labels.map((label) => `<th>${esc(label)}</th>`).join("");
  out.push(`<div class="scroll"><table class="env"><thead><tr><th></th>${head}</tr></thead><tbody>`);
  for (const [field, get] of fields) {
    const values = results.map(get);
    const compared = !["File", "Git commit", "Recorded", "Tool"].includes(field);
    const cells = values.map((value, index) => {
      const differs = compared && index > 0 && value !== values[0];
      return `<td${differs ? ' class="diff" title="differs from the baseline"' : ""}><code>${esc(value).replace(/\n/g, "<br>")}</code></td>`;
    }).join("");
    out.push(`<tr><th>${esc(field)}</th>${cells}</tr>`);
  }
  out.push("</tbody></table></div>");
  out.push('<p class="note">Highlighted cells differ from the baseline.</p></section>');
  return out;
}

/**
 * The whole page. `results` are the loaded files in the order the comparison was built
 * from (baseline first): the samples and importtime rows come from them.
 */
export function render(comparison: Comparison, results: readonly LoadedResult[], options: HtmlOptions = {}): string {
  const labels = refLabels(results);
  const title = options.title ?? "Cold start benchmark comparison";
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  const body = [
    ...headerSection(comparison, results, labels),
    ...distributionSection(comparison, results, labels),
    ...modulesSection(comparison, results, labels),
    ...lazySection(comparison, results, labels),
    ...importTimeSection(comparison, results, labels, options),
    ...environmentSection(results, labels),
  ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body><main>",
    `<h1>${esc(title)}</h1>`,
    ...body,
    `<footer>Made by coldstart (comparison format ${comparison.formatVersion}). Self-contained: no scripts, no network. Significance level ${comparison.alpha}, power ${comparison.power}.</footer>`,
    "</main></body>",
    "</html>",
    "",
  ].join("\n");
}
