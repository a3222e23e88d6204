/**
 * Shape arithmetic the CPU and WebGPU backends share: element counts and
 * row-major strides, plain and under NumPy broadcasting.
 *
 * @module
 */

/**
 * The number of elements of a shape.
 *
 * @param shape The dimensions.
 * @returns Their product; 1 for a scalar shape `[]`.
 *
 * @example
 * ```ts
 * import { sizeOf } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(sizeOf([2, 3]), 6);
 * strictEqual(sizeOf([]), 1);
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major (C order) strides of a shape, in elements.
 *
 * @param shape The dimensions.
 * @returns How many elements one step along each axis skips.
 *
 * @example
 * ```ts
 * import { stridesOf } from "@glassbox/internal";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
 * ```
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Strides of `shape` read as `outShape` under NumPy broadcasting: 0 on the
 * axes that are repeated, padded on the left to `outShape.length`.
 *
 * @param shape The operand's dimensions.
 * @param outShape The dimensions it broadcasts to.
 * @returns One stride per axis of `outShape`.
 *
 * @example
 * ```ts
 * import { broadcastStrides } from "@glassbox/internal";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(broadcastStrides([3], [2, 3]), [0, 1]);
 * deepStrictEqual(broadcastStrides([2, 1], [2, 3]), [1, 0]);
 * ```
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[offset + i] = shape[i] === 1 ? 0 : own[i];
  }
  return out;
}

/**
 * The multi-index of flat element `flat` in a row-major (C order) `shape`:
 * the inverse of Σ indexᵢ·strideᵢ.
 *
 * @param flat The element's position in C order, 0 ≤ flat < size.
 * @param shape The dimensions.
 * @returns One index per axis (empty for a scalar).
 *
 * @example
 * ```ts
 * import { unravelIndex } from "@glassbox/internal";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(unravelIndex(23, [2, 3, 4]), [1, 2, 3]);
 * deepStrictEqual(unravelIndex(5, [2, 3]), [1, 2]);
 * ```
 */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}
