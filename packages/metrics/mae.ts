/**
 * `mae`: the mean absolute error, as scikit-learn's `mean_absolute_error`.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { checkMultioutput, columnAbsoluteError, columns, combine } from "./_regression.ts";
import type { RawValuesOptions, RegressionOptions } from "./multioutput.ts";

/**
 * Mean absolute error `Σ |t − p| / N` of each output, averaged over outputs,
 * as scikit-learn's `mean_absolute_error`. Inputs of shape [N] or [N, K],
 * truth first (as scikit-learn); float64 on the CPU.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `multioutput`: `"uniform_average"` (default), weights per output, or `"raw_values"`.
 * @returns The error; with `multioutput: "raw_values"`, one error per output.
 *
 * @example
 * ```ts
 * import { mae } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * strictEqual(mae(tensor([1, 0, 2]), tensor([1, 2, 5])), (0 + 2 + 3) / 3);
 * const pred = tensor([[1, 0], [2, 2]]), truth = tensor([[0, 0], [0, 3]]);
 * deepStrictEqual(mae(truth, pred, { multioutput: "raw_values" }), [1.5, 0.5]);
 * strictEqual(mae(truth, pred, { multioutput: [3, 1] }), (3 * 1.5 + 0.5) / 4);
 * ```
 */
export function mae(
  truth: Tensor | number,
  pred: Tensor | number,
  options?: RegressionOptions,
): number;
/**
 * Mean absolute error of each output.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `{ multioutput: "raw_values" }`.
 * @returns One error per output.
 */
export function mae(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RawValuesOptions,
): number[];
/**
 * Either form, when the `multioutput` option is only known at run time.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options Any options of the two forms above.
 * @returns A number, or one value per output for `"raw_values"`.
 */
export function mae(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions,
): number | number[];
export function mae(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions = {},
): number | number[] {
  const cols = columns("mae", pred, truth);
  const { pred: p, truth: t, n, k } = cols;
  checkMultioutput("mae", options.multioutput, k, ["uniform_average", "raw_values"]);
  const scores = Array.from({ length: k }, (_, j) => columnAbsoluteError(t, p, n, k, j) / n);
  return combine("mae", scores, options.multioutput);
}
