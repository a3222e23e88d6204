/**
 * What differs per device under `fit`'s one loop: an `Engine` steps a batch,
 * gives the epoch's mean loss, keeps and restores the last good weights and
 * scores the model on a split. The loop (`runTraining` in `_run.ts`) does
 * everything else: epochs, shuffling, callbacks, cancellation, validation,
 * the scheduler and the non-finite checks.
 *
 * @module
 */

import type { Layer, Parameter } from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";
import type { BatchInfo } from "./callback.ts";
import type { Optimizer } from "./optimizer.ts";

/** What scoring the model on a split gave. */
export interface Scores {
  /** The loss over all rows (absent without a loss). */
  loss?: number;
  /** Each metric's value. */
  metrics: Record<string, number>;
}

/** The device-specific half of a training run. */
export interface Engine {
  /**
   * Starts an epoch whose rows come in `order` (null: in order).
   * @param order The epoch's permutation of the rows, or null.
   */
  beginEpoch(order: Int32Array | null): void;
  /**
   * Trains one batch (rows `[start, end)` of the epoch's order): forward,
   * loss, backward and the optimizer's step.
   * @returns The batch loss before the step, or undefined where it stays on the device.
   */
  step(batch: BatchInfo): number | undefined | Promise<number | undefined>;
  /** The mean loss of the epoch's trained batches (one read on a device). */
  endEpoch(): Promise<number>;
  /**
   * Scores the model after an epoch: on the validation split, the loss and
   * every metric; without one, the metrics on the training data.
   */
  score(): Promise<Scores>;
  /** Remembers the current weights as the last good ones. */
  keep(): Promise<void>;
  /** Puts back the weights `keep` remembered. */
  restore(): void;
  /**
   * When `error` says the device was lost: moves the last good weights to
   * the host and returns the sentence for `history.stop`; otherwise rethrows.
   */
  lost(error: unknown, epoch: number): string;
  /** Ends the run (however it ended): hands state back, releases what it made. */
  finish(): Promise<void>;
}

/** Whether the optimizer is already bound to exactly these parameters. */
export function attachedTo(optimizer: Optimizer, params: readonly Parameter[]): boolean {
  const own = optimizer.params;
  return own.length === params.length &&
    own.every((p, i) => p.name === params[i].name && p.borrow() === params[i].borrow());
}

/**
 * ∂L/∂parameters of the last forward pass, accumulated into the gradients:
 * `accumulateGrad` where the model has it (no ∂L/∂input, which training on
 * data never uses), else `backward` with its result disposed.
 */
export function backpropagate(model: Layer, grad: Tensor): void {
  if (model.accumulateGrad !== undefined) return model.accumulateGrad(grad);
  const gradIn = model.backward(grad);
  if (gradIn !== grad) gradIn.dispose();
}
