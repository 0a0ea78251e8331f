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
      const modules = check.object(deferred?.take("importers", name) ?? table, `${field}.${name}`);
      for (const module of Object.keys(modules)) {
        safeKey(check, module, `${field}.${name}`);
        const record = check.fields(modules[module], () => `${field}.${name}.${module}`, [], IMPORTER_FIELDS);
        if (record.startup !== true) delete record.startup;
      }
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
      const hotspot = check.fields(item, () => `${field}.${name}[${index}]`, HOTSPOT_REQUIRED, HOTSPOT_OPTIONAL);
      hotspot.count ??= 1;
    });
    out[name] = list as unknown as Hotspot[];
  }
  return out;
}
