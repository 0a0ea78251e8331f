/**
 * The measurement cache: result files under `<out>/cache/`, one per (commit, run), named
 * `cold_start_<commit 12>_<key>_<seconds>.json`. The key hashes everything that changes
 * what a measurement of a commit would give: the settings that shape the runs (package,
 * statements, interpreter, install step, environment mode, pyc, lazy checks, metric and counter), where the
 * project sits in the repository, this machine and its interpreter, and coldstart's
 * version. Iterations are not in the key: a file with too few runs for the question at
 * hand is passed over, and a later file with more runs is added beside it.
 *
 * Each cache file is an ordinary result file (compare reads it) with one more top-level
 * object, `history`: the commit's subject, author, date and first-parent depth, the host
 * and the key, so `compare --history` can order and name the points without the repository.
 * The folder holds a `.gitignore` of `*`: git never shows it as untracked.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { arch, cpus, hostname } from "node:os";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Counter } from "../measure/counter.ts";
import type { PythonInfo } from "../measure/python.ts";
import type { QuantityKey } from "../quantities.ts";
import { ensureDir, writeFile } from "../write.ts";
import { type LoadedResult, parseResult } from "../result/read.ts";
import type { HistoryInfo } from "../result/schema.ts";
import type { CommitFacts } from "../model/history.ts";

export interface KeyInput {
  config: Config;
  /** The project's folder inside the repository. */
  subdir: string;
  python: PythonInfo;
  counter: Counter | null;
  toolVersion: string;
  /** The cached environment the commits are measured in (env/), null or absent without one. */
  env?: { mode: string; install_tree: boolean; extras: string[] } | null;
}

/** 12 hex digits naming everything that shapes a measurement of one commit on this machine. */
export function cacheKey(input: KeyInput): string {
  const { config } = input;
  const facts = {
    settings: {
      package: config.package, python: config.python, install: config.install, pyc: config.pyc, metric: config.metric,
      imports: config.imports, lazy: config.lazy,
    },
    subdir: input.subdir,
    interpreter: { executable: input.python.executable, version: input.python.version },
    counter: config.metric === "instructions" && input.counter ? `${input.counter.name} ${input.counter.version}` : null,
    pythonpath: process.env.PYTHONPATH ?? null,
    machine: { host: hostname(), platform: process.platform, arch: arch(), cpu: cpus()[0]?.model ?? null, cores: cpus().length },
    tool: input.toolVersion,
    // Only when there is one, so keys of measurements made without environments stay as they were.
    ...(input.env ? { env: input.env } : {}),
  };
  return createHash("sha256").update(JSON.stringify(facts)).digest("hex").slice(0, 12);
}

const NAME = /^cold_start_([0-9a-f]{12})_([0-9a-f]{12})_\d+(-\d+)?\.json$/;

/** A result file of the cache, read and checked. */
export interface CachedFile {
  path: string;
  result: LoadedResult;
  commit: string;
}

/** Samples of `key` for `measurement` in a file (0 when absent or failed). */
export function runsOf(result: LoadedResult, measurement: string, key: QuantityKey): number {
  return result.measurements[measurement]?.quantities[key]?.samples.length ?? 0;
}

/** The `history` object of a result file, when it has one. */
export function historyInfo(result: LoadedResult): HistoryInfo | null {
  const value = (result.data as Record<string, unknown>).history;
  if (typeof value !== "object" || value === null) return null;
  const info = value as Partial<HistoryInfo>;
  return {
    subject: typeof info.subject === "string" ? info.subject : "",
    author: typeof info.author === "string" ? info.author : "",
    date: typeof info.date === "string" ? info.date : "",
    first_parent_depth: typeof info.first_parent_depth === "number" ? info.first_parent_depth : null,
    host: typeof info.host === "string" ? info.host : "",
    cache_key: typeof info.cache_key === "string" ? info.cache_key : "",
  };
}

export class ResultCache {
  private names: string[] | null = null;
  private readonly loaded = new Map<string, CachedFile | null>();

  /**
   * @param dir the cache folder (`<out>/cache`)
   * @param key see cacheKey
   * @param read false with --no-cache: nothing is read, new files are still written
   */
  constructor(readonly dir: string, readonly key: string, readonly read: boolean) {}

  /** What measureRefs puts between `cold_start_` and the seconds of a file's name. */
  fileRef(commit: string): string {
    return `${commit.slice(0, 12)}_${this.key}`;
  }

  private list(): string[] {
    if (this.names === null) this.names = existsSync(this.dir) ? readdirSync(this.dir).filter((name) => NAME.test(name)).sort() : [];
    return this.names;
  }

  /** This key's files of `commit` that read cleanly, oldest first (none when not reading). */
  files(commit: string): CachedFile[] {
    if (!this.read) return [];
    const prefix = `cold_start_${commit.slice(0, 12)}_${this.key}_`;
    const found: CachedFile[] = [];
    for (const name of this.list().filter((item) => item.startsWith(prefix))) {
      const path = join(this.dir, name);
      if (!this.loaded.has(path)) this.loaded.set(path, this.load(path));
      const file = this.loaded.get(path);
      if (file && file.commit === commit) found.push(file);
    }
    return found;
  }

  private load(path: string): CachedFile | null {
    try {
      const result = parseResult(readFileSync(path, "utf8"), path);
      const commit = result.data.git?.commit;
      // A run that failed somewhere is measured again rather than trusted.
      if (!commit || Object.keys(result.failures).length > 0) return null;
      return { path, result, commit };
    } catch {
      return null; // a damaged file is passed over; a fresh one is written beside it
    }
  }

  /** The `history` object a new cache file of `facts`' commit carries (measureRefs writes it in). */
  info(facts: CommitFacts): HistoryInfo {
    return { subject: facts.subject, author: facts.author, date: facts.date, first_parent_depth: facts.depth, host: hostname(), cache_key: this.key };
  }

  /** Takes in a file measureRefs just saved into the cache folder, as it was built. */
  adopt(path: string, result: LoadedResult, commit: string): CachedFile {
    const file: CachedFile = { path, result, commit };
    this.loaded.set(path, file);
    this.names = null;
    return file;
  }

  /** Creates the folder with a `.gitignore` of `*`, so git never lists the cache. */
  prepare(): void {
    ensureDir(this.dir);
    const ignore = join(this.dir, ".gitignore");
    if (!existsSync(ignore)) writeFile(ignore, "# coldstart's measurement cache (bench --bisect / --history)\n*\n");
  }
}
