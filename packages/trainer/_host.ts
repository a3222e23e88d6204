/**
 * Host access to CPU tensors without copies, and the float32 rounding the
 * optimizers use to follow PyTorch's float32 arithmetic.
 *
 * @module
 */

import { cpu, type DType, Tensor, type TypedArray } from "@glassbox/tensor";

/**
 * The elements of a CPU tensor, without a copy. Callers only read them:
 * tensors are immutable.
 */
export function hostView(t: Tensor, action: string, what: string): TypedArray {
  const storage = t.storage(action);
  if (storage instanceof Float64Array || storage instanceof Float32Array) return storage;
  throw new TypeError(
    `Cannot ${action}: ${what} lives on ${t.device.name}; the optimizers update CPU tensors only, ` +
      `train on the CPU or move the model with model.to(cpu)`,
  );
}

/** A new array of `size` elements of the dtype. */
export function allocLike(dtype: DType, size: number): TypedArray {
  return dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
}

/** Wraps a typed array as a CPU tensor of the shape (no copy: the array must not be reused). */
export function wrap(values: TypedArray, shape: readonly number[]): Tensor {
  return new Tensor(values, shape, values instanceof Float32Array ? "float32" : "float64", cpu);
}

const identity = (x: number): number => x;

/**
 * Rounding after each arithmetic operation: `Math.fround` for float32 (one
 * PyTorch float32 operation = one double operation rounded to float32, exact
 * for +, −, ×, ÷ and √), nothing for float64.
 */
export function rounder(dtype: DType): (x: number) => number {
  return dtype === "float32" ? Math.fround : identity;
}

/** Whether every element is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return false; // NaN and ±Infinity give NaN
  }
  return true;
}
