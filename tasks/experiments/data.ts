/**
 * The experiments' data sets: the first MLP notebook's scikit-learn-exact
 * synthetic data (the other notebooks' are in notebook_data.ts) and the 1-D
 * curve of the width/depth study (CSV files: own_data.ts).
 *
 * Split rule for the notebooks' data: the first `NOTEBOOK_TRAIN_ROWS` rows
 * (1000) train and every later row validates — make_regression and
 * make_classification shuffle their rows already, so the first rows are a
 * random sample. On the regression data (10100 rows) that is 1000 training
 * rows and a 9100-row validation set; on the classification data (1100
 * rows), 1000 and 100. `--train-rows` moves the split.
 *
 * @module
 */

import { makeClassification, makeRegression } from "@glassbox/datasets";
import { Generator, rand, randn } from "@glassbox/tensor";
import type { Dataset } from "./config.ts";
import { firstRows } from "./notebook_data.ts";

/** Training rows of the notebooks' data sets; the rest validate. */
export const NOTEBOOK_TRAIN_ROWS = 1000;

/**
 * The first MLP notebook's data: `make_regression(n_samples=10100,
 * n_features=6, n_targets=3, n_informative=5, noise=1, random_state=0)`,
 * first 1000 rows train, 9100 validate.
 *
 * @param _seed Unused (the data have their own fixed seed).
 * @param trainRows Training rows (default 1000).
 * @returns The data set.
 */
export function notebookRegressionData(_seed = 0, trainRows = NOTEBOOK_TRAIN_ROWS): Dataset {
  const { X, y } = makeRegression({
    nSamples: 10100,
    nFeatures: 6,
    nTargets: 3,
    nInformative: 5,
    noise: 1,
    randomState: 0,
  });
  return {
    description:
      `make_regression 10100×6 → 3 targets (nInformative 5, noise 1, bias 0, randomState 0); first ${trainRows} rows train, ${
        10100 - trainRows
      } validate`,
    task: "regression",
    outputs: 3,
    ...firstRows(X, y, trainRows),
  };
}

/**
 * The classification notebooks' data: `make_classification(n_samples=1100,
 * n_features=5, n_classes=3, n_informative=4, n_redundant=0,
 * random_state=0)`, first 1000 rows train, 100 validate.
 *
 * @param _seed Unused (the data have their own fixed seed).
 * @param trainRows Training rows (default 1000).
 * @returns The data set (targets are class indices 0, 1, 2).
 */
export function notebookClassificationData(_seed = 0, trainRows = NOTEBOOK_TRAIN_ROWS): Dataset {
  const { X, y } = makeClassification({
    nSamples: 1100,
    nFeatures: 5,
    nClasses: 3,
    nInformative: 4,
    nRedundant: 0,
    randomState: 0,
  });
  return {
    description:
      `make_classification 1100×5, 3 classes (nInformative 4, nRedundant 0, randomState 0); first ${trainRows} rows train, ${
        1100 - trainRows
      } validate`,
    task: "classification",
    outputs: 3,
    ...firstRows(X, y, trainRows),
  };
}

/** Size and seed of the 1-D curve. */
export const CURVE = { rows: 200, train: 150, seed: 0, noise: 0.1 } as const;

/**
 * The width/depth study's 1-D regression: a wave with four bends, the
 * Chebyshev polynomial T₅(x/2) = 16t⁵ − 20t³ + 5t (t = x/2, so y swings
 * between −1 and 1 three times over the range) plus 0.1·N(0, 1) noise, for
 * x ~ U(−2, 2): 200 rows drawn from `new Generator(0)` (PyTorch's
 * `torch.Generator().manual_seed(0)`: x = `rand(200, 1) * 4 - 2`, then the
 * noise `randn(200, 1)`); the first 150 rows train, 50 validate. One or two
 * sigmoid units cannot follow it; four to eight can. Only multiplications
 * and additions, in the order the PyTorch mirror uses, so both compute the
 * same bits.
 *
 * @param _seed Unused (the curve has its own fixed seed).
 * @param trainRows Training rows (default 150).
 * @returns The data set.
 */
export function curveData(_seed = 0, trainRows: number = CURVE.train): Dataset {
  const g = new Generator(CURVE.seed);
  const x = rand([CURVE.rows, 1], { generator: g, dtype: "float64" }).mul(4).sub(2);
  const noise = randn([CURVE.rows, 1], { generator: g, dtype: "float64" });
  // t = x * 0.5; t2 = t * t; y = t * ((t2 * 16 - 20) * t2 + 5) + noise * 0.1 (Horner, as in PyTorch).
  const t = x.mul(0.5);
  const t2 = t.mul(t);
  const y = t.mul(t2.mul(16).sub(20).mul(t2).add(5)).add(noise.mul(CURVE.noise));
  return {
    description:
      `y = T₅(x/2) + ${CURVE.noise}·N(0, 1) (Chebyshev: 16t⁵ − 20t³ + 5t), x ~ U(−2, 2), ${CURVE.rows} rows from Generator(${CURVE.seed}); first ${trainRows} rows train, ${
        CURVE.rows - trainRows
      } validate`,
    task: "regression",
    outputs: 1,
    ...firstRows(x, y, trainRows),
  };
}
