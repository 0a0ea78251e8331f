/**
 * The one writer: every file the tools write goes through here (result files,
 * `cold_start_latest.json`, `--output`, `--html`, the GitHub summary, the history cache,
 * logs, patches, bench reports). A test walks scripts/ and fails if any other file writes.
 *
 * What a write does depends on what is at the path — a benchmarking tool must never damage
 * the machine it measures on:
 * - absent, or a regular file: a temporary file beside it, then rename, so readers see the
 *   old file or the new one, never a part; an existing file keeps its permissions (and its
 *   owner, when we may set it). When the folder refuses the temporary but the file itself
 *   is writable, the file is rewritten in place.
 * - a symbolic link: resolved (a chain of them too), and its target written by these same
 *   rules; the link stays a link. A dangling link creates its target.
 * - a character device, a FIFO: opened and written in place (`/dev/null`, `/dev/stdout`, a
 *   named pipe a CI step reads from). Never renamed over.
 * - a folder, a socket, a block device or anything else: one line (UserError, exit 2).
 * - `-`: standard output.
 */
import {
  accessSync, chmodSync, chownSync, cpSync, closeSync, constants, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync,
  rmSync, type Stats, statSync, writeFileSync, writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { UserError } from "./errors.ts";

/** The path that stands for standard output. */
export const STDOUT = "-";

/** What a write needs to say when it cannot: the flag the user would change. */
export interface WriteOptions {
  /** e.g. "--output", "--html", "--out": named in messages ("choose another path with --output"). */
  flag?: string;
}

function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOSPC":
      return "the disk is full";
    case "EROFS":
      return "the file system is read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "the folder does not exist";
    case "ENXIO":
      return "nothing is reading from it";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw error;
  }
}

/** What sits at a path, links resolved: where a write lands and how it is done. */
export type Target =
  | { kind: "stdout" }
  | { kind: "absent"; path: string }
  | { kind: "regular"; path: string; stats: Stats }
  | { kind: "stream"; path: string; type: "character device" | "FIFO" };

/** A name for a file type nobody may write to. */
function refusedType(stats: Stats): string | null {
  if (stats.isDirectory()) return "a folder";
  if (stats.isSocket()) return "a socket";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFile() || stats.isCharacterDevice() || stats.isFIFO()) return null;
  return "not a regular file";
}

/**
 * Resolves `path` (links followed, up to 40) to the target a write would land on, or a
 * UserError naming the problem. Reads only.
 */
export function resolveTarget(path: string, options: WriteOptions = {}): Target {
  if (path === STDOUT) return { kind: "stdout" };
  // `hinted`: the problem already says what to do, so no second hint is added.
  const fail = (problem: string, hinted = false): never => {
    throw new UserError(`${options.flag ? `${options.flag} ` : ""}${path}: ${problem}${options.flag && !hinted ? `; choose another path for ${options.flag}` : ""}`);
  };
  let current = resolve(path);
  for (let hops = 0; hops <= 40; hops += 1) {
    let stats: Stats | null;
    try {
      stats = lstatOrNull(current);
    } catch (error) {
      return fail(explain(error));
    }
    if (stats === null) return { kind: "absent", path: current };
    if (stats.isSymbolicLink()) {
      const link = readlinkSync(current);
      current = isAbsolute(link) ? link : resolve(dirname(current), link);
      continue;
    }
    const refused = refusedType(stats);
    if (refused === "a folder") return fail("is a folder; give a file name", true);
    if (refused) return fail(`is ${refused}, which coldstart does not write to`);
    if (stats.isFile()) return { kind: "regular", path: current, stats };
    return { kind: "stream", path: current, type: stats.isCharacterDevice() ? "character device" : "FIFO" };
  }
  return fail("too many levels of symbolic links");
}

function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

function bytes(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? Buffer.from(text) : text;
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was written there
  }
}

/** Writes a temporary file beside `path` and hands it to `place`; the temporary never stays. */
function viaTemporary<T>(path: string, data: Uint8Array, mode: number | null, place: (temporary: string) => T): T {
  const temporary = temporaryName(path);
  try {
    writeFileSync(temporary, data, mode === null ? {} : { mode });
    return place(temporary);
  } finally {
    removeQuietly(temporary);
  }
}

/** Opens an existing stream (a device, a FIFO) or regular file and writes in place. */
function writeInPlace(path: string, data: Uint8Array, flags: string): void {
  const fd = openSync(path, flags);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Replaces a regular file (or creates an absent one) atomically; permissions kept. */
function replaceRegular(target: Extract<Target, { kind: "absent" | "regular" }>, data: Uint8Array): void {
  const existing = target.kind === "regular" ? target.stats : null;
  try {
    viaTemporary(target.path, data, existing ? existing.mode & 0o7777 : null, (temporary) => {
      if (existing) {
        chmodSync(temporary, existing.mode & 0o7777);
        try {
          chownSync(temporary, existing.uid, existing.gid);
        } catch {
          // only root may give a file away; the mode is what matters
        }
      }
      renameSync(temporary, target.path);
    });
  } catch (error) {
    // A folder that refuses new names, with the file itself writable: rewrite it in place.
    const code = (error as NodeJS.ErrnoException).code;
    if (existing && (code === "EACCES" || code === "EPERM" || code === "EROFS") && writable(target.path)) {
      writeInPlace(target.path, data, "w");
      return;
    }
    throw error;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function failed(path: string, error: unknown, options: WriteOptions): UserError {
  if (error instanceof UserError) return error;
  return new UserError(`cannot write ${path}: ${explain(error)}${options.flag ? `; choose another path with ${options.flag}` : ""}`);
}

/**
 * Writes `text` to `path` by the rules above: atomically for regular files, in place for
 * devices and FIFOs, through links, to stdout for `-`. Failures are one-line UserErrors.
 */
export function writeFile(path: string, text: string | Uint8Array, options: WriteOptions = {}): void {
  const target = resolveTarget(path, options);
  const data = bytes(text);
  try {
    if (target.kind === "stdout") writeAll(1, data);
    else if (target.kind === "stream") writeInPlace(target.path, data, "w");
    else replaceRegular(target, data);
  } catch (error) {
    throw failed(path, error, options);
  }
}

/** Appends `text` to `path` (created when absent), through links; devices and FIFOs get it in place. */
export function appendFile(path: string, text: string, options: WriteOptions = {}): void {
  const target = resolveTarget(path, options);
  try {
    if (target.kind === "stdout") writeAll(1, bytes(text));
    else writeInPlace(target.path, bytes(text), "a");
  } catch (error) {
    throw failed(path, error, options);
  }
}

/**
 * Opens `path` for a process's output (a log): truncated or created, through links; the
 * caller closes the descriptor. A folder or socket at the path is a UserError.
 */
export function openForOutput(path: string, options: WriteOptions = {}): number {
  const target = resolveTarget(path, options);
  try {
    return target.kind === "stdout" ? 1 : openSync(target.path, "w");
  } catch (error) {
    throw failed(path, error, options);
  }
}

/** A log a process's output goes to (its descriptor), with lines of our own between. */
export interface OutputLog {
  path: string;
  fd: number;
  write(text: string): void;
  close(): void;
}

/** Opens `path` as a log, appended to (created when absent), by the rules of `openForOutput`. */
export function openLog(path: string, options: WriteOptions = {}): OutputLog {
  const target = resolveTarget(path, options);
  let fd: number;
  try {
    fd = target.kind === "stdout" ? 1 : openSync(target.path, "a");
  } catch (error) {
    throw failed(path, error, options);
  }
  let open = true;
  return {
    path, fd,
    write: (text) => writeAll(fd, bytes(text)),
    close: () => {
      if (!open || fd === 1) return;
      open = false;
      closeSync(fd);
    },
  };
}

/**
 * Creates `path` with `text` only when nothing is there (O_EXCL): a lock file two runs
 * race for. True when this call created it.
 */
export function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeAll(fd, bytes(text));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Renames a folder of coldstart's own (a cache entry being published or set aside); errors are the caller's. */
export function moveFolder(from: string, to: string): void {
  renameSync(from, to);
}

/** Copies a regular file's content and mode to `dest` (a snapshot of a tree into a scratch folder). */
export function copyFile(source: string, dest: string): void {
  writeFile(dest, new Uint8Array(readFileSync(source)));
  chmodSync(dest, statSync(source).mode & 0o7777);
}

/**
 * Creates a new file at `path`, or at `<name>-2.json`, `-3`... when the name is taken:
 * link() refuses an existing name, so two runs finishing in the same second never
 * overwrite each other's file. Returns the path used.
 */
export function createNewFile(path: string, text: string, options: WriteOptions = {}): string {
  try {
    return viaTemporary(path, bytes(text), null, (temporary) => {
      for (let n = 1; ; n += 1) {
        const candidate = n === 1 ? path : path.replace(/(\.[A-Za-z]+)?$/, (ext) => `-${n}${ext}`);
        try {
          linkSync(temporary, candidate);
          return candidate;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
      }
    });
  } catch (error) {
    throw failed(path, error, options);
  }
}

/** Writes a kernel setting in place (e.g. /proc/sys/vm/drop_caches): never a temporary, never a rename. */
export function writeSetting(path: string, text: string): void {
  const fd = openSync(path, "w");
  try {
    writeAll(fd, bytes(text));
    fsyncSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EINVAL") throw error; // procfs files do not sync
  } finally {
    closeSync(fd);
  }
}

/** Makes `link` another name of `file` (a hard link, else a copy), replacing a regular file there. */
export function linkOrCopy(file: string, link: string): void {
  const existing = lstatOrNull(link);
  if (existing && (existing.isDirectory() || existing.isCharacterDevice() || existing.isFIFO())) {
    throw new UserError(`${link}: is ${existing.isDirectory() ? "a folder" : "a device or FIFO"}; remove it first`);
  }
  rmSync(link, { force: true });
  try {
    linkSync(file, link);
  } catch {
    writeFile(link, new Uint8Array(readFileSync(file)));
    chmodSync(link, statSync(file).mode & 0o7777);
  }
}

/** Copies a folder tree into `dest` (a new or empty folder): fixtures into scratch folders. */
export function copyTree(source: string, dest: string): void {
  const existing = lstatOrNull(dest);
  if (existing && !existing.isDirectory()) throw new UserError(`${dest}: exists and is not a folder`);
  cpSync(source, dest, { recursive: true });
}

/** Creates a folder and its parents; a UserError naming `flag` when it cannot. */
export function ensureDir(dir: string, flag = "--out"): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create output folder ${dir}: ${explain(error)}; choose another with ${flag}`);
  }
}

/** What coldstart itself puts in an output folder (result files, logs, the cache, advice). */
const OWN_FILES = /^(cold_start_.*\.json|install_.*\.log|cache|advice|\.gitkeep|\.gitignore|\.DS_Store|\..*\.tmp)$/;

/**
 * Creates the output folder (and its parents) and gives it a `.gitignore` of `*`, so the
 * user's `git status` never lists it: when coldstart creates it, or when it has no
 * `.gitignore` and holds nothing but coldstart's files. A user's own `.gitignore` is never
 * replaced, and a folder of other files (`--out .`) is left as it is.
 */
export function ensureOutputDir(dir: string, flag = "--out"): void {
  const existed = lstatOrNull(dir) !== null;
  ensureDir(dir, flag);
  const ignore = join(dir, ".gitignore");
  if (lstatOrNull(ignore) !== null) return;
  if (existed && !readdirSync(dir).every((name) => OWN_FILES.test(name))) return;
  writeFile(ignore, "# coldstart's output folder: result files, logs, the measurement cache\n*\n", { flag });
}

/**
 * Checks up front that files can be written in `dir`, so no measuring is wasted. A missing
 * folder is not created yet (a run that fails later leaves nothing behind): its nearest
 * existing parent must be a writable folder.
 */
export function ensureWritableDir(dir: string, flag = "--out"): void {
  let existing = resolve(dir);
  while (lstatOrNull(existing) === null && dirname(existing) !== existing) existing = dirname(existing);
  const fail = (problem: string): never => {
    throw new UserError(`cannot write to output folder ${dir}: ${problem}; choose another with ${flag}`);
  };
  let stats: Stats;
  try {
    stats = statSync(existing);
  } catch (error) {
    return fail(explain(error));
  }
  if (!stats.isDirectory()) fail(`${existing} is not a folder`);
  if (existing !== resolve(dir)) {
    try {
      accessSync(existing, constants.W_OK);
    } catch (error) {
      fail(explain(error));
    }
    return;
  }
  const probe = temporaryName(join(dir, "write-check"));
  try {
    writeFileSync(probe, "coldstart write check\n");
  } catch (error) {
    fail(explain(error));
  } finally {
    removeQuietly(probe);
  }
}

/**
 * Checks up front that a report can be written to `path` (given with `flag`): `-`, a
 * device or FIFO, or a file (or link to one) whose folder exists and is writable, or which
 * is itself writable.
 */
export function ensureWritableFile(path: string, flag: string): void {
  const target = resolveTarget(path, { flag });
  if (target.kind === "stdout" || target.kind === "stream") return;
  const folder = dirname(target.path);
  const fail = (problem: string): never => {
    throw new UserError(`${flag} ${path}: ${problem}; choose another path for ${flag}`);
  };
  const stats = lstatOrNull(folder);
  if (stats === null || !statSync(folder).isDirectory()) fail(`the folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    if (!(target.kind === "regular" && writable(target.path))) fail(explain(error));
  }
}
