// Reading metric inputs on the host, with the checks every metric shares.
// Metrics compute in float64 on the host whatever the tensors' dtype.

import { Tensor, tensor } from "@glassbox/tensor";
import { describe, fmtShape } from "@glassbox/internal";
import { storageOf } from "@glassbox/tensor/backend";

/** The elements of a CPU tensor as float64 (read-only: it may be the tensor's own array), or a clear error. */
export function hostValues(metric: string, t: unknown, name: string): Float64Array {
  if (!(t instanceof Tensor)) {
    throw new TypeError(
      `Cannot compute ${metric}: ${name} must be a Tensor, got ${describe(t)}`,
    );
  }
  const storage = storageOf(t, metric);
  // A CPU tensor's own elements, read in place (metrics only read, and return numbers);
  // float32 ones are widened in one bulk conversion.
  if (storage instanceof Float64Array) return storage;
  if (storage instanceof Float32Array) return new Float64Array(storage);
  const values = t.device.backend.readSync(storage, t.dtype);
  if (values === undefined) {
    throw new TypeError(
      `Cannot compute ${metric}: ${name} is on ${t.device.name}, metrics read values on the CPU; move it first (await ${name}.read())`,
    );
  }
  return values instanceof Float64Array ? values : new Float64Array(values);
}

/** A plain number as a one-element float64 tensor (the notebooks compare two loss values); anything else as it is. */
export function scalarAsTensor(value: unknown): unknown {
  return typeof value === "number" ? tensor([value], { dtype: "float64" }) : value;
}

/** Checks that `pred` and `truth` are tensors (or plain numbers) of the same, non-empty shape. */
export function checkPair(
  metric: string,
  predIn: unknown,
  truthIn: unknown,
): { pred: Tensor; truth: Tensor } {
  const pred = scalarAsTensor(predIn), truth = scalarAsTensor(truthIn);
  for (const [name, t] of [["pred", pred], ["truth", truth]] as const) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `Cannot compute ${metric}: ${name} must be a Tensor or a number, got ${describe(t)}`,
      );
    }
  }
  const p = pred as Tensor, t = truth as Tensor;
  if (p.rank !== t.rank || p.shape.some((d, i) => d !== t.shape[i])) {
    throw new TypeError(
      `Cannot compute ${metric}: pred has shape ${fmtShape(p.shape)} but truth has shape ${
        fmtShape(t.shape)
      }, expected the same shape`,
    );
  }
  if (p.size === 0) {
    throw new RangeError(
      `Cannot compute ${metric}: the tensors are empty, expected at least one value`,
    );
  }
  return { pred: p, truth: t };
}

/** Sum of `values` (plain left-to-right; metrics sum positive terms, so the order hardly matters). */
export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}
