/**
 * `StandardScaler`: scikit-learn's `StandardScaler`, value for value.
 *
 * @module
 */

import { Tensor, tensor } from "@glassbox/tensor";
import { checkBoolean, describe } from "@glassbox/internal";

/** Options of {@linkcode StandardScaler}: scikit-learn's parameters in camelCase. */
export interface StandardScalerOptions {
  /** Subtract each feature's mean. Default true. */
  withMean?: boolean;
  /** Divide by each feature's standard deviation (ddof = 0). Default true. */
  withStd?: boolean;
}

/** A fitted scaler as plain data (`toJSON()` / `StandardScaler.fromJSON()`). */
export interface StandardScalerState {
  /** Whether the mean is subtracted. */
  withMean: boolean;
  /** Whether the standard deviation divides. */
  withStd: boolean;
  /** Mean of each feature. */
  mean: number[];
  /** Population variance (ddof = 0) of each feature, or null without `withStd`. */
  var: number[] | null;
  /** Divisor of each feature (√var, or 1 for a constant feature), or null without `withStd`. */
  scale: number[] | null;
  /** Rows seen by `fit`. */
  nSamplesSeen: number;
}

const EPS = 2 ** -52; // np.finfo(np.float64).eps

/** The rows of a 2-D tensor or a number[][] as one float64 array, checked finite. */
function matrix(x: unknown, action: string): { values: Float64Array; rows: number; cols: number } {
  let values: Float64Array;
  let shape: number[];
  if (x instanceof Tensor) {
    if (x.rank !== 2) {
      throw new TypeError(`Cannot ${action}: x must be 2-D [rows, features], got ${describe(x)}`);
    }
    shape = [...x.shape];
    // toTypedArray() returns a fresh copy, which is ours to overwrite.
    const host = x.toTypedArray();
    values = host instanceof Float64Array ? host : Float64Array.from(host);
  } else if (Array.isArray(x) && x.every(Array.isArray)) {
    const cols = x.length === 0 ? 0 : (x[0] as unknown[]).length;
    x.forEach((row: unknown[], i) => {
      if (row.length !== cols) {
        throw new TypeError(
          `Cannot ${action}: x rows must have the same length, got ${row.length} in row ${i} and ${cols} in row 0`,
        );
      }
    });
    shape = [x.length, cols];
    values = Float64Array.from((x as unknown[][]).flat() as number[]);
  } else {
    throw new TypeError(
      `Cannot ${action}: x must be a 2-D Tensor or an array of rows, got ${describe(x)}`,
    );
  }
  const [rows, cols] = shape;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(
        `Cannot ${action}: x[${Math.floor(i / cols)}][${i % cols}] must be finite, got ${
          values[i]
        }`,
      );
    }
  }
  return { values, rows, cols };
}

/**
 * Standardizes features: `z = (x − mean) / scale`, with the mean and the
 * population standard deviation (ddof = 0) of each column, as scikit-learn
 * 1.2's `StandardScaler` (dense input, no sample weights): the same
 * two-pass corrected variance, summed row by row in the same order, so
 * `mean`, `var`, `scale` and the transformed values equal scikit-learn's
 * bit for bit. A constant column (variance within rounding of 0) gets
 * scale 1, so it maps to 0 instead of NaN. Computes in float64; the
 * results keep a tensor input's dtype. Non-finite inputs are rejected
 * (scikit-learn ignores NaN instead).
 *
 * @example
 * ```ts
 * import { StandardScaler } from "@glassbox/datasets";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = tensor([[0, 5], [2, 5], [4, 5]]);
 * const scaler = new StandardScaler().fit(x);
 * deepStrictEqual(scaler.mean, [2, 5]);
 * deepStrictEqual(scaler.var, [8 / 3, 0]);
 * deepStrictEqual(scaler.scale, [Math.sqrt(8 / 3), 1]); // constant column: scale 1
 * const z = scaler.transform(x);
 * assertClose(z, [[-Math.sqrt(1.5), 0], [0, 0], [Math.sqrt(1.5), 0]], { rtol: 1e-15 });
 * assertClose(scaler.inverseTransform(z), x, { atol: 1e-15 });
 * ```
 */
export class StandardScaler {
  readonly #withMean: boolean;
  readonly #withStd: boolean;
  #state: StandardScalerState | null = null;

  /**
   * Makes an unfitted scaler.
   *
   * @param options `withMean`, `withStd` (both default true).
   */
  constructor(options: StandardScalerOptions = {}) {
    this.#withMean = checkBoolean(options.withMean ?? true, "create StandardScaler", "withMean");
    this.#withStd = checkBoolean(options.withStd ?? true, "create StandardScaler", "withStd");
  }

  /**
   * Rebuilds a fitted scaler from {@linkcode StandardScaler.toJSON}'s data
   * (e.g. stored beside a model), checking every field.
   *
   * @param state The stored state.
   * @returns A fitted scaler.
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const fitted = new StandardScaler().fit([[1], [3]]);
   * const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(fitted)));
   * deepStrictEqual(copy.transform([[5]]).toArray(), [[3]]);
   * ```
   */
  static fromJSON(state: StandardScalerState): StandardScaler {
    const action = "restore StandardScaler";
    if (typeof state !== "object" || state === null) {
      throw new TypeError(`Cannot ${action}: state must be an object, got ${describe(state)}`);
    }
    const scaler = new StandardScaler({ withMean: state.withMean, withStd: state.withStd });
    const list = (v: unknown, name: string): number[] => {
      if (!Array.isArray(v) || !v.every((n) => typeof n === "number" && Number.isFinite(n))) {
        throw new TypeError(
          `Cannot ${action}: ${name} must be an array of finite numbers, got ${describe(v)}`,
        );
      }
      return [...v];
    };
    const mean = list(state.mean, "mean");
    const withStd = scaler.#withStd;
    const variance = withStd ? list(state.var, "var") : null;
    const scale = withStd ? list(state.scale, "scale") : null;
    if (
      mean.length === 0 ||
      (withStd && (variance!.length !== mean.length || scale!.length !== mean.length))
    ) {
      throw new RangeError(
        `Cannot ${action}: mean, var and scale must have the same, non-zero length, got ${mean.length}, ${variance?.length}, ${scale?.length}`,
      );
    }
    if (scale !== null && scale.some((s) => s <= 0)) {
      throw new RangeError(`Cannot ${action}: scale must be positive, got ${describe(scale)}`);
    }
    const n = state.nSamplesSeen;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`Cannot ${action}: nSamplesSeen must be a positive integer, got ${n}`);
    }
    scaler.#state = {
      withMean: scaler.#withMean,
      withStd,
      mean,
      var: variance,
      scale,
      nSamplesSeen: n,
    };
    return scaler;
  }

  /**
   * Computes each feature's mean and variance from `x`.
   *
   * @param x Rows [N, F]: a 2-D tensor or an array of rows (N ≥ 1).
   * @returns This scaler, fitted.
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new StandardScaler().fit([[1, 10], [3, 30]]).mean, [2, 20]);
   * ```
   */
  fit(x: Tensor | readonly (readonly number[])[]): this {
    const action = "fit StandardScaler";
    const { values, rows, cols } = matrix(x, action);
    if (rows === 0 || cols === 0) {
      throw new RangeError(
        `Cannot ${action}: x must have at least one row and one column, got [${rows}, ${cols}]`,
      );
    }
    // sklearn.utils.extmath._incremental_mean_and_var from a fresh state:
    // column sums accumulated row by row (np.sum over axis 0 of C-ordered data).
    const sum = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) sum[j] += values[i * cols + j];
    }
    const mean = Array.from(sum, (s) => (0 + s) / rows);
    let variance: number[] | null = null;
    let scale: number[] | null = null;
    if (this.#withStd) {
      const t = Array.from(sum, (s) => s / rows);
      const correction = new Float64Array(cols);
      const squares = new Float64Array(cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const d = values[i * cols + j] - t[j];
          correction[j] += d;
          squares[j] += d * d;
        }
      }
      variance = Array.from(squares, (s, j) => (s - correction[j] ** 2 / rows) / rows);
      // _is_constant_feature, then _handle_zeros_in_scale: constant columns divide by 1.
      scale = variance.map((v, j) => {
        const bound = rows * EPS * v + (rows * mean[j] * EPS) ** 2;
        return v <= bound ? 1 : Math.sqrt(v);
      });
    }
    this.#state = {
      withMean: this.#withMean,
      withStd: this.#withStd,
      mean,
      var: variance,
      scale,
      nSamplesSeen: rows,
    };
    return this;
  }

  #fitted(action: string): StandardScalerState {
    if (this.#state === null) {
      throw new ReferenceError(`Cannot ${action}: the scaler is not fitted, call fit(x) first`);
    }
    return this.#state;
  }

  /** Mean of each feature (after `fit`). */
  get mean(): number[] {
    return [...this.#fitted("read mean").mean];
  }

  /** Population variance (ddof = 0) of each feature, or null without `withStd`. */
  get var(): number[] | null {
    const v = this.#fitted("read var").var;
    return v === null ? null : [...v];
  }

  /** Divisor of each feature: √var, or 1 where the feature is constant; null without `withStd`. */
  get scale(): number[] | null {
    const s = this.#fitted("read scale").scale;
    return s === null ? null : [...s];
  }

  /** Number of features seen by `fit`. */
  get nFeatures(): number {
    return this.#fitted("read nFeatures").mean.length;
  }

  #apply(x: Tensor | readonly (readonly number[])[], inverse: boolean): Tensor {
    const action = inverse
      ? "inverse-transform with StandardScaler"
      : "transform with StandardScaler";
    const state = this.#fitted(action);
    const { values, rows, cols } = matrix(x, action);
    if (cols !== state.mean.length) {
      throw new TypeError(
        `Cannot ${action}: x has ${cols} features, the scaler was fitted on ${state.mean.length}`,
      );
    }
    const center = state.withMean ? state.mean : null;
    const scale = state.scale;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let v = values[i * cols + j];
        if (inverse) {
          if (scale !== null) v *= scale[j];
          if (center !== null) v += center[j];
        } else {
          if (center !== null) v -= center[j];
          if (scale !== null) v /= scale[j];
        }
        values[i * cols + j] = v;
      }
    }
    const dtype = x instanceof Tensor ? x.dtype : "float64";
    return tensor(values, { shape: [rows, cols], dtype });
  }

  /**
   * Standardizes rows with the fitted statistics: `(x − mean) / scale`.
   *
   * @param x Rows [N, F] with the fitted number of features.
   * @returns The standardized rows (the input's dtype; float64 for arrays).
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const scaler = new StandardScaler().fit([[1], [3]]);
   * deepStrictEqual(scaler.transform([[2], [5]]).toArray(), [[0], [3]]);
   * ```
   */
  transform(x: Tensor | readonly (readonly number[])[]): Tensor {
    return this.#apply(x, false);
  }

  /**
   * Undoes {@linkcode StandardScaler.transform}: `z · scale + mean`.
   *
   * @param z Standardized rows [N, F].
   * @returns Rows in the original units.
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const scaler = new StandardScaler().fit([[1], [3]]);
   * deepStrictEqual(scaler.inverseTransform([[3]]).toArray(), [[5]]);
   * ```
   */
  inverseTransform(z: Tensor | readonly (readonly number[])[]): Tensor {
    return this.#apply(z, true);
  }

  /**
   * `fit(x)`, then `transform(x)`.
   *
   * @param x Rows [N, F].
   * @returns The standardized rows.
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new StandardScaler().fitTransform([[1], [3]]).toArray(), [[-1], [1]]);
   * ```
   */
  fitTransform(x: Tensor | readonly (readonly number[])[]): Tensor {
    return this.fit(x).transform(x);
  }

  /**
   * The fitted statistics as plain data (what `JSON.stringify` writes);
   * float64 values survive a JSON round trip exactly.
   *
   * @returns The state.
   * @example
   * ```ts
   * import { StandardScaler } from "@glassbox/datasets";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new StandardScaler().fit([[1], [3]]).toJSON().scale, [1]);
   * ```
   */
  toJSON(): StandardScalerState {
    const s = this.#fitted("save StandardScaler");
    return {
      ...s,
      mean: [...s.mean],
      var: s.var && [...s.var],
      scale: s.scale && [...s.scale],
    };
  }
}
