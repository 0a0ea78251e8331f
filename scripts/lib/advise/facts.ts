/**
 * Facts about import statements from Python's `ast` (py-analyze.ts): their types, and the
 * run of the analysis program. The program is run with `-I` (isolated: neither the tree
 * nor PYTHONPATH is on sys.path), as one process for any number of files.
 */
import { UserError } from "../errors.ts";
import { runProcess, stderrTail } from "../measure/executor.ts";
import type { AdviseRuntime } from "./model.ts";
import { ANALYZE } from "./py-analyze.ts";

/** A module-level use of a name the statement binds. */
export interface UseFact {
  name: string;
  line: number;
  role: "base" | "metaclass" | "keyword" | "decorator" | "default" | "annotation" | "class-body" | "lambda" | "expression" | "del";
  /** The class, function or annotated name concerned. */
  detail: string | null;
}

/** A place that uses the names at run time and gets the import: a function, or the `if __name__ == '__main__':` block. */
export interface SiteFact {
  kind: "function" | "main";
  qualname: string;
  /** The def (or if) line. */
  line: number;
  /** The import goes before this line (after the docstring); null with `problem`. */
  insertLine: number | null;
  /** The indentation of that line. */
  indent: string | null;
  problem: string | null;
  /** The statement's names it uses. */
  names: string[];
}

/** A requested line that holds no import statement. */
export interface MissingStatement {
  line: number;
  found: false;
  /** The type of the module-level statement on that line (e.g. "Expr", a call that imports). */
  what: string | null;
}

export type StatementFacts = ImportStatement | MissingStatement;

export interface ImportStatement {
  /** The requested line. */
  line: number;
  found: true;
  lineno: number;
  endLineno: number;
  /** Directly in the module's body (not in a try, if, with...). */
  topLevel: boolean;
  container: string | null;
  /** Only this statement on its lines (a trailing comment allowed). */
  alone: boolean;
  comment: string | null;
  /** The exact source text of the statement. */
  text: string;
  kind: "import" | "from";
  module: string | null;
  level: number;
  star: boolean;
  names: { bound: string; name: string; asname: string | null }[];
  uses: UseFact[];
  sites: SiteFact[];
  /** Other module-level bindings of the names. */
  rebinds: { name: string; line: number }[];
  /** `global NAME` declarations of the names in functions. */
  globals: { name: string; line: number; function: string }[];
}

export interface FileFacts {
  path: string;
  error: string | null;
  futureAnnotations?: boolean;
  /** The literal names of `__all__`. */
  all?: string[];
  allDynamic?: boolean;
  hasGetattr?: boolean;
  hasDir?: boolean;
  /** The first module-level line binding TYPE_CHECKING. */
  typeChecking?: number | null;
  moduleNames?: string[];
  newline?: "\n" | "\r\n";
  lineCount?: number;
  statements: StatementFacts[];
}

/**
 * Runs the analysis on `files` (absolute paths, each with the lines of interest; no lines
 * for a syntax check alone) and returns their facts in the same order.
 */
export async function analyzeFiles(runtime: AdviseRuntime, files: readonly { path: string; lines: readonly number[] }[]): Promise<FileFacts[]> {
  if (files.length === 0) return [];
  const request = JSON.stringify({ files: files.map((file) => ({ path: file.path, lines: [...file.lines] })) });
  const run = await runProcess([runtime.tree.python.executable, "-I", "-c", ANALYZE, request], {
    cwd: runtime.tree.dir,
    env: { ...runtime.tree.env, PYTHONPYCACHEPREFIX: runtime.tree.pycache },
    timeoutMs: runtime.timeoutMs * 3,
  });
  try {
    const value = JSON.parse(run.channel) as { files?: FileFacts[] };
    if (Array.isArray(value.files) && value.files.length === files.length) return value.files;
  } catch {
    // reported below
  }
  const why = run.timedOut ? "timed out" : stderrTail(run.stderr, 1) || `exit ${run.code}`;
  throw new UserError(`the import analysis (python ast) failed: ${why}`);
}
