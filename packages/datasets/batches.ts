/**
 * `batches`: aligned mini-batches of samples and targets.
 *
 * @module
 */

import { type RandomState, Tensor } from "@glassbox/tensor";
import { checkBoolean, checkInteger, describe } from "@glassbox/internal";
import { resolveRandomState } from "./_validate.ts";

/** Options of {@linkcode batches}. */
export interface BatchesOptions {
  /** Rows per batch (the last batch may be smaller). Default 32. */
  batchSize?: number;
  /**
   * Visit the rows in a random order (NumPy's `RandomState(seed).permutation`);
   * the default, false, takes `x[i:i+batchSize]` in order.
   */
  shuffle?: boolean;
  /** Seed for the shuffle, or a RandomState (it advances, so each call gives a new order). */
  seed?: number | RandomState;
  /** Skip a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

/** One mini-batch: rows of x and the same rows of y. */
export interface Batch {
  /** Rows of x. */
  x: Tensor;
  /** The same rows of y (absent when no y was given). */
  y?: Tensor;
  /** Row indices of this batch in x. */
  index: number[];
}

const ACTION = "make batches";

/**
 * Yields mini-batches in order: rows `[0, B)`, `[B, 2B)`, … of x and y (or
 * of a random permutation of the rows when `shuffle` is set).
 *
 * @param x Samples, rows along axis 0.
 * @param y Targets with as many rows as x, or null.
 * @param options Batch size, shuffling, seed; see {@linkcode BatchesOptions}.
 * @returns A generator of {@linkcode Batch}.
 * @example The notebooks' loop: `x[i:i+B]` without shuffling
 * ```ts
 * import { batches } from "@glassbox/datasets";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = tensor([[1], [2], [3], [4], [5]]);
 * const y = tensor([10, 20, 30, 40, 50]);
 * const sizes = [...batches(x, y, { batchSize: 2 })].map((b) => b.y!.toArray());
 * deepStrictEqual(sizes, [[10, 20], [30, 40], [50]]);
 * ```
 */
export function* batches(
  x: Tensor,
  y: Tensor | null = null,
  options: BatchesOptions = {},
): Generator<Batch> {
  if (!(x instanceof Tensor) || x.rank === 0) {
    throw new TypeError(
      `Cannot ${ACTION}: x must be a Tensor with at least one axis, got ${describe(x)}`,
    );
  }
  const n = x.shape[0];
  if (y !== null) {
    if (!(y instanceof Tensor) || y.rank === 0) {
      throw new TypeError(
        `Cannot ${ACTION}: y must be a Tensor with at least one axis or null, got ${describe(y)}`,
      );
    }
    if (y.shape[0] !== n) {
      throw new RangeError(
        `Cannot ${ACTION}: x and y must have the same number of rows, got ${n} and ${y.shape[0]}`,
      );
    }
  }
  const batchSize = checkInteger(options.batchSize ?? 32, ACTION, "batchSize", 1);
  const shuffle = checkBoolean(options.shuffle ?? false, ACTION, "shuffle");
  const dropLast = checkBoolean(options.dropLast ?? false, ACTION, "dropLast");
  const order = shuffle
    ? Array.from(resolveRandomState(options.seed, ACTION).permutation(n))
    : Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += batchSize) {
    const index = order.slice(start, start + batchSize);
    if (dropLast && index.length < batchSize) return;
    const batch: Batch = { x: x.gather(index), index };
    if (y !== null) batch.y = y.gather(index);
    yield batch;
  }
}
