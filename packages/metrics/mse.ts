/**
 * `mse` and `rmse`: the mean squared error and its square root, as
 * scikit-learn's `mean_squared_error` (with `squared=False` for `rmse`).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { checkMultioutput, columns, columnSquaredError, combine } from "./_regression.ts";
import type { RawValuesOptions, RegressionOptions } from "./multioutput.ts";

const ALLOWED = ["uniform_average", "raw_values"];

/**
 * Mean squared error `Σ (t − p)² / N` of each output, averaged over outputs,
 * as scikit-learn's `mean_squared_error`. Inputs of shape [N] (one output)
 * or [N, K] (K outputs), truth first (as scikit-learn); float64 on the CPU.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `multioutput`: `"uniform_average"` (default), weights per output, or `"raw_values"`.
 * @returns The error; with `multioutput: "raw_values"`, one error per output.
 *
 * @example
 * ```ts
 * import { mse } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * strictEqual(mse(tensor([1, 0, 2]), tensor([1, 2, 5])), (0 + 4 + 9) / 3);
 * const pred = tensor([[1, 0], [2, 2]]), truth = tensor([[0, 0], [0, 2]]);
 * deepStrictEqual(mse(truth, pred, { multioutput: "raw_values" }), [2.5, 0]);
 * strictEqual(mse(truth, pred), 1.25);
 * ```
 */
export function mse(
  truth: Tensor | number,
  pred: Tensor | number,
  options?: RegressionOptions,
): number;
/**
 * Mean squared error of each output.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `{ multioutput: "raw_values" }`.
 * @returns One error per output.
 */
export function mse(
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
export function mse(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions,
): number | number[];
export function mse(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions = {},
): number | number[] {
  const { scores } = squaredErrors("mse", pred, truth, options);
  return combine("mse", scores, options.multioutput);
}

/**
 * Root mean squared error: the square root of each output's mean squared
 * error, then averaged over outputs, as scikit-learn 1.2's
 * `mean_squared_error(squared=False)` (so for several outputs it is not
 * `√mse`). Truth first (as scikit-learn); float64 on the CPU.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `multioutput`: `"uniform_average"` (default), weights per output, or `"raw_values"`.
 * @returns The error; with `multioutput: "raw_values"`, one error per output.
 *
 * @example
 * ```ts
 * import { rmse } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(rmse(tensor([0, 3]), tensor([3, -1])), Math.sqrt((9 + 16) / 2));
 * strictEqual(rmse(tensor([[0, 0], [0, 0]]), tensor([[3, 0], [3, 0]])), (3 + 0) / 2);
 * ```
 */
export function rmse(
  truth: Tensor | number,
  pred: Tensor | number,
  options?: RegressionOptions,
): number;
/**
 * Root mean squared error of each output.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `{ multioutput: "raw_values" }`.
 * @returns One error per output.
 */
export function rmse(
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
export function rmse(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions,
): number | number[];
export function rmse(
  truth: Tensor | number,
  pred: Tensor | number,
  options: RegressionOptions | RawValuesOptions = {},
): number | number[] {
  const { scores } = squaredErrors("rmse", pred, truth, options);
  return combine("rmse", scores.map(Math.sqrt), options.multioutput);
}

function squaredErrors(
  metric: string,
  pred: Tensor | number,
  truth: Tensor | number,
  options: RegressionOptions | RawValuesOptions,
): { scores: number[] } {
  const cols = columns(metric, pred, truth);
  const { pred: p, truth: t, n, k } = cols;
  checkMultioutput(metric, options.multioutput, k, ALLOWED);
  return { scores: Array.from({ length: k }, (_, j) => columnSquaredError(t, p, n, k, j) / n) };
}
