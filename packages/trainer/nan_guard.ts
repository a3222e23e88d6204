/**
 * `NanGuard`: stops training at the first NaN or infinite loss or weight and
 * keeps the last good weights.
 *
 * @module
 */

import { cpu, keep, Tensor, type TypedArray } from "@glassbox/tensor";
import type { Parameter } from "@glassbox/layers";
import { isHostArray } from "@glassbox/internal";
import { storageOf } from "@glassbox/tensor/backend";
import { allFinite, wrap } from "./_host.ts";
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
  /** Each parameter's values before the step: a copy (CPU) or a kept clone (a device). */
  #before: (Tensor | TypedArray)[] = [];
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
    // then hands the model the last good epoch's weights). A CPU parameter is copied into an
    // array this guard made once and reuses every batch; a device parameter is cloned.
    const params = ctx.params, before = this.#before;
    for (let i = 0; i < params.length; i++) {
      const t = params[i].borrow();
      const old = before[i];
      const values = t.device === cpu ? storageOf(t, "copy parameter") : null;
      if (isHostArray(values)) {
        let copy = old;
        if (!isHostArray(copy) || copy.length !== values.length || !sameType(copy, values)) {
          if (old instanceof Tensor) old.dispose();
          copy = values instanceof Float32Array
            ? new Float32Array(values.length)
            : new Float64Array(values.length);
        }
        copy.set(values);
        before[i] = copy;
      } else {
        if (old instanceof Tensor) old.dispose();
        before[i] = keep(t.clone());
      }
    }
    for (let i = params.length; i < before.length; i++) {
      const old = before[i];
      if (old instanceof Tensor) old.dispose();
    }
    before.length = params.length;
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
  onBatchEnd(ctx: TrainContext, batch: BatchResult): void | Promise<void> {
    // A GPU run that sums its loss on the device checks each epoch's loss instead (`fit`'s
    // loop), keeping the last finite epoch's weights.
    if (batch.loss === undefined) {
      this.#noBatchLosses = true;
      this.#drop();
      return;
    }
    if (!Number.isFinite(batch.loss)) return this.#restore(ctx, batch, `the loss is ${batch.loss}`);
    const params = ctx.params;
    for (let i = 0; i < params.length; i++) {
      const t = params[i].borrow();
      // Device weights (L-BFGS on WebGPU) are read back: unchecked, a NaN step would only
      // show as the next batch's loss, when the weights "before" it are already NaN. Only
      // then does this hook return a promise; on the CPU it runs synchronously.
      if (t.device !== cpu) return this.#checkAsync(ctx, batch, i);
      const problem = nonFinite(params[i], storageOf(t, "check parameter"), batch);
      if (problem !== null) return this.#restore(ctx, batch, problem);
    }
  }

  async #checkAsync(ctx: TrainContext, batch: BatchResult, from: number): Promise<void> {
    const params = ctx.params;
    for (let i = from; i < params.length; i++) {
      const t = params[i].borrow();
      const values = t.device === cpu ? storageOf(t, "check parameter") : await t.readTypedArray();
      const problem = nonFinite(params[i], values, batch);
      if (problem !== null) return this.#restore(ctx, batch, problem);
    }
  }

  /** Puts back the weights from before the step and stops the run. */
  #restore(ctx: TrainContext, batch: BatchResult, problem: string): void {
    ctx.params.forEach((p, i) => {
      const old = this.#before[i];
      p.value = old instanceof Tensor ? old : wrap(old, p.shape);
    });
    this.#before = []; // now the parameters' values
    ctx.stop(
      "nonFinite",
      `Stopped at epoch ${batch.epoch}, batch ${batch.batch} (rows ${batch.start}–${
        batch.end - 1
      }): ${problem}; kept the weights from before this batch's step`,
    );
  }

  #drop(): void {
    for (const t of this.#before) if (t instanceof Tensor) t.dispose();
    this.#before = [];
  }

  onTrainEnd(_ctx: TrainContext): void {
    this.#drop();
    this.#noBatchLosses = false;
  }
}

/** Float64Array with Float64Array, Float32Array with Float32Array. */
function sameType(a: TypedArray, b: TypedArray): boolean {
  return (a instanceof Float32Array) === (b instanceof Float32Array);
}

/** Why a parameter's values after the step are not usable, or null when all are finite. */
function nonFinite(p: Parameter, values: unknown, batch: BatchResult): string | null {
  if (!isHostArray(values) || allFinite(values)) return null;
  const bad = values.find((v) => !Number.isFinite(v));
  return `parameter ${p.name} became ${bad} after the step (loss ${batch.loss})`;
}
