/**
 * Which environment each tree gets, and the name of an environment in the cache. Pure:
 * no process, no file.
 *
 * Settings (`env` in [tool.coldstart], `--env`):
 * - `none`: today's behaviour (the `install` command, else `uv sync` when uv.lock and uv
 *   are there, else PYTHONPATH on the tree).
 * - `venv`: a virtual environment per set of declared dependencies (`python -m venv`, pip).
 * - `uv`: the same with `uv venv` and `uv pip install` (`uv sync` into it with uv.lock).
 * - `auto` (default): `uv sync` in the tree when it has uv.lock and uv is on PATH (as
 *   today); else, when some tree of the run declares dependencies the interpreter does not
 *   satisfy, an environment for every tree of the run (uv when on PATH, else venv), so
 *   the trees compared are measured alike; else none.
 *
 * The decision is made once per run and interpreter (bisect and history: once over every
 * commit of the path), never per tree: two refs are never measured one in an environment
 * and the other against whatever the interpreter has.
 */
import { createHash } from "node:crypto";
import type { Declarations } from "./declared.ts";

export const ENV_SETTINGS = ["auto", "venv", "uv", "none"] as const;
export type EnvSetting = (typeof ENV_SETTINGS)[number];
/** What a tree is measured in: an environment of the cache (venv, uv) or the interpreter as it is. */
export type EnvMode = "venv" | "uv" | "none";

/** What the decision needs to know about one tree. */
export interface TreeNeeds {
  label: string;
  /** Declared requirements the interpreter does not satisfy, each with why ("depx==2.0 (installed: 1.0)"). */
  unsatisfied: string[];
  declares: boolean;
}

export interface EnvChoice {
  mode: EnvMode;
  /** Why, in words, for the output and the result file. */
  reason: string;
}

/**
 * The mode for the trees of one run under one interpreter. Throws nothing: `uv` asked for
 * without uv on PATH is checked before (see `checkEnvSetting`).
 */
export function chooseMode(setting: EnvSetting, trees: readonly TreeNeeds[], uvOnPath: boolean, interpreter: string): EnvChoice {
  const environment: EnvMode = uvOnPath ? "uv" : "venv";
  switch (setting) {
    case "none":
      return { mode: "none", reason: "env = none: the interpreter as it is, PYTHONPATH on the tree" };
    case "venv":
      return { mode: "venv", reason: "env = venv" };
    case "uv":
      return { mode: "uv", reason: "env = uv" };
    default: {
      const lacking = trees.find((tree) => tree.unsatisfied.length > 0);
      if (!lacking) {
        const declared = trees.some((tree) => tree.declares);
        return {
          mode: "none",
          reason: declared ? `auto: ${interpreter} has every declared dependency; PYTHONPATH on the tree` : "auto: no dependencies declared; PYTHONPATH on the tree",
        };
      }
      const shown = lacking.unsatisfied.slice(0, 3).join(", ") + (lacking.unsatisfied.length > 3 ? `, and ${lacking.unsatisfied.length - 3} more` : "");
      const tool = environment === "uv" ? "uv" : "venv + pip";
      return { mode: environment, reason: `auto: ${lacking.label} needs ${shown}, which ${interpreter} lacks; an environment (${tool}) for every tree` };
    }
  }
}

/** The interpreter an environment is made from: its real binary and full version. */
export interface InterpreterId {
  binary: string;
  version: string;
}

/**
 * The cache name of an environment: 16 hex digits over what it contains — interpreter,
 * mode, the declared requirements, constraints and pip options (sorted: order does not
 * change what pip installs), uv.lock in uv mode, and the platform. Not the commit: every
 * commit that declares the same dependencies shares one environment.
 */
export function environmentKey(interpreter: InterpreterId, mode: Exclude<EnvMode, "none">, declarations: Declarations, platform = `${process.platform}-${process.arch}`): string {
  const sorted = (items: readonly string[]) => [...new Set(items.map((item) => item.trim().replace(/\s+/g, " ")))].sort();
  const facts = {
    format: 1,
    interpreter,
    platform,
    mode,
    requirements: sorted(declarations.requirements),
    constraints: sorted(declarations.constraints),
    options: sorted(declarations.options),
    uvLock: mode === "uv" && declarations.uvLock !== null ? createHash("sha256").update(declarations.uvLock).digest("hex") : null,
  };
  return createHash("sha256").update(JSON.stringify(facts)).digest("hex").slice(0, 16);
}

/** What the result file records about a tree's dependencies (`environment.deps`). */
export interface DepsRecord {
  /** "venv" | "uv" | "none", or "install" (the configured command) | "uv-sync" (uv sync in the tree). */
  mode: string;
  reason: string;
  /** The environment's cache key (venv, uv). */
  key?: string;
  /** True when the cached environment was used as it was: nothing installed. */
  reused?: boolean;
  /** Seconds spent building the environment (and installing the tree), 0 when reused. */
  install_s?: number;
  /** The tree itself was installed (--install-tree) instead of put on PYTHONPATH. */
  install_tree?: boolean;
}
