/**
 * Writing output files so that nothing is ever half-written: a temporary file in the same
 * folder, then rename (atomic on one filesystem). Failures become one-line UserErrors.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.ts";
import { resultFileName, type ResultFile } from "./result.ts";

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

export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UserError(`cannot write ${path}: ${explain(error)}; choose another folder with --out`);
  }
}

/**
 * Saves a result as `cold_start_<seconds>.json` (or `cold_start_<ref>_<seconds>.json`) and
 * as `cold_start_latest.json`. Never overwrites an existing timestamped file: a second run
 * within the same second gets a `-2` suffix. Returns the timestamped path.
 */
export function saveResult(outDir: string, result: ResultFile, ref?: string | null): string {
  ensureDir(outDir);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const name = resultFileName(result.timestamp, ref);
  let path = join(outDir, name);
  for (let n = 2; existsSync(path); n += 1) {
    path = join(outDir, name.replace(/\.json$/, `-${n}.json`));
  }
  writeFileAtomic(path, text);
  writeFileAtomic(join(outDir, "cold_start_latest.json"), text);
  return path;
}

