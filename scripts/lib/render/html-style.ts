/**
 * The HTML report's stylesheet: light and dark schemes (prefers-color-scheme), tables that
 * fit a 1280-pixel window and scroll sideways on a phone, chart colours as CSS classes.
 */

import { escapeXml } from "./svg.ts";

export const STYLE = `
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
table.stats{width:100%;table-layout:auto}table.stats td.wrap{white-space:normal;min-width:14em}.small{font-size:.85em}
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

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** A self-contained page: no scripts, nothing fetched; `title` and `footer` are escaped text. */
export function htmlPage(title: string, style: string, body: string[], footer: string): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${style}</style>`,
    "</head>",
    "<body><main>",
    `<h1>${escapeXml(title)}</h1>`,
    ...body,
    `<footer>${escapeXml(footer)}</footer>`,
    "</main></body>",
    "</html>",
    "",
  ].join("\n");
}
