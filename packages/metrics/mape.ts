/**
 * `mape`: the notebooks' modified mean absolute percentage error.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { checkPair, hostValues } from "./_inputs.ts";

/**
 * Mean absolute percentage error, modified as in the notebooks so that a
 * truth of 0 does not divide by zero: element by element `|(t − p) / t|`,
 * or `|p|` where `t = 0`; then the mean over all elements, times 100.
 * Any shape; `pred` and `truth` must have the same shape (no broadcasting),
 * or both plain numbers (e.g. two loss values). Computed in float64 on the CPU.
 *
 * The truth comes first, as in scikit-learn's metrics: the notebooks'
 * `torch_mape(pred, true)` is `mape(true, pred)` here.
 *
 * @param truth True values (a tensor, or a number).
 * @param pred Predictions, same shape as `truth`.
 * @returns The error in percent (0 for a perfect prediction).
 *
 * @example
 * ```ts
 * import { mape } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * // |(2 − 1)/2| = 0.5, |(4 − 5)/4| = 0.25, and |0.5| where the truth is 0.
 * strictEqual(mape(tensor([2, 4, 0]), tensor([1, 5, 0.5])), (0.5 + 0.25 + 0.5) / 3 * 100);
 * // Plain numbers, e.g. two loss values (truth first): |(2 − 2.5) / 2| = 25%.
 * strictEqual(mape(2, 2.5), 25);
 * ```
 */
export function mape(truth: Tensor | number, pred: Tensor | number): number {
  const pair = checkPair("mape", pred, truth);
  const p = hostValues("mape", pair.pred, "pred"), t = hostValues("mape", pair.truth, "truth");
  return absolutePercentageSum(t, p, p.length) / p.length * 100;
}

/**
 * Σ |(t − p) / t| (|p| where t = 0), in order. A leaf with nothing after its loop: the
 * optimized code that enters the loop mid-call (validation calls this a few times per
 * epoch on 10,000s of elements) then has no untried operation after it to bail out on,
 * and both terms are computed every time, so no branch is left untried either.
 */
function absolutePercentageSum(t: Float64Array, p: Float64Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += t[i] === 0 ? Math.abs(p[i]) : Math.abs((t[i] - p[i]) / t[i]);
  }
  return total;
}
