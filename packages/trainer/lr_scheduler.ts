/**
 * The `LRScheduler` interface the learning-rate schedulers implement.
 *
 * @module
 */

import type { Optimizer } from "./optimizer.ts";

/**
 * Changes an optimizer's learning rate once per epoch, as PyTorch's
 * `scheduler.step()` after each epoch's optimizer steps. `fit` calls `step()`
 * at the end of every epoch and `reset()` before every restart.
 *
 * @example A schedule by hand
 * ```ts
 * import { type LRScheduler, SGD, StepLR } from "@glassbox/trainer";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const opt = new SGD({ lr: 1 });
 * const schedule: LRScheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(opt.lr);
 *   schedule.step();
 * }
 * deepStrictEqual(lrs, [1, 1, 0.5, 0.5, 0.25]);
 * ```
 */
export interface LRScheduler {
  /** The optimizer whose `lr` it sets. */
  readonly optimizer: Optimizer;
  /** The learning rate at construction (PyTorch's `base_lrs[0]`). */
  readonly baseLr: number;
  /** Epochs stepped (PyTorch's `last_epoch`, 0 after construction). */
  readonly lastEpoch: number;
  /**
   * Advances one epoch and sets `optimizer.lr`.
   * @returns The new learning rate.
   */
  step(): number;
  /**
   * Restores `optimizer.lr` to `baseLr` and the epoch count to 0.
   * @returns Nothing.
   */
  reset(): void;
}
