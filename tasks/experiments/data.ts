/**
 * The experiments' data sets: the notebooks' scikit-learn-exact synthetic
 * data, the seed linear regression's PyTorch draws and the 1-D curve of the
 * width/depth study (CSV files: own_data.ts).
 *
 * Split rule for the notebooks' data: the first `NOTEBOOK_TRAIN_ROWS` rows
 * (1000) train and every later row validates — make_regression and
 * make_classification shuffle their rows already, so the first rows are a
 * random sample. On the regression data (10100 rows) that is 1000 training
 * rows and a 9100-row validation set; on the classification data (1100
 * rows), 1000 and 100.
 *
 * @module
 */

import { makeClassification, makeRegression } from "@glassbox/datasets";
import { Generator, rand, randn, type Tensor, zeros } from "@glassbox/tensor";
import type { Dataset } from "./config.ts";
import { drawLinearRegression, LINEAR_REGRESSION_DEFAULTS } from "./linear_regression.ts";

/** Training rows of the notebooks' data sets; the rest validate. */
export const NOTEBOOK_TRAIN_ROWS = 1000;

function firstRows(
  x: Tensor,
  y: Tensor,
  nTrain: number,
): Pick<Dataset, "xTrain" | "yTrain" | "xValid" | "yValid"> {
  return {
    xTrain: x.slice(0, nTrain),
    yTrain: y.slice(0, nTrain),
    xValid: x.slice(nTrain),
    yValid: y.slice(nTrain),
  };
}

/**
 * The first MLP notebook's data: `make_regression(n_samples=10100,
 * n_features=6, n_targets=3, n_informative=5, noise=1, random_state=0)`,
 * first 1000 rows train, 9100 validate.
 *
 * @returns The data set.
 */
export function notebookRegressionData(): Dataset {
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
      "make_regression 10100×6 → 3 targets (nInformative 5, noise 1, randomState 0); first 1000 rows train, 9100 validate",
    task: "regression",
    outputs: 3,
    ...firstRows(X, y, NOTEBOOK_TRAIN_ROWS),
  };
}

/**
 * The classification notebooks' data: `make_classification(n_samples=1100,
 * n_features=5, n_classes=3, n_informative=4, n_redundant=0,
 * random_state=0)`, first 1000 rows train, 100 validate.
 *
 * @returns The data set (targets are class indices 0, 1, 2).
 */
export function notebookClassificationData(): Dataset {
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
      "make_classification 1100×5, 3 classes (nInformative 4, nRedundant 0, randomState 0); first 1000 rows train, 100 validate",
    task: "classification",
    outputs: 3,
    ...firstRows(X, y, NOTEBOOK_TRAIN_ROWS),
  };
}

/**
 * The seed linear regression's data and initial weights (PyTorch draws after
 * `manualSeed(seed)`, 2 by default: 1000 rows × 3 features, y = X·w + 0.5 +
 * 0.5·noise; the first 800 rows train).
 *
 * @param seed The seed.
 * @returns The data set, with the initial weights of its linear model in `init`.
 */
export function seedLinearRegressionData(seed: number = LINEAR_REGRESSION_DEFAULTS.seed): Dataset {
  const c = { ...LINEAR_REGRESSION_DEFAULTS, seed };
  const d = drawLinearRegression(c);
  return {
    description:
      `y = X·w + 0.5 + ${c.noise}·N(0, 1) with X, w ~ N(0, 1) drawn after manualSeed(${c.seed}), ${c.samples}×${c.features}; first ${d.nTrain} rows train, ${
        c.samples - d.nTrain
      } validate`,
    task: "regression",
    outputs: 1,
    ...firstRows(d.x, d.y, d.nTrain),
    init: {
      "0.weight": d.initialWeights.reshape([1, c.features]),
      "0.bias": zeros([1], { dtype: "float64" }),
    },
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
 * @returns The data set.
 */
export function curveData(): Dataset {
  const g = new Generator(CURVE.seed);
  const x = rand([CURVE.rows, 1], { generator: g, dtype: "float64" }).mul(4).sub(2);
  const noise = randn([CURVE.rows, 1], { generator: g, dtype: "float64" });
  // t = x * 0.5; t2 = t * t; y = t * ((t2 * 16 - 20) * t2 + 5) + noise * 0.1 (Horner, as in PyTorch).
  const t = x.mul(0.5);
  const t2 = t.mul(t);
  const y = t.mul(t2.mul(16).sub(20).mul(t2).add(5)).add(noise.mul(CURVE.noise));
  return {
    description:
      `y = T₅(x/2) + ${CURVE.noise}·N(0, 1) (Chebyshev: 16t⁵ − 20t³ + 5t), x ~ U(−2, 2), ${CURVE.rows} rows from Generator(${CURVE.seed}); first ${CURVE.train} rows train, ${
        CURVE.rows - CURVE.train
      } validate`,
    task: "regression",
    outputs: 1,
    ...firstRows(x, y, CURVE.train),
  };
}
