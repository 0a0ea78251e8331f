/**
 * The rewrite: text surgery at the positions Python's `ast` gave (facts.ts), so every other
 * line — formatting, comments — stays as it was. Works on whole lines: a movable
 * statement stands alone on its lines (movability.ts checks it).
 *
 * - "function": the statement's lines go; each function (and the `__main__` block) that
 *   uses its names gets it at the top of its body, after the docstring, with the body's
 *   indentation — the exact text and trailing comment when the function uses every name,
 *   else an import of just the names it uses.
 * - "getattr": the statement becomes `if TYPE_CHECKING:` + the statement (for type
 *   checkers; `TYPE_CHECKING = False` is defined first unless the file binds it earlier,
 *   so `typing` is not imported), functions using the names get local imports as above,
 *   and the file ends with one `__getattr__` table for all its deferred names, and
 *   `__dir__`.
 */
import { readFileSync } from "node:fs";
import type { ImportStatement } from "./facts.ts";
import type { StatementPlan } from "./candidates.ts";
import type { LazyEntry } from "./model.ts";

export interface FileRewrite {
  /** Relative to the target. */
  file: string;
  before: string;
  after: string;
}

/** The import statement for the `names` (bound names) of `statement`: its own text when all are wanted. */
export function importText(statement: ImportStatement, names: readonly string[]): string[] {
  const wanted = statement.names.filter((alias) => names.includes(alias.bound));
  if (wanted.length === statement.names.length) {
    const lines = statement.text.split(/\r?\n/);
    if (statement.comment) lines[lines.length - 1] += `  ${statement.comment}`;
    return lines;
  }
  const list = wanted.map((alias) => (alias.asname ? `${alias.name} as ${alias.asname}` : alias.name)).join(", ");
  if (statement.kind === "import") return [`import ${list}`];
  return [`from ${".".repeat(statement.level)}${statement.module ?? ""} import ${list}`];
}

/** `lines` indented by `indent` (continuation lines too: inside brackets any indentation is valid). */
function indented(lines: readonly string[], indent: string): string[] {
  return lines.map((line) => (line === "" ? line : indent + line));
}

/** The `__getattr__`/`__dir__` block for a file's deferred names. */
export function lazyBlock(entries: readonly LazyEntry[], table: string, newline: string): string {
  const rows = entries.map((entry) => `    ${JSON.stringify(entry.name)}: (${JSON.stringify(entry.module)}, ${entry.attribute === null ? "None" : JSON.stringify(entry.attribute)}),`);
  return [
    "# Imported on first access instead of at import time (PEP 562); added by coldstart --apply.",
    `${table} = {`,
    ...rows,
    "}",
    "",
    "",
    "def __getattr__(name):",
    "    try:",
    `        module, attribute = ${table}[name]`,
    "    except KeyError:",
    '        raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name)) from None',
    "    import importlib",
    "",
    "    value = importlib.import_module(module, __package__)",
    "    if attribute is not None:",
    "        value = getattr(value, attribute)",
    "    globals()[name] = value",
    "    return value",
    "",
    "",
    "def __dir__():",
    `    return sorted(set(globals()) | set(${table}))`,
    "",
  ].join(newline);
}

/** Splits text into lines with their terminators (the last one may have none). */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/** Rewrites one file for the plans that concern it (all with the same `path`). */
export function rewriteFile(plans: readonly StatementPlan[], text: string = readFileSync(plans[0]!.path, "utf8")): string {
  const file = plans[0]!.file;
  const newline = file.newline ?? "\n";
  const lines = splitLines(text);
  const removed = new Set<number>();
  const replaced = new Map<number, string[]>();
  const inserted = new Map<number, string[]>();
  const entries: LazyEntry[] = [];
  const ordered = [...plans].sort((a, b) => a.range.line - b.range.line);
  let typeCheckingDefined = false;
  for (const plan of ordered) {
    const statement = plan.statement;
    if (!statement?.found || !plan.decision.movable) throw new Error(`internal: ${plan.candidate.file}:${plan.candidate.line} is not movable`);
    for (let line = statement.lineno; line <= statement.endLineno; line += 1) removed.add(line);
    if (plan.decision.form === "getattr") {
      const block: string[] = [];
      const bound = file.typeChecking;
      if (!typeCheckingDefined && (bound === null || bound === undefined || bound > statement.lineno)) {
        block.push("TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing");
        typeCheckingDefined = true;
      }
      block.push("if TYPE_CHECKING:", ...indented(importText(statement, statement.names.map((alias) => alias.bound)), "    "));
      replaced.set(statement.lineno, block);
      entries.push(...plan.decision.entries);
    }
    for (const site of statement.sites) {
      if (site.insertLine === null || site.indent === null) continue;
      const list = inserted.get(site.insertLine) ?? [];
      list.push(...indented(importText(statement, site.names), site.indent));
      inserted.set(site.insertLine, list);
    }
  }
  const out: string[] = [];
  lines.forEach((line, index) => {
    const number = index + 1;
    for (const added of inserted.get(number) ?? []) out.push(added + newline);
    for (const added of replaced.get(number) ?? []) out.push(added + newline);
    if (!removed.has(number)) out.push(line);
  });
  let result = out.join("");
  if (entries.length > 0) {
    const names = new Set(file.moduleNames ?? []);
    const table = names.has("_lazy_imports") ? "_coldstart_lazy_imports" : "_lazy_imports";
    if (result !== "" && !result.endsWith("\n")) result += newline;
    result += `${newline}${newline}${lazyBlock(entries, table, newline)}`;
  }
  return result;
}

/** Rewrites every file the plans touch; files relative to the target, in plan order of first appearance. */
export function rewritePlans(plans: readonly StatementPlan[]): FileRewrite[] {
  const byPath = new Map<string, StatementPlan[]>();
  for (const plan of plans) {
    const list = byPath.get(plan.path) ?? [];
    list.push(plan);
    byPath.set(plan.path, list);
  }
  return [...byPath.values()].map((list) => {
    const before = readFileSync(list[0]!.path, "utf8");
    return { file: list[0]!.candidate.file, before, after: rewriteFile(list, before) };
  });
}
