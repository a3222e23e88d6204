/**
 * `assertClose`: compares numbers, arrays or tensors within tolerances and,
 * on failure, names the worst element.
 *
 * @module
 */

import { AssertionError } from "./assertion_error.ts";
import { describe, fmtShape, unravelIndex } from "@glassbox/internal";
import { type NestedArray, Tensor } from "./tensor.ts";

/** Tolerances of `assertClose`: element i passes when `|a − e| ≤ atol + rtol·|e|`. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-12 for float64 tensors and plain numbers, 1e-4 for float32). */
  rtol?: number;
  /** Absolute tolerance (default 1e-12 for float64, 1e-5 for float32). */
  atol?: number;
  /** Treat NaN as equal to NaN (default false). */
  equalNan?: boolean;
  /** Prefix for the failure message, e.g. the name of the quantity compared. */
  message?: string;
}

/** A value `assertClose` accepts: a number, nested arrays, a typed array or a CPU tensor. */
export type Comparable = number | NestedArray | ArrayLike<number> | Tensor;

function flatten(
  value: Comparable,
  name: string,
): { shape: number[] | null; flat: ArrayLike<number> } {
  if (value instanceof Tensor) return { shape: [...value.shape], flat: value.toTypedArray() };
  if (typeof value === "number") return { shape: [], flat: [value] };
  if (ArrayBuffer.isView(value)) return { shape: null, flat: value as ArrayLike<number> };
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot assertClose: ${name} must be a number, array or Tensor, got ${describe(value)}`,
    );
  }
  const shape: number[] = [];
  for (let v: NestedArray = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const flat: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "number") flat.push(v);
    else throw new TypeError(`Cannot assertClose: ${name} holds a ${typeof v}, expected numbers`);
  };
  walk(value);
  return { shape: flat.length === shape.reduce((a, b) => a * b, 1) ? shape : null, flat };
}

function indexOf(flat: number, shape: number[] | null): string {
  if (shape === null || shape.length === 0) return `[${flat}]`;
  return `${fmtShape(unravelIndex(flat, shape))} (flat ${flat})`;
}

/**
 * Asserts that `actual` is elementwise close to `expected`:
 * `|a − e| ≤ atol + rtol·|e|` for every element, infinities equal only to
 * themselves. Throws an AssertionError naming how many elements fail and
 * the worst one: its index, both values, and the absolute and relative error.
 *
 * @param actual Computed value.
 * @param expected Reference value (same shape).
 * @param options `rtol`, `atol`, `equalNan`, `message`.
 * @returns Nothing; throws when the values are not close.
 *
 * @example
 * ```ts
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { throws } from "node:assert/strict";
 *
 * assertClose(tensor([1, 2]).mul(0.1), [0.1, 0.2]);
 * throws(() => assertClose([1, 2], [1, 2.5]), /worst at index \[1\]/);
 * ```
 */
export function assertClose(
  actual: Comparable,
  expected: Comparable,
  options: CloseOptions = {},
): void {
  const float32 = (actual instanceof Tensor && actual.dtype === "float32") ||
    (expected instanceof Tensor && expected.dtype === "float32");
  const rtol = options.rtol ?? (float32 ? 1e-4 : 1e-12);
  const atol = options.atol ?? (float32 ? 1e-5 : 1e-12);
  const a = flatten(actual, "actual"), e = flatten(expected, "expected");
  const prefix = options.message ? `${options.message}: ` : "";
  const shapesDiffer = a.shape !== null && e.shape !== null &&
    (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]));
  if (shapesDiffer || a.flat.length !== e.flat.length) {
    const show = (s: number[] | null, n: number) => (s ? fmtShape(s) : `${n} elements`);
    throw new AssertionError(
      `${prefix}shapes differ: actual ${show(a.shape, a.flat.length)}, expected ${
        show(e.shape, e.flat.length)
      }`,
    );
  }
  let failures = 0, worst = -1, worstExcess = -Infinity;
  for (let i = 0; i < a.flat.length; i++) {
    const x = a.flat[i], y = e.flat[i];
    let excess: number;
    if (x !== x || y !== y) excess = (x !== x && y !== y && options.equalNan) ? -1 : Infinity;
    else if (x === y) excess = -1; // equal, including equal infinities
    else excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0)) {
      failures++;
      if (!(excess <= worstExcess)) worstExcess = excess, worst = i;
    }
  }
  if (failures === 0) return;
  const x = a.flat[worst], y = e.flat[worst];
  const abs = Math.abs(x - y);
  const rel = abs / Math.abs(y);
  throw new AssertionError(
    `${prefix}${failures} of ${a.flat.length} elements are not close (atol ${atol}, rtol ${rtol}); ` +
      `worst at index ${indexOf(worst, e.shape ?? a.shape)}: actual ${x}, expected ${y}, ` +
      `abs error ${abs}, rel error ${rel}`,
  );
}
