/**
 * Host access to CPU tensors without copies, for the host-side algorithms
 * (L-BFGS and BFGS read their points and gradients here; the fit loop keeps
 * its snapshots). Every optimizer writes through the backend's
 * `optimizerUpdate` (`updateParameters` in `_param_buffers.ts`).
 *
 * @module
 */

import { cpu, type Tensor, type TypedArray } from "@glassbox/tensor";
import { storageOf, tensorFromStorage } from "@glassbox/tensor/backend";
import { isHostArray } from "@glassbox/internal";

/**
 * The elements of a CPU tensor, without a copy. Callers only read them
 * (a parameter's storage is written only by `optimizerUpdate`).
 */
export function hostView(t: Tensor, action: string, what: string): TypedArray {
  const storage = storageOf(t, action);
  if (isHostArray(storage)) return storage;
  throw new TypeError(
    `Cannot ${action}: ${what} lives on ${t.device.name}; this step reads host values, ` +
      `train on the CPU or move the model with model.to(cpu)`,
  );
}

/** Wraps a typed array as a CPU tensor of the shape (no copy: the array must not be reused). */
export function wrap(values: TypedArray, shape: readonly number[]): Tensor {
  const dtype = values instanceof Float32Array ? "float32" : "float64";
  return tensorFromStorage(values, { shape, dtype, device: cpu });
}

/** Whether every element is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return false; // NaN and ±Infinity give NaN
  }
  return true;
}
