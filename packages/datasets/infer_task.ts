/**
 * `inferTask`: whether a target column holds class labels or continuous values.
 *
 * @module
 */

import { Tensor } from "@glassbox/tensor";

/** Most distinct integer values a target may have to count as class labels. */
export const MAX_INFERRED_CLASSES = 20;

/**
 * Guesses what a target is for: `"classification"` when it holds strings,
 * or only integers with few distinct values (at most
 * {@linkcode MAX_INFERRED_CLASSES} and at most half the number of rows, so
 * each class has two rows on average); `"regression"` otherwise (any
 * non-integer, many distinct integers, or a 2-D target). A rule of thumb,
 * like scikit-learn's `type_of_target` but stricter about integers, since
 * integer-valued measurements (counts, scores) are common regression
 * targets. Override it where the data say otherwise.
 *
 * @param y Targets: a tensor or an array of numbers or strings.
 * @returns `"classification"` or `"regression"`.
 * @example
 * ```ts
 * import { inferTask } from "@glassbox/datasets";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(inferTask(["cat", "dog", "cat"]), "classification");
 * strictEqual(inferTask([0, 2, 1, 2, 0, 1]), "classification");
 * strictEqual(inferTask([1.5, 2, 3]), "regression");
 * strictEqual(inferTask([151, 75, 141, 206]), "regression"); // 4 distinct in 4 rows
 * ```
 */
export function inferTask(
  y: Tensor | readonly (number | string)[] | ArrayLike<number>,
): "classification" | "regression" {
  let values: ArrayLike<number | string>;
  if (y instanceof Tensor) {
    if (y.rank !== 1) return "regression";
    values = y.toTypedArray();
  } else {
    values = y;
  }
  const n = values.length;
  if (n === 0) return "regression";
  if (Array.from(values).some((v) => typeof v === "string")) return "classification";
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v)) return "regression";
    distinct.add(v);
    if (distinct.size > MAX_INFERRED_CLASSES) return "regression";
  }
  return distinct.size <= n / 2 ? "classification" : "regression";
}
