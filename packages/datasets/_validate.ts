// Option checks shared by the generators and utilities. Every failure reads
// "Cannot <action>: <option> must <rule>, got <value>": TypeError when the
// kind of value is wrong, RangeError when a number is out of range.

import { RandomState, Tensor } from "@glassbox/tensor";

/** A short, printable rendering of any option value for error messages. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) {
    return String(value);
  }
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) {
    const head = value.slice(0, 6).map(show).join(", ");
    return `[${head}${value.length > 6 ? `, … (${value.length} items)` : ""}]`;
  }
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  }
  return typeof value === "object"
    ? `an object (${value.constructor?.name ?? "Object"})`
    : typeof value;
}

/** An integer option in [min, max]. */
export function checkInt(
  value: unknown,
  name: string,
  action: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${action}: ${name} must be an integer, got ${show(value)}`);
  }
  if (value < min) {
    throw new RangeError(`Cannot ${action}: ${name} must be at least ${min}, got ${value}`);
  }
  if (value > max) {
    throw new RangeError(`Cannot ${action}: ${name} must be at most ${max}, got ${value}`);
  }
  return value;
}

/** Bounds of a real-valued option; `open` bounds exclude the endpoint. */
export interface Bounds {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

/** A finite number option within optional bounds. */
export function checkReal(
  value: unknown,
  name: string,
  action: string,
  bounds: Bounds = {},
): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Cannot ${action}: ${name} must be a finite number, got ${show(value)}`);
  }
  const { min, max, minOpen = false, maxOpen = false } = bounds;
  const tooLow = min !== undefined && (minOpen ? value <= min : value < min);
  const tooHigh = max !== undefined && (maxOpen ? value >= max : value > max);
  if (tooLow || tooHigh) {
    const lo = min === undefined ? "" : `${minOpen ? "greater than" : "at least"} ${min}`;
    const hi = max === undefined ? "" : `${maxOpen ? "less than" : "at most"} ${max}`;
    throw new RangeError(
      `Cannot ${action}: ${name} must be ${[lo, hi].filter((s) => s).join(" and ")}, got ${value}`,
    );
  }
  return value;
}

/** A boolean option. */
export function checkBool(value: unknown, name: string, action: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot ${action}: ${name} must be a boolean, got ${show(value)}`);
  }
  return value;
}

/** A 1-D list of finite numbers given as an array, typed array or 1-D tensor. */
export function checkNumbers(value: unknown, name: string, action: string): number[] {
  let list: ArrayLike<unknown>;
  if (value instanceof Tensor) {
    if (value.rank !== 1) {
      throw new TypeError(`Cannot ${action}: ${name} must be 1-D, got ${show(value)}`);
    }
    list = value.toTypedArray();
  } else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    list = value as ArrayLike<unknown>;
  } else {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of numbers, got ${show(value)}`,
    );
  }
  return Array.from(list, (v, i) => checkReal(v, `${name}[${i}]`, action));
}

/** A random state option: a seed in [0, 2^32 - 1], a RandomState (used and advanced), or none. */
export function resolveRandomState(value: unknown, action: string): RandomState {
  if (value === undefined) return new RandomState();
  if (value instanceof RandomState) return value;
  return new RandomState(checkInt(value, "randomState", action, 0, 0xffffffff));
}

/** The OpenBLAS thread count option of the generators that multiply matrices. */
export function checkThreads(value: unknown, action: string): number {
  return checkInt(value, "blasThreads", action, 1, 1024);
}

/** The two-part sample count of makeMoons / makeCircles: a total, or [outer, inner]. */
export function splitTwo(value: unknown, action: string): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new RangeError(
        `Cannot ${action}: nSamples must be an integer or a pair [outer, inner], got ${
          show(value)
        }`,
      );
    }
    return [
      checkInt(value[0], "nSamples[0]", action, 0),
      checkInt(value[1], "nSamples[1]", action, 0),
    ];
  }
  const n = checkInt(value, "nSamples", action, 1);
  const outer = Math.floor(n / 2);
  return [outer, n - outer];
}
