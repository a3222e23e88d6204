/**
 * Steps of a WebGPU run, for `_webgpu_engine.ts`: the model's dense layers
 * trained by `ResidentTrainer` (one command encoder, one submit and no
 * read-back per step, the loss summed on the GPU), written back into the
 * model after each epoch.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import { cpu, type Tensor } from "@glassbox/tensor";
import {
  type ResidentLoss,
  type ResidentOptimizer,
  ResidentTrainer,
  type WebGPUDevice,
  WebGPUDeviceLostError,
} from "@glassbox/webgpu-kernels";
import type { Optimizer } from "./optimizer.ts";
import type { RunPlan } from "./_run.ts";
import { residentModel, writeBack } from "./_resident_model.ts";

/** How one kind of WebGPU run trains its batches. */
export interface Stepper {
  /** Whether `step` takes the epoch's whole tensors and a row range (else the batch). */
  readonly ranges?: boolean;
  /** After the optimizer is attached to the model: takes over its state. */
  attached?(): Promise<void>;
  /** Starts an epoch. */
  beginEpoch(): void;
  /** Trains rows [start, end) (of `x`, `y` when `ranges`); the batch loss, or undefined. */
  step(x: Tensor, y: Tensor, start: number, end: number): Promise<number | undefined>;
  /** The epoch's mean batch loss. */
  endEpoch(): Promise<number>;
  /** Ends the run: hands the optimizer's state back when `trained` (device alive). */
  finish(trained: boolean): Promise<void>;
}

/** The resident trainer's description of `loss`, or a TypeError naming what is unsupported. */
function residentLoss(loss: Loss): ResidentLoss {
  if (loss instanceof MSELoss && loss.reduction === "mean") return "mse";
  if (
    loss instanceof CrossEntropyLoss && loss.reduction === "mean" && loss.weight === undefined
  ) {
    return {
      name: "crossEntropy",
      ignoreIndex: loss.ignoreIndex,
      labelSmoothing: loss.labelSmoothing,
    };
  }
  throw new TypeError(
    `Cannot fit on WebGPU: the loss must be MSELoss or CrossEntropyLoss (without class weights) ` +
      `with reduction "mean", got ${loss.constructor.name}` +
      (("reduction" in loss) ? ` with reduction "${String(loss.reduction)}"` : "") +
      `; train on the CPU for other losses`,
  );
}

/** The resident trainer's description of `optimizer` (SGD, Adam, AdamW), or a TypeError. */
function residentOptimizer(optimizer: Optimizer): ResidentOptimizer {
  const name = optimizer.name;
  if (name === "SGD" || name === "Adam" || name === "AdamW") {
    return optimizer as unknown as ResidentOptimizer; // the same fields and defaults
  }
  throw new TypeError(
    `Cannot fit on WebGPU: the optimizer must be SGD, Adam, AdamW or LBFGS, got ${name}; ` +
      `train on the CPU`,
  );
}

/** Class-index targets for `classes` classes, checked before they go to the GPU. */
function checkClassIndices(labels: ArrayLike<number>, classes: number, ignoreIndex: number): void {
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    if (t === ignoreIndex || (Number.isInteger(t) && t >= 0 && t < classes)) continue;
    const what = Number.isInteger(t)
      ? `is out of range for ${classes} classes`
      : "is not an integer class index";
    throw new RangeError(
      `Cannot fit on WebGPU: y[${i}] = ${t} ${what}, expected an integer in [0, ${classes}) ` +
        `or ignoreIndex ${ignoreIndex}`,
    );
  }
}

/**
 * Gives the optimizer the resident trainer's state (SGD momenta, Adam moments and step
 * count), read back once, so that training continued on the CPU (or a saved optimizer
 * state) goes on from where the GPU stopped. A device lost while reading leaves the
 * optimizer as it was.
 */
async function copyOptimizerState(trainer: ResidentTrainer, optimizer: Optimizer): Promise<void> {
  const state = trainer.optimizerState();
  const entries = Object.entries(state.tensors);
  let host: Tensor[];
  try {
    host = await Promise.all(entries.map(([, t]) => t.toAsync(cpu)));
  } catch (error) {
    if (error instanceof WebGPUDeviceLostError) return;
    throw error;
  } finally {
    for (const [, t] of entries) t.dispose();
  }
  const tensors = Object.fromEntries(entries.map(([name], i) => [name, host[i]]));
  try {
    optimizer.loadStateDict({ ...state, tensors });
  } finally {
    for (const t of host) t.dispose();
  }
}

/** The resident steps of a run of `model` under `plan` on `device`. */
export async function residentStepper(
  model: Layer,
  plan: RunPlan,
  device: WebGPUDevice,
): Promise<Stepper> {
  const { loss, optimizer } = plan;
  const params = model.parameters();
  const trainer = new ResidentTrainer(device, {
    ...residentModel(model, "fit on WebGPU"),
    loss: residentLoss(loss),
    optimizer: residentOptimizer(optimizer),
    batchSize: plan.batchSize,
  });
  try {
    if (loss instanceof CrossEntropyLoss && plan.y.rank === 1) {
      // The GPU takes class indices as they are: one out of range would only show as a NaN.
      checkClassIndices(await plan.y.readTypedArray(), trainer.outFeatures, loss.ignoreIndex);
    }
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return {
    ranges: true,
    attached(): Promise<void> {
      // As on the CPU, training goes on from the optimizer's state (fresh when just
      // attached): the GPU takes it here and hands it back at the end.
      const state = optimizer.stateDict();
      try {
        trainer.loadOptimizerState(state);
      } finally {
        for (const t of Object.values(state.tensors)) t.dispose();
      }
      return Promise.resolve();
    },
    beginEpoch() {
      trainer.lr = optimizer.lr; // a scheduler may have changed it
    },
    step(x, y, start, end) {
      trainer.step(x, y, { start, rows: end - start });
      return Promise.resolve(undefined);
    },
    async endEpoch() {
      const { mean } = await trainer.readLoss();
      // The trained values into the model (an aborted epoch's steps are kept too).
      if (Number.isFinite(mean)) writeBack(params, trainer.parameters());
      return mean;
    },
    async finish(trained) {
      try {
        if (trained) await copyOptimizerState(trainer, optimizer);
      } finally {
        trainer.dispose();
      }
    },
  };
}
