/**
 * `accuracy`: the fraction of correct predictions, as scikit-learn's `accuracy_score`.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { argmaxAt, labelPair, scorePair } from "./_labels.ts";

/** Options of `accuracy`. */
export interface AccuracyOptions {
  /** Return the fraction correct (default true) or, with false, the count. */
  normalize?: boolean;
}

/**
 * The fraction of samples whose predicted class equals the true class, as
 * scikit-learn's `accuracy_score`. Each argument is either class labels [N]
 * (floats holding integers) or scores [N, C] (logits, probabilities or
 * one-hot rows), which count as their row-wise argmax (first maximum on ties).
 *
 * @param truth True labels [N] or one-hot rows [N, C].
 * @param pred Predicted labels [N] or scores [N, C].
 * @param options `normalize` (default true).
 * @returns The fraction in [0, 1], or the number correct with `normalize: false`.
 *
 * @example
 * ```ts
 * import { accuracy } from "@glassbox/metrics";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const logits = tensor([[2, 0.5, 0], [0, 1, 3], [0.2, 0.1, 0]]);
 * strictEqual(accuracy(tensor([0, 2, 1]), logits), 2 / 3);
 * strictEqual(accuracy(tensor([0, 2, 1]), logits, { normalize: false }), 2);
 * ```
 */
export function accuracy(truth: Tensor, pred: Tensor, options: AccuracyOptions = {}): number {
  const normalize = options.normalize ?? true;
  // Scores against scores or one-hot rows (a classifier's validation): the argmaxes compared
  // row by row, read in place, with no label arrays. The loop stays here: a helper holding it
  // would be inlined into this function's first, slower compiled code, and stay there.
  const scores = scorePair("accuracy", pred, truth);
  if (scores !== undefined) {
    const { pred: p, truth: t, rows, predColumns: pc, truthColumns: tc } = scores;
    let agree = 0;
    for (let i = 0; i < rows; i++) if (argmaxAt(p, i * pc, pc) === argmaxAt(t, i * tc, tc)) agree++;
    return normalize ? agree / rows : agree;
  }
  const labels = labelPair("accuracy", pred, truth);
  let correct = 0;
  for (let i = 0; i < labels.pred.length; i++) if (labels.pred[i] === labels.truth[i]) correct++;
  return normalize ? correct / labels.pred.length : correct;
}
