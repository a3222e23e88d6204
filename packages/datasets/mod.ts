/**
 * `@glassbox/datasets`: scikit-learn's data set generators reproduced value
 * for value, and the data utilities a training script needs.
 *
 * - {@linkcode makeRegression}, {@linkcode makeClassification},
 *   {@linkcode makeBlobs}, {@linkcode makeMoons}, {@linkcode makeCircles}:
 *   for the same `randomState`, the same float64 values as scikit-learn 1.2
 *   with NumPy 1.24 (difference exactly 0), including the summation order of
 *   the OpenBLAS matrix products and NumPy's SVML sine and cosine.
 * - {@linkcode trainTestSplit}: the same rows as `train_test_split`,
 *   stratified or not.
 * - {@linkcode oneHot}, {@linkcode batches}, {@linkcode loadCsv} /
 *   {@linkcode parseCsv}.
 *
 * @example Regression data, split and batched
 * ```ts
 * import { batches, makeRegression, trainTestSplit } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const { X, y } = makeRegression({ nSamples: 100, nFeatures: 6, nTargets: 3, nInformative: 5, noise: 1, randomState: 0 });
 * const { xTrain, yTrain } = trainTestSplit(X, y, { testSize: 0.2, randomState: 0 });
 * deepStrictEqual(xTrain.shape, [80, 6]);
 * deepStrictEqual([...batches(xTrain, yTrain!, { batchSize: 32 })].length, 3);
 * ```
 *
 * @module
 */

export { type Batch, batches, type BatchesOptions } from "./batches.ts";
export { type ColumnRef, type CsvData, type CsvOptions, parseCsv } from "./parse_csv.ts";
export { DEFAULT_MAX_CSV_BYTES, loadCsv, type LoadCsvOptions } from "./load_csv.ts";
export { type BlobsData, makeBlobs, type MakeBlobsOptions } from "./make_blobs.ts";
export { makeCircles, type MakeCirclesOptions } from "./make_circles.ts";
export {
  type ClassificationData,
  makeClassification,
  type MakeClassificationOptions,
} from "./make_classification.ts";
export { makeMoons, type MakeMoonsOptions, type TwoClassData } from "./make_moons.ts";
export {
  makeRegression,
  type MakeRegressionOptions,
  REFERENCE_BLAS_THREADS,
  type RegressionData,
} from "./make_regression.ts";
export { inferTask, MAX_INFERRED_CLASSES } from "./infer_task.ts";
export { oneHot } from "./one_hot.ts";
export {
  type Splittable,
  type TrainTestSplit,
  trainTestSplit,
  type TrainTestSplitOptions,
} from "./train_test_split.ts";
export {
  StandardScaler,
  type StandardScalerOptions,
  type StandardScalerState,
} from "./standard_scaler.ts";
export { type Label, LabelEncoder, type LabelsLike } from "./label_encoder.ts";
