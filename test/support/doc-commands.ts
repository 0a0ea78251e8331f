/**
 * The coldstart commands written in the README and docs/: every line of a ```sh or ```bash
 * block that runs one of the three tools, with the tool it names and its arguments.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Tool } from "../../scripts/lib/settings.ts";
import { ROOT } from "../helpers.ts";

export interface DocCommand {
  /** "README.md:44". */
  where: string;
  /** The line as written, comment removed. */
  text: string;
  tool: Tool;
  args: string[];
}

const TOOLS: [RegExp, Tool][] = [
  [/^(?:bun (?:\S*\/)?scripts\/test_cold_start\.ts|(?:\.\/)?coldstart-test|(?:\.\/)?coldstart test)\b/, "test"],
  [/^(?:bun (?:\S*\/)?scripts\/benchmark_cold_start\.ts|(?:\.\/)?coldstart-bench|(?:\.\/)?coldstart bench)\b/, "bench"],
  [/^(?:bun (?:\S*\/)?scripts\/compare_benchmarks\.ts|(?:\.\/)?coldstart-compare|(?:\.\/)?coldstart compare)\b/, "compare"],
];

/** Splits a command line like a shell: quotes group, a redirection ends the arguments. */
export function words(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3]!;
    if (match[3] && /^[<>|&;]/.test(word)) break;
    out.push(word);
  }
  return out;
}

export function docFiles(): string[] {
  return ["README.md", ...readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => join("docs", name))];
}

export function docCommands(): DocCommand[] {
  const found: DocCommand[] = [];
  for (const file of docFiles()) {
    let inShell = false;
    readFileSync(join(ROOT, file), "utf8").split("\n").forEach((raw, index) => {
      if (raw.startsWith("```")) {
        inShell = !inShell && /^```(sh|bash)\s*$/.test(raw);
        return;
      }
      if (!inShell) return;
      const text = raw.replace(/\s+#\s.*$/, "").trim();
      for (const [pattern, tool] of TOOLS) {
        const match = pattern.exec(text);
        if (match) found.push({ where: `${file}:${index + 1}`, text, tool, args: words(text.slice(match[0].length)) });
      }
    });
  }
  return found;
}
