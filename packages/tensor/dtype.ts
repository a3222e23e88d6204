/**
 * Element types and the process-wide default dtype.
 *
 * @module
 */

import { allocHost } from "./cpu/memory.ts";

/**
 * The element types a tensor can hold. `float64` is the default, as in the
 * notebooks glassbox grew from; `float32` is what WebGPU runs. Integer data
 * (class labels, indices returned by `argmax`) is stored as floats holding
 * integers, exact up to 2^53 in float64 and 2^24 in float32.
 */
export type DType = "float64" | "float32";

/** The typed array that stores elements of a dtype on the CPU. */
export type TypedArray = Float64Array | Float32Array;

/** Every supported dtype, in a fixed order. */
export const DTYPES: readonly DType[] = ["float64", "float32"];

let defaultDtype: DType = "float64";

/**
 * Sets the dtype used when a creation function is given none.
 *
 * @param dtype `"float64"` (the initial default) or `"float32"`.
 * @returns Nothing.
 *
 * @example Switch to float32 and back
 * ```ts
 * import { getDefaultDtype, setDefaultDtype, zeros } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * setDefaultDtype("float32");
 * strictEqual(zeros([2]).dtype, "float32");
 * setDefaultDtype("float64");
 * strictEqual(getDefaultDtype(), "float64");
 * ```
 */
export function setDefaultDtype(dtype: DType): void {
  defaultDtype = checkDtype(dtype, "setDefaultDtype");
}

/**
 * Returns the dtype used when a creation function is given none.
 *
 * @returns The current default dtype.
 *
 * @example
 * ```ts
 * import { getDefaultDtype } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(getDefaultDtype(), "float64");
 * ```
 */
export function getDefaultDtype(): DType {
  return defaultDtype;
}

/** Validates a dtype argument at runtime (callers may be plain JavaScript). */
export function checkDtype(dtype: unknown, action: string): DType {
  if (dtype === "float64" || dtype === "float32") return dtype;
  throw new TypeError(
    `Cannot ${action}: dtype ${
      JSON.stringify(dtype)
    } is not supported, expected "float64" or "float32"`,
  );
}

/**
 * A zeroed typed array of `size` elements of `dtype`, from the CPU backend's
 * pool when one is free (see `cpuMemory()`).
 */
export function allocTyped(dtype: DType, size: number): TypedArray {
  return allocHost(dtype, size);
}
