/**
 * Host access to CPU tensors without copies, and the float32 rounding the
 * optimizers use to follow PyTorch's float32 arithmetic.
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { cpu, type DType, keep, type Tensor, type TypedArray, zeros } from "@glassbox/tensor";
import { storageOf, tensorFromStorage } from "@glassbox/tensor/backend";
import { isHostArray } from "@glassbox/internal";

/**
 * The elements of a CPU tensor, without a copy. Callers only read them:
 * tensors are immutable.
 */
export function hostView(t: Tensor, action: string, what: string): TypedArray {
  const storage = storageOf(t, action);
  if (isHostArray(storage)) return storage;
  throw new TypeError(
    `Cannot ${action}: ${what} lives on ${t.device.name}; the optimizers update CPU tensors only, ` +
      `train on the CPU or move the model with model.to(cpu)`,
  );
}

/**
 * A zeroed array for an optimizer's output or state, from the CPU backend's
 * pool (taken from a kept `zeros` tensor, so an enclosing `tidy` cannot
 * release it); `dispose()` of the tensor that later wraps it returns it.
 */
export function allocLike(dtype: DType, size: number): TypedArray {
  return storageOf(keep(zeros([size], { dtype })), "allocate") as TypedArray;
}

/** Wraps a typed array as a CPU tensor of the shape (no copy: the array must not be reused). */
export function wrap(values: TypedArray, shape: readonly number[]): Tensor {
  const dtype = values instanceof Float32Array ? "float32" : "float64";
  return tensorFromStorage(values, { shape, dtype, device: cpu });
}

/**
 * Rounding after an arithmetic operation: `Math.fround` for float32 (one
 * PyTorch float32 operation = one double operation rounded to float32, exact
 * for +, −, ×, ÷ and √), nothing for float64 (`single` false). The optimizers
 * round their scalars with it; their per-element loops are written once per
 * dtype instead (see sgd.ts).
 */
export function round(single: boolean, x: number): number {
  return single ? Math.fround(x) : x;
}

/** Whether every element is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return false; // NaN and ±Infinity give NaN
  }
  return true;
}

/**
 * Gives `param` the values an optimizer step computed into `out` (from
 * `allocLike`); the parameter releases them when a later step replaces them,
 * unless someone read them through `param.value` in between.
 */
export function replaceValue(param: Parameter, out: TypedArray, shape: readonly number[]): void {
  param.replace(wrap(out, shape));
}
