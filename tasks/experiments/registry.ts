/**
 * The experiments `deno task train --experiment <name>` runs: one per
 * notebook, each with its data and its default model and training settings.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import type { Dataset, ExperimentConfig } from "./config.ts";
import { CURVE, curveData, notebookClassificationData, notebookRegressionData } from "./data.ts";
import type { LogStyle } from "./epoch_log.ts";
import { describeExtraGradients, extraGradients } from "./extra_gradient.ts";
import type { ExperimentResult } from "./run_experiment.ts";
import {
  multivariateRegressionData,
  oneHotClassificationData,
  simpleRegressionData,
  SMALL_TRAIN_ROWS,
} from "./notebook_data.ts";

/** One experiment: what it is, its data, and its default settings. */
export interface ExperimentSpec {
  /** The name `--experiment` takes. */
  name: string;
  /** Older names `--experiment` still accepts for it. */
  aliases?: readonly string[];
  /** One line for `--help` and the header. */
  title: string;
  /**
   * Builds the data set with `trainRows` training rows (the first ones; the
   * rest validate). Deterministic: the notebooks' data have fixed seeds.
   */
  data: (seed: number, trainRows: number) => Dataset;
  /** Rows of the data set, training and validation together. */
  rows: number;
  /** Default settings (every field but `experiment` and `data`). */
  defaults: Omit<ExperimentConfig, "experiment" | "data" | "trainRows"> & { trainRows: number };
  /** The epoch log's format (default `"loss"`, the MLP notebooks' `Epoch: 0 - L: … - L_v …`). */
  log?: LogStyle;
  /** What the run's numbers mean, printed under the summary. */
  notes?: readonly string[];
  /** Whether the plots include the fitted curve over the data (1-D inputs). */
  curve?: boolean;
  /** Extra lines printed after the summary (a notebook's extra section). */
  extra?: (result: ExperimentResult) => string[];
}

/**
 * Notebook 1.2's [Extra]: the weight gradient of the trained 6→3 model on the
 * first training batch, as Xᵀ·δ, through the Kronecker product and einsum,
 * and through einsum alone.
 */
function linearExtra(result: ExperimentResult): string[] {
  const run = result.runs[result.best];
  if (run === undefined || run.hidden.length !== 0) return [];
  const state = run.model.stateDict();
  const rows = result.config.batchSize ?? result.dataset.xTrain.shape[0];
  // In float64 whatever the run's dtype (extraGradients' identity matrix is float64).
  const f64 = (t: Tensor): Tensor => t.to("float64");
  const x = f64(result.dataset.xTrain.slice(0, rows)),
    y = f64(result.dataset.yTrain.slice(0, rows));
  const g = extraGradients(x, y, {
    w: f64(state["0.weight"].transpose()),
    b: f64(state["0.bias"]),
  });
  return [
    ...describeExtraGradients(g),
    `  (on the first training batch, ${x.shape[0]} rows, with the trained W and b)`,
  ];
}

/** The first MLP notebook's 6-32-32-32-32-3 network: hidden activations in this order. */
export const MIXED_ACTIVATIONS = ["tanh", "softmax", "sigmoid", "relu"] as const;

/** The 1-D study's architectures: widths 1 to 50, then two layers. */
export const STUDY_ARCHITECTURES: number[][] = [[1], [2], [4], [8], [50], [4, 4], [8, 8]];

const NOTEBOOK_SGD = {
  optimizer: "sgd",
  lr: 0.01,
  momentum: 0,
  weightDecay: null,
  epochs: 32,
  batchSize: 333,
  restarts: 1,
  seed: 0,
  dtype: "float64",
} as const satisfies Partial<ExperimentConfig>;

/** The notebooks with 100 training rows: `len(X_train) // 3` = 33 rows per batch. */
const SMALL_BATCH = Math.floor(SMALL_TRAIN_ROWS / 3);

/**
 * Notebooks 1.1 and 1.2: a linear model (no hidden layer) trained with SGD lr 0.01 on 100
 * rows in batches of 33 for 16 epochs, the MSE loss.
 */
const LINEAR_NOTEBOOK_DEFAULTS = {
  ...NOTEBOOK_SGD,
  architectures: [[]],
  activation: "relu",
  loss: "mse",
  epochs: 16,
  batchSize: SMALL_BATCH,
  trainRows: SMALL_TRAIN_ROWS,
} satisfies ExperimentSpec["defaults"];

/** Every experiment, the default first. */
export const EXPERIMENTS: readonly ExperimentSpec[] = [
  {
    name: "mlp-regression",
    title: "notebook 3.1 MLP: 6-32-32-32-32-3 (tanh, softmax, sigmoid, relu), 3 targets",
    data: notebookRegressionData,
    rows: 10100,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[32, 32, 32, 32]],
      activation: [...MIXED_ACTIVATIONS],
      loss: "mse",
      trainRows: 1000,
    },
    notes: [
      "Notebook 3.1's network converges poorly by design: its second hidden layer is a softmax, " +
      "which squeezes 32 units into values that sum to 1, so the layers after it see inputs that " +
      "barely vary from row to row and the model can hardly do better than predict each target's " +
      "mean (R² near 0). That L_v rises past the mean's and R² falls below 0 is the one-row last " +
      "batch's doing (above): with --train-rows 999, L_v stays flat. The notebook's own log ends at " +
      "L: 13045.4378 - L_v 13571.5880 (on its own random data); it says its goal is to show the " +
      "inner workings, not a good predictor.",
    ],
  },
  {
    name: "linear-regression",
    title: "notebook 1.1 simple linear regression: scalar w, b on 1-feature make_regression",
    data: simpleRegressionData,
    rows: 10100,
    defaults: LINEAR_NOTEBOOK_DEFAULTS,
    log: "mse",
    notes: [
      "Notebook 1.1 trains 16 epochs on only 100 rows with lr 0.01, so w and b are still far from " +
      "the data's slope and bias when it stops (its own log goes from MSE 727.0301 to 159.4786, " +
      "on its own random data); the point is that the hand-derived update matches torch.nn.",
    ],
  },
  {
    name: "multivariate-linear-regression",
    aliases: ["multi-output-linear-regression"],
    title: "notebook 1.2 multivariate linear regression: XW + b, 6 features → 3 targets",
    data: multivariateRegressionData,
    rows: 10100,
    defaults: LINEAR_NOTEBOOK_DEFAULTS,
    log: "mse",
    notes: [
      "Notebook 1.2 stops after 16 epochs on 100 rows, long before convergence (its log goes from " +
      "MSE 17391.688 to 8274.389); the point is that the hand-derived update matches torch.nn.",
    ],
    extra: linearExtra,
  },
  {
    name: "mlp-classification",
    title:
      "MLP-for-classification notebook: 5-32-32-32-3 ReLU + Softmax layer, categorical cross-entropy",
    data: oneHotClassificationData,
    rows: 1100,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[32, 32, 32]],
      activation: "relu",
      loss: "categorical-cross-entropy",
      lr: 0.08,
      batchSize: SMALL_BATCH,
      trainRows: SMALL_TRAIN_ROWS,
    },
    notes: [
      "A CE of ln 3 ≈ 1.0986 is a uniform guess over the 3 classes; the notebook's log goes from " +
      "1.1058 to 0.3644 (L_v 0.6296, on its own random data). Its PyTorch " +
      "twin drops the Softmax layer, because nn.CrossEntropyLoss applies softmax itself " +
      "(--compare pytorch shows both).",
    ],
  },
  {
    name: "logistic-regression",
    title:
      "extra example (no notebook of its own): logistic regression, one 5→3 linear layer, softmax cross-entropy",
    data: notebookClassificationData,
    rows: 1100,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[]],
      activation: "relu",
      loss: "cross-entropy",
      lr: 0.1,
      trainRows: 1000,
    },
  },
  {
    name: "mlp-1d",
    title:
      "extra study (the notebook's is assignment-widths): 1-N-1 and 1-N-N-1 sigmoid MLPs on a 1-D curve, L-BFGS, best of 3",
    data: curveData,
    rows: CURVE.rows,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: STUDY_ARCHITECTURES,
      activation: "sigmoid",
      loss: "mse",
      optimizer: "lbfgs",
      lr: 1,
      epochs: 30,
      batchSize: null,
      restarts: 3,
      trainRows: CURVE.train,
    },
    curve: true,
  },
];

/** The experiment `deno task train` runs without `--experiment`. */
export const DEFAULT_EXPERIMENT = "mlp-regression";

/**
 * Looks an experiment up by name or by one of its older names.
 *
 * @param name The name.
 * @returns The spec, or undefined.
 */
export function findExperiment(name: string): ExperimentSpec | undefined {
  return EXPERIMENTS.find((e) => e.name === name || (e.aliases ?? []).includes(name));
}
