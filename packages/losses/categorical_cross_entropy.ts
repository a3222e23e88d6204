/**
 * `CategoricalCrossEntropy`: cross-entropy on probabilities, the notebooks' `CE`.
 *
 * @module
 */

import { cpu, type Tensor, tidy } from "@glassbox/tensor";
import { lossValue, lossValueGrad } from "./_fused.ts";
import {
  checkMatrix,
  checkProbabilities,
  checkReduction,
  checkSameShape,
  checkTensor,
  drop,
  hold,
  stored,
} from "./_checks.ts";
import { reduce, upstream } from "./_reduction.ts";
import type { Loss, LossOptions, Reduction } from "./loss.ts";

/**
 * Cross-entropy of probabilities `p` [N, C] (e.g. the output of a `Softmax`
 * layer) against targets `y` [N, C] (one-hot or soft, same dtype): the
 * notebooks' `CE`, `L = −Σ y·log p / m` with `m = N` rows. Terms with
 * `y = 0` count as 0 even where `p = 0`, so a softmax that underflowed does
 * not turn the loss into NaN. `"none"` gives the per-row `−Σ_c y·log p`.
 *
 * Backward: `∂L/∂p = −y / p / m` (0 where `y = 0`). After a softmax this
 * equals what `CrossEntropyLoss` gives at the logits, once it has gone back
 * through the softmax; on logits, prefer `CrossEntropyLoss` (more stable).
 *
 * @example
 * ```ts
 * import { CategoricalCrossEntropy } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const ce = new CategoricalCrossEntropy();
 * const p = tensor([[0.25, 0.75], [0.5, 0.5]]);
 * assertClose(ce.forward(p, tensor([[0, 1], [1, 0]])), -(Math.log(0.75) + Math.log(0.5)) / 2);
 * assertClose(ce.backward(), [[0, -1 / 0.75 / 2], [-1 / 0.5 / 2, 0]]);
 * ```
 */
export class CategoricalCrossEntropy implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  #saved: { safeP: Tensor; target: Tensor } | null = null;
  /** The CPU's fused value and gradient (reduction "mean" or "sum"), with pred and target. */
  #fused: { grad: Tensor; pred: Tensor; target: Tensor } | null = null;

  /**
   * Creates the loss.
   *
   * @param options `reduction`: `"mean"` (default, divides by the N rows), `"sum"` or `"none"`.
   */
  constructor(options: LossOptions = {}) {
    this.reduction = checkReduction(options.reduction, "CategoricalCrossEntropy");
  }

  /**
   * Computes the loss and keeps `p` and `y` for `backward`.
   *
   * @param pred Probabilities of shape [N, C], values in [0, 1].
   * @param target Target distribution (one-hot or soft) of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-row losses [N] for `"none"`.
   *
   * @example A zero probability where the target is 0 is fine
   * ```ts
   * import { CategoricalCrossEntropy } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const ce = new CategoricalCrossEntropy({ reduction: "none" });
   * assertClose(ce.forward(tensor([[1, 0]]), tensor([[1, 0]])), [0]);
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
   * @param pred Probabilities of shape [N, C], values in [0, 1].
   * @param target Target distribution (one-hot or soft) of the same shape and dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-row losses [N] for `"none"`.
   *
   * @example
   * ```ts
   * import { CategoricalCrossEntropy } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const ce = new CategoricalCrossEntropy();
   * const pred = tensor([[0.8, 0.2], [0.4, 0.6]]), target = tensor([[1, 0], [0, 1]]);
   * const value = ce.value(pred, target);
   * deepStrictEqual(value.toTypedArray(), ce.forward(pred, target).toTypedArray());
   * deepStrictEqual(value.item(), -(Math.log(0.8) + Math.log(0.6)) / 2);
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, true, false));
  }

  /** The loss; `fuse` lets the CPU's fused kernel compute it, `save` keeps state for `backward`. */
  #forward(pred: Tensor, target: Tensor, fuse: boolean, save: boolean): Tensor {
    const name = "CategoricalCrossEntropy";
    checkMatrix(name, checkTensor(pred, name, "pred"), "probabilities");
    checkSameShape(name, pred, checkTensor(target, name, "target"));
    // NaN passes: a diverged network's softmax, for the training loop's non-finite guard.
    checkProbabilities(name, pred, "apply softmax first, or use CrossEntropyLoss on logits", true);
    if (fuse && this.reduction !== "none" && pred.device === cpu) {
      const kind = "categoricalCrossEntropy", action = `compute ${name}`;
      if (!save) return lossValue(kind, pred, target, this.reduction, action);
      // Value and gradient in one backend call on the CPU (the same bits as the steps below).
      const { value, grad } = lossValueGrad(kind, pred, target, this.reduction, action);
      this.#fused = hold({ grad, pred, target });
      return value;
    }
    // Where y = 0, use p = max(p, 1) ≥ 1 instead: y·log p and y/p are then exactly 0
    // (never 0·(−∞) or 0/0); elsewhere max(p, 0) = p.
    const safeP = pred.maximum(target.equal(0));
    if (save) this.#saved = hold({ safeP, target });
    // ℓ_i = −Σ_c y[i, c]·log p[i, c]
    const perRow = target.mul(safeP.log()).sum(1).neg();
    return reduce(perRow, this.reduction, pred.shape[0]);
  }

  /**
   * ∂L/∂pred for the last `forward`.
   *
   * @param gradOutput Upstream gradient: a scalar for `"mean"`/`"sum"`, shape
   *   [N] for `"none"`; default ones (for `"none"`: the gradient of the sum).
   * @returns A tensor of shape [N, C].
   *
   * @example
   * ```ts
   * import { CategoricalCrossEntropy } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const ce = new CategoricalCrossEntropy({ reduction: "sum" });
   * ce.forward(tensor([[0.2, 0.8]]), tensor([[0.5, 0.5]]));
   * assertClose(ce.backward(), [[-2.5, -0.625]]);
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
      this.#forward(fused.pred, fused.target, false, true); // keeps max(p, [y = 0]) and y
    }
    const { safeP, target: y } = stored(this.#saved, "CategoricalCrossEntropy");
    const n = safeP.shape[0];
    const g = upstream("CategoricalCrossEntropy", this.reduction, gradOutput, safeP, [n], n);
    // ∂ℓ_i/∂p[i, c] = −y[i, c] / p[i, c]
    return y.neg().div(safeP).mul(g.reshape([-1, 1]));
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
   * import { CategoricalCrossEntropy } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new CategoricalCrossEntropy();
   * loss.forward(tensor([[0.5, 0.5]]), tensor([[1, 0]])).dispose();
   * loss.release();
   * throws(() => loss.backward(), /call forward\(pred, target\) first/);
   * ```
   */
  release(): void {
    drop(this.#saved);
    this.#saved = null;
    drop(this.#fused);
    this.#fused = null;
  }
}
