/**
 * `MSELoss`: the mean squared error, as `torch.nn.MSELoss`.
 *
 * @module
 */

import { type Tensor, tidy } from "@glassbox/tensor";
import { checkReduction, checkSameShape, checkTensor, drop, hold, stored } from "./_checks.ts";
import { reduce, upstream } from "./_reduction.ts";
import { lossValue, lossValueGrad } from "./_fused.ts";
import type { Loss, LossOptions, Reduction } from "./loss.ts";

/**
 * Mean squared error `L = Σ (p − t)² / n` over all `n` elements, as
 * `torch.nn.MSELoss`. `pred` and `target` must have the same shape and dtype
 * (no broadcasting).
 *
 * Backward: `∂L/∂p = 2 (p − t) / n` (without the `/ n` for `"sum"`; for
 * `"none"`, `2 (p − t) ⊙ gradOutput`).
 *
 * @example
 * ```ts
 * import { MSELoss } from "@glassbox/losses";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const loss = new MSELoss();
 * strictEqual(loss.forward(tensor([1, 2, 3]), tensor([1, 0, 0])).item(), (0 + 4 + 9) / 3);
 * deepStrictEqual(loss.backward().toArray(), [0, 4 / 3, 2]);
 * ```
 */
export class MSELoss implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  #saved: { diff: Tensor } | null = null;
  /** The fused forward's gradient (for gradOutput 1) and its inputs, for another gradOutput. */
  #fused: { grad: Tensor; pred: Tensor; target: Tensor } | null = null;

  /**
   * Creates the loss.
   *
   * @param options `reduction`: `"mean"` (default), `"sum"` or `"none"`.
   */
  constructor(options: LossOptions = {}) {
    this.reduction = checkReduction(options.reduction, "MSELoss");
  }

  /**
   * Computes the loss and keeps `p − t` for `backward`.
   *
   * @param pred Predictions, any shape.
   * @param target Targets of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the squared errors (shape of `pred`) for `"none"`.
   *
   * @example
   * ```ts
   * import { MSELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const none = new MSELoss({ reduction: "none" });
   * deepStrictEqual(none.forward(tensor([1, 2]), tensor([0, 0])).toArray(), [1, 4]);
   * ```
   */
  forward(pred: Tensor, target: Tensor): Tensor {
    this.release();
    return tidy(() => this.#forward(pred, target, this.reduction !== "none", true));
  }

  /**
   * The value `forward` returns for the same inputs (the same bits), computed without the
   * gradient and without keeping anything for `backward`; what the last `forward` kept
   * stays. For evaluation: `evaluate` in `@glassbox/trainer` uses it.
   *
   * @param pred Predictions, any shape.
   * @param target Targets of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the squared errors (shape of `pred`) for `"none"`.
   *
   * @example
   * ```ts
   * import { MSELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const loss = new MSELoss();
   * const pred = tensor([0.1, 0.7, 2]), target = tensor([0, 1, 1.5]);
   * const value = loss.value(pred, target);
   * deepStrictEqual(value.toTypedArray(), loss.forward(pred, target).toTypedArray());
   * deepStrictEqual(value.item(), (0.1 ** 2 + (0.7 - 1) ** 2 + 0.5 ** 2) / 3);
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, true, false));
  }

  /** The loss; `fuse` lets the backend's fused kernel compute it, `save` keeps state for `backward`. */
  #forward(pred: Tensor, target: Tensor, fuse: boolean, save: boolean): Tensor {
    checkTensor(pred, "MSELoss", "pred");
    checkSameShape("MSELoss", pred, checkTensor(target, "MSELoss", "target"));
    if (fuse && this.reduction !== "none") {
      const action = "compute MSELoss";
      if (!save) return lossValue("mse", pred, target, this.reduction, action);
      // Value and gradient in one backend call (the same numbers as the steps below).
      const { value, grad } = lossValueGrad("mse", pred, target, this.reduction, action);
      this.#fused = hold({ grad, pred, target });
      return value;
    }
    const diff = pred.sub(target);
    if (save) this.#saved = hold({ diff });
    return reduce(diff.square(), this.reduction, pred.size);
  }

  /**
   * ∂L/∂pred for the last `forward`.
   *
   * @param gradOutput Upstream gradient: a scalar for `"mean"`/`"sum"`, the
   *   loss's shape for `"none"`; default ones (for `"none"`: the gradient of
   *   the sum of the squared errors).
   * @returns A tensor shaped like `pred`.
   *
   * @example
   * ```ts
   * import { MSELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const loss = new MSELoss({ reduction: "sum" });
   * loss.forward(tensor([3, 1]), tensor([1, 1]));
   * deepStrictEqual(loss.backward(tensor(0.5)).toArray(), [2, 0]);
   * ```
   */
  backward(gradOutput?: Tensor): Tensor {
    return tidy(() => this.#backward(gradOutput));
  }

  #backward(gradOutput?: Tensor): Tensor {
    const fused = this.#fused;
    if (fused !== null) {
      if (gradOutput === undefined) return fused.grad.view();
      drop(this.#saved);
      this.#forward(fused.pred, fused.target, false, true); // keeps p − t for the general case
    }
    const { diff } = stored(this.#saved, "MSELoss");
    // ℓ = (p − t)²  ⇒  ∂ℓ/∂p = 2 (p − t); the reduction scales by g (or g / n).
    const g = upstream("MSELoss", this.reduction, gradOutput, diff, diff.shape, diff.size);
    return diff.mul(2).mul(g);
  }

  /**
   * Disposes what the last `forward` kept for `backward` (a new `forward` is
   * needed before the next `backward`); `fit` calls it when training ends, so
   * no device buffers stay behind.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { MSELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new MSELoss();
   * loss.forward(tensor([1]), tensor([0])).dispose();
   * loss.release();
   * throws(() => loss.backward(), /call forward\(pred, target\) first/);
   * ```
   */
  release(): void {
    drop(this.#saved);
    drop(this.#fused);
    this.#saved = this.#fused = null;
  }
}
