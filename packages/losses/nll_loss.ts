/**
 * `NLLLoss`: the negative log-likelihood of class-index targets given
 * log-probabilities, as `torch.nn.NLLLoss`.
 *
 * @module
 */

import { checkInteger } from "@glassbox/internal";
import { type Tensor, tidy } from "@glassbox/tensor";
import { checkClassWeight, classTargets, pick } from "./_class_targets.ts";
import { checkMatrix, checkReduction, checkTensor, drop, hold, stored } from "./_checks.ts";
import { reduce, upstream } from "./_reduction.ts";
import type { Loss, LossOptions, Reduction } from "./loss.ts";

/** Options of `NLLLoss`. */
export interface NLLLossOptions extends LossOptions {
  /** Weight of each class, shape [C], same dtype as `pred` (default: all 1). */
  weight?: Tensor;
  /** Target value whose rows contribute neither loss nor gradient (default -100). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood, as `torch.nn.NLLLoss`: with log-probabilities
 * `x` of shape [N, C] and class indices `t` of shape [N] (floats holding
 * integers, on the CPU), `ℓ_i = −w[t_i] · x[i, t_i]`; `"mean"` divides
 * `Σ ℓ_i` by the total weight `Σ w[t_i]` of the rows not ignored (NaN when
 * every row is ignored, as in PyTorch).
 *
 * Backward: `∂ℓ_i/∂x[i, c] = −w[t_i]` where `c = t_i`, else 0.
 *
 * @example
 * ```ts
 * import { NLLLoss } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const loss = new NLLLoss();
 * const logp = tensor([[-0.5, -1], [-2, -0.1]]);
 * strictEqual(loss.forward(logp, tensor([0, 0])).item(), (0.5 + 2) / 2);
 * assertClose(loss.backward(), [[-0.5, 0], [-0.5, 0]]);
 * ```
 */
export class NLLLoss implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  /** Class weights, or undefined for all 1. */
  readonly weight: Tensor | undefined;
  /** Target value that is ignored. */
  readonly ignoreIndex: number;
  #saved: { targetWeight: Tensor; totalWeight: Tensor; pred: Tensor; n: number } | null = null;

  /**
   * Creates the loss; `weight` is checked against the input at `forward`.
   *
   * @param options `reduction`, `weight` [C], `ignoreIndex` (default -100).
   */
  constructor(options: NLLLossOptions = {}) {
    this.reduction = checkReduction(options.reduction, "NLLLoss");
    this.weight = options.weight === undefined
      ? undefined
      : checkTensor(options.weight, "NLLLoss", "weight");
    this.ignoreIndex = checkInteger(options.ignoreIndex, "create NLLLoss", "ignoreIndex", {}, -100);
  }

  /**
   * Computes the loss and keeps the weighted one-hot targets for `backward`.
   *
   * @param pred Log-probabilities of shape [N, C].
   * @param target Class indices of shape [N], integers in [0, C) or `ignoreIndex`.
   * @returns A scalar for `"mean"`/`"sum"`, the per-sample losses [N] for `"none"`.
   *
   * @example
   * ```ts
   * import { NLLLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const loss = new NLLLoss({ reduction: "none", weight: tensor([1, 3]) });
   * const out = loss.forward(tensor([[-0.5, -1], [-2, -0.25]]), tensor([0, 1]));
   * deepStrictEqual(out.toArray(), [0.5, 0.75]);
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
   * @param pred Log-probabilities of shape [N, C].
   * @param target Class indices [N], same dtype as `pred`.
   * @returns A scalar for `"mean"`/`"sum"`, the per-sample losses [N] for `"none"`.
   *
   * @example
   * ```ts
   * import { NLLLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const nll = new NLLLoss();
   * const logp = tensor([[-0.1, -2.4], [-1.5, -0.3]]), labels = tensor([0, 1]);
   * const value = nll.value(logp, labels);
   * deepStrictEqual(value.toTypedArray(), nll.forward(logp, labels).toTypedArray());
   * deepStrictEqual(value.item(), (0.1 + 0.3) / 2);
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, false));
  }

  /** The loss; `save` keeps what `backward` needs. */
  #forward(pred: Tensor, target: Tensor, save: boolean): Tensor {
    checkMatrix("NLLLoss", checkTensor(pred, "NLLLoss", "pred"), "log-probabilities");
    checkClassWeight("NLLLoss", pred, this.weight);
    const targets = classTargets(
      "NLLLoss",
      pred,
      checkTensor(target, "NLLLoss", "target"),
      this.ignoreIndex,
    );
    // w[t_i] at (i, t_i), 0 elsewhere and on ignored rows; its row sums are w[t_i].
    const targetWeight = this.weight === undefined
      ? targets.oneHot
      : targets.oneHot.mul(this.weight);
    const sampleWeight = targetWeight.sum(1);
    const totalWeight = sampleWeight.sum();
    if (save) this.#saved = hold({ targetWeight, totalWeight, pred, n: pred.shape[0] });
    // ℓ_i = −w[t_i] · x[i, t_i]
    const perSample = pick(pred, targets).mul(sampleWeight).neg();
    return reduce(perSample, this.reduction, totalWeight);
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
   * import { NLLLoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new NLLLoss({ reduction: "sum" });
   * loss.forward(tensor([[-0.5, -1]]), tensor([1]));
   * assertClose(loss.backward(), [[0, -1]]);
   * ```
   */
  backward(gradOutput?: Tensor): Tensor {
    return tidy(() => this.#backward(gradOutput));
  }

  #backward(gradOutput?: Tensor): Tensor {
    const { targetWeight, totalWeight, pred, n } = stored(this.#saved, "NLLLoss");
    // An all-ignored batch has loss 0/0 = NaN (as PyTorch) but gradient 0: divide by 1 then.
    const denominator = totalWeight.add(totalWeight.equal(0));
    const g = upstream("NLLLoss", this.reduction, gradOutput, pred, [n], denominator);
    // ∂ℓ_i/∂x[i, c] = −w[t_i] · [c = t_i], times ∂L/∂ℓ_i (a column, broadcast over classes)
    return targetWeight.neg().mul(g.reshape([-1, 1]));
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
   * import { NLLLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new NLLLoss();
   * loss.forward(tensor([[-0.5, -1]]), tensor([0])).dispose();
   * loss.release();
   * throws(() => loss.backward(), /call forward\(pred, target\) first/);
   * ```
   */
  release(): void {
    drop(this.#saved);
    this.#saved = null;
  }
}
