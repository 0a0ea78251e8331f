/**
 * Every file the tools write goes through scripts/lib/write.ts: this walks scripts/ and
 * fails on any other way of writing a file (node:fs write functions, Bun.write to a path,
 * a file writer).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../helpers.ts";

const WRITER = "scripts/lib/write.ts";
/** node:fs functions that write, create, move or copy files. */
const FS_WRITES = new Set([
  "writeFileSync", "writeFile", "appendFileSync", "appendFile", "renameSync", "rename", "copyFileSync", "copyFile", "cpSync", "cp",
  "linkSync", "link", "symlinkSync", "symlink", "truncateSync", "truncate", "createWriteStream", "openSync", "open", "writeSync", "write",
  "mkdtempSync", "ftruncateSync",
]);
/** Creating our own temporary folders is not writing a file. */
const ALLOWED_ELSEWHERE = new Set(["mkdtempSync"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The ways `text` writes a file other than through the writer, as "what (line N)". */
export function foreignWrites(text: string): string[] {
  const found: string[] = [];
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["'](?:node:)?fs(?:\/promises)?["']/g)) {
    for (const name of match[1]!.split(",").map((part) => part.trim().split(/\s+as\s+/)[0]!.trim()).filter(Boolean)) {
      if (!FS_WRITES.has(name) || ALLOWED_ELSEWHERE.has(name)) continue;
      // Opening for reading is not writing: openSync(path, "r") everywhere it is called.
      const calls = [...text.matchAll(/\bopenSync\(([^()]|\([^()]*\))*\)/g)].map((call) => call[0]);
      if (name === "openSync" && calls.length > 0 && calls.every((call) => /,\s*["']rs?["']\s*\)$/.test(call))) continue;
      found.push(`imports ${name} from node:fs (line ${lineOf(match.index!)})`);
    }
  }
  for (const match of text.matchAll(/import\s*\*\s*as\s+\w+\s+from\s*["'](?:node:)?fs(?:\/promises)?["']|require\(\s*["'](?:node:)?fs["']\s*\)/g)) {
    found.push(`takes all of node:fs (line ${lineOf(match.index!)})`);
  }
  for (const match of text.matchAll(/Bun\.write\(\s*([^,]*)/g)) {
    if (!/^Bun\.std(out|err)$|^destination$/.test(match[1]!.trim())) found.push(`Bun.write to ${match[1]!.trim()} (line ${lineOf(match.index!)})`);
  }
  for (const match of text.matchAll(/\.writer\(\)/g)) found.push(`a file writer (line ${lineOf(match.index!)})`);
  return found;
}

describe("one writer", () => {
  test("no file under scripts/ writes except through scripts/lib/write.ts", () => {
    const offenders = sources(join(ROOT, "scripts"))
      .map((path) => relative(ROOT, path))
      .filter((path) => path !== WRITER)
      .flatMap((path) => foreignWrites(readFileSync(join(ROOT, path), "utf8")).map((what) => `${path}: ${what}`));
    expect(offenders).toEqual([]);
  });

  test("the scan sees each way of writing", () => {
    expect(foreignWrites('import { readFileSync, writeFileSync } from "node:fs";')).toHaveLength(1);
    expect(foreignWrites('import { renameSync as mv } from "fs";')).toHaveLength(1);
    expect(foreignWrites('import * as fs from "node:fs";')).toHaveLength(1);
    expect(foreignWrites('await Bun.write("out.json", text);')).toHaveLength(1);
    expect(foreignWrites("Bun.file(path).writer();")).toHaveLength(1);
    expect(foreignWrites('import { readFileSync, mkdtempSync } from "node:fs"; await Bun.write(Bun.stdout, text);')).toEqual([]);
    expect(foreignWrites('import { openSync } from "node:fs"; const fd = openSync(path, "r");')).toEqual([]);
    expect(foreignWrites('import { openSync } from "node:fs"; const fd = openSync(path, "r"); openSync(log, "a");')).toHaveLength(1);
  });
});
