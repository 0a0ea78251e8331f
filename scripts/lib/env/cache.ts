/**
 * The environment cache: `$XDG_CACHE_HOME/coldstart/envs` (else `~/Library/Caches/coldstart/envs`
 * on macOS, `~/.cache/coldstart/envs` elsewhere), one folder per key (plan.ts), shared by
 * every run and every repository of the user.
 *
 * - A folder named after a key is complete: an environment is built in `.build-<key>-<pid>-*`
 *   beside it and renamed into place with its `coldstart-env.json` already written, so a
 *   reader never sees half an environment and a failed or interrupted build leaves nothing.
 * - Two runs that need one key at once: the first takes `.lock-<key>` (its pid inside) and
 *   builds; the other waits for it, then reuses. A lock whose owner died is taken over.
 * - A run using an environment leaves `.in-use/<pid>` in it (removed at exit) and touches
 *   its `coldstart-env.json`: `--prune-envs DAYS` removes environments unused for DAYS days
 *   and never one a live run is using.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { createExclusive, moveFolder, writeFile } from "../write.ts";
import { homedir } from "node:os";
import { join } from "node:path";
import { onExit, pidAlive } from "../process.ts";

export const META_FILE = "coldstart-env.json";
const IN_USE = ".in-use";

/** The cache folder for environments. */
export function envsRoot(env: Record<string, string | undefined> = process.env, platform: string = process.platform, home = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && xdg.startsWith("/")) return join(xdg, "coldstart", "envs");
  if (platform === "darwin") return join(home, "Library", "Caches", "coldstart", "envs");
  return join(home, ".cache", "coldstart", "envs");
}

/** What `coldstart-env.json` holds. */
export interface EnvMeta {
  key: string;
  mode: string;
  /** The interpreter inside, relative to the environment's folder. */
  python: string;
  /** How packages were installed: the base interpreter's pip, the environment's own, or uv. */
  installer?: "base-pip" | "own-pip" | "uv";
  interpreter: { binary: string; version: string };
  requirements: string[];
  constraints: string[];
  options: string[];
  sources: string[];
  created: string;
  /** Seconds the build took. */
  build_s: number;
  tool: string;
}

export interface CachedEnv {
  dir: string;
  /** The environment's interpreter (absolute). */
  python: string;
  meta: EnvMeta;
}

/** The complete environment `key`, if the cache holds it. */
export function lookupEnv(root: string, key: string): CachedEnv | null {
  const dir = join(root, key);
  try {
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8")) as EnvMeta;
    const python = join(dir, meta.python);
    if (meta.key !== key || !existsSync(python)) return null;
    return { dir, python, meta };
  } catch {
    return null;
  }
}

/** Marks an environment as used by this process until it exits; refreshes its last use. */
export function markInUse(dir: string): void {
  const marker = join(dir, IN_USE, String(process.pid));
  try {
    mkdirSync(join(dir, IN_USE), { recursive: true });
    writeFile(marker, "");
    const now = new Date();
    utimesSync(join(dir, META_FILE), now, now);
  } catch {
    return; // a read-only cache still serves
  }
  onExit(() => rmSync(marker, { force: true }));
}

/** Pids of live processes other than this one using the environment in `dir`. */
function usersOf(dir: string): number[] {
  try {
    return readdirSync(join(dir, IN_USE)).map(Number).filter((pid) => pid !== process.pid && pidAlive(pid));
  } catch {
    return [];
  }
}

/** `<root>/.<kind>-<key>-<pid>-<random>` names: the pid of the run that made it. */
function ownerOf(name: string): number | null {
  const match = /^\.(?:build|old)-[0-9a-f]+-(\d+)-/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Removes builds, replaced environments and build locks left by runs that died (and nobody uses). */
export function pruneStaleBuilds(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(".lock-")) {
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(root, name), "utf8"));
      } catch {
        continue;
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !pidAlive(owner)) rmSync(join(root, name), { force: true });
      continue;
    }
    const owner = ownerOf(name);
    if (owner === null || owner === process.pid || pidAlive(owner)) continue;
    if (name.startsWith(".old-") && usersOf(join(root, name)).length) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
}

/** A fresh build folder beside the final one, removed on every exit path unless published. */
export function buildFolder(root: string, key: string): { dir: string; remove: () => void } {
  mkdirSync(root, { recursive: true });
  const dir = join(root, `.build-${key}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const remove = onExit(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/**
 * Moves a finished build into place as `key`. `replace`: an existing environment is moved
 * aside and removed (kept, to be pruned later, while another run uses it). Returns false
 * when another run published `key` first (the build is then discarded by the caller).
 */
export function publishEnv(root: string, key: string, built: string, replace: boolean): boolean {
  const final = join(root, key);
  if (replace && existsSync(final)) {
    const aside = join(root, `.old-${key}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
    try {
      moveFolder(final, aside);
      if (!usersOf(aside).length) rmSync(aside, { recursive: true, force: true });
    } catch {
      // another run moved it first
    }
  }
  try {
    moveFolder(built, final);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Takes the build lock of `key`, waiting while a live run holds it. Returns the release
 * function; `waited` says whether another run was building meanwhile (its environment may
 * now be there).
 */
export async function lockKey(root: string, key: string, onWait?: (pid: number) => void): Promise<{ release: () => void; waited: boolean }> {
  mkdirSync(root, { recursive: true });
  const lock = join(root, `.lock-${key}`);
  let waited = false;
  for (;;) {
    if (createExclusive(lock, String(process.pid))) return { release: onExit(() => rmSync(lock, { force: true })), waited };
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(lock, "utf8"));
    } catch {
      continue; // released meanwhile
    }
    if (!Number.isInteger(owner) || owner <= 0) {
      // Created, its pid not written yet; a lock that stays empty is a dead run's.
      if (Date.now() - safeMtime(lock) > 10_000) rmSync(lock, { force: true });
      await Bun.sleep(50);
      continue;
    }
    if (owner === process.pid || !pidAlive(owner)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (!waited) onWait?.(owner);
    waited = true;
    await Bun.sleep(200);
  }
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export interface PruneOutcome {
  removed: { key: string; bytes: number }[];
  /** Kept because a live run uses them. */
  inUse: string[];
  /** Kept because they were used within the period. */
  recent: string[];
}

function folderBytes(dir: string): number {
  let total = 0;
  const walk = (path: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += safeSize(full);
    }
  };
  walk(dir);
  return total;
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Removes the environments unused for `days` days (0: all), except those a live run uses. */
export function pruneEnvs(root: string, days: number, now = Date.now()): PruneOutcome {
  const outcome: PruneOutcome = { removed: [], inUse: [], recent: [] };
  pruneStaleBuilds(root);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return outcome;
  }
  for (const name of names.filter((item) => /^[0-9a-f]{16}$/.test(item)).sort()) {
    const dir = join(root, name);
    if (usersOf(dir).length) {
      outcome.inUse.push(name);
      continue;
    }
    const lastUse = safeMtime(join(dir, META_FILE));
    if (days > 0 && now - lastUse < days * 86_400_000) {
      outcome.recent.push(name);
      continue;
    }
    const bytes = folderBytes(dir);
    // Out of the key's name first, so no run finds it half removed.
    const aside = join(root, `.old-${name}-${process.pid}-prune`);
    try {
      moveFolder(dir, aside);
    } catch {
      continue;
    }
    rmSync(aside, { recursive: true, force: true });
    outcome.removed.push({ key: name, bytes });
  }
  return outcome;
}
