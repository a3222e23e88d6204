/**
 * `BCEWithLogitsLoss`: sigmoid and binary cross-entropy in one stable step,
 * as `torch.nn.BCEWithLogitsLoss`.
 *
 * @module
 */

import { type Tensor, tidy } from "@glassbox/tensor";
import {
  checkReduction,
  checkSameShape,
  checkTensor,
  checkWeight,
  drop,
  hold,
  stored,
} from "./_checks.ts";
import { reduce, upstream } from "./_reduction.ts";
import type { Loss, LossOptions, Reduction } from "./loss.ts";

/** Options of `BCEWithLogitsLoss`. */
export interface BCEWithLogitsLossOptions extends LossOptions {
  /** Per-element weight, broadcast to the shape of `pred`, same dtype (default: all 1). */
  weight?: Tensor;
  /**
   * Weight of the positive term, broadcast to `pred` (typically one per class,
   * shape [C]); > 1 raises recall, < 1 raises precision (default: all 1).
   */
  posWeight?: Tensor;
}

/**
 * Binary cross-entropy of `σ(x)` against targets `t` (same shape and dtype),
 * computed from the logits `x` so that it never overflows, as
 * `torch.nn.BCEWithLogitsLoss`:
 * `ℓ = w·((1 − t)·x + (1 + (pw − 1)·t)·softplus(−x))`, with
 * `softplus(−x) = log(1 + e^−x) = m + log(e^−m + e^(−x−m))`, `m = max(−x, 0)`.
 *
 * Backward: `∂ℓ/∂x = w·((1 + (pw − 1)·t)·σ(x) − pw·t)`, which is `w·(σ(x) − t)`
 * without `posWeight`.
 *
 * @example Logits of ±1000 are fine
 * ```ts
 * import { BCEWithLogitsLoss } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const loss = new BCEWithLogitsLoss({ reduction: "none" });
 * assertClose(loss.forward(tensor([1000, -1000, 0]), tensor([1, 1, 0])), [0, 1000, Math.LN2]);
 * assertClose(loss.backward(), [0, -1, 0.5]);
 * ```
 */
export class BCEWithLogitsLoss implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  /** Per-element weights, or undefined for all 1. */
  readonly weight: Tensor | undefined;
  /** Positive-term weights, or undefined for all 1. */
  readonly posWeight: Tensor | undefined;
  #saved: { pred: Tensor; target: Tensor } | null = null;

  /**
   * Creates the loss; the weights are checked against `pred` at `forward`.
   *
   * @param options `reduction`, `weight`, `posWeight` (each broadcast to `pred`).
   */
  constructor(options: BCEWithLogitsLossOptions = {}) {
    const name = "BCEWithLogitsLoss";
    this.reduction = checkReduction(options.reduction, name);
    this.weight = options.weight === undefined
      ? undefined
      : checkTensor(options.weight, name, "weight");
    this.posWeight = options.posWeight === undefined
      ? undefined
      : checkTensor(options.posWeight, name, "posWeight");
  }

  /**
   * Computes the loss and keeps `pred` and `target` for `backward`.
   *
   * @param pred Logits, any shape.
   * @param target Targets in [0, 1], same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-element losses for `"none"`.
   *
   * @example posWeight scales the positive term
   * ```ts
   * import { BCEWithLogitsLoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new BCEWithLogitsLoss({ posWeight: tensor([3]) });
   * assertClose(loss.forward(tensor([0]), tensor([1])), 3 * Math.LN2);
   * ```
   */
  forward(pred: Tensor, target: Tensor): Tensor {
    drop(this.#saved);
    this.#saved = null;
    return tidy(() => this.#forward(pred, target, true));
  }

  /**
   * The value `forward` returns for the same inputs (the same bits), computed without the
   * gradient and without keeping anything for `backward`; what the last `forward` kept
   * stays. For evaluation: `evaluate` in `@glassbox/trainer` uses it.
   *
   * @param pred Logits, any shape.
   * @param target Targets of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-element losses (shape of `pred`) for `"none"`.
   *
   * @example
   * ```ts
   * import { BCEWithLogitsLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const bce = new BCEWithLogitsLoss();
   * const x = tensor([2.5, -1, 0.3]), t = tensor([1, 0, 1]);
   * const value = bce.value(x, t);
   * deepStrictEqual(value.toTypedArray(), bce.forward(x, t).toTypedArray());
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, false));
  }

  /** The loss; `save` keeps what `backward` needs. */
  #forward(pred: Tensor, target: Tensor, save: boolean): Tensor {
    const name = "BCEWithLogitsLoss";
    checkTensor(pred, name, "pred");
    checkSameShape(name, pred, checkTensor(target, name, "target"));
    checkWeight(name, pred, this.weight, "weight", pred.shape);
    checkWeight(name, pred, this.posWeight, "posWeight", pred.shape);
    if (save) this.#saved = hold({ pred, target });
    const x = pred, t = target;
    // softplus(−x) = log(1 + e^−x), shifted by m = max(−x, 0) so no exp overflows.
    const m = x.neg().maximum(0);
    const softplusNegX = m.neg().exp().add(x.neg().sub(m).exp()).log().add(m);
    // (1 − t)·x + softplus(−x) is −(t·log σ(x) + (1 − t)·log(1 − σ(x))).
    const positive = this.posWeight === undefined
      ? softplusNegX
      : this.#logWeight(t).mul(softplusNegX);
    let perElement = t.neg().add(1).mul(x).add(positive);
    if (this.weight !== undefined) perElement = perElement.mul(this.weight);
    return reduce(perElement, this.reduction, pred.size);
  }

  /** `1 + (pw − 1)·t`: the weight of the softplus term once posWeight is applied. */
  #logWeight(t: Tensor): Tensor {
    return this.posWeight!.sub(1).mul(t).add(1);
  }

  /**
   * ∂L/∂pred (the logits) for the last `forward`.
   *
   * @param gradOutput Upstream gradient: a scalar for `"mean"`/`"sum"`, the
   *   shape of `pred` for `"none"`; default ones (for `"none"`: the gradient of the sum).
   * @returns A tensor shaped like `pred`.
   *
   * @example σ(x) − t, over n
   * ```ts
   * import { BCEWithLogitsLoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new BCEWithLogitsLoss();
   * const x = tensor([0.3, -2]), t = tensor([1, 0]);
   * loss.forward(x, t);
   * assertClose(loss.backward(), x.sigmoid().sub(t).div(2));
   * ```
   */
  backward(gradOutput?: Tensor): Tensor {
    return tidy(() => this.#backward(gradOutput));
  }

  #backward(gradOutput?: Tensor): Tensor {
    const { pred: x, target: t } = stored(this.#saved, "BCEWithLogitsLoss");
    const g = upstream("BCEWithLogitsLoss", this.reduction, gradOutput, x, x.shape, x.size);
    // ∂/∂x [(1 − t)·x + lw·softplus(−x)] = (1 − t) − lw·(1 − σ(x)) = lw·σ(x) − pw·t
    // with lw = 1 + (pw − 1)·t; without posWeight, σ(x) − t.
    let grad = this.posWeight === undefined
      ? x.sigmoid().sub(t)
      : this.#logWeight(t).mul(x.sigmoid()).sub(this.posWeight.mul(t));
    if (this.weight !== undefined) grad = grad.mul(this.weight);
    return grad.mul(g);
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
   * import { BCEWithLogitsLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new BCEWithLogitsLoss();
   * loss.forward(tensor([0.5]), tensor([1])).dispose();
   * loss.release();
   * throws(() => loss.backward(), /call forward\(pred, target\) first/);
   * ```
   */
  release(): void {
    drop(this.#saved);
    this.#saved = null;
  }
}
