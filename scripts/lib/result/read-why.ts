/**
 * Reading the "why" sections of a result file: who imported each module, and the
 * hotspots. Checked in place (a file holds a record per loaded module per measurement);
 * fields beyond the checked ones (root, kind, function, via...) are kept.
 */
import type { Deferred } from "./read-sections.ts";
import type { Hotspot, ImporterRecord } from "./schema.ts";
import { checkedOnRead, entries, type FieldList, safeKey, type ShapeChecker } from "./shape.ts";

const IMPORTER_FIELDS: FieldList = [["by", "string"], ["file", "string"], ["line", "number"], ["code", "string"]];

/**
 * One importers record, checked in place as `check.fields` would with IMPORTER_FIELDS
 * optional (absent → null): written out because a file holds thousands, read before the
 * JIT warms up, where each generic step costs.
 */
function checkImporter(check: ShapeChecker, at: string, module: string, value: unknown): void {
  if (module === "__proto__" || module === "constructor" || module === "prototype") safeKey(check, module, at);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.fields(value, at, module, [], IMPORTER_FIELDS); // names the problem
    return;
  }
  const record = value as Record<string, unknown>;
  const { by, file, line, code } = record;
  if (by === undefined) record.by = null;
  if (file === undefined) record.file = null;
  if (line === undefined) record.line = null;
  if (code === undefined) record.code = null;
  const bad = (by != null && typeof by !== "string") || (file != null && typeof file !== "string") ||
    (code != null && typeof code !== "string") || (line != null && !(typeof line === "number" && Number.isFinite(line)));
  if (bad) check.fields(value, at, module, [], IMPORTER_FIELDS); // names the field
  if (record.startup !== undefined && record.startup !== true) delete record.startup;
}

/**
 * The importers section, checked lazily: each measurement's table (a record per loaded
 * module) is checked the first time it is read, so a comparison that never draws a chain
 * does not pay for thousands of records. A broken record is still one line naming it.
 */
export function parseImporters(check: ShapeChecker, value: unknown, field: string, deferred?: Deferred): Record<string, Record<string, ImporterRecord>> {
  const out: Record<string, Record<string, ImporterRecord>> = {};
  for (const [name, table] of entries(check, check.object(value, field), field)) {
    check.object(table, `${field}.${name}`);
    checkedOnRead(out, name, () => {
      // A table left out of the first parse (read-sections.ts) is parsed now.
      const at = `${field}.${name}`;
      const modules = check.object(deferred?.take("importers", name) ?? table, at);
      const names = Object.keys(modules);
      for (let i = 0; i < names.length; i += 1) checkImporter(check, at, names[i]!, modules[names[i]!]);
      return modules as unknown as Record<string, ImporterRecord>;
    });
  }
  return out;
}

const HOTSPOT_REQUIRED: FieldList = [["module", "string"], ["call", "string"], ["ms", "number"]];
const HOTSPOT_OPTIONAL: FieldList = [["file", "string"], ["line", "number"], ["count", "number"]];

export function parseHotspots(check: ShapeChecker, value: unknown, field: string): Record<string, Hotspot[]> {
  const out: Record<string, Hotspot[]> = {};
  for (const [name, list] of entries(check, check.object(value, field), field)) {
    if (!Array.isArray(list)) check.fail(`${field}.${name}`, "must be a list");
    list.forEach((item, index) => {
      const hotspot = check.fields(item, `${field}.${name}`, index, HOTSPOT_REQUIRED, HOTSPOT_OPTIONAL);
      hotspot.count ??= 1;
    });
    out[name] = list as unknown as Hotspot[];
  }
  return out;
}
