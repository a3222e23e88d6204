/**
 * `deno task train --data file.csv --target col`: the data side. Reads the
 * CSV (regular files only, under a size limit), decides whether the target
 * is a classification or a regression target, encodes class labels, splits
 * the rows into training, validation (early stopping) and test (the
 * reported figures) sets, and standardizes the features with a
 * `StandardScaler` fitted on the training rows (and, for regression, the
 * target too), unless `--no-scale`.
 *
 * @module
 */

import {
  inferTask,
  type Label,
  LabelEncoder,
  loadCsv,
  StandardScaler,
  trainTestSplit,
} from "@glassbox/datasets";
import type { Tensor } from "@glassbox/tensor";
import type { ExperimentConfig, Task } from "./config.ts";

/** Settings a `--data` run uses unless a flag says otherwise. */
export const OWN_DATA_DEFAULTS: Omit<ExperimentConfig, "experiment" | "data"> = {
  architectures: [[32]],
  activation: "relu",
  loss: "mse", // replaced by cross-entropy for a classification target
  optimizer: "adam",
  lr: 0.001,
  momentum: 0,
  weightDecay: 0.01, // Adam's L2 penalty: small tables overfit a plain MLP
  epochs: 500,
  batchSize: 32,
  restarts: 1,
  seed: 0,
  dtype: "float64",
  trainRows: null, // a CSV file is split by own_data.ts
};

/** Epochs without a better validation loss before a `--data` run stops (best weights kept). */
export const OWN_DATA_PATIENCE = 30;
/** The `--data` defaults in words, for `--help` (lines indented to its second column). */
export const OWN_DATA_USAGE: string = [
  `one hidden layer of ${
    OWN_DATA_DEFAULTS.architectures[0][0]
  } ${OWN_DATA_DEFAULTS.activation} units, Adam lr ${OWN_DATA_DEFAULTS.lr}`,
  `with weight decay ${OWN_DATA_DEFAULTS.weightDecay}, batch ${OWN_DATA_DEFAULTS.batchSize}, up to ${OWN_DATA_DEFAULTS.epochs} epochs,`,
  `stopping after ${OWN_DATA_PATIENCE} epochs without a lower validation loss (best`,
  `weights kept)`,
].join("\n" + " ".repeat(26));

/** Shares of the rows held out: first the test set, then the validation set from the rest. */
export const OWN_DATA_SPLIT = { test: 0.2, valid: 0.2 } as const;
/** Default `--max-data-mb`. */
export const DEFAULT_MAX_DATA_MB = 512;
/** Most classes a classification target may have. */
export const MAX_CLASSES = 1000;
/** Fewest rows per class: each class must reach the training, validation and test sets. */
export const MIN_ROWS_PER_CLASS = 4;
/** Fewest rows in all. */
export const MIN_ROWS = 10;

/** What the command line says about the data. */
export interface OwnDataRequest {
  path: string;
  target: string | number;
  /** Forced task (`--task`, or implied by `--loss`), or null to detect it. */
  task: Task | null;
  /** Standardize features (and regression targets). */
  scale: boolean;
  /** File size limit in bytes. */
  maxBytes: number;
  /** The limit as `--max-data-mb` gave it, for messages. */
  maxDataMb: string;
  /** Seed of the splits. */
  seed: number;
}

/** One split of the rows. */
export interface Split {
  x: Tensor;
  /** Class indices [N] (classification) or targets [N, 1] (regression, standardized when scaling). */
  y: Tensor;
}

/** The prepared data. */
export interface OwnData {
  task: Task;
  /** How the task was chosen, for the log. */
  taskReason: string;
  features: string[];
  target: string;
  /** Class labels by index (classification), else null. */
  classes: Label[] | null;
  scaler: StandardScaler | null;
  targetScale: { mean: number; scale: number } | null;
  train: Split;
  valid: Split;
  test: Split;
  rows: number;
  /** One line for the log. */
  description: string;
}

/** A problem with the data or a flag about it; `flag` is the flag to blame. */
export class OwnDataError extends Error {
  /** `--data`, `--target` or `--task`. */
  readonly flag: string;
  /**
   * @param flag The flag to blame.
   * @param message What was wrong.
   */
  constructor(flag: string, message: string) {
    super(message);
    this.name = "OwnDataError";
    this.flag = flag;
  }
}

/**
 * A `loadCsv` failure as an `OwnDataError` blaming `--target` when the
 * target column is at fault and `--data` otherwise, with the size limit
 * named by its flag.
 *
 * @param error What `loadCsv` threw.
 * @param path The file.
 * @param maxDataMb `--max-data-mb` as given.
 * @returns The error to throw.
 */
export function csvError(error: unknown, path: string, maxDataMb: string): OwnDataError {
  let message = (error as Error).message;
  if (error instanceof Deno.errors.NotFound) message = `--data ${path}: no such file`;
  message = message.replace(
    "(maxBytes)",
    `(--max-data-mb ${maxDataMb}; raise it to read a larger file)`,
  );
  const flag = /\btarget\b/.test(message.replace(path, "")) ? "--target" : "--data";
  return new OwnDataError(flag, message);
}

function classCounts(y: Float64Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const v of y) counts[v]++;
  return counts;
}

/**
 * Loads and prepares a CSV file for training.
 *
 * @param request The flags' view of the data.
 * @returns The prepared splits and what is needed to save the model.
 */
export async function prepareOwnData(request: OwnDataRequest): Promise<OwnData> {
  const { path } = request;
  let table;
  try {
    table = await loadCsv(path, { target: request.target, maxBytes: request.maxBytes });
  } catch (error) {
    throw csvError(error, path, request.maxDataMb);
  }
  const n = table.x.shape[0];
  const target = table.target!;
  if (n < MIN_ROWS) {
    throw new OwnDataError(
      "--data",
      `Cannot train on ${path}: it has ${n} data rows, at least ${MIN_ROWS} are needed (training, validation and test sets)`,
    );
  }
  const raw = table.y!;
  let task: Task;
  let taskReason: string;
  if (request.task !== null) {
    task = request.task;
    taskReason = "as asked";
  } else if (table.classes !== undefined) {
    task = "classification";
    taskReason = "the target holds labels";
  } else {
    task = inferTask(raw);
    taskReason = task === "classification"
      ? "the target holds few distinct integers"
      : "the target holds continuous values";
  }
  let y: Tensor;
  let classes: Label[] | null = null;
  if (task === "classification") {
    if (table.classes !== undefined) {
      y = raw;
      classes = table.classes;
    } else {
      const encoder = new LabelEncoder().fit(raw);
      classes = encoder.classes;
      if (classes.length > MAX_CLASSES) {
        throw new OwnDataError(
          "--task",
          `Cannot train a classifier on ${path}: target column "${target}" has ${classes.length} distinct values, more than ${MAX_CLASSES} classes; is it a regression target?`,
        );
      }
      y = encoder.transform(raw);
    }
    if (classes.length < 2) {
      throw new OwnDataError(
        "--target",
        `Cannot train a classifier on ${path}: target column "${target}" holds one class (${
          JSON.stringify(classes[0])
        }), at least 2 are needed`,
      );
    }
    const counts = classCounts(y.toTypedArray() as Float64Array, classes.length);
    const small = counts.findIndex((c) => c < MIN_ROWS_PER_CLASS);
    if (small >= 0) {
      throw new OwnDataError(
        "--target",
        `Cannot train a classifier on ${path}: class ${
          JSON.stringify(classes[small])
        } of target column "${target}" has ${
          counts[small]
        } rows, at least ${MIN_ROWS_PER_CLASS} are needed (training, validation and test sets each need one)`,
      );
    }
  } else {
    if (table.classes !== undefined) {
      throw new OwnDataError(
        "--task",
        `Cannot train a regression on ${path}: target column "${target}" holds labels such as ${
          JSON.stringify(table.classes[0])
        }, expected numbers`,
      );
    }
    y = raw.reshape([n, 1]);
  }

  // Test rows first, then validation rows from the rest; stratified by class for classification.
  const strat = (labels: Tensor) => (task === "classification" ? labels : null);
  // Held-out sets of at least one row per class (else the fractions, rounded up as scikit-learn does).
  const held = (share: number, rows: number): number =>
    Math.max(Math.ceil(share * rows), classes === null ? 1 : classes.length);
  const nTest = held(OWN_DATA_SPLIT.test, n);
  // Row indices are split, not the table: one copy of the data per split, none in between.
  const all = Array.from({ length: n }, (_, i) => i);
  const first = trainTestSplit(all, y, {
    testSize: nTest,
    randomState: request.seed,
    stratify: strat(y),
  });
  const second = trainTestSplit(first.xTrain, first.yTrain!, {
    testSize: held(OWN_DATA_SPLIT.valid, n - nTest),
    randomState: request.seed,
    stratify: strat(first.yTrain!),
  });
  const take = (index: number[], labels: Tensor): Split => ({
    x: table.x.gather(index),
    y: labels,
  });
  let train: Split = take(second.xTrain, second.yTrain!);
  let valid: Split = take(second.xTest, second.yTest!);
  let test: Split = take(first.xTest, first.yTest!);
  table.x.dispose();
  let scaler: StandardScaler | null = null;
  let targetScale: OwnData["targetScale"] = null;
  if (request.scale) {
    scaler = new StandardScaler().fit(train.x);
    const s = scaler;
    const scaleX = (split: Split): Split => {
      const x = s.transform(split.x);
      split.x.dispose();
      return { x, y: split.y };
    };
    [train, valid, test] = [scaleX(train), scaleX(valid), scaleX(test)];
    if (task === "regression") {
      const ys = new StandardScaler().fit(train.y);
      targetScale = { mean: ys.mean[0], scale: ys.scale![0] };
      const scaleY = (split: Split): Split => ({ x: split.x, y: ys.transform(split.y) });
      [train, valid] = [scaleY(train), scaleY(valid)];
      // The test targets stay in their own units: the figures reported are in them.
    }
  }
  const rowsOf = (s: Split) => s.x.shape[0];
  const description = `${path}: ${n} rows × ${table.columns.length} features, target "${target}" (${
    task === "classification" ? `${classes!.length} classes` : "continuous"
  }); ${rowsOf(train)} rows train, ${rowsOf(valid)} validate (early stopping), ${
    rowsOf(test)
  } test${task === "classification" ? " (stratified)" : ""}; features ${
    request.scale ? "standardized" : "as they are (--no-scale)"
  }`;
  return {
    task,
    taskReason,
    features: table.columns,
    target,
    classes,
    scaler,
    targetScale,
    train,
    valid,
    test,
    rows: n,
    description,
  };
}
