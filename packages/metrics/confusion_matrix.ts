/**
 * `confusionMatrix`: counts of (true class, predicted class) pairs, as
 * scikit-learn's `confusion_matrix`.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { classList, labelPair } from "./_labels.ts";

/** Options of `confusionMatrix`. */
export interface ConfusionMatrixOptions {
  /**
   * The classes, in the order of the rows and columns (default: the sorted
   * union of the labels in `pred` and `truth`). Samples whose true or
   * predicted label is not listed are left out.
   */
  labels?: readonly number[];
}

/**
 * The confusion matrix, as scikit-learn's `confusion_matrix`: entry `[i][j]`
 * counts the samples of true class `labels[i]` predicted as `labels[j]`
 * (rows are the truth, columns the prediction). Arguments are labels [N] or
 * scores [N, C] (argmax), truth first (as scikit-learn).
 *
 * @param truth True labels [N] or one-hot rows [N, C].
 * @param pred Predicted labels [N] or scores [N, C].
 * @param options `labels`: which classes, in which order.
 * @returns A plain `number[][]` of counts, `labels.length` square.
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const pred = tensor([0, 2, 1, 2, 0]), truth = tensor([0, 1, 1, 2, 2]);
 * deepStrictEqual(confusionMatrix(truth, pred), [
 *   [1, 0, 0],
 *   [0, 1, 1],
 *   [1, 0, 1],
 * ]);
 * deepStrictEqual(confusionMatrix(truth, pred, { labels: [2, 0] }), [[1, 1], [0, 1]]);
 * ```
 */
export function confusionMatrix(
  truth: Tensor,
  pred: Tensor,
  options: ConfusionMatrixOptions = {},
): number[][] {
  const labels = labelPair("confusionMatrix", pred, truth);
  const classes = classList("confusionMatrix", labels.pred, labels.truth, options.labels);
  const position = new Map(classes.map((c, i) => [c, i]));
  if (options.labels !== undefined && !labels.truth.some((t) => position.has(t))) {
    throw new RangeError(
      `Cannot compute confusionMatrix: none of labels [${
        classes.join(", ")
      }] occurs in truth, expected at least one`,
    );
  }
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (let i = 0; i < labels.pred.length; i++) {
    const row = position.get(labels.truth[i]), col = position.get(labels.pred[i]);
    if (row !== undefined && col !== undefined) matrix[row][col]++;
  }
  return matrix;
}
