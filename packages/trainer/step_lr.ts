/**
 * `StepLR`: multiplies the learning rate by `gamma` every `stepSize` epochs,
 * as `torch.optim.lr_scheduler.StepLR`.
 *
 * @module
 */

import { checkInteger, checkKeys, checkNumber, checkOptions } from "@glassbox/internal";
import type { LRScheduler } from "./lr_scheduler.ts";
import type { Optimizer } from "./optimizer.ts";

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Epochs between decays (required, ≥ 1). */
  stepSize: number;
  /** Factor of each decay (default 0.1). */
  gamma?: number;
}

/**
 * Step decay, in PyTorch's recursive (chainable) form that `scheduler.step()`
 * uses: at epochs stepSize, 2·stepSize, … the current rate is multiplied by
 * γ — `lr ← lr·γ`, not `base·γ^⌊e/s⌋`, so the rates equal PyTorch's bit for bit.
 *
 * @example
 * ```ts
 * import { SGD, StepLR } from "@glassbox/trainer";
 * import { strictEqual } from "node:assert/strict";
 *
 * const opt = new SGD({ lr: 0.1 });
 * const schedule = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
 * for (let i = 0; i < 3; i++) schedule.step();
 * strictEqual(opt.lr, 0.05);
 * ```
 */
export class StepLR implements LRScheduler {
  /** The optimizer whose rate it sets. */
  readonly optimizer: Optimizer;
  /** The rate at construction. */
  readonly baseLr: number;
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Factor of each decay. */
  readonly gamma: number;
  #epoch = 0;

  /**
   * Creates the schedule; the optimizer's current `lr` is the base rate.
   *
   * @param optimizer The optimizer to drive.
   * @param options `stepSize` (required), `gamma` (default 0.1).
   *
   * @example
   * ```ts
   * import { SGD, StepLR } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new StepLR(new SGD({ lr: 1 }), { stepSize: 0 }), /stepSize must be an integer >= 1, got 0/);
   * ```
   */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    const action = "create StepLR";
    const o = checkOptions(options, action);
    checkKeys(o, ["stepSize", "gamma"], action);
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
    this.stepSize = checkInteger(o.stepSize, action, "stepSize", 1);
    this.gamma = checkNumber(o.gamma, action, "gamma", { min: 0 }, 0.1);
  }

  /** Epochs stepped. */
  get lastEpoch(): number {
    return this.#epoch;
  }

  /**
   * Advances one epoch.
   *
   * @returns The new learning rate.
   *
   * @example
   * ```ts
   * import { SGD, StepLR } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const schedule = new StepLR(new SGD({ lr: 1 }), { stepSize: 1, gamma: 0.5 });
   * strictEqual(schedule.step(), 0.5);
   * ```
   */
  step(): number {
    const epoch = ++this.#epoch;
    if (epoch % this.stepSize === 0) this.optimizer.lr = this.optimizer.lr * this.gamma;
    return this.optimizer.lr;
  }

  /**
   * Back to the base rate at epoch 0.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { SGD, StepLR } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const opt = new SGD({ lr: 1 });
   * const schedule = new StepLR(opt, { stepSize: 1 });
   * schedule.step();
   * schedule.reset();
   * strictEqual(opt.lr, 1);
   * ```
   */
  reset(): void {
    this.#epoch = 0;
    this.optimizer.lr = this.baseLr;
  }
}
