/**
 * Terminal colour, decided once: FORCE_COLOR (set and not "0"/"false") forces it on,
 * else NO_COLOR (set and non-empty) or TERM=dumb turns it off, else colour only when the
 * stream is a terminal. Only the terminal renderer colours; every palette has a plain twin.
 */
import { fstatSync, statSync } from "node:fs";
import type kleurType from "kleur";

export interface Palette {
  enabled: boolean;
  /** Better: faster, fewer modules, now lazy. */
  good(text: string): string;
  /** Worse: slower, more modules, now eager. */
  bad(text: string): string;
  /** Unchanged / no significant change. */
  same(text: string): string;
  /** Warnings (environment mismatch). */
  warn(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** Whether to colour output going to a stream with this `isTTY`, under this environment. */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean | undefined): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY === true;
}

const identity = (text: string): string => text;

export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, good: identity, bad: identity, same: identity, warn: identity, bold: identity, dim: identity };
  }
  // Loaded only when colouring: kleur looks at process.stdout when imported, and Bun
  // builds that stream lazily at a cost of ~17 ms of start-up.
  const kleur = require("kleur") as typeof kleurType;
  // kleur's own detection is bypassed: this module has decided.
  kleur.enabled = true;
  return {
    enabled,
    good: (text) => kleur.green(text),
    bad: (text) => kleur.red(text),
    same: (text) => kleur.yellow(text),
    warn: (text) => kleur.bold().yellow(text),
    bold: (text) => kleur.bold(text),
    dim: (text) => kleur.dim(text),
  };
}

/**
 * Whether file descriptor `fd` is a terminal, without touching process.stdout (whose lazy
 * set-up costs more start-up than the whole comparison): a character device that is not
 * /dev/null.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isCharacterDevice() && stat.rdev !== statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

/** The palette for this process's stdout. */
export function stdoutPalette(): Palette {
  return createPalette(colorEnabled(process.env, isTerminal(1)));
}

export const plainPalette: Palette = createPalette(false);
