/**
 * `makeBlobs`: scikit-learn's `make_blobs`, value for value.
 *
 * @module
 */

import { type RandomState, Tensor } from "@glassbox/tensor";
import { shuffledIndices, takeRows, wrap } from "./_random.ts";
import { checkBoolean, checkInteger, checkNumber, describe } from "@glassbox/internal";
import { checkNumbers, resolveRandomState } from "./_validate.ts";

/** Options of {@linkcode makeBlobs}: scikit-learn's parameters in camelCase, with its defaults. */
export interface MakeBlobsOptions {
  /** Total number of samples (split evenly), or the number for each centre. Default 100. */
  nSamples?: number | readonly number[];
  /** Features per sample; ignored when `centers` gives coordinates. Default 2. */
  nFeatures?: number;
  /**
   * Number of centres to draw uniformly in `centerBox`, or their coordinates
   * ([nCenters][nFeatures]). Default: 3 centres, or one per entry of an array
   * `nSamples`.
   */
  centers?: number | readonly (readonly number[])[] | Tensor | null;
  /** Standard deviation of every cluster, or one per centre. Default 1. */
  clusterStd?: number | readonly number[];
  /** Bounds [low, high) for random centres. Default [-10, 10]. */
  centerBox?: readonly [number, number];
  /** Shuffle the samples. Default true. */
  shuffle?: boolean;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
}

/** Result of {@linkcode makeBlobs}. */
export interface BlobsData {
  /** Samples, shape [nSamples, nFeatures]. */
  X: Tensor;
  /** Index of each sample's centre (as float64), shape [nSamples]. */
  y: Tensor;
  /** The centres, shape [nCenters, nFeatures] (scikit-learn's `return_centers=True`). */
  centers: Tensor;
}

const ACTION = "make blobs";

/** Centre coordinates given as nested arrays or a 2-D tensor. */
function centerMatrix(value: unknown): { data: number[]; rows: number; cols: number } {
  if (value instanceof Tensor) {
    if (value.rank !== 2) {
      throw new TypeError(`Cannot ${ACTION}: centers must be 2-D, got ${describe(value)}`);
    }
    const data = checkNumbers(Array.from(value.toTypedArray()), "centers", ACTION);
    return { data, rows: value.shape[0], cols: value.shape[1] };
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new TypeError(
      `Cannot ${ACTION}: centers must be a count or a non-empty array of coordinate rows, got ${
        describe(value)
      }`,
    );
  }
  const cols = value[0].length;
  if (cols === 0 || value.some((row) => row.length !== cols)) {
    throw new RangeError(
      `Cannot ${ACTION}: centers rows must all have the same non-zero length, got ${
        describe(value)
      }`,
    );
  }
  const data = value.flatMap((row, i) => checkNumbers(row, `centers[${i}]`, ACTION));
  return { data, rows: value.length, cols };
}

/**
 * Isotropic Gaussian blobs, identical to scikit-learn 1.2's `make_blobs` for
 * the same seed: centres drawn uniformly in `centerBox` (unless given), then
 * each cluster's samples as `normal(center, std)`, then shuffled.
 *
 * @param options Sizes, centres, spreads, seed; see {@linkcode MakeBlobsOptions}.
 * @returns `{ X, y, centers }`.
 * @example
 * ```ts
 * import { makeBlobs } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * // make_blobs(n_samples=10, centers=3, n_features=2, random_state=0)
 * const { X, y } = makeBlobs({ nSamples: 10, centers: 3, nFeatures: 2, randomState: 0 });
 * deepStrictEqual(X.shape, [10, 2]);
 * deepStrictEqual(Array.from(y.toTypedArray()), [0, 0, 1, 0, 2, 2, 2, 1, 1, 0]);
 * ```
 */
export function makeBlobs(options: MakeBlobsOptions = {}): BlobsData {
  const rawSamples = options.nSamples ?? 100;
  let nFeatures = checkInteger(options.nFeatures ?? 2, ACTION, "nFeatures", 1);
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  const box = options.centerBox ?? [-10, 10];
  if (!Array.isArray(box) || box.length !== 2) {
    throw new TypeError(
      `Cannot ${ACTION}: centerBox must be a pair [low, high], got ${describe(box)}`,
    );
  }
  const [low, high] = [
    checkNumber(box[0], ACTION, "centerBox[0]"),
    checkNumber(box[1], ACTION, "centerBox[1]"),
  ];
  const stdOption = options.clusterStd ?? 1;
  const stds = typeof stdOption === "number"
    ? null
    : checkNumbers(stdOption, "clusterStd", ACTION).map((s, i) =>
      checkNumber(s, ACTION, `clusterStd[${i}]`, { min: 0 })
    );
  const oneStd = typeof stdOption === "number"
    ? checkNumber(stdOption, ACTION, "clusterStd", { min: 0 })
    : 0;
  const counts = Array.isArray(rawSamples)
    ? rawSamples.map((n, i) => checkInteger(n, ACTION, `nSamples[${i}]`, 0))
    : null;
  const total = counts === null ? checkInteger(rawSamples, ACTION, "nSamples", 1) : 0;
  const centersOption = options.centers ?? null;
  if (counts !== null && typeof centersOption === "number") {
    throw new TypeError(
      `Cannot ${ACTION}: centers must be coordinates or null when nSamples is an array, got ${centersOption}`,
    );
  }
  const rs = resolveRandomState(options.randomState, ACTION);

  let nCenters: number;
  let centers: number[];
  if (centersOption === null || typeof centersOption === "number") {
    if (counts !== null && counts.length === 0) {
      throw new RangeError(`Cannot ${ACTION}: nSamples must list at least one count, got []`);
    }
    nCenters = counts === null
      ? checkInteger(centersOption ?? 3, ACTION, "centers", 1)
      : counts.length;
    centers = Array.from(rs.uniform(low, high, [nCenters, nFeatures]));
  } else {
    const m = centerMatrix(centersOption);
    nCenters = m.rows;
    nFeatures = m.cols;
    centers = m.data;
    if (counts !== null && counts.length !== nCenters) {
      throw new RangeError(
        `Cannot ${ACTION}: nSamples must have one count per centre (${nCenters}), got ${counts.length} counts`,
      );
    }
  }
  if (stds !== null && stds.length !== nCenters) {
    throw new RangeError(
      `Cannot ${ACTION}: clusterStd must have one value per centre (${nCenters}), got ${stds.length} values`,
    );
  }

  const perCenter = counts ?? Array.from(
    { length: nCenters },
    (_, i) => Math.floor(total / nCenters) + (i < total % nCenters ? 1 : 0),
  );
  const nSamples = perCenter.reduce((s, n) => s + n, 0);
  let X: Float64Array = new Float64Array(nSamples * nFeatures);
  let y: Float64Array = new Float64Array(nSamples);
  let row = 0;
  perCenter.forEach((n, i) => {
    const std = stds === null ? oneStd : stds[i];
    for (let r = 0; r < n; r++, row++) {
      y[row] = i;
      for (let c = 0; c < nFeatures; c++) {
        X[row * nFeatures + c] = centers[i * nFeatures + c] + std * rs.standardNormal();
      }
    }
  });
  if (shuffle) {
    const idx = shuffledIndices(rs, nSamples);
    X = takeRows(X, nFeatures, idx);
    y = takeRows(y, 1, idx);
  }
  return {
    X: wrap(X, [nSamples, nFeatures]),
    y: wrap(y, [nSamples]),
    centers: wrap(new Float64Array(centers), [nCenters, nFeatures]),
  };
}
