/**
 * `BCELoss`: binary cross-entropy on probabilities, as `torch.nn.BCELoss`.
 *
 * @module
 */

import { type Tensor, tidy } from "@glassbox/tensor";
import {
  checkProbabilities,
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

/** Options of `BCELoss`. */
export interface BCELossOptions extends LossOptions {
  /** Per-element weight, broadcast to the shape of `pred`, same dtype (default: all 1). */
  weight?: Tensor;
}

/** PyTorch clamps each log at −100 so that p = 0 or 1 gives a finite loss. */
const LOG_FLOOR = -100;
/**
 * PyTorch's floor on p·(1 − p) in the gradient, so that p = 0 or 1 gives a
 * finite gradient: the float constant 1e-12, i.e. 9.999999960041972e-13.
 */
const GRAD_EPSILON = Math.fround(1e-12);

/**
 * Binary cross-entropy of probabilities `p` against targets `t` in [0, 1]
 * (same shape and dtype), as `torch.nn.BCELoss`:
 * `ℓ = −w·(t·log p + (1 − t)·log(1 − p))`, each log clamped at −100.
 * `pred` must hold values in [0, 1] (checked on the CPU); for logits use
 * `BCEWithLogitsLoss`, which is also more accurate near 0 and 1.
 *
 * Backward: `∂ℓ/∂p = w·(p − t) / (p·(1 − p))`, with the denominator floored
 * at 1e-12 as PyTorch does (so p = 0 or 1 gives a large finite gradient, not
 * the derivative of the clamped loss, which would be 0).
 *
 * @example
 * ```ts
 * import { BCELoss } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const loss = new BCELoss();
 * assertClose(loss.forward(tensor([0.5, 0.8]), tensor([1, 1])), -(Math.log(0.5) + Math.log(0.8)) / 2);
 * assertClose(loss.forward(tensor([0]), tensor([1])), 100); // log 0 clamped at −100
 * ```
 */
export class BCELoss implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  /** Per-element weights, or undefined for all 1. */
  readonly weight: Tensor | undefined;
  #saved: { pred: Tensor; target: Tensor } | null = null;

  /**
   * Creates the loss; `weight` is checked against `pred` at `forward`.
   *
   * @param options `reduction`, `weight` (broadcast to `pred`).
   */
  constructor(options: BCELossOptions = {}) {
    this.reduction = checkReduction(options.reduction, "BCELoss");
    this.weight = options.weight === undefined
      ? undefined
      : checkTensor(options.weight, "BCELoss", "weight");
  }

  /**
   * Computes the loss and keeps `pred` and `target` for `backward`.
   *
   * @param pred Probabilities in [0, 1], any shape.
   * @param target Targets in [0, 1] (labels or soft targets), same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-element losses for `"none"`.
   *
   * @example
   * ```ts
   * import { BCELoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new BCELoss({ reduction: "none" });
   * assertClose(loss.forward(tensor([0.25, 0.25]), tensor([1, 0])), [Math.log(4), Math.log(4 / 3)]);
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
   * @param pred Probabilities, any shape, values in [0, 1].
   * @param target Targets of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-element losses (shape of `pred`) for `"none"`.
   *
   * @example
   * ```ts
   * import { BCELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const bce = new BCELoss();
   * const p = tensor([0.9, 0.2]), t = tensor([1, 0]);
   * const value = bce.value(p, t);
   * deepStrictEqual(value.toTypedArray(), bce.forward(p, t).toTypedArray());
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, false));
  }

  /** The loss; `save` keeps what `backward` needs. */
  #forward(pred: Tensor, target: Tensor, save: boolean): Tensor {
    checkTensor(pred, "BCELoss", "pred");
    checkSameShape("BCELoss", pred, checkTensor(target, "BCELoss", "target"));
    checkWeight("BCELoss", pred, this.weight, "weight", pred.shape);
    checkProbabilities("BCELoss", pred, "apply sigmoid first, or use BCEWithLogitsLoss on logits");
    if (save) this.#saved = hold({ pred, target });
    const logP = pred.log().maximum(LOG_FLOOR);
    const log1mP = pred.neg().add(1).log().maximum(LOG_FLOOR);
    // ℓ = −w·(t·log p + (1 − t)·log(1 − p))
    let perElement = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
    if (this.weight !== undefined) perElement = perElement.mul(this.weight);
    return reduce(perElement, this.reduction, pred.size);
  }

  /**
   * ∂L/∂pred for the last `forward`.
   *
   * @param gradOutput Upstream gradient: a scalar for `"mean"`/`"sum"`, the
   *   shape of `pred` for `"none"`; default ones (for `"none"`: the gradient of the sum).
   * @returns A tensor shaped like `pred`.
   *
   * @example
   * ```ts
   * import { BCELoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new BCELoss({ reduction: "sum" });
   * loss.forward(tensor([0.25]), tensor([1]));
   * assertClose(loss.backward(), [-4]); // −1/p
   * ```
   */
  backward(gradOutput?: Tensor): Tensor {
    return tidy(() => this.#backward(gradOutput));
  }

  #backward(gradOutput?: Tensor): Tensor {
    const { pred: p, target: t } = stored(this.#saved, "BCELoss");
    const g = upstream("BCELoss", this.reduction, gradOutput, p, p.shape, p.size);
    // ∂ℓ/∂p = −t/p + (1 − t)/(1 − p) = (p − t) / (p·(1 − p))
    const denominator = p.neg().add(1).mul(p).maximum(GRAD_EPSILON);
    let grad = p.sub(t).div(denominator);
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
   * import { BCELoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new BCELoss();
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
