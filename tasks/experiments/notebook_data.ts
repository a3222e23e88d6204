/**
 * The data of the notebooks whose recipes differ from the first MLP
 * notebook's: notebook 1.1 (one feature, one target), notebook 1.2 (6
 * features → 3 targets) and the MLP-for-classification notebook (one-hot
 * targets) — each with the notebook's own sizes and its small training set
 * (100 rows; the rest validate).
 *
 * The notebooks call `make_regression` and `make_classification` without a
 * `random_state` and pass `bias=random.random()`, so their data change on
 * every run. Here both are fixed: `randomState` 0 and, for the regressions,
 * bias {@linkcode NOTEBOOK_BIAS} — what `random.random()` returns after
 * `random.seed(0)`. The run's header prints both.
 *
 * @module
 */

import { makeClassification, makeRegression, oneHot } from "@glassbox/datasets";
import type { Tensor } from "@glassbox/tensor";
import type { Dataset } from "./config.ts";

/** The bias of the linear-regression notebooks' data: Python's `random.seed(0); random.random()`. */
export const NOTEBOOK_BIAS = 0.8444218515250481;

/** Seed (`random_state`) of the notebooks' synthetic data. */
export const NOTEBOOK_DATA_SEED = 0;

/** Training rows of notebooks 1.1, 1.2 and MLP-for-classification: `X[:100]`. */
export const SMALL_TRAIN_ROWS = 100;

/**
 * Splits rows `[0, nTrain)` for training and the rest for validation.
 *
 * @param x Inputs.
 * @param y Targets.
 * @param nTrain Training rows, 1 … rows − 1.
 * @returns The four parts.
 */
export function firstRows(
  x: Tensor,
  y: Tensor,
  nTrain: number,
): Pick<Dataset, "xTrain" | "yTrain" | "xValid" | "yValid"> {
  const n = x.shape[0];
  if (!Number.isSafeInteger(nTrain) || nTrain < 1 || nTrain >= n) {
    throw new RangeError(
      `Cannot split the data: training rows must be an integer in [1, ${
        n - 1
      }] (${n} rows in all), got ${nTrain}`,
    );
  }
  return {
    xTrain: x.slice(0, nTrain),
    yTrain: y.slice(0, nTrain),
    xValid: x.slice(nTrain),
    yValid: y.slice(nTrain),
  };
}

function splitText(n: number, nTrain: number): string {
  return `first ${nTrain} rows train, ${n - nTrain} validate`;
}

/**
 * Notebook 1.1: `make_regression(n_samples=10100, n_features=1,
 * n_targets=1, bias=NOTEBOOK_BIAS, noise=1, random_state=0)`; targets as a
 * [rows, 1] column.
 *
 * @param _seed Unused (the data have their own fixed seed).
 * @param trainRows Training rows (default 100).
 * @returns The data set.
 */
export function simpleRegressionData(_seed = 0, trainRows: number = SMALL_TRAIN_ROWS): Dataset {
  const n = 10100;
  const { X, y } = makeRegression({
    nSamples: n,
    nFeatures: 1,
    nTargets: 1,
    bias: NOTEBOOK_BIAS,
    noise: 1,
    randomState: NOTEBOOK_DATA_SEED,
  });
  return {
    description:
      `make_regression ${n}×1 → 1 target (noise 1, bias ${NOTEBOOK_BIAS}, randomState ${NOTEBOOK_DATA_SEED}); ${
        splitText(n, trainRows)
      }`,
    task: "regression",
    outputs: 1,
    ...firstRows(X, y.reshape([n, 1]), trainRows),
  };
}

/**
 * Notebook 1.2: `make_regression(n_samples=10100, n_features=6,
 * n_targets=3, n_informative=5, bias=NOTEBOOK_BIAS, noise=1,
 * random_state=0)`.
 *
 * @param _seed Unused (the data have their own fixed seed).
 * @param trainRows Training rows (default 100).
 * @returns The data set.
 */
export function multivariateRegressionData(
  _seed = 0,
  trainRows: number = SMALL_TRAIN_ROWS,
): Dataset {
  const n = 10100;
  const { X, y } = makeRegression({
    nSamples: n,
    nFeatures: 6,
    nTargets: 3,
    nInformative: 5,
    bias: NOTEBOOK_BIAS,
    noise: 1,
    randomState: NOTEBOOK_DATA_SEED,
  });
  return {
    description:
      `make_regression ${n}×6 → 3 targets (nInformative 5, noise 1, bias ${NOTEBOOK_BIAS}, randomState ${NOTEBOOK_DATA_SEED}); ${
        splitText(n, trainRows)
      }`,
    task: "regression",
    outputs: 3,
    ...firstRows(X, y, trainRows),
  };
}

/**
 * The MLP-for-classification notebook: `make_classification(n_samples=1100,
 * n_features=5, n_classes=3, n_informative=4, n_redundant=0,
 * random_state=0)`, labels one-hot encoded as [rows, 3] rows of 0 and 1.
 *
 * @param _seed Unused (the data have their own fixed seed).
 * @param trainRows Training rows (default 100).
 * @returns The data set.
 */
export function oneHotClassificationData(_seed = 0, trainRows: number = SMALL_TRAIN_ROWS): Dataset {
  const n = 1100;
  const { X, y } = makeClassification({
    nSamples: n,
    nFeatures: 5,
    nClasses: 3,
    nInformative: 4,
    nRedundant: 0,
    randomState: NOTEBOOK_DATA_SEED,
  });
  return {
    description:
      `make_classification ${n}×5, 3 classes one-hot (nInformative 4, nRedundant 0, randomState ${NOTEBOOK_DATA_SEED}); ${
        splitText(n, trainRows)
      }`,
    task: "classification",
    outputs: 3,
    ...firstRows(X, oneHot(y, 3), trainRows),
  };
}
