/**
 * Checks of the options and arguments plain JavaScript callers pass: each
 * failure says "Cannot <action>: <name> must be <rule>, got <value>", a
 * TypeError when the kind of value is wrong, a RangeError when a number is
 * out of range.
 *
 * @module
 */

import { cannot } from "./errors.ts";
import { describe } from "./format.ts";

/** Bounds of a numeric check; exclusive bounds leave out the endpoint. */
export interface Range {
  /** The lowest value allowed. */
  min?: number;
  /** The highest value allowed. */
  max?: number;
  /** Whether `min` itself is refused. */
  minExclusive?: boolean;
  /** Whether `max` itself is refused. */
  maxExclusive?: boolean;
  /** Whether NaN and ±Infinity are refused (default true; `checkNumber` only). */
  finite?: boolean;
}

/** ">= 0 and < 1", or "" without bounds. */
function bounds(range: Range): string {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${minExclusive ? ">" : ">="} ${min}`);
  if (max !== undefined) parts.push(`${maxExclusive ? "<" : "<="} ${max}`);
  return parts.join(" and ");
}

function inRange(value: number, range: Range): boolean {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const low = min === undefined || (minExclusive ? value > min : value >= min);
  const high = max === undefined || (maxExclusive ? value < max : value <= max);
  return low && high;
}

/**
 * Checks an options argument: an object, or undefined (which becomes `{}`).
 *
 * @param options What the caller passed.
 * @param action What the options are for, for the message.
 * @returns The options, or `{}`.
 * @throws {TypeError} For anything but a non-array object or undefined.
 *
 * @example
 * ```ts
 * import { checkOptions } from "@glassbox/internal";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * deepStrictEqual(checkOptions(undefined, "create SGD"), {});
 * throws(() => checkOptions(3 as never, "create SGD"), /options must be an object, got 3/);
 * ```
 */
export function checkOptions<T extends object>(options: T | undefined, action: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(cannot(action, `options must be an object, got ${describe(options)}`));
  }
  return options;
}

/**
 * Rejects keys an options object may not have, so a misspelt option is an
 * error rather than a silent no-op.
 *
 * @param options The options object.
 * @param allowed The keys it may have.
 * @param action What the options are for, for the message.
 * @throws {TypeError} Naming the first unknown key and the allowed ones.
 *
 * @example
 * ```ts
 * import { checkKeys } from "@glassbox/internal";
 * import { throws } from "node:assert/strict";
 *
 * checkKeys({ lr: 0.1 }, ["lr", "momentum"], "create SGD");
 * throws(() => checkKeys({ Lr: 0.1 }, ["lr"], "create SGD"), /unknown option Lr \(expected one of lr\)/);
 * ```
 */
export function checkKeys(options: object, allowed: readonly string[], action: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        cannot(action, `unknown option ${key} (expected one of ${allowed.join(", ")})`),
      );
    }
  }
}

/**
 * Checks a number: finite (unless `range.finite` is false) and within the
 * bounds of `range`; `fallback` stands in for undefined when given.
 *
 * @param value What the caller passed.
 * @param action What it is for, for the message.
 * @param name The option's or argument's name.
 * @param range The bounds, if any.
 * @param fallback The value of an omitted (undefined) option.
 * @returns The number.
 * @throws {TypeError} When `value` is not a number.
 * @throws {RangeError} When it is not finite or out of range.
 *
 * @example
 * ```ts
 * import { checkNumber } from "@glassbox/internal";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(checkNumber(undefined, "create SGD", "momentum", { min: 0 }, 0), 0);
 * throws(
 *   () => checkNumber(-1, "create SGD", "lr", { min: 0 }),
 *   /Cannot create SGD: lr must be finite and >= 0, got -1/,
 * );
 * ```
 */
export function checkNumber(
  value: unknown,
  action: string,
  name: string,
  range: Range = {},
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(cannot(action, `${name} must be a number, got ${describe(value)}`));
  }
  const finite = range.finite ?? true;
  if ((finite && !Number.isFinite(value)) || !inRange(value, range)) {
    const rule = [finite ? "finite" : "", bounds(range)].filter((s) => s !== "").join(" and ");
    throw new RangeError(cannot(action, `${name} must be ${rule}, got ${value}`));
  }
  return value;
}

/**
 * Checks an integer within bounds: `range` is the lowest value allowed or a
 * {@linkcode Range}; `fallback` stands in for undefined when given.
 *
 * @param value What the caller passed.
 * @param action What it is for, for the message.
 * @param name The option's or argument's name.
 * @param range The lowest value allowed, or the bounds.
 * @param fallback The value of an omitted (undefined) option.
 * @returns The integer.
 * @throws {TypeError} When `value` is not a number.
 * @throws {RangeError} When it is not an integer or out of range.
 *
 * @example
 * ```ts
 * import { checkInteger } from "@glassbox/internal";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(checkInteger(32, "fit", "epochs", 1), 32);
 * throws(() => checkInteger(0.5, "fit", "epochs", 1), /epochs must be an integer >= 1, got 0.5/);
 * throws(
 *   () => checkInteger(2000, "make regression", "blasThreads", { min: 1, max: 1024 }),
 *   /blasThreads must be an integer >= 1 and <= 1024, got 2000/,
 * );
 * ```
 */
export function checkInteger(
  value: unknown,
  action: string,
  name: string,
  range: number | Range = {},
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(cannot(action, `${name} must be an integer, got ${describe(value)}`));
  }
  const r: Range = typeof range === "number" ? { min: range } : range;
  if (!Number.isInteger(value) || !inRange(value, r)) {
    const rule = bounds(r);
    throw new RangeError(
      cannot(action, `${name} must be an integer${rule === "" ? "" : ` ${rule}`}, got ${value}`),
    );
  }
  return value;
}

/**
 * Checks a boolean; `fallback` stands in for undefined when given.
 *
 * @param value What the caller passed.
 * @param action What it is for, for the message.
 * @param name The option's or argument's name.
 * @param fallback The value of an omitted (undefined) option.
 * @returns The boolean.
 * @throws {TypeError} For anything but true or false.
 *
 * @example
 * ```ts
 * import { checkBoolean } from "@glassbox/internal";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(checkBoolean(undefined, "create SGD", "nesterov", false), false);
 * throws(() => checkBoolean("yes", "create SGD", "nesterov"), /nesterov must be true or false, got "yes"/);
 * ```
 */
export function checkBoolean(
  value: unknown,
  action: string,
  name: string,
  fallback?: boolean,
): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(cannot(action, `${name} must be true or false, got ${describe(value)}`));
  }
  return value;
}

/**
 * What is wrong with one class-index target, or null when it is fine: an
 * integer in [0, classes), or exactly `ignoreIndex`. The losses and `fit`'s
 * device path (which checks labels before they go to the GPU) word their
 * refusals with it.
 *
 * @param value The target.
 * @param classes The number of classes.
 * @param ignoreIndex The target value that marks an ignored row.
 * @returns `"is out of range for N classes"`, `"is not an integer class index"`, or null.
 *
 * @example
 * ```ts
 * import { classIndexProblem } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(classIndexProblem(2, 3, -100), null);
 * strictEqual(classIndexProblem(-100, 3, -100), null);
 * strictEqual(classIndexProblem(3, 3, -100), "is out of range for 3 classes");
 * strictEqual(classIndexProblem(0.5, 3, -100), "is not an integer class index");
 * ```
 */
export function classIndexProblem(
  value: number,
  classes: number,
  ignoreIndex: number,
): string | null {
  if (value === ignoreIndex || (Number.isInteger(value) && value >= 0 && value < classes)) {
    return null;
  }
  return Number.isInteger(value)
    ? `is out of range for ${classes} classes`
    : "is not an integer class index";
}
