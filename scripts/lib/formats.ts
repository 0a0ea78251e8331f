/**
 * The report formats, as one table: what each renders (a comparison of result files, a
 * history's trend, a bisect) and with which renderer. `--format`'s choices and help, the
 * report options' type, the refusals ("--history reports as terminal, json or html") and
 * every emitter derive from it; adding a format is a renderer and one entry here.
 *
 * Renderers are loaded when first asked for (`require`, kept literal so the compiled
 * binary bundles them): parsing a command line loads none, a tool loads what it prints.
 */
import { UserError } from "./errors.ts";
import type { Comparison } from "./model/comparison.ts";
import type { BisectReport, Trend } from "./model/history.ts";
import type { Palette } from "./render/color.ts";

export interface RenderOptions {
  /** Colours (formats for the terminal only; default none). */
  palette?: Palette;
  /** Distribution sketches (terminal only). */
  charts?: boolean;
}

/** What a format can be asked to render. */
export interface Subjects {
  comparison: Comparison;
  trend: Trend;
  bisect: BisectReport;
}
export type Subject = keyof Subjects;
export type Renderer<S extends Subject> = (value: Subjects[S], options: RenderOptions) => string;

export interface FormatDef {
  name: string;
  /** Other names `--format` takes for it (`md`); reports and messages use `name`. */
  aliases?: string[];
  /** What it is for, in --help. */
  about: string;
  /** Written for a person at a terminal: colour and sketches when stdout is one. */
  forTerminal?: boolean;
  /** A loader per subject it renders. */
  renders: { [S in Subject]?: () => Renderer<S> };
}

/** The json format: the model itself (every verdict, interval and figure; no NaN), versioned by its `formatVersion`. */
/** A renderer's module as the table loads it (types only: the table imports no renderer). */
type RendererModule<S extends Subject> = { render: (value: Subjects[S], options?: RenderOptions) => string };

const json = () => (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const FORMATS: FormatDef[] = [
  {
    name: "terminal", about: "for reading here", forTerminal: true,
    renders: {
      comparison: () => (require("./render/terminal.ts") as RendererModule<"comparison">).render,
      trend: () => (require("./render/history-terminal.ts") as RendererModule<"trend">).render,
      bisect: () => (require("./render/bisect-terminal.ts") as RendererModule<"bisect">).render,
    },
  },
  {
    name: "markdown", aliases: ["md"], about: "a pull request comment or $GITHUB_STEP_SUMMARY",
    renders: { comparison: () => (require("./render/markdown.ts") as RendererModule<"comparison">).render },
  },
  { name: "json", about: "the model itself, for programs", renders: { comparison: json, trend: json, bisect: json } },
  {
    name: "html", about: "a self-contained page",
    renders: {
      comparison: () => (require("./render/html.ts") as RendererModule<"comparison">).render,
      trend: () => (require("./render/history-html.ts") as RendererModule<"trend">).render,
    },
  },
];

/** The names of the formats (that render `subject`), in table order. */
export function formatNames(subject?: Subject): string[] {
  return FORMATS.filter((format) => subject === undefined || format.renders[subject]).map((format) => format.name);
}

/** Every name `--format` accepts: each format's name, then its aliases. */
export function formatChoices(): string[] {
  return FORMATS.flatMap((format) => [format.name, ...(format.aliases ?? [])]);
}

/** "terminal, json or html". */
function spoken(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

export function formatDef(name: string): FormatDef {
  const format = FORMATS.find((item) => item.name === name || item.aliases?.includes(name));
  if (!format) throw new UserError(`unknown format ${JSON.stringify(name)}: choose ${spoken(formatNames())}`);
  return format;
}

/**
 * Fails with one line unless `format` renders `subject`; `what` names the question ("--history",
 * "a bisect"), `flag` the option that asked for a copy in that format (`--html`, `--github`).
 */
export function checkFormat(name: string, subject: Subject, what: string, flag?: string): void {
  if (formatDef(name).renders[subject]) return;
  const names = formatNames(subject);
  const formats = `${spoken(names)} (--format ${names.join("|")})`;
  throw new UserError(flag ? `${flag}: ${what} has no ${name} report; it reports as ${formats}` : `${what} reports as ${formats}, not ${name}`);
}

/** Renders `value` (a `subject`) in format `name`. */
export function render<S extends Subject>(name: string, subject: S, value: Subjects[S], options: RenderOptions = {}): string {
  checkFormat(name, subject, subject === "comparison" ? "a comparison" : subject === "trend" ? "--history" : "a bisect");
  return formatDef(name).renders[subject]!()(value, options);
}
