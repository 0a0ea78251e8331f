/**
 * Checking parsed JSON against the result file's shape: one-line errors naming the source
 * and the field, and own keys only (a `__proto__` key is refused, not followed).
 */
import { UserError } from "../errors.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type FieldKind = "string" | "number" | "boolean";
/** Field names and kinds, as a list: checked in a plain loop (thousands of records a file). */
export type FieldList = readonly (readonly [string, FieldKind])[];

const PROBLEM: Record<FieldKind, string> = { string: "must be a string", number: "must be a number", boolean: "must be true or false" };

function hasKind(value: unknown, kind: FieldKind): boolean {
  return kind === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === kind;
}

/** Refuses keys that would reach the prototype instead of the object. */
export function safeKey(check: ShapeChecker, key: string, field: string): void {
  if (key === "__proto__" || key === "constructor" || key === "prototype") check.fail(`${field}.${key}`, "is not allowed");
}

/** `parent.key`, or `parent[index]`. */
function pathOf(parent: string, key: string | number): string {
  return typeof key === "number" ? `${parent}[${key}]` : `${parent}.${key}`;
}

export class ShapeChecker {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new UserError(`${this.source}: field "${field}" ${problem}`);
  }

  object(value: unknown, field: string): Record<string, Json> {
    if (!isObject(value)) this.fail(field, "must be an object");
    return value;
  }

  number(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(field, "must be a number");
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string") this.fail(field, "must be a string");
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "must be true or false");
    return value;
  }

  numbers(value: unknown, field: string): number[] {
    if (!Array.isArray(value)) this.fail(field, "must be a list of numbers");
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index];
      if (typeof item !== "number" || !Number.isFinite(item)) this.fail(`${field}[${index}]`, "must be a number");
    }
    return value as number[];
  }

  strings(value: unknown, field: string, problem = "must be a list of strings"): string[] {
    if (!Array.isArray(value)) this.fail(field, problem);
    for (let index = 0; index < value.length; index += 1) {
      if (typeof value[index] !== "string") this.fail(`${field}[${index}]`, "must be a string");
    }
    return value as string[];
  }

  /**
   * Checks an object's fields in place: `required` ones must have their kind, `optional`
   * ones may be absent or null (they become null). Other fields are kept. The object is
   * `parent[key]` (`parent.key`, or `parent[index]` for a number); its path is only built
   * when something is wrong: result files hold thousands of such records, so no closure or
   * string is made per record.
   */
  fields(value: unknown, parent: string, key: string | number, required: FieldList, optional: FieldList = []): Record<string, Json> {
    if (!isObject(value)) this.fail(pathOf(parent, key), "must be an object");
    // Plain indexed loops, no destructuring: this runs once per record, mostly before the JIT warms up.
    for (let i = 0; i < required.length; i += 1) {
      const field = required[i]!;
      const kind = field[1];
      if (!hasKind(value[field[0]], kind)) this.fail(`${pathOf(parent, key)}.${field[0]}`, PROBLEM[kind]);
    }
    for (let i = 0; i < optional.length; i += 1) {
      const field = optional[i]!;
      const name = field[0];
      const item = value[name];
      if (item === undefined) value[name] = null;
      else if (item !== null && !hasKind(item, field[1])) this.fail(`${pathOf(parent, key)}.${name}`, PROBLEM[field[1]]);
    }
    return value;
  }

  optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
    return value === undefined || value === null ? undefined : check(value);
  }
}

/** Own, safe keys of a parsed JSON object (a `__proto__` key is refused, not followed). */
export function entries(check: ShapeChecker, object: Record<string, Json>, field: string): [string, Json][] {
  const keys = Object.keys(object);
  const out: [string, Json][] = new Array(keys.length);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    safeKey(check, key, field);
    out[i] = [key, object[key] as Json];
  }
  return out;
}

/**
 * Sets `out[name]` to `value`, checked by `check` the first time it is read: a result
 * file holds thousands of importtime rows and importer records per measurement, and a
 * report that reads one measurement's should not pay for every one's. A broken entry is
 * still one line naming it, when it is read.
 */
export function checkedOnRead<T>(out: Record<string, T>, name: string, check: () => T): void {
  let value: T | undefined;
  Object.defineProperty(out, name, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= check()),
  });
}
