/**
 * Can an import statement be deferred, and in which form? Pure rules over the ast facts
 * (facts.ts):
 *
 * - "function": the names are used only inside functions (and the `__main__` block): the
 *   statement moves to the top of each of them (after the docstring).
 * - "getattr": the names are re-exported — listed in `__all__`, or public names a package's
 *   `__init__.py` imports from the package itself — so `pkg.name` must keep working: a PEP
 *   562 module `__getattr__` imports them on first access (functions of the file that use
 *   them get a local import too).
 *
 * Not movable when a name is used by code that runs at import (a base class, decorator,
 * default argument, annotation evaluated at import, class body, module-level expression or
 * lambda), when the statement is inside a try/if/with block, shares its line, is a star
 * import, when a name is bound again at module level or declared `global`, or when a
 * function's body starts on its `def` line.
 */
import type { FileFacts, ImportStatement, StatementFacts, UseFact } from "./facts.ts";
import type { Blocker, DeferForm, LazyEntry } from "./model.ts";

export interface ModuleContext {
  /** The importing module's name. */
  module: string;
  /** Its file is a package's `__init__.py`. */
  isPackage: boolean;
  /** Whether a dotted name is a module (loaded by the statement or at start-up). */
  isModule: (name: string) => boolean;
}

export interface Decision {
  form: DeferForm;
  movable: boolean;
  blockers: Blocker[];
  /** The `__getattr__` table entries (form "getattr"). */
  entries: LazyEntry[];
}

/** The absolute module a from-import names (`from ..x import y` in `a.b.c` -> `a.x`), or null. */
export function resolveFrom(context: Pick<ModuleContext, "module" | "isPackage">, level: number, module: string | null): string | null {
  if (level === 0) return module;
  const parts = context.module.split(".");
  const base = context.isPackage ? parts : parts.slice(0, -1);
  if (level - 1 >= base.length) return null;
  const kept = base.slice(0, base.length - (level - 1));
  return module ? [...kept, module].join(".") : kept.join(".");
}

/** The package whose `__init__.py` (or module) this is: names imported from under it are the package's own. */
function ownPrefix(context: ModuleContext): string {
  return context.isPackage ? context.module : context.module.split(".").slice(0, -1).join(".");
}

function reexported(file: FileFacts, statement: ImportStatement, context: ModuleContext, name: string): boolean {
  if ((file.all ?? []).includes(name)) return true;
  if (!context.isPackage || name.startsWith("_")) return false;
  const target = statement.kind === "from" ? resolveFrom(context, statement.level, statement.module) : statement.names.find((n) => n.bound === name)?.name ?? null;
  const own = ownPrefix(context);
  return target !== null && own !== "" && (target === own || target.startsWith(`${own}.`));
}

/** The `__getattr__` entry for one bound name, or the blocker that prevents it. */
function lazyEntry(statement: ImportStatement, context: ModuleContext, alias: ImportStatement["names"][number]): LazyEntry | Blocker {
  if (statement.kind === "import") {
    if (!alias.asname && alias.name.includes(".")) return { kind: "dotted-reexport", name: alias.bound, detail: alias.name };
    return { name: alias.bound, module: alias.name, attribute: null };
  }
  const dots = ".".repeat(statement.level);
  const base = resolveFrom(context, statement.level, statement.module);
  if (base === null) return { kind: "unresolved", name: alias.bound, detail: `${dots}${statement.module ?? ""}` };
  const written = `${dots}${statement.module ?? ""}`;
  const sub = `${base}.${alias.name}`;
  // `from . import x` names a submodule (the package is this very module: an attribute
  // lookup would call the __getattr__ being written); `from .m import y` may too.
  const selfImport = context.isPackage && base === context.module;
  if (context.isModule(sub) || selfImport) {
    if (!context.isModule(sub)) return { kind: "unresolved", name: alias.bound, detail: sub };
    const module = statement.module ? `${written}.${alias.name}` : `${written}${alias.name}`;
    return { name: alias.bound, module, attribute: null };
  }
  return { name: alias.bound, module: written, attribute: alias.name };
}

/** The form and movability of one statement. */
export function decide(file: FileFacts, statement: StatementFacts | undefined, context: ModuleContext): Decision {
  const blockers: Blocker[] = [];
  if (file.error) return { form: "none", movable: false, blockers: [{ kind: "syntax", detail: file.error }], entries: [] };
  if (!statement || !statement.found) {
    return { form: "none", movable: false, blockers: [{ kind: "not-import", detail: statement?.what ?? undefined }], entries: [] };
  }
  if (!statement.topLevel) blockers.push({ kind: "nested", line: statement.lineno, detail: statement.container ?? undefined });
  if (statement.star) blockers.push({ kind: "star", line: statement.lineno });
  if (!statement.alone) blockers.push({ kind: "shared-line", line: statement.lineno });
  for (const rebind of statement.rebinds) blockers.push({ kind: "rebound", name: rebind.name, line: rebind.line });
  for (const decl of statement.globals) blockers.push({ kind: "global", name: decl.name, line: decl.line, detail: decl.function });
  for (const use of statement.uses) blockers.push(useBlocker(use));
  for (const site of statement.sites) {
    if (site.problem) blockers.push({ kind: "one-line-body", line: site.line, detail: site.qualname });
  }
  const names = statement.names.filter((alias) => reexported(file, statement, context, alias.bound));
  let form: DeferForm = "function";
  const entries: LazyEntry[] = [];
  if (names.length > 0) {
    form = "getattr";
    if (file.hasGetattr || file.hasDir) blockers.push({ kind: "has-getattr", detail: file.hasGetattr ? "__getattr__" : "__dir__" });
    for (const alias of names) {
      const entry = lazyEntry(statement, context, alias);
      if ("kind" in entry) blockers.push(entry);
      else entries.push(entry);
    }
  }
  return { form, movable: blockers.length === 0, blockers, entries };
}

function useBlocker(use: UseFact): Blocker {
  return { kind: "module-use", name: use.name, line: use.line, role: use.role, detail: use.detail ?? undefined };
}

const ROLE_WORDS: Record<string, (detail?: string) => string> = {
  base: (d) => `used in the base classes of ${d}`,
  metaclass: (d) => `the metaclass of ${d}`,
  keyword: (d) => `a class keyword of ${d}`,
  decorator: (d) => `a decorator of ${d}`,
  default: (d) => `a default argument of ${d}()`,
  annotation: (d) => (d ? `an annotation of ${d} evaluated at import` : "an annotation evaluated at import"),
  "class-body": (d) => `used in the body of class ${d}`,
  lambda: () => "used in a lambda defined at module level",
  expression: () => "used by module-level code",
  del: () => "deleted at module level",
};

/** One clause per blocker, e.g. "`http` is used in the base classes of AdminConsole (line 4)" (a base, or its subscript: `ParamType[uuid.UUID]`). */
export function blockerText(blocker: Blocker): string {
  const at = blocker.line ? ` (line ${blocker.line})` : "";
  const name = blocker.name ? `\`${blocker.name}\`` : "";
  switch (blocker.kind) {
    case "syntax": return `the file does not parse: ${blocker.detail}`;
    case "not-import": return `the line is not an import statement${blocker.detail ? ` (a ${blocker.detail}): it imports through a call` : ""}`;
    case "nested": return `the statement is inside a ${(blocker.detail ?? "block").toLowerCase()} block at module level${at}; move it by hand`;
    case "star": return "a star import binds names nobody can list";
    case "shared-line": return `the statement shares its line with other code${at}`;
    case "rebound": return `${name} is bound again at module level${at}`;
    case "global": return `${name} is declared global in ${blocker.detail}()${at}`;
    case "module-use": {
      const words = ROLE_WORDS[blocker.role ?? "expression"] ?? ROLE_WORDS.expression!;
      return `${name} is ${words(blocker.detail)}${at}`;
    }
    case "one-line-body": return `${blocker.detail}() has its body on the line of its def${at}: split it first`;
    case "has-getattr": return `the file already defines ${blocker.detail}: add the names to it by hand`;
    case "dotted-reexport": return `${name} is re-exported through \`import ${blocker.detail}\`: write \`from ... import\` first`;
    case "unresolved": return `${name}: cannot tell which module \`${blocker.detail}\` is`;
  }
}

/** The `reason` sentence of a movable statement. */
export function movableText(statement: ImportStatement, decision: Decision): string {
  const sites = statement.sites.map((site) => (site.kind === "main" ? "the __main__ block" : `${site.qualname}()`));
  const where = sites.length > 0 ? `moves into ${sites.join(", ")}` : "no code in its file uses it at run time: it is removed";
  if (decision.form === "getattr") {
    const names = decision.entries.map((entry) => `\`${entry.name}\``).join(", ");
    return `re-exported (${names}): a module __getattr__ (PEP 562) imports on first access${sites.length > 0 ? `; the import also ${where}` : ""}`;
  }
  return `used only inside functions: the import ${where}`;
}
