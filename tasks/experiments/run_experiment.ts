/**
 * `runExperiment`: trains every architecture of a resolved configuration on
 * a data set through `@glassbox/trainer`'s `fit`, and measures the result.
 *
 * For each architecture: `manualSeed(seed)`, then `mlp([in, ...hidden, out])`
 * draws its initial weights layer by layer exactly as PyTorch's `nn.Linear`
 * layers created in the same order (with restarts, each fresh model draws
 * after the previous one); batches `x[i : i + B]` in order, the last one
 * possibly short; validation after every epoch.
 *
 * @module
 */

import { mlp, type Sequential } from "@glassbox/layers";
import { CategoricalCrossEntropy, CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import { accuracy, mape, r2Score } from "@glassbox/metrics";
import { cpu, type Device, manualSeed, type Tensor } from "@glassbox/tensor";
import {
  Adam,
  AdamW,
  type Callback,
  evaluate,
  fit,
  type History,
  LBFGS,
  type Metric,
  type Optimizer,
  SGD,
} from "@glassbox/trainer";
import {
  activationsFor,
  architectureLabel,
  type Dataset,
  type ExperimentConfig,
  type LossName,
} from "./config.ts";

/** One trained architecture. */
export interface ArchitectureRun {
  /** Hidden widths. */
  hidden: number[];
  /** Sizes joined by dashes, e.g. `1-8-1`. */
  label: string;
  /** The trained model (the best restart). */
  model: Sequential;
  /** Number of trainable values. */
  parameters: number;
  /** The best restart's history (`history.runs` lists every restart). */
  history: History;
  /** Validation predictions of the trained model. */
  predictions: Tensor;
  /** Final numbers. */
  summary: RunSummary;
}

/** The final numbers of one architecture. */
export interface RunSummary {
  /** Last epoch's training loss (mean of its batch losses). */
  trainLoss: number;
  /** Validation loss of the trained model. */
  validLoss: number;
  /** Validation metrics: `mape` (percent) and `r2` for regression, `accuracy` for classification. */
  metrics: Record<string, number>;
  /** Epochs completed. */
  epochs: number;
  /** Why training stopped early, or null. */
  stop: string | null;
  /** Wall-clock seconds, restarts and validation included. */
  seconds: number;
}

/** Everything a run produced. */
export interface ExperimentResult {
  /** The settings. */
  config: ExperimentConfig;
  /** The data. */
  dataset: Dataset;
  /** One entry per architecture trained (fewer than planned when cancelled). */
  runs: ArchitectureRun[];
  /** Index into `runs` of the lowest validation loss. */
  best: number;
  /** Wall-clock seconds of all training. */
  seconds: number;
}

/** Hooks and cancellation for `runExperiment`. */
export interface RunExperimentOptions {
  /** Callbacks passed to every `fit`. */
  callbacks?: (label: string) => Callback[];
  /** Cancels training; architectures not yet started are skipped. */
  signal?: AbortSignal;
  /** Train on this device (a WebGPU device); the final model comes back to the CPU. */
  device?: Device;
}

/**
 * Makes the loss a name stands for.
 *
 * @param name `mse`, `cross-entropy` or `categorical-cross-entropy`.
 * @returns A fresh loss.
 */
export function makeLoss(name: LossName): Loss {
  switch (name) {
    case "mse":
      return new MSELoss();
    case "cross-entropy":
      return new CrossEntropyLoss();
    case "categorical-cross-entropy":
      return new CategoricalCrossEntropy();
  }
}

/**
 * The model of one architecture: `mlp([inputs, ...hidden, outputs])` with
 * the configured hidden activations, ending in a Softmax layer when the loss
 * is `categorical-cross-entropy` (it takes probabilities). Draws its initial
 * weights from the default generator, as `nn.Linear` layers created in order.
 *
 * @param config `activation`, `loss`, `dtype`.
 * @param sizes Inputs, hidden widths, outputs.
 * @returns The model on the CPU.
 */
export function makeModel(
  config: Pick<ExperimentConfig, "activation" | "loss" | "dtype">,
  sizes: readonly number[],
): Sequential {
  const hidden = sizes.slice(1, -1);
  return mlp(sizes, {
    activation: activationsFor(config.activation, hidden),
    outputActivation: config.loss === "categorical-cross-entropy" ? "softmax" : "identity",
    dtype: config.dtype,
  });
}

/**
 * Makes the optimizer the configuration names.
 *
 * @param config `optimizer`, `lr`, `momentum`, `weightDecay`.
 * @returns The optimizer (unattached).
 */
export function makeOptimizer(
  config: Pick<ExperimentConfig, "optimizer" | "lr" | "momentum" | "weightDecay">,
): Optimizer {
  const decay = config.weightDecay === null ? {} : { weightDecay: config.weightDecay };
  switch (config.optimizer) {
    case "sgd":
      return new SGD({ lr: config.lr, momentum: config.momentum, ...decay });
    case "adam":
      return new Adam({ lr: config.lr, ...decay });
    case "adamw":
      return new AdamW({ lr: config.lr, ...decay });
    case "lbfgs":
      return new LBFGS({ lr: config.lr, lineSearchFn: "strong_wolfe" });
  }
}

/** Per-epoch validation metrics by task. */
function epochMetrics(dataset: Dataset): Record<string, Metric> {
  return dataset.task === "regression" ? { mape } : { accuracy };
}

function finalMetrics(dataset: Dataset, predictions: Tensor): Record<string, number> {
  if (dataset.task === "classification") {
    return { accuracy: accuracy(dataset.yValid, predictions) };
  }
  return { mape: mape(dataset.yValid, predictions), r2: r2Score(dataset.yValid, predictions) };
}

function countParameters(model: Sequential): number {
  return model.parameters().reduce((n, p) => n + p.value.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Trains each architecture of `config` on `dataset` and measures it.
 *
 * @param config The resolved settings.
 * @param dataset The data (already in `config.dtype`).
 * @param options Callbacks and cancellation.
 * @returns The runs and which is best.
 */
export async function runExperiment(
  config: ExperimentConfig,
  dataset: Dataset,
  options: RunExperimentOptions = {},
): Promise<ExperimentResult> {
  const started = performance.now();
  const inputs = dataset.xTrain.shape[1];
  const runs: ArchitectureRun[] = [];
  for (const hidden of config.architectures) {
    if (options.signal?.aborted) break;
    const label = architectureLabel(inputs, hidden, dataset.outputs);
    const useInit = dataset.init !== undefined && hidden.length === 0 && config.restarts === 1;
    const make = (): Sequential => {
      const model = makeModel(config, [inputs, ...hidden, dataset.outputs]);
      if (useInit) {
        const init = Object.fromEntries(
          Object.entries(dataset.init!).map(([k, v]) => [k, v.to(config.dtype)]),
        );
        model.loadStateDict(init);
      }
      return options.device === undefined ? model : model.to(options.device);
    };
    const t0 = performance.now();
    manualSeed(config.seed);
    const loss = makeLoss(config.loss);
    const history = await fit(make, {
      x: dataset.xTrain,
      y: dataset.yTrain,
      validation: { x: dataset.xValid, y: dataset.yValid },
      loss,
      optimizer: makeOptimizer(config),
      epochs: config.epochs,
      batchSize: config.batchSize ?? dataset.xTrain.shape[0],
      metrics: epochMetrics(dataset),
      callbacks: options.callbacks?.(label) ?? [],
      signal: options.signal,
      restarts: config.restarts,
    });
    const model = history.model as Sequential;
    if (options.device !== undefined) {
      // Back to the CPU for the summary, the saved weights and the plots.
      for (const p of model.parameters()) await p.toAsync(cpu);
    }
    const final = evaluate(model, dataset.xValid, dataset.yValid, { loss });
    runs.push({
      hidden,
      label,
      model,
      parameters: countParameters(model),
      history,
      predictions: final.predictions,
      summary: {
        trainLoss: history.last?.loss ?? NaN,
        validLoss: final.loss!,
        metrics: finalMetrics(dataset, final.predictions),
        epochs: history.epochs.length,
        stop: history.stop?.message ?? null,
        seconds: (performance.now() - t0) / 1000,
      },
    });
  }
  let best = 0;
  runs.forEach((r, i) => {
    if (r.summary.validLoss < runs[best].summary.validLoss) best = i;
  });
  return { config, dataset, runs, best, seconds: (performance.now() - started) / 1000 };
}
