/**
 * Unified diffs (git's format, `a/` and `b/` prefixes, 3 lines of context) of rewritten
 * files, so the patch applies with `git apply` at the repository's top level. Lines are
 * matched by Myers' O((N+M)D) algorithm; a last line without a newline is marked as git
 * marks it.
 */

type Op = { kind: " " | "-" | "+"; text: string; eol: boolean };

interface Line {
  text: string;
  eol: boolean;
}

function toLines(text: string): Line[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const last = parts.pop()!;
  const lines = parts.map((part) => ({ text: part, eol: true }));
  if (last !== "") lines.push({ text: last, eol: false });
  return lines;
}

const same = (a: Line, b: Line) => a.text === b.text && a.eol === b.eol;

/** The edit script turning `a` into `b` (Myers, shortest). */
function editScript(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d += 1) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x]!, b[y]!)) {
        x += 1;
        y += 1;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Backtrack through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const prev = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : prev[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      ops.push({ kind: " ", text: a[x]!.text, eol: a[x]!.eol });
    }
    if (d === 0) break;
    if (down) {
      y -= 1;
      ops.push({ kind: "+", text: b[y]!.text, eol: b[y]!.eol });
    } else {
      x -= 1;
      ops.push({ kind: "-", text: a[x]!.text, eol: a[x]!.eol });
    }
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    ops.push({ kind: " ", text: a[x]!.text, eol: a[x]!.eol });
  }
  return ops.reverse();
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

/** The unified diff of one file (`path` relative to the repository's top level); "" when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const ops = editScript(toLines(before), toLines(after));
  const changed = ops.map((op, index) => (op.kind !== " " ? index : -1)).filter((index) => index >= 0);
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out = [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`];
  // Line numbers at each op index.
  let oldLine = 1;
  let newLine = 1;
  const positions = ops.map((op) => {
    const at = { old: oldLine, new: newLine };
    if (op.kind !== "+") oldLine += 1;
    if (op.kind !== "-") newLine += 1;
    return at;
  });
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== "+").length;
    const newCount = slice.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(positions[start]!.old, oldCount)} +${range(positions[start]!.new, newCount)} @@`);
    for (const op of slice) {
      out.push(`${op.kind}${op.text}`);
      if (!op.eol) out.push("\\ No newline at end of file");
    }
  }
  return `${out.join("\n")}\n`;
}

/** One patch of several files' diffs; `prefix` is the target's folder inside the repository ("" at the top). */
export function patchOf(files: readonly { file: string; before: string; after: string }[], prefix = ""): string {
  const base = prefix.replace(/^\/+|\/+$/g, "");
  return files.map((file) => unifiedDiff(base ? `${base}/${file.file}` : file.file, file.before, file.after)).join("");
}
