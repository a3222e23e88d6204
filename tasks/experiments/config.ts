/**
 * What one `deno task train` run is made of: the experiment's settings after
 * the command line's overrides, and the data set it trains on.
 *
 * @module
 */

import type { ActivationName, StateDict } from "@glassbox/layers";
import type { DType, Tensor } from "@glassbox/tensor";

/** The loss names `--loss` accepts. */
export const LOSS_NAMES = ["mse", "cross-entropy", "categorical-cross-entropy"] as const;
/**
 * A loss by name: `mse` (regression), `cross-entropy` (logits against class
 * indices) or `categorical-cross-entropy` (the classification notebook's
 * `CE`: the model ends in a Softmax layer and the loss is −Σ y·log p / m
 * against one-hot targets).
 */
export type LossName = typeof LOSS_NAMES[number];

/** The optimizer names `--optimizer` accepts. */
export const OPTIMIZER_NAMES = ["sgd", "adam", "adamw", "lbfgs"] as const;
/** An optimizer by name. */
export type OptimizerName = typeof OPTIMIZER_NAMES[number];
/** How logs and plots name each optimizer. */
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: "SGD",
  adam: "Adam",
  adamw: "AdamW",
  lbfgs: "L-BFGS",
};

/** Where the data come from: the experiment's own, or a CSV file. */
export type DataSource =
  | { kind: "builtin" }
  | { kind: "csv"; path: string; target: string | number };

/** Every setting of a run, resolved (defaults of the experiment plus flags). */
export interface ExperimentConfig {
  /** The experiment's name (`--experiment`). */
  experiment: string;
  /** The data. */
  data: DataSource;
  /**
   * Training rows of the experiment's own data (the first rows train, the
   * rest validate), or null for a CSV file (split 80/20).
   */
  trainRows: number | null;
  /**
   * Hidden widths of each architecture trained, in order (`[]` is a linear
   * model). One architecture for every experiment but the 1-D study.
   */
  architectures: number[][];
  /** Hidden activation: one name for every hidden layer, or one per hidden layer. */
  activation: ActivationName | ActivationName[];
  /** The loss. */
  loss: LossName;
  /** The optimizer. */
  optimizer: OptimizerName;
  /** Learning rate. */
  lr: number;
  /** SGD momentum (0: none). */
  momentum: number;
  /**
   * Weight decay (SGD, Adam: L2 added to the gradient; AdamW: decoupled), or
   * null for the optimizer's default (AdamW 0.01, the others 0).
   */
  weightDecay: number | null;
  /** Epochs; for L-BFGS one epoch is one `step` of up to 20 iterations. */
  epochs: number;
  /** Rows per step, or null for the whole training set (full batch). */
  batchSize: number | null;
  /** Fresh initialisations per architecture; the best (lowest validation loss) is kept. */
  restarts: number;
  /** Seed of the PyTorch-identical generator (`manualSeed`) the initial weights come from. */
  seed: number;
  /** Parameter and data dtype. */
  dtype: DType;
}

/** Regression (continuous targets, MSE) or classification (class indices, cross-entropy). */
export type Task = "regression" | "classification";

/** A data set split into training and validation rows. */
export interface Dataset {
  /** One line saying what the data are and how they were split. */
  description: string;
  /**
   * Regression targets are `[rows, outputs]`; classification targets are
   * class indices `[rows]` (floats holding integers), or one-hot rows
   * `[rows, classes]` for `categorical-cross-entropy`.
   */
  task: Task;
  /** Training inputs `[rows, features]`. */
  xTrain: Tensor;
  /** Training targets. */
  yTrain: Tensor;
  /** Validation inputs. */
  xValid: Tensor;
  /** Validation targets. */
  yValid: Tensor;
  /** Outputs of the model: target columns, or the number of classes. */
  outputs: number;
  /**
   * Initial weights drawn together with the data (the seed linear
   * regression draws its weights right after its data), used when the
   * architecture is the linear model they fit.
   */
  init?: StateDict;
}

/** Rows of a tensor or 0. */
export function rows(t: Tensor): number {
  return t.shape[0] ?? 0;
}

/**
 * The label of an architecture, e.g. `6-32-32-3`.
 *
 * @param inputs Input features.
 * @param hidden Hidden widths.
 * @param outputs Output width.
 * @returns The sizes joined by dashes.
 */
export function architectureLabel(
  inputs: number,
  hidden: readonly number[],
  outputs: number,
): string {
  return [inputs, ...hidden, outputs].join("-");
}

/**
 * The activation of each hidden layer: a list as given, or one name repeated.
 *
 * @param activation One name or one per hidden layer.
 * @param hidden The hidden widths.
 * @returns One name per hidden layer.
 */
export function activationsFor(
  activation: ActivationName | readonly ActivationName[],
  hidden: readonly number[],
): ActivationName[] {
  if (typeof activation === "string") return hidden.map(() => activation);
  if (activation.length !== hidden.length) {
    throw new RangeError(
      `Cannot build the model: ${activation.length} activations for ${hidden.length} hidden layers (${
        hidden.join(",")
      })`,
    );
  }
  return [...activation];
}
