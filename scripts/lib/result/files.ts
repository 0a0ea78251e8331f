/**
 * Writing output files so that nothing is ever half-written: a temporary file in the same
 * folder, then rename (atomic on one filesystem). Failures become one-line UserErrors.
 */
import { accessSync, constants, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { resultFileName, type ResultFile } from "./schema.ts";

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
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create output folder ${dir}: ${explain(error)}; choose another with --out`);
  }
}

/**
 * Checks up front that results can be written to `dir`, so no measuring is wasted. A
 * missing folder is not created yet (a run that fails later leaves nothing behind): its
 * nearest existing parent must be writable. `flag` is the option the user would change.
 */
export function ensureWritableDir(dir: string, flag = "--out"): void {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const fail = (error: unknown): never => {
    throw new UserError(`cannot write to output folder ${dir}: ${explain(error)}; choose another with ${flag}`);
  };
  if (!statSync(existing).isDirectory()) fail(new Error(`${existing} is not a folder`));
  if (existing !== resolve(dir)) {
    try {
      accessSync(existing, constants.W_OK);
    } catch (error) {
      fail(error);
    }
    return;
  }
  const probe = temporaryName(join(dir, "write-check"));
  try {
    writeFileSync(probe, "coldstart write check\n");
  } catch (error) {
    fail(error);
  } finally {
    removeQuietly(probe);
  }
}

/**
 * Checks up front that a report can be written to `path` (given with `flag`): its folder
 * exists and is writable, and the path is not a folder.
 */
export function ensureWritableFile(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  const fail = (problem: string): never => {
    throw new UserError(`${flag} ${path}: ${problem}; choose another path for ${flag}`);
  };
  if (!existsSync(folder) || !statSync(folder).isDirectory()) fail(`the folder ${folder} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) fail("it is a folder");
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    fail(explain(error));
  }
}

/** Removes a temporary file; on a read-only or vanished folder there is nothing to remove. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was written there
  }
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** Writes a temporary file beside `path` and hands it to `place`; the temporary never stays. */
function viaTemporary<T>(path: string, text: string, place: (temporary: string) => T, flag: string): T {
  const temporary = temporaryName(path);
  try {
    writeFileSync(temporary, text);
    return place(temporary);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot write ${path}: ${explain(error)}; choose another path with ${flag}`);
  } finally {
    removeQuietly(temporary);
  }
}

/** Replaces `path` in one step: readers see the old file or the new one, never a part. */
export function writeFileAtomic(path: string, text: string, flag = "--out"): void {
  viaTemporary(path, text, (temporary) => renameSync(temporary, path), flag);
}

/**
 * Creates a new file at `path`, or at `<name>-2.json`, `-3`... when the name is taken:
 * link() refuses an existing name, so two runs finishing in the same second never
 * overwrite each other's file. Returns the path used.
 */
function createFileAtomic(path: string, text: string): string {
  return viaTemporary(path, text, (temporary) => {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? path : path.replace(/\.json$/, `-${n}.json`);
      try {
        linkSync(temporary, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }, "--out");
}

/**
 * Saves a result as `cold_start_<seconds>.json` (or `cold_start_<ref>_<seconds>.json`) and
 * as `cold_start_latest.json`, both atomically. Returns the timestamped path.
 */
export function saveResult(outDir: string, result: ResultFile, ref?: string | null, latest = true): string {
  ensureDir(outDir);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const path = createFileAtomic(join(outDir, resultFileName(result.timestamp, ref)), text);
  if (latest) writeFileAtomic(join(outDir, "cold_start_latest.json"), text);
  return path;
}
