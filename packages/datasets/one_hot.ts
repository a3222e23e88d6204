/**
 * `oneHot`: class indices to one-hot rows.
 *
 * @module
 */

import { Tensor, tensor } from "@glassbox/tensor";
import { checkInteger, describe } from "@glassbox/internal";

const ACTION = "one-hot encode";

/**
 * One-hot encodes class indices: row i has a 1 in column `labels[i]` and 0
 * elsewhere (float64), like `torch.nn.functional.one_hot(labels, nClasses)`.
 *
 * @param labels Integer class indices: a 1-D tensor or an array.
 * @param nClasses Number of columns; default the largest label + 1.
 * @returns A tensor of shape [labels.length, nClasses].
 * @example
 * ```ts
 * import { oneHot } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(oneHot([2, 0, 1]).toArray(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
 * deepStrictEqual(oneHot([1], 4).toArray(), [[0, 1, 0, 0]]);
 * ```
 */
export function oneHot(labels: Tensor | ArrayLike<number>, nClasses?: number): Tensor {
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.rank !== 1) {
      throw new TypeError(`Cannot ${ACTION}: labels must be 1-D, got ${describe(labels)}`);
    }
    values = labels.toTypedArray();
  } else if (Array.isArray(labels) || ArrayBuffer.isView(labels)) {
    values = labels;
  } else {
    throw new TypeError(
      `Cannot ${ACTION}: labels must be a Tensor or an array, got ${describe(labels)}`,
    );
  }
  const n = values.length;
  for (let i = 0; i < n; i++) checkInteger(values[i], ACTION, `labels[${i}]`, 0);
  let max = -1;
  for (let i = 0; i < n; i++) max = Math.max(max, values[i]);
  const classes = nClasses === undefined ? max + 1 : checkInteger(nClasses, ACTION, "nClasses", 1);
  if (classes < 1) {
    throw new RangeError(`Cannot ${ACTION}: nClasses must be given when labels is empty`);
  }
  if (max >= classes) {
    throw new RangeError(
      `Cannot ${ACTION}: labels must be below nClasses (${classes}), got a label ${max}`,
    );
  }
  const out = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + values[i]] = 1;
  return tensor(out, { shape: [n, classes], dtype: "float64" });
}
