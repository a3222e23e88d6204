/**
 * `@glassbox/metrics`: regression and classification metrics, matching
 * scikit-learn (and the notebooks' modified MAPE).
 *
 * Every metric takes the truth first and the prediction second, as
 * scikit-learn's `(y_true, y_pred)` (so the notebooks' `torch_mape(pred,
 * true)` is `mape(true, pred)`), reads CPU tensors of either dtype
 * (`mape`, `mse`, `rmse` and `mae` also take two plain numbers), computes in
 * float64 and returns plain numbers (plain arrays for per-output or
 * per-class values).
 *
 * - Regression: `mape`, `mse`, `rmse`, `mae`, `r2Score` — inputs [N] or
 *   [N, K] (K outputs, averaged by `multioutput`).
 * - Classification: `accuracy`, `confusionMatrix`, `precisionRecallF1` —
 *   labels [N] (floats holding integers) or scores [N, C] (row-wise argmax).
 *
 * @example Scoring a regression and a classifier
 * ```ts
 * import { accuracy, mape, r2Score } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(mape(tensor([100, 50]), tensor([110, 45])), 10);
 * strictEqual(r2Score(tensor([1, 2, 3]), tensor([1, 2, 3])), 1);
 * strictEqual(accuracy(tensor([0, 0]), tensor([[0.9, 0.1], [0.3, 0.7]])), 0.5);
 * ```
 *
 * @module
 */

export { mape } from "./mape.ts";
export { mse, rmse } from "./mse.ts";
export { mae } from "./mae.ts";
export { r2Score, type R2ScoreOptions, type R2ScoreRawOptions } from "./r2_score.ts";
export type { Multioutput, RawValuesOptions, RegressionOptions } from "./multioutput.ts";
export { accuracy, type AccuracyOptions } from "./accuracy.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion_matrix.ts";
export {
  type PerClassScores,
  type PrecisionRecallF1,
  precisionRecallF1,
  type PrecisionRecallF1Options,
} from "./precision_recall_f1.ts";
