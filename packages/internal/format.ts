/**
 * How error messages print things: shapes, values and kinds of values.
 *
 * @module
 */

/**
 * Formats a shape the way every glassbox message prints it.
 *
 * @param shape The dimensions (a symbolic one, such as a batch size `"N"`, prints as it is).
 * @returns `[2, 3]`; `[]` for a scalar.
 *
 * @example
 * ```ts
 * import { fmtShape } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(fmtShape([2, 3]), "[2, 3]");
 * strictEqual(fmtShape([]), "[]");
 * ```
 */
export function fmtShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(", ")}]`;
}

/** "a" or "an" in front of `word`. */
function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** The class name of an object, or undefined for a plain object (or one without a named constructor). */
function className(value: object): string | undefined {
  const name = property(property(value, "constructor"), "name");
  return typeof name === "string" && name !== "" && name !== "Object" ? name : undefined;
}

/** `value[key]`, or undefined where reading it throws (a Proxy, a throwing getter). */
function property(value: unknown, key: string): unknown {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The longest string `describe` prints whole. */
const MAX_STRING = 40;
/** The most items of an array `describe` prints. */
const MAX_ITEMS = 8;
/** How deep `describe` goes into nested arrays. */
const MAX_DEPTH = 2;

/**
 * A short, bounded rendering of any value for "got …" in an error message:
 * the value itself where it is small (numbers, booleans, `null`, quoted
 * strings up to 40 characters, arrays up to 8 items and 2 levels deep), its
 * kind otherwise (`a Float64Array of length 3`, `a Tensor of shape [2, 3]`,
 * `a function`, `a Map`, `an object`). Never throws (not even on a Proxy
 * or a throwing getter), never prints a huge or untrusted value in full.
 *
 * @param value Anything.
 * @returns The description.
 *
 * @example
 * ```ts
 * import { describe } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(describe("relu"), '"relu"');
 * strictEqual(describe([0.9]), "[0.9]");
 * strictEqual(describe({ lr: 1 }), "an object");
 * strictEqual(describe(new Float32Array(3)), "a Float32Array of length 3");
 * ```
 */
export function describe(value: unknown): string {
  return render(value, 0);
}

function render(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...` : value);
    case "bigint":
      return `${value}n`;
    case "function":
      return "a function";
    case "object":
      break;
    default:
      return String(value);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return value.length === 0 ? "[]" : "[...]";
    const shown = value.slice(0, MAX_ITEMS).map((item) => render(item, depth + 1));
    return `[${shown.join(", ")}${
      value.length > MAX_ITEMS ? `, ... (${value.length} items)` : ""
    }]`;
  }
  const name = className(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${article(name ?? "typed array")} of length ${(value as Uint8Array).length}`;
  }
  const shape = property(value, "shape");
  if (name !== undefined && Array.isArray(shape) && shape.every((d) => typeof d === "number")) {
    return `${article(name)} of shape ${fmtShape(shape)}`;
  }
  return name === undefined ? "an object" : article(name);
}

/**
 * What kind of value something is, for "<name> is …, expected …" messages
 * where the kind is what is wrong: `a number`, `a string`, `an array`,
 * `a Float64Array`, `a Map`, `an object`, `null`, `undefined`.
 *
 * @param value Anything.
 * @returns The kind, with its article.
 *
 * @example
 * ```ts
 * import { kindOf } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(kindOf(3), "a number");
 * strictEqual(kindOf([1, 2]), "an array");
 * strictEqual(kindOf(new Map()), "a Map");
 * strictEqual(kindOf(null), "null");
 * ```
 */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return article(typeof value);
  return article(className(value) ?? "object");
}
