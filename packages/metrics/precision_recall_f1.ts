/**
 * `precisionRecallF1`: precision, recall and F1 per class and averaged, as
 * scikit-learn's `precision_recall_fscore_support`.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { classList, labelPair } from "./_labels.ts";

/** Options of `precisionRecallF1`. */
export interface PrecisionRecallF1Options {
  /**
   * How the per-class scores become `precision`, `recall` and `f1`:
   * - `"macro"` (default): the plain mean over classes;
   * - `"weighted"`: the mean weighted by each class's support (true count);
   * - `"micro"`: from the true positives, predictions and supports summed over classes;
   * - `"binary"`: the scores of class `posLabel` alone (at most two classes present).
   */
  average?: "macro" | "micro" | "weighted" | "binary";
  /** The classes to score, in order (default: the sorted union of labels present). */
  labels?: readonly number[];
  /**
   * The value of a ratio whose denominator is 0 (a class never predicted, for
   * precision; never true, for recall): 0 (default, scikit-learn's "warn"
   * without the warning) or 1.
   */
  zeroDivision?: 0 | 1;
  /** The positive class for `average: "binary"` (default 1). */
  posLabel?: number;
}

/** Per-class scores, one entry per class of `labels`. */
export interface PerClassScores {
  /** `tp / (tp + fp)` of each class. */
  precision: number[];
  /** `tp / (tp + fn)` of each class. */
  recall: number[];
  /** `2·p·r / (p + r)` of each class (0 where `p + r = 0`). */
  f1: number[];
  /** Number of true samples of each class. */
  support: number[];
}

/** What `precisionRecallF1` returns. */
export interface PrecisionRecallF1 {
  /** Averaged precision. */
  precision: number;
  /** Averaged recall. */
  recall: number;
  /** Averaged F1. */
  f1: number;
  /** The classes of `perClass`, in order. */
  labels: number[];
  /** Scores of every class (whatever the average). */
  perClass: PerClassScores;
}

/**
 * Precision, recall and F1 score, as scikit-learn 1.2's
 * `precision_recall_fscore_support` with `beta = 1`. Arguments are labels [N]
 * (floats holding integers) or scores [N, C] (argmax), truth first (as scikit-learn).
 * A ratio with a zero denominator is `zeroDivision` (0 by default, like
 * scikit-learn's `"warn"`); F1 is then computed from those values, and is 0
 * where precision + recall = 0. With `"weighted"` and no true sample of any
 * scored class, the result is `zeroDivision` for all three when nothing was
 * predicted either, else precision 0, recall `zeroDivision`, F1 0.
 *
 * @param truth True labels [N] or one-hot rows [N, C].
 * @param pred Predicted labels [N] or scores [N, C].
 * @param options `average`, `labels`, `zeroDivision`, `posLabel`.
 * @returns The averaged scores, plus per-class scores and supports.
 *
 * @example
 * ```ts
 * import { precisionRecallF1 } from "@glassbox/metrics";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const pred = tensor([0, 1, 1, 2, 2, 2]), truth = tensor([0, 1, 2, 2, 2, 1]);
 * const macro = precisionRecallF1(truth, pred);
 * deepStrictEqual(macro.labels, [0, 1, 2]);
 * assertClose(macro.perClass.precision, [1, 1 / 2, 2 / 3]);
 * assertClose(macro.perClass.recall, [1, 1 / 2, 2 / 3]);
 * assertClose(macro.precision, (1 + 1 / 2 + 2 / 3) / 3);
 * const micro = precisionRecallF1(truth, pred, { average: "micro" });
 * assertClose(micro.f1, 4 / 6); // micro F1 = accuracy for single-label data
 * ```
 */
export function precisionRecallF1(
  truth: Tensor,
  pred: Tensor,
  options: PrecisionRecallF1Options = {},
): PrecisionRecallF1 {
  const metric = "precisionRecallF1";
  const average = options.average ?? "macro";
  if (!["macro", "micro", "weighted", "binary"].includes(average)) {
    throw new RangeError(
      `Cannot compute ${metric}: average ${
        JSON.stringify(average)
      } is not supported, expected "macro", "micro", "weighted" or "binary"`,
    );
  }
  const zd = options.zeroDivision ?? 0;
  if (zd !== 0 && zd !== 1) {
    throw new RangeError(
      `Cannot compute ${metric}: zeroDivision ${zd} is not supported, expected 0 or 1`,
    );
  }
  const labels = labelPair(metric, pred, truth);
  const classes = classList(metric, labels.pred, labels.truth, options.labels);
  const counts = classes.map((c) => countsOf(c, labels.pred, labels.truth));
  const perClass = scores(counts, zd);
  const result = (p: number, r: number, f: number): PrecisionRecallF1 => ({
    precision: p,
    recall: r,
    f1: f,
    labels: classes,
    perClass,
  });

  if (average === "binary") {
    const present = new Set([...labels.truth, ...labels.pred]);
    const posLabel = options.posLabel ?? 1;
    if (present.size > 2) {
      throw new RangeError(
        `Cannot compute ${metric}: average "binary" needs at most 2 classes, found ${present.size} ([${
          [...present].sort((a, b) => a - b).join(", ")
        }]); use "macro", "micro" or "weighted"`,
      );
    }
    if (!present.has(posLabel) && present.size === 2) {
      throw new RangeError(
        `Cannot compute ${metric}: posLabel ${posLabel} is not one of the labels [${
          [...present].sort((a, b) => a - b).join(", ")
        }]`,
      );
    }
    const s = scores([countsOf(posLabel, labels.pred, labels.truth)], zd);
    return result(s.precision[0], s.recall[0], s.f1[0]);
  }
  if (average === "micro") {
    const total = counts.reduce((a, c) => ({
      tp: a.tp + c.tp,
      predicted: a.predicted + c.predicted,
      actual: a.actual + c.actual,
    }));
    const s = scores([total], zd);
    return result(s.precision[0], s.recall[0], s.f1[0]);
  }
  if (average === "weighted") {
    const weights = perClass.support;
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    if (totalWeight === 0) {
      // No true sample of any scored class: scikit-learn's special case.
      const predicted = counts.reduce((a, c) => a + c.predicted, 0);
      return predicted === 0 ? result(zd, zd, zd) : result(0, zd, 0);
    }
    const mean = (v: number[]) => v.reduce((a, x, i) => a + x * weights[i], 0) / totalWeight;
    return result(mean(perClass.precision), mean(perClass.recall), mean(perClass.f1));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return result(mean(perClass.precision), mean(perClass.recall), mean(perClass.f1));
}

/** True positives, predictions and true samples of one class. */
interface Counts {
  tp: number;
  predicted: number;
  actual: number;
}

function countsOf(c: number, pred: number[], truth: number[]): Counts {
  let tp = 0, predicted = 0, actual = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] === c) predicted++;
    if (truth[i] === c) actual++;
    if (pred[i] === c && truth[i] === c) tp++;
  }
  return { tp, predicted, actual };
}

function scores(counts: Counts[], zd: number): PerClassScores {
  const ratio = (num: number, den: number) => (den === 0 ? zd : num / den);
  const precision = counts.map((c) => ratio(c.tp, c.predicted));
  const recall = counts.map((c) => ratio(c.tp, c.actual));
  const f1 = precision.map((p, i) => {
    const r = recall[i];
    const den = p + r;
    return den === 0 ? 0 : 2 * p * r / den;
  });
  return { precision, recall, f1, support: counts.map((c) => c.actual) };
}
