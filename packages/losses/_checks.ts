// Argument checks shared by the losses. Every message follows the house form
// "Cannot <action>: <what was wrong>, <expected>", and names the loss.

import type { Reduction } from "./loss.ts";
import { keep, Tensor, type TypedArray } from "@glassbox/tensor";
import { describe, fmtShape, isHostArray, unravelIndex } from "@glassbox/internal";
import { storageOf } from "@glassbox/tensor/backend";

/** The multi-index `[i, j]` of flat element `flat` in a C-order `shape`. */
export function fmtIndex(flat: number, shape: readonly number[]): string {
  return fmtShape(unravelIndex(flat, shape));
}

/** Validates the `reduction` option of a loss's constructor. */
export function checkReduction(value: unknown, loss: string): Reduction {
  if (value === undefined) return "mean";
  if (value === "mean" || value === "sum" || value === "none") return value;
  throw new RangeError(
    `Cannot create ${loss}: reduction ${
      JSON.stringify(value)
    } is not supported, expected "mean", "sum" or "none"`,
  );
}

/** Checks that `value` is a Tensor (callers may be plain JavaScript). */
export function checkTensor(value: unknown, loss: string, name: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`Cannot compute ${loss}: ${name} must be a Tensor, got ${describe(value)}`);
  }
  return value;
}

/** Checks that `other` has the dtype and device of `pred`. */
export function checkLike(loss: string, pred: Tensor, other: Tensor, name: string): void {
  if (other.dtype !== pred.dtype) {
    throw new TypeError(
      `Cannot compute ${loss}: pred is ${pred.dtype} but ${name} is ${other.dtype}, expected the same dtype (convert with .to("${pred.dtype}"))`,
    );
  }
  if (other.device !== pred.device) {
    throw new TypeError(
      `Cannot compute ${loss}: pred is on ${pred.device.name} but ${name} is on ${other.device.name}, expected the same device`,
    );
  }
}

/** Checks that `target` has exactly the shape, dtype and device of `pred`. */
export function checkSameShape(loss: string, pred: Tensor, target: Tensor, name = "target"): void {
  if (target.rank !== pred.rank || target.shape.some((d, i) => d !== pred.shape[i])) {
    throw new TypeError(
      `Cannot compute ${loss}: pred has shape ${fmtShape(pred.shape)} but ${name} has shape ${
        fmtShape(target.shape)
      }, expected the same shape`,
    );
  }
  checkLike(loss, pred, target, name);
}

/** Checks that `pred` is a batch of class scores `[N, C]` with at least one class. */
export function checkMatrix(loss: string, pred: Tensor, what: string): void {
  if (pred.rank !== 2 || pred.shape[1] === 0) {
    throw new TypeError(
      `Cannot compute ${loss}: pred has shape ${
        fmtShape(pred.shape)
      }, expected ${what} of shape [N, C] with C ≥ 1`,
    );
  }
}

/** Checks that an optional weight tensor broadcasts to `shape` and matches `pred`. */
export function checkWeight(
  loss: string,
  pred: Tensor,
  weight: Tensor | undefined,
  name: string,
  shape: readonly number[],
): void {
  if (weight === undefined) return;
  checkLike(loss, pred, weight, name);
  const fits = weight.rank <= shape.length &&
    weight.shape.every((d, i) => d === 1 || d === shape[shape.length - weight.rank + i]);
  if (!fits) {
    throw new TypeError(
      `Cannot compute ${loss}: ${name} has shape ${
        fmtShape(weight.shape)
      }, expected a shape that broadcasts to ${fmtShape(shape)}`,
    );
  }
}

/** The elements of `t` when the host can read them synchronously (the CPU), else undefined. */
export function hostValues(t: Tensor): TypedArray | undefined {
  const storage = storageOf(t);
  // CPU storage is the typed array itself: read it in place, without a copy.
  if (isHostArray(storage)) return storage;
  return t.device.backend.readSync(storage, t.dtype);
}

/**
 * Checks, where the values are readable on the host, that `pred` holds
 * probabilities in [0, 1]; names the first element that does not. With
 * `allowNaN`, NaN passes (and makes the loss NaN): a diverged model's output,
 * which a training loop's non-finite guard handles, not a missing softmax.
 */
export function checkProbabilities(
  loss: string,
  pred: Tensor,
  hint: string,
  allowNaN = false,
): void {
  const values = hostValues(pred);
  if (values === undefined) return;
  for (let i = 0; i < values.length; i++) {
    const p = values[i];
    if (!(p >= 0 && p <= 1) && !(allowNaN && p !== p)) {
      throw new RangeError(
        `Cannot compute ${loss}: pred${
          fmtIndex(i, pred.shape)
        } = ${p} is not a probability, expected values in [0, 1] (${hint})`,
      );
    }
  }
}

/** Returns the stored forward state, or explains that `forward` must come first. */
export function stored<T>(saved: T | null, loss: string): T {
  if (saved === null) {
    throw new Error(
      `Cannot run ${loss}.backward: no forward pass is stored, call forward(pred, target) first`,
    );
  }
  return saved;
}

/**
 * What a forward pass stores for backward, with each tensor replaced by the
 * loss's own kept view: the caller may dispose pred and target, and the
 * forward pass's `tidy` may dispose the intermediates.
 */
export function hold<T extends object>(saved: T): T {
  const out = { ...saved } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v instanceof Tensor) out[k] = keep(v.view());
  return out as T;
}

/** Disposes the views `hold` made (a no-op for null). */
export function drop(saved: object | null): void {
  if (saved === null) return;
  for (const v of Object.values(saved)) if (v instanceof Tensor) v.dispose();
}
