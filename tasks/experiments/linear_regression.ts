/**
 * The seed linear-regression experiment, written directly in tensor
 * operations: data from the PyTorch-identical generator, a linear model
 * `ŷ = X·w + b`, the mean squared error and its hand-derived gradient, and
 * mini-batch gradient descent over batches `x[i : i + B]` in order, as the
 * notebooks do. `tasks/golden/linear_regression.py` runs the same experiment
 * in PyTorch (autograd) and `tests/linear_regression_golden_test.ts` checks
 * that both end on the same weights.
 *
 * @module
 */

import { manualSeed, randn, type Tensor, zeros } from "@glassbox/tensor";

/** Settings of one run. */
export interface LinearRegressionConfig {
  /** Training + validation samples (the first 80% train). */
  samples: number;
  /** Input features. */
  features: number;
  /** Passes over the training data. */
  epochs: number;
  /** Samples per gradient step (the last batch may be short). */
  batchSize: number;
  /** Learning rate of plain gradient descent. */
  lr: number;
  /** Standard deviation of the label noise. */
  noise: number;
  /** Seed of the PyTorch-identical default generator. */
  seed: number;
}

/** Defaults of the seed experiment (its golden test); `deno task train --experiment linear-regression` runs notebook 1.1 instead (notebook_data.ts). */
export const LINEAR_REGRESSION_DEFAULTS: LinearRegressionConfig = {
  samples: 1000,
  features: 3,
  epochs: 32,
  batchSize: 100,
  lr: 0.02,
  noise: 0.5,
  seed: 2,
};

/** One epoch of the log: mean of the batch losses, and the validation loss after the epoch. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  validLoss: number;
}

/** What a run produces. */
export interface LinearRegressionResult {
  trueWeights: Tensor;
  trueBias: number;
  /** All inputs, training rows first. */
  inputs: Tensor;
  weights: Tensor;
  bias: Tensor;
  history: EpochRecord[];
}

/** The seed experiment's data and initial weights, in the order they are drawn. */
export interface LinearRegressionDraws {
  /** The true weights `[f, 1]`. */
  trueWeights: Tensor;
  /** The true bias (0.5). */
  trueBias: number;
  /** All inputs `[n, f]`, training rows first. */
  x: Tensor;
  /** All targets `[n, 1]`. */
  y: Tensor;
  /** Training rows: the first 80%. */
  nTrain: number;
  /** Initial weights `[f, 1]` (the bias starts at 0). */
  initialWeights: Tensor;
}

/**
 * Seeds the default generator with `config.seed` and draws, in float64:
 * true weights `randn([f, 1]) * 2`, inputs `randn([n, f])`, noise
 * `randn([n, 1])`, initial weights `randn([f, 1]) * 0.1`.
 *
 * @param config Sizes, noise and seed.
 * @returns The draws.
 */
export function drawLinearRegression(
  config: Pick<LinearRegressionConfig, "samples" | "features" | "noise" | "seed">,
): LinearRegressionDraws {
  const { samples: n, features: f } = config;
  manualSeed(config.seed);
  const trueWeights = randn([f, 1], { dtype: "float64" }).mul(2);
  const trueBias = 0.5;
  const x = randn([n, f], { dtype: "float64" });
  const y = x.matmul(trueWeights).add(trueBias).add(
    randn([n, 1], { dtype: "float64" }).mul(config.noise),
  );
  const initialWeights = randn([f, 1], { dtype: "float64" }).mul(0.1);
  return { trueWeights, trueBias, x, y, nTrain: Math.floor(n * 0.8), initialWeights };
}

/**
 * Runs the experiment. Draw order (all float64, default generator after
 * `manualSeed(seed)`): true weights `randn([f, 1]) * 2`, inputs
 * `randn([n, f])`, noise `randn([n, 1])`, initial weights `randn([f, 1]) * 0.1`;
 * the bias starts at 0 and the true bias is 0.5.
 */
export function runLinearRegression(
  config: LinearRegressionConfig,
  onEpoch: (record: EpochRecord) => void = () => {},
): LinearRegressionResult {
  const { batchSize, lr } = config;
  const data = drawLinearRegression(config);
  const { x, nTrain } = data;
  const [xTrain, yTrain] = [x.slice(0, nTrain), data.y.slice(0, nTrain)];
  const [xValid, yValid] = [x.slice(nTrain), data.y.slice(nTrain)];

  let w = data.initialWeights;
  let b = zeros([1], { dtype: "float64" });
  const history: EpochRecord[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    let lossSum = 0, batches = 0;
    for (let i = 0; i < nTrain; i += batchSize) {
      const xb = xTrain.slice(i, i + batchSize);
      const yb = yTrain.slice(i, i + batchSize);
      const m = xb.shape[0];
      const residual = xb.matmul(w).add(b).sub(yb); // ŷ − y, shape [m, 1]
      lossSum += residual.square().mean().item();
      batches++;
      // L = (1/m) Σ (ŷ − y)²  ⇒  ∂L/∂w = (2/m) Xᵀ(ŷ − y),  ∂L/∂b = (2/m) Σ (ŷ − y)
      const gradW = xb.matmul(residual, { transposeA: true }).mul(2 / m);
      const gradB = residual.sum(0).mul(2 / m);
      w = w.sub(gradW.mul(lr));
      b = b.sub(gradB.mul(lr));
    }
    const validLoss = xValid.matmul(w).add(b).sub(yValid).square().mean().item();
    const record = { epoch, loss: lossSum / batches, validLoss };
    history.push(record);
    onEpoch(record);
  }
  return {
    trueWeights: data.trueWeights,
    trueBias: data.trueBias,
    inputs: x,
    weights: w,
    bias: b,
    history,
  };
}
