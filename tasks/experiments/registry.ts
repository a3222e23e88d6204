/**
 * The experiments `deno task train --experiment <name>` runs: one per
 * notebook, each with its data and its default model and training settings.
 *
 * @module
 */

import type { ExperimentConfig } from "./config.ts";
import {
  curveData,
  notebookClassificationData,
  notebookRegressionData,
  seedLinearRegressionData,
} from "./data.ts";
import type { Dataset } from "./config.ts";
import { LINEAR_REGRESSION_DEFAULTS as LR } from "./linear_regression.ts";

/** One experiment: what it is, its data, and its default settings. */
export interface ExperimentSpec {
  /** The name `--experiment` takes. */
  name: string;
  /** One line for `--help` and the summary. */
  title: string;
  /**
   * Builds the data set. Deterministic: the notebooks' data have fixed seeds;
   * the seed linear regression draws its data (and initial weights) after
   * `manualSeed(seed)`.
   */
  data: (seed: number) => Dataset;
  /** Default settings (every field but `experiment` and `data`). */
  defaults: Omit<ExperimentConfig, "experiment" | "data">;
  /** Whether the plots include the fitted curve over the data (1-D inputs). */
  curve?: boolean;
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

/** Every experiment, the default first. */
export const EXPERIMENTS: readonly ExperimentSpec[] = [
  {
    name: "mlp-regression",
    title: "first MLP notebook: 6-32-32-32-32-3 MLP (tanh, softmax, sigmoid, relu) on 3 targets",
    data: notebookRegressionData,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[32, 32, 32, 32]],
      activation: [...MIXED_ACTIVATIONS],
      loss: "mse",
    },
  },
  {
    name: "linear-regression",
    title: "seed notebook: simple linear regression y = X·w + b, 3 features, 1 target",
    data: seedLinearRegressionData,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[]],
      activation: "relu",
      loss: "mse",
      lr: LR.lr,
      epochs: LR.epochs,
      batchSize: LR.batchSize,
      seed: LR.seed,
    },
  },
  {
    name: "multi-output-linear-regression",
    title: "linear regression notebook: one 6→3 linear layer on the 3-target data",
    data: notebookRegressionData,
    defaults: { ...NOTEBOOK_SGD, architectures: [[]], activation: "relu", loss: "mse", lr: 0.1 },
  },
  {
    name: "mlp-classification",
    title: "classification notebook: 5-32-32-32-3 ReLU MLP, cross-entropy on logits, 3 classes",
    data: notebookClassificationData,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[32, 32, 32]],
      activation: "relu",
      loss: "cross-entropy",
      lr: 0.1,
    },
  },
  {
    name: "logistic-regression",
    title: "logistic regression notebook: one 5→3 linear layer, softmax cross-entropy, 3 classes",
    data: notebookClassificationData,
    defaults: {
      ...NOTEBOOK_SGD,
      architectures: [[]],
      activation: "relu",
      loss: "cross-entropy",
      lr: 0.1,
    },
  },
  {
    name: "mlp-1d",
    title:
      "width/depth study: 1-N-1 and 1-N-N-1 sigmoid MLPs on a 1-D curve, full-batch L-BFGS, best of 3 restarts",
    data: curveData,
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
    },
    curve: true,
  },
];

/** The experiment `deno task train` runs without `--experiment`. */
export const DEFAULT_EXPERIMENT = "mlp-regression";

/**
 * Looks an experiment up by name.
 *
 * @param name The name.
 * @returns The spec, or undefined.
 */
export function findExperiment(name: string): ExperimentSpec | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
