/**
 * `EarlyStopping`: ends training when the monitored loss stops improving,
 * and restores the best weights.
 *
 * @module
 */

import { keep, type Tensor } from "@glassbox/tensor";
import type { Callback, TrainContext } from "./callback.ts";
import type { EpochRecord } from "./history.ts";
import { checkMode, checkMonitor, type Mode, monitoredValue, resolveMonitor } from "./_monitor.ts";
import {
  checkBoolean,
  checkInteger,
  checkKeys,
  checkNumber,
  checkOptions,
} from "@glassbox/internal";

/** Options of `EarlyStopping`. */
export interface EarlyStoppingOptions {
  /** `"validLoss"` (default with validation), `"loss"` (default without) or a metric's name. */
  monitor?: string;
  /** `"min"` (default: lower is better) or `"max"`. */
  mode?: Mode;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** An improvement must beat the best by more than this (default 0). */
  minDelta?: number;
  /** Put back the best epoch's weights when training ends (default true). */
  restoreBest?: boolean;
}

/**
 * Stops training after `patience` epochs in which the monitored value did
 * not improve on the best so far by more than `minDelta`, and (with
 * `restoreBest`) leaves the model with the best epoch's weights (a copy of
 * them, taken when the monitored value improves).
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { EarlyStopping, fit, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([40, 3]), y = randn([40, 1]); // noise: validation cannot improve for long
 * const stopper = new EarlyStopping({ patience: 2 });
 * const history = await fit(mlp([3, 32, 1]), {
 *   x: x.slice(0, 30), y: y.slice(0, 30), validation: { x: x.slice(30), y: y.slice(30) },
 *   loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }), epochs: 200, callbacks: [stopper],
 * });
 * strictEqual(history.stop?.kind, "earlyStopping");
 * ok(history.epochs.length < 200);
 * strictEqual(stopper.bestValue, Math.min(...history.column("validLoss")));
 * ```
 */
export class EarlyStopping implements Callback {
  /** The monitored name (undefined: validLoss with validation, else loss). */
  readonly monitor: string | undefined;
  /** Which way is better. */
  readonly mode: Mode;
  /** Epochs without improvement tolerated. */
  readonly patience: number;
  /** Least improvement that counts. */
  readonly minDelta: number;
  /** Whether the best weights are restored at the end. */
  readonly restoreBest: boolean;
  /** The best value so far. */
  bestValue: number = NaN;
  /** The epoch of the best value (-1 before any). */
  bestEpoch: number = -1;
  #wait = 0;
  #best: Tensor[] | null = null;

  /**
   * Creates the callback.
   *
   * @param options `monitor`, `mode`, `patience`, `minDelta`, `restoreBest`.
   *
   * @example
   * ```ts
   * import { EarlyStopping } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new EarlyStopping({ patience: -1 }), /patience must be an integer >= 0, got -1/);
   * throws(() => new EarlyStopping({ minDelta: -0.1 }), /minDelta must be finite and >= 0, got -0.1/);
   * ```
   */
  constructor(options: EarlyStoppingOptions = {}) {
    const action = "create EarlyStopping";
    const o = checkOptions(options, action);
    checkKeys(o, ["monitor", "mode", "patience", "minDelta", "restoreBest"], action);
    this.monitor = checkMonitor(o.monitor, action);
    this.mode = checkMode(o.mode, action);
    this.patience = checkInteger(o.patience, action, "patience", 0, 5);
    this.minDelta = checkNumber(o.minDelta, action, "minDelta", { min: 0 }, 0);
    this.restoreBest = checkBoolean(o.restoreBest, action, "restoreBest", true);
  }

  /**
   * Resets the best value and the wait (each restart starts afresh).
   *
   * @param _ctx The run.
   *
   * @example
   * ```ts
   * import { EarlyStopping, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const stopper = new EarlyStopping();
   * stopper.onTrainBegin({} as TrainContext);
   * strictEqual(stopper.bestEpoch, -1);
   * ```
   */
  onTrainBegin(_ctx: TrainContext): void {
    this.bestValue = NaN;
    this.bestEpoch = -1;
    this.#wait = 0;
    this.#best = null;
  }

  /**
   * Compares the epoch with the best; stops after `patience` epochs without improvement.
   *
   * @param ctx The run.
   * @param record The epoch.
   *
   * @example
   * ```ts
   * import { EarlyStopping } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new EarlyStopping().onEpochEnd, "function");
   * ```
   */
  onEpochEnd(ctx: TrainContext, record: EpochRecord): void {
    const name = resolveMonitor(this.monitor, ctx);
    const value = monitoredValue(record, name, "stop early");
    const better = this.bestEpoch < 0 ||
      (this.mode === "min"
        ? value < this.bestValue - this.minDelta
        : value > this.bestValue + this.minDelta);
    if (better && !Number.isNaN(value)) {
      this.bestValue = value;
      this.bestEpoch = record.epoch;
      this.#wait = 0;
      if (this.restoreBest) {
        // Copies: optimizer steps update the values in place.
        for (const t of this.#best ?? []) t.dispose();
        this.#best = ctx.params.map((p) => keep(p.borrow().clone()));
      }
      return;
    }
    this.#wait++;
    if (this.#wait >= this.patience) {
      ctx.stop(
        "earlyStopping",
        `Stopped early after epoch ${record.epoch}: ${name} did not improve on ${
          this.bestValue.toFixed(4)
        } (epoch ${this.bestEpoch}) for ${this.#wait} epochs` +
          (this.restoreBest ? `; restored the weights of epoch ${this.bestEpoch}` : ""),
      );
    }
  }

  /**
   * Restores the best epoch's weights (with `restoreBest`).
   *
   * @param ctx The run.
   *
   * @example
   * ```ts
   * import { EarlyStopping } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new EarlyStopping().onTrainEnd, "function");
   * ```
   */
  onTrainEnd(ctx: TrainContext): void {
    const best = this.#best;
    if (best === null) return;
    ctx.params.forEach((p, i) => (p.value = best[i]));
    this.#best = null; // now the parameters' values
  }
}
