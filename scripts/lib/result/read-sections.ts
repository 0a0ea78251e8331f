/**
 * Parsing a result file's largest sections only when they are read. `importtime` and
 * `importers` hold a record per loaded module per measurement (most of a file's bytes);
 * a comparison reads those of one or two measurements. In a file laid out as coldstart
 * writes it (JSON.stringify with 2 spaces: each measurement's value opens at the end of its
 * key's line and closes on a line of its own, indented 4), each such value is cut out of
 * the text before the first parse, as its own slice, and parsed when first asked for.
 *
 * Nothing is trusted to the layout: a slice is parsed on its own, so it must be exactly one
 * JSON value, and the rest must still parse. When either fails, the whole text is parsed
 * as it would have been without this (and fails with the same message, if it is broken).
 */

/** The sections cut out (top-level keys whose values are objects of one value per measurement). */
export const DEFERRED_SECTIONS = ["importtime", "importers"] as const;
export type DeferredSection = (typeof DEFERRED_SECTIONS)[number];

/** Values left out of the first parse, parsed when taken. */
export interface Deferred {
  /** The value of `section[name]`, parsed now; undefined when it was not left out. */
  take(section: DeferredSection, name: string): unknown;
}

export interface SplitText {
  /** The text with every deferred value replaced by an empty one of its kind (`[]` or `{}`). */
  skeleton: string;
  /** The deferred values; `whole()` parses the full text (it throws the file's own error when broken). */
  deferred(whole: () => unknown): Deferred;
}

/**
 * Cuts the per-measurement values of `sections` out of `text`; null when there is nothing
 * to cut (a file laid out otherwise: it is parsed whole).
 */
export function splitSections(text: string, sections: readonly DeferredSection[] = DEFERRED_SECTIONS): SplitText | null {
  const cuts: { start: number; end: number; empty: string; section: DeferredSection; name: string }[] = [];
  for (const section of sections) {
    const marker = `\n  "${section}": {\n`;
    const open = text.indexOf(marker);
    // Absent, or the key given twice (JSON.parse keeps the last): parsed as it is.
    if (open < 0 || text.indexOf(marker, open + 1) >= 0) continue;
    let line = open + marker.length;
    for (;;) {
      const lineEnd = text.indexOf("\n", line);
      if (lineEnd < 0 || !text.startsWith('    "', line)) break;
      const last = text[lineEnd - 1];
      // A value on one line (`[]`, `{}`) stays; so does anything not written as coldstart writes it.
      if (last !== "{" && last !== "[") {
        line = lineEnd + 1;
        continue;
      }
      const colon = lineEnd - 3;
      if (text[colon] !== ":" || text[colon + 1] !== " " || text[colon - 1] !== '"') break;
      let name: unknown;
      try {
        name = JSON.parse(text.slice(line + 4, colon));
      } catch {
        break;
      }
      if (typeof name !== "string") break;
      const close = text.indexOf(last === "{" ? "\n    }" : "\n    ]", lineEnd);
      if (close < 0) break;
      const end = close + 6;
      cuts.push({ start: lineEnd - 1, end, empty: last === "{" ? "{}" : "[]", section, name });
      if (text[end] !== "," || text[end + 1] !== "\n") break;
      line = end + 2;
    }
  }
  if (cuts.length === 0) return null;
  cuts.sort((a, b) => a.start - b.start);
  const pieces: string[] = [];
  const slices: Record<DeferredSection, Map<string, string>> = { importtime: new Map(), importers: new Map() };
  let at = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(at, cut.start), cut.empty);
    slices[cut.section].set(cut.name, text.slice(cut.start, cut.end));
    at = cut.end;
  }
  pieces.push(text.slice(at));
  return {
    skeleton: pieces.join(""),
    deferred: (whole) => {
      let parsed: Record<string, Record<string, unknown> | undefined> | undefined;
      return {
        take(section, name) {
          const slice = slices[section].get(name);
          if (slice === undefined) return undefined;
          try {
            return JSON.parse(slice);
          } catch {
            // Not one value after all: the whole text decides (and names the error, if any).
            parsed ??= whole() as typeof parsed;
            return parsed?.[section]?.[name];
          }
        },
      };
    },
  };
}
