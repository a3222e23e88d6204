/**
 * `predict`: the model's outputs for a batch of inputs, in batches.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { concat, type Tensor } from "@glassbox/tensor";
import { checkData, checkModel } from "./_checks.ts";
import { checkInteger, checkKeys, checkOptions } from "@glassbox/internal";

/** Options of `predict`. */
export interface PredictOptions {
  /** Rows per forward pass (default: all rows in one pass). */
  batchSize?: number;
}

/**
 * Runs the model forward over `x`, `batchSize` rows at a time, and joins the
 * outputs. No gradients are computed; a model with `predict` (a `Sequential`)
 * runs that, which keeps nothing for `backward` and, on the CPU in float64,
 * runs a chain of dense layers as one call on the worker threads.
 *
 * @param model The model.
 * @param x Inputs, one row per sample.
 * @param options `batchSize` (default: all rows).
 * @returns The outputs, one row per input row.
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { predict } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = mlp([3, 4, 2]);
 * const x = randn([10, 3]);
 * const batched = predict(model, x, { batchSize: 4 });
 * deepStrictEqual(batched.shape, [10, 2]);
 * deepStrictEqual(batched.toArray(), model.forward(x).toArray());
 * ```
 */
export function predict(model: Layer, x: Tensor, options: PredictOptions = {}): Tensor {
  const action = "predict";
  checkModel(model, action);
  checkData(x, action, "x");
  const o = checkOptions(options, action);
  checkKeys(o, ["batchSize"], action);
  const rows = x.shape[0];
  const batchSize = checkInteger(o.batchSize, action, "batchSize", 1, Math.max(rows, 1));
  // The model's inference pass where it has one (nothing kept for backward), else forward.
  const pass = (t: Tensor) => model.predict === undefined ? model.forward(t) : model.predict(t);
  if (batchSize >= rows) return pass(x);
  const parts: Tensor[] = [];
  for (let start = 0; start < rows; start += batchSize) {
    parts.push(pass(x.slice(start, start + batchSize)));
  }
  return concat(parts);
}
