/**
 * Saving result files: a new timestamped file (never overwriting another run's) and
 * `cold_start_latest.json`, both through the one writer (../write.ts).
 */
import { join } from "node:path";
import { createNewFile, ensureOutputDir, writeFile } from "../write.ts";
import { resultFileName, type ResultFile } from "./schema.ts";

/**
 * Saves a result as `cold_start_<seconds>.json` (or `cold_start_<ref>_<seconds>.json`) and
 * as `cold_start_latest.json`. Returns the timestamped path.
 */
export function saveResult(outDir: string, result: ResultFile, ref?: string | null, latest = true): string {
  ensureOutputDir(outDir);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const path = createNewFile(join(outDir, resultFileName(result.timestamp, ref)), text, { flag: "--out" });
  if (latest) writeFile(join(outDir, "cold_start_latest.json"), text, { flag: "--out" });
  return path;
}
