/**
 * `CosineAnnealingLR`: the learning rate follows a cosine from the base rate
 * down to `etaMin` over `tMax` epochs, as
 * `torch.optim.lr_scheduler.CosineAnnealingLR`.
 *
 * @module
 */

import { checkInteger, checkKeys, checkNumber, checkOptions } from "@glassbox/internal";
import type { LRScheduler } from "./lr_scheduler.ts";
import type { Optimizer } from "./optimizer.ts";

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Epochs of a half period (required, ≥ 1). */
  tMax: number;
  /** The lowest rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing in PyTorch's recursive form, the one `scheduler.step()`
 * uses (the closed form η_min + (η₀ − η_min)(1 + cos(πe/T))/2 differs in the
 * last bits):
 *
 * ```text
 * e = 0:                          lr
 * (e − 1 − T) mod 2T = 0:         lr + (η₀ − η_min)(1 − cos(π/T))/2
 * otherwise:                      (1 + cos(πe/T)) / (1 + cos(π(e − 1)/T)) · (lr − η_min) + η_min
 * ```
 *
 * Past `tMax` epochs the rate rises again, as PyTorch's does. The cosines
 * are JavaScript's `Math.cos`, which can differ from glibc's `cos` in the
 * last bit, so a rate can differ from PyTorch's by an ulp.
 *
 * @example
 * ```ts
 * import { CosineAnnealingLR, SGD } from "@glassbox/trainer";
 * import { assertClose } from "@glassbox/tensor";
 *
 * const opt = new SGD({ lr: 1 });
 * const schedule = new CosineAnnealingLR(opt, { tMax: 4 });
 * const lrs = [opt.lr];
 * for (let i = 0; i < 4; i++) lrs.push(schedule.step());
 * assertClose(lrs, [1, 0.8535533905932737, 0.5, 0.14644660940672627, 0], { rtol: 1e-15, atol: 1e-16 });
 * ```
 */
export class CosineAnnealingLR implements LRScheduler {
  /** The optimizer whose rate it sets. */
  readonly optimizer: Optimizer;
  /** The rate at construction (η₀). */
  readonly baseLr: number;
  /** Epochs of a half period. */
  readonly tMax: number;
  /** The lowest rate. */
  readonly etaMin: number;
  #epoch = 0;

  /**
   * Creates the schedule; the optimizer's current `lr` is η₀.
   *
   * @param optimizer The optimizer to drive.
   * @param options `tMax` (required), `etaMin` (default 0).
   *
   * @example
   * ```ts
   * import { CosineAnnealingLR, SGD } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new CosineAnnealingLR(new SGD({ lr: 1 }), { tMax: 2.5 }), /tMax must be an integer >= 1/);
   * ```
   */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const action = "create CosineAnnealingLR";
    const o = checkOptions(options, action);
    checkKeys(o, ["tMax", "etaMin"], action);
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
    this.tMax = checkInteger(o.tMax, action, "tMax", 1);
    this.etaMin = checkNumber(o.etaMin, action, "etaMin", { min: 0 }, 0);
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
   * import { CosineAnnealingLR, SGD } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const schedule = new CosineAnnealingLR(new SGD({ lr: 1 }), { tMax: 2, etaMin: 0.1 });
   * schedule.step();
   * strictEqual(schedule.step(), 0.1);
   * ```
   */
  step(): number {
    const e = ++this.#epoch;
    const T = this.tMax, etaMin = this.etaMin, lr = this.optimizer.lr;
    let next: number;
    if ((e - 1 - T) % (2 * T) === 0) {
      next = lr + (this.baseLr - etaMin) * (1 - Math.cos(Math.PI / T)) / 2;
    } else {
      next = (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T)) *
          (lr - etaMin) + etaMin;
    }
    this.optimizer.lr = next;
    return next;
  }

  /**
   * Back to η₀ at epoch 0.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { CosineAnnealingLR, SGD } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const opt = new SGD({ lr: 1 });
   * const schedule = new CosineAnnealingLR(opt, { tMax: 3 });
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
