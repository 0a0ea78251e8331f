/** Test helpers for the advise tests: interpreters by version, and a runtime for a fixture tree. */
import { join } from "node:path";
import type { AdviseRuntime } from "../../scripts/lib/advise/model.ts";
import { childEnvironment, findPythonVersion, resolvePython } from "../../scripts/lib/measure/python.ts";
import { tempDir } from "../helpers.ts";

/** The interpreters the advise programs are tested on by hand and, when present, in the suite. */
export const VERSIONS = ["3.8", "3.11", "3.12", "3.13"] as const;

/** The path of an interpreter of `version` (PATH, pyenv or uv), or null: tests on it are skipped. */
export function interpreter(version: string): string | null {
  return findPythonVersion(version);
}

/** A runtime on `dir` (the tree's import root on PYTHONPATH, its own bytecode cache) for `python`. */
export async function runtimeFor(dir: string, python = "python3", timeoutMs = 30_000): Promise<AdviseRuntime> {
  const info = await resolvePython(python, dir);
  const { env, changes } = childEnvironment(dir, info);
  return { tree: { label: dir, dir, python: info, env, envChanges: changes, pycache: join(tempDir("coldstart-advise-pyc-"), "pyc") }, timeoutMs };
}
