/**
 * Option checks shared by the optimizers, schedulers, callbacks and `fit`:
 * each error names the option, what it must be and what it got.
 *
 * @module
 */

/** A short description of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** Checks that options are an object (or undefined → `{}`). */
export function checkOptions<T extends object>(options: T | undefined, action: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** A finite number ≥ `min` (and ≤ / < `max` when given); `fallback` when undefined. */
export function checkNumber(
  value: unknown,
  action: string,
  name: string,
  range: { min?: number; max?: number; maxExclusive?: boolean; minExclusive?: boolean } = {},
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${describe(value)}`);
  }
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const low = min === undefined || (minExclusive ? value > min : value >= min);
  const high = max === undefined || (maxExclusive ? value < max : value <= max);
  if (!Number.isFinite(value) || !low || !high) {
    const parts = [];
    if (min !== undefined) parts.push(`${minExclusive ? ">" : ">="} ${min}`);
    if (max !== undefined) parts.push(`${maxExclusive ? "<" : "<="} ${max}`);
    const bounds = parts.length === 0 ? "finite" : `finite and ${parts.join(" and ")}`;
    throw new RangeError(`Cannot ${action}: ${name} must be ${bounds}, got ${value}`);
  }
  return value;
}

/** An integer ≥ `min`; `fallback` when undefined. */
export function checkInteger(
  value: unknown,
  action: string,
  name: string,
  min: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be an integer, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`Cannot ${action}: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** A boolean; `fallback` when undefined. */
export function checkBoolean(
  value: unknown,
  action: string,
  name: string,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot ${action}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** Rejects keys the options type does not have (a misspelt option is an error, not a no-op). */
export function checkKeys(options: object, allowed: readonly string[], action: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown option ${key} (expected one of ${allowed.join(", ")})`,
      );
    }
  }
}
