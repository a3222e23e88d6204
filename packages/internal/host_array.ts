/**
 * The test for "these values are a float array the host reads directly".
 *
 * @module
 */

/**
 * Whether `value` is a `Float64Array` or a `Float32Array`: the storage of a
 * CPU tensor, which the host reads in place (a device's storage is a handle
 * that needs a read-back).
 *
 * @param value Anything, typically a tensor's storage.
 * @returns True for the two float typed arrays.
 *
 * @example
 * ```ts
 * import { isHostArray } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isHostArray(new Float32Array(2)), true);
 * strictEqual(isHostArray([1, 2]), false);
 * strictEqual(isHostArray(new Int32Array(2)), false);
 * ```
 */
export function isHostArray(value: unknown): value is Float64Array | Float32Array {
  return value instanceof Float64Array || value instanceof Float32Array;
}
