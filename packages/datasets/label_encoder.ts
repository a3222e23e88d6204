/**
 * `LabelEncoder`: scikit-learn's `LabelEncoder`, class labels to indices 0 … C − 1.
 *
 * @module
 */

import { Tensor, tensor } from "@glassbox/tensor";
import { describe } from "@glassbox/internal";

/** A class label: a string, or a finite number. */
export type Label = string | number;

/** Labels given as an array, a typed array or a 1-D tensor. */
export type LabelsLike = readonly Label[] | ArrayLike<number> | Tensor;

/** The labels as a plain array, each a string or a finite number, all of one kind. */
function labelList(labels: unknown, action: string): Label[] {
  let list: Label[];
  if (labels instanceof Tensor) {
    if (labels.rank !== 1) {
      throw new TypeError(`Cannot ${action}: labels must be 1-D, got ${describe(labels)}`);
    }
    list = Array.from(labels.toTypedArray());
  } else if (
    Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView))
  ) {
    list = Array.from(labels as ArrayLike<Label>);
  } else {
    throw new TypeError(
      `Cannot ${action}: labels must be an array or a 1-D Tensor, got ${describe(labels)}`,
    );
  }
  const strings = typeof list[0] === "string";
  list.forEach((label, i) => {
    if (!(typeof label === "string" || (typeof label === "number" && Number.isFinite(label)))) {
      throw new TypeError(
        `Cannot ${action}: labels[${i}] must be a string or a finite number, got ${
          describe(label)
        }`,
      );
    }
    if ((typeof label === "string") !== strings) {
      throw new TypeError(
        `Cannot ${action}: labels must be all numbers or all strings, got ${
          describe(list[0])
        } and ${describe(label)} (labels[${i}])`,
      );
    }
  });
  return list;
}

/** np.unique's order: numeric for numbers, by UTF-16 code unit for strings. */
function compare(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Encodes class labels as indices 0 … C − 1 in sorted order, as
 * scikit-learn's `LabelEncoder`: numbers sort numerically, strings by code
 * unit (so `"B" < "a"`), and `classes[i]` is the label of index i. A label
 * `fit` never saw is an error naming it, never a silent index.
 *
 * @example
 * ```ts
 * import { LabelEncoder } from "@glassbox/datasets";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const encoder = new LabelEncoder().fit(["virginica", "setosa", "versicolor", "setosa"]);
 * deepStrictEqual(encoder.classes, ["setosa", "versicolor", "virginica"]);
 * deepStrictEqual(encoder.transform(["setosa", "virginica"]).toArray(), [0, 2]);
 * deepStrictEqual(encoder.inverseTransform([1, 0]), ["versicolor", "setosa"]);
 * throws(() => encoder.transform(["rose"]), /previously unseen label "rose"/);
 * ```
 */
export class LabelEncoder {
  #classes: Label[] | null = null;
  #index = new Map<Label, number>();

  /**
   * Rebuilds a fitted encoder from its sorted classes (e.g. stored beside a model).
   *
   * @param classes The classes, sorted as `fit` sorts them, no duplicates.
   * @returns A fitted encoder.
   * @example
   * ```ts
   * import { LabelEncoder } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const encoder = LabelEncoder.fromClasses(["no", "yes"]);
   * deepStrictEqual(encoder.inverseTransform([1]), ["yes"]);
   * ```
   */
  static fromClasses(classes: readonly Label[]): LabelEncoder {
    const action = "restore LabelEncoder";
    const list = labelList(classes, action);
    if (list.length === 0) throw new RangeError(`Cannot ${action}: classes is empty`);
    for (let i = 1; i < list.length; i++) {
      if (compare(list[i - 1], list[i]) >= 0) {
        throw new RangeError(
          `Cannot ${action}: classes must be sorted without duplicates, got ${
            describe(list[i - 1])
          } before ${describe(list[i])}`,
        );
      }
    }
    const encoder = new LabelEncoder();
    encoder.#set(list);
    return encoder;
  }

  #set(classes: Label[]): void {
    this.#classes = classes;
    this.#index = new Map(classes.map((c, i) => [c, i]));
  }

  /**
   * Learns the classes: the distinct labels, sorted.
   *
   * @param labels Labels: strings or finite numbers (one kind), as an array or a 1-D tensor.
   * @returns This encoder, fitted.
   * @example
   * ```ts
   * import { LabelEncoder } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LabelEncoder().fit([10, -1, 10, 2]).classes, [-1, 2, 10]);
   * ```
   */
  fit(labels: LabelsLike): this {
    const list = labelList(labels, "fit LabelEncoder");
    if (list.length === 0) throw new RangeError(`Cannot fit LabelEncoder: labels is empty`);
    this.#set([...new Set(list)].sort(compare));
    return this;
  }

  /** The classes in index order (after `fit`). */
  get classes(): Label[] {
    if (this.#classes === null) {
      throw new ReferenceError(
        `Cannot read classes: the encoder is not fitted, call fit(labels) first`,
      );
    }
    return [...this.#classes];
  }

  /**
   * Each label's class index.
   *
   * @param labels Labels of the fitted kind.
   * @returns The indices, a float64 tensor [N] (the form losses and metrics take).
   * @example
   * ```ts
   * import { LabelEncoder } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LabelEncoder().fit(["b", "a"]).transform(["a", "b"]).toArray(), [0, 1]);
   * ```
   */
  transform(labels: LabelsLike): Tensor {
    const action = "transform labels with LabelEncoder";
    if (this.#classes === null) {
      throw new ReferenceError(
        `Cannot ${action}: the encoder is not fitted, call fit(labels) first`,
      );
    }
    const list = labelList(labels, action);
    const out = new Float64Array(list.length);
    list.forEach((label, i) => {
      const index = this.#index.get(label);
      if (index === undefined) {
        throw new RangeError(
          `Cannot ${action}: labels[${i}] is a previously unseen label ${
            describe(label)
          }, the classes are ${describe(this.#classes)}`,
        );
      }
      out[i] = index;
    });
    return tensor(out, { shape: [list.length], dtype: "float64" });
  }

  /**
   * `fit(labels)`, then `transform(labels)`.
   *
   * @param labels Labels.
   * @returns The indices, a float64 tensor [N].
   * @example
   * ```ts
   * import { LabelEncoder } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LabelEncoder().fitTransform([5, 3, 5]).toArray(), [1, 0, 1]);
   * ```
   */
  fitTransform(labels: LabelsLike): Tensor {
    return this.fit(labels).transform(labels);
  }

  /**
   * The labels of class indices.
   *
   * @param indices Integers in [0, C − 1], as an array or a 1-D tensor.
   * @returns The labels.
   * @example
   * ```ts
   * import { LabelEncoder } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LabelEncoder().fit(["x", "y"]).inverseTransform([1, 1, 0]), ["y", "y", "x"]);
   * ```
   */
  inverseTransform(indices: ArrayLike<number> | Tensor): Label[] {
    const action = "inverse-transform labels with LabelEncoder";
    const classes = this.#classes;
    if (classes === null) {
      throw new ReferenceError(
        `Cannot ${action}: the encoder is not fitted, call fit(labels) first`,
      );
    }
    const list = labelList(indices, action);
    return list.map((v, i) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= classes.length) {
        throw new RangeError(
          `Cannot ${action}: indices[${i}] must be an integer in [0, ${classes.length - 1}], got ${
            describe(v)
          }`,
        );
      }
      return classes[v];
    });
  }
}
