/**
 * `NanGuard`: stops training at the first NaN or infinite loss or weight and
 * keeps the last good weights.
 *
 * @module
 */

import { cpu, keep, type Tensor } from "@glassbox/tensor";
import { isHostArray } from "@glassbox/internal";
import { storageOf } from "@glassbox/tensor/backend";
import { allFinite } from "./_host.ts";
import type { BatchInfo, BatchResult, Callback, TrainContext } from "./callback.ts";

/**
 * Watches every batch: if the batch loss is NaN or ±Infinity, or a weight is
 * after the optimizer step, it puts back the weights from before that step
 * (they were finite) and stops training with a message naming the epoch,
 * the batch and its rows, the value and — for a weight — the parameter.
 * `fit` adds one unless `nanGuard: false`; the message lands in
 * `history.stop` (`kind: "nonFinite"`).
 *
 * @example A learning rate far too large
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { fit, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { match, ok, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([64, 2]).mul(100), y = randn([64, 1]);
 * const history = await fit(mlp([2, 16, 1]), {
 *   x, y, loss: new MSELoss(), optimizer: new SGD({ lr: 1e3 }), epochs: 50, batchSize: 8,
 * });
 * strictEqual(history.stop?.kind, "nonFinite");
 * match(history.stop!.message, /^Stopped at epoch \d+, batch \d+ \(rows \d+–\d+\)/);
 * ok(history.model.parameters().every((p) => p.value.toTypedArray().every(Number.isFinite)));
 * ```
 */
export class NanGuard implements Callback {
  #before: Tensor[] = [];
  /** Whether this run's batches come without a loss (summed on a device instead). */
  #noBatchLosses = false;

  /**
   * Remembers the weights before the step (copies: the step updates them in place).
   *
   * @param ctx The run.
   * @param _batch The batch.
   *
   * @example
   * ```ts
   * import { NanGuard } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new NanGuard().onBatchBegin, "function");
   * ```
   */
  onBatchBegin(ctx: TrainContext, _batch: BatchInfo): void {
    if (this.#noBatchLosses) return;
    // For a restore: copies, since every optimizer writes the values in place (on a device
    // only L-BFGS steps batch by batch here; a lost device fails the copy, and fit's loop
    // then hands the model the last good epoch's weights).
    for (const t of this.#before) t.dispose();
    this.#before = ctx.params.map((p) => keep(p.borrow().clone()));
  }

  /**
   * Checks the loss and the updated weights; restores and stops on a non-finite value.
   *
   * @param ctx The run.
   * @param batch The batch and its loss.
   *
   * @example
   * ```ts
   * import { NanGuard } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new NanGuard().onBatchEnd, "function");
   * ```
   */
  async onBatchEnd(ctx: TrainContext, batch: BatchResult): Promise<void> {
    // A GPU run that sums its loss on the device checks each epoch's loss instead (`fit`'s
    // loop), keeping the last finite epoch's weights.
    if (batch.loss === undefined) {
      this.#noBatchLosses = true;
      for (const t of this.#before) t.dispose();
      this.#before = [];
      return;
    }
    let problem: string | null = null;
    if (!Number.isFinite(batch.loss)) problem = `the loss is ${batch.loss}`;
    else {
      for (const p of ctx.params) {
        const t = p.borrow();
        // Device weights (L-BFGS on WebGPU) are read back: unchecked, a NaN step would only
        // show as the next batch's loss, when the weights "before" it are already NaN.
        const values = t.device === cpu
          ? storageOf(t, "check parameter")
          : await t.readTypedArray();
        if (!isHostArray(values)) continue;
        if (!allFinite(values)) {
          const bad = values.find((v) => !Number.isFinite(v));
          problem = `parameter ${p.name} became ${bad} after the step (loss ${batch.loss})`;
          break;
        }
      }
    }
    if (problem === null) return;
    ctx.params.forEach((p, i) => (p.value = this.#before[i]));
    this.#before = []; // now the parameters' values
    ctx.stop(
      "nonFinite",
      `Stopped at epoch ${batch.epoch}, batch ${batch.batch} (rows ${batch.start}–${
        batch.end - 1
      }): ${problem}; kept the weights from before this batch's step`,
    );
  }

  /**
   * Lets go of the weights it kept from before the last step.
   *
   * @param _ctx The run.
   *
   * @example
   * ```ts
   * import { NanGuard } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new NanGuard().onTrainEnd, "function");
   * ```
   */
  onTrainEnd(_ctx: TrainContext): void {
    for (const t of this.#before) t.dispose();
    this.#before = [];
    this.#noBatchLosses = false;
  }
}
