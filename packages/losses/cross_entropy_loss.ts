/**
 * `CrossEntropyLoss`: cross-entropy on logits, as `torch.nn.CrossEntropyLoss`.
 *
 * @module
 */

import { checkInteger } from "@glassbox/internal";
import { type Tensor, tidy } from "@glassbox/tensor";
import { checkClassWeight, classTargets, pick } from "./_class_targets.ts";
import {
  checkMatrix,
  checkReduction,
  checkSameShape,
  checkTensor,
  drop,
  hold,
  hostValues,
  stored,
} from "./_checks.ts";
import { reduce, upstream } from "./_reduction.ts";
import { lossValue, lossValueGrad } from "./_fused.ts";
import type { Loss, LossOptions, Reduction } from "./loss.ts";

/** Options of `CrossEntropyLoss`. */
export interface CrossEntropyLossOptions extends LossOptions {
  /** Weight of each class, shape [C], same dtype as the logits (default: all 1). */
  weight?: Tensor;
  /** Class-index targets equal to this contribute neither loss nor gradient (default -100). */
  ignoreIndex?: number;
  /** ε in [0, 1]: mixes the targets with the uniform distribution, `(1 − ε)·y + ε/C` (default 0). */
  labelSmoothing?: number;
}

/** What `forward` keeps for `backward`. */
interface Saved {
  /** log softmax of the logits, [N, C]. */
  logp: Tensor;
  /** ∂L/∂logp for an upstream gradient of 1 per sample (before the reduction), [N, C]. */
  gradLogp: Tensor;
  /** The denominator of "mean". */
  denominator: number | Tensor;
}

/**
 * Cross-entropy of logits `x` [N, C] against class indices [N] (floats
 * holding integers, on the CPU) or class probabilities [N, C], as
 * `torch.nn.CrossEntropyLoss`, computed from `logp = logSoftmax(x)` so that
 * logits of ±1000 are no problem.
 *
 * With class indices `t`, weights `w` and smoothing ε, per sample
 * `ℓ_i = (1 − ε)·(−w[t_i]·logp[i, t_i]) + (ε/C)·(−Σ_c w_c·logp[i, c])` (0 for
 * ignored rows); `"mean"` divides `Σ ℓ_i` by `Σ w[t_i]` over the kept rows.
 * With probabilities `y` (smoothed to `q = (1 − ε)·y + ε/C`),
 * `ℓ_i = −Σ_c w_c·q[i, c]·logp[i, c]` and `"mean"` divides by N.
 *
 * Backward, through the log-softmax: with `G = ∂L/∂logp`,
 * `∂L/∂x = G − softmax(x) ⊙ Σ_c G` — for one-hot targets and no weights this
 * is the familiar `(softmax(x) − y) / N`.
 *
 * @example Class indices and probabilities give the same loss
 * ```ts
 * import { CrossEntropyLoss } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const logits = tensor([[2, 0, -1], [1000, -1000, 0]]);
 * const byIndex = new CrossEntropyLoss().forward(logits, tensor([0, 0]));
 * const byProbs = new CrossEntropyLoss().forward(logits, tensor([[1, 0, 0], [1, 0, 0]]));
 * assertClose(byIndex, byProbs);
 * ```
 */
export class CrossEntropyLoss implements Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  /** Class weights, or undefined for all 1. */
  readonly weight: Tensor | undefined;
  /** Class-index target value that is ignored. */
  readonly ignoreIndex: number;
  /** Label smoothing ε. */
  readonly labelSmoothing: number;
  #saved: Saved | null = null;
  /** The fused forward's gradient (for gradOutput 1) and its inputs, for another gradOutput. */
  #fused: { grad: Tensor; pred: Tensor; target: Tensor } | null = null;

  /**
   * Creates the loss; `weight` is checked against the logits at `forward`.
   *
   * @param options `reduction`, `weight` [C], `ignoreIndex` (default -100), `labelSmoothing` (default 0).
   */
  constructor(options: CrossEntropyLossOptions = {}) {
    const name = "CrossEntropyLoss";
    this.reduction = checkReduction(options.reduction, name);
    this.weight = options.weight === undefined
      ? undefined
      : checkTensor(options.weight, name, "weight");
    this.ignoreIndex = checkInteger(options.ignoreIndex, `create ${name}`, "ignoreIndex", {}, -100);
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) {
      throw new RangeError(
        `Cannot create ${name}: labelSmoothing ${this.labelSmoothing} is out of range, expected a number in [0, 1]`,
      );
    }
  }

  /**
   * Computes the loss and keeps `logSoftmax(pred)` and ∂ℓ/∂logp for `backward`.
   *
   * @param pred Logits of shape [N, C].
   * @param target Class indices [N] (integers in [0, C) or `ignoreIndex`), or
   *   probabilities [N, C] of the same dtype.
   * @returns A scalar for `"mean"`/`"sum"`, the per-sample losses [N] for `"none"`.
   *
   * @example Label smoothing
   * ```ts
   * import { CrossEntropyLoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new CrossEntropyLoss({ labelSmoothing: 0.2 });
   * // Equal logits: logp = log(1/2) for both classes, whatever the target.
   * assertClose(loss.forward(tensor([[0, 0]]), tensor([1])), Math.LN2);
   * ```
   */
  forward(pred: Tensor, target: Tensor): Tensor {
    this.release();
    return tidy(() => this.#forward(pred, target, true, true));
  }

  /**
   * The value `forward` returns for the same inputs (the same bits), computed without the
   * gradient and without keeping anything for `backward`; what the last `forward` kept
   * stays. For evaluation: `evaluate` in `@glassbox/trainer` uses it.
   *
   * @param pred Logits of shape [N, C].
   * @param target Class indices [N] (same dtype as `pred`), or probabilities [N, C].
   * @returns A scalar for `"mean"`/`"sum"`, the per-sample losses [N] for `"none"`.
   *
   * @example
   * ```ts
   * import { CrossEntropyLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const ce = new CrossEntropyLoss();
   * const logits = tensor([[2, 0, -1], [0.5, 0.5, 3]]), labels = tensor([0, 2]);
   * const value = ce.value(logits, labels);
   * deepStrictEqual(value.toTypedArray(), ce.forward(logits, labels).toTypedArray());
   * // Label smoothing takes the composed path; the value is still forward's.
   * const smooth = new CrossEntropyLoss({ labelSmoothing: 0.1 });
   * deepStrictEqual(smooth.value(logits, labels).item(), smooth.forward(logits, labels).item());
   * ```
   */
  value(pred: Tensor, target: Tensor): Tensor {
    return tidy(() => this.#forward(pred, target, true, false));
  }

  /**
   * Whether the backend's fused softmax cross-entropy computes this loss:
   * class indices, all valid and none ignored (unchecked on a device), no
   * class weights or smoothing.
   */
  #fusable(pred: Tensor, target: Tensor): boolean {
    const [n, c] = pred.shape;
    if (this.reduction === "none" || this.weight !== undefined || this.labelSmoothing !== 0) {
      return false;
    }
    if (target.rank !== 1 || target.shape[0] !== n || n === 0) return false;
    if (target.dtype !== pred.dtype || target.device !== pred.device) return false;
    const labels = hostValues(target);
    // Targets on a device are taken as they are (the kernel gives a NaN loss for an index
    // that is not a class, ignoreIndex included): `fit` checks them on the host first.
    if (labels === undefined) return true;
    for (let i = 0; i < n; i++) {
      const t = labels[i];
      if (!(Number.isInteger(t) && t >= 0 && t < c) || t === this.ignoreIndex) return false;
    }
    return true;
  }

  /** The loss; `fuse` lets the backend's fused kernel compute it, `save` keeps state for `backward`. */
  #forward(pred: Tensor, target: Tensor, fuse: boolean, save: boolean): Tensor {
    const name = "CrossEntropyLoss";
    checkMatrix(name, checkTensor(pred, name, "pred"), "logits");
    checkTensor(target, name, "target");
    checkClassWeight(name, pred, this.weight);
    if (fuse && this.#fusable(pred, target)) {
      // Value and gradient in one backend call (the same numbers as the steps below).
      const reduction = this.reduction as "mean" | "sum";
      const action = `compute ${name}`;
      if (!save) return lossValue("softmaxCrossEntropy", pred, target, reduction, action);
      const { value, grad } = lossValueGrad("softmaxCrossEntropy", pred, target, reduction, action);
      this.#fused = hold({ grad, pred, target });
      return value;
    }
    const [n, c] = pred.shape;
    const eps = this.labelSmoothing;
    const w = this.weight;
    const logp = pred.logSoftmax(1);
    let perSample: Tensor, gradLogp: Tensor;
    if (target.rank === 1) {
      const targets = classTargets(name, pred, target, this.ignoreIndex);
      // w[t_i] at (i, t_i), 0 elsewhere and on ignored rows; its row sums are w[t_i].
      const targetWeight = w === undefined ? targets.oneHot : targets.oneHot.mul(w);
      const sampleWeight = targetWeight.sum(1);
      // ℓ_i = −w[t_i]·logp[i, t_i];  ∂ℓ_i/∂logp[i, c] = −w[t_i]·[c = t_i]
      perSample = pick(logp, targets).mul(sampleWeight).neg();
      gradLogp = targetWeight.neg();
      if (eps > 0) {
        // Smoothing: (1 − ε)·ℓ_i + (ε/C)·s_i with s_i = −Σ_c w_c·logp[i, c] on kept rows,
        // ∂s_i/∂logp[i, c] = −w_c.
        const keep = targets.keep.reshape([n, 1]);
        const classWeight = w === undefined ? keep : keep.mul(w);
        const smooth = logp.mul(classWeight).sum(1).neg();
        perSample = perSample.mul(1 - eps).add(smooth.mul(eps / c));
        gradLogp = gradLogp.mul(1 - eps).sub(classWeight.mul(eps / c));
      }
      // "mean" divides by the total weight of the kept rows. All rows ignored: the
      // loss is 0/0 = NaN, as in PyTorch, and the gradient 0 (divide by 1 there).
      const totalWeight = sampleWeight.sum();
      if (save) {
        this.#saved = hold({ logp, gradLogp, denominator: totalWeight.add(totalWeight.equal(0)) });
      }
      return reduce(perSample, this.reduction, totalWeight);
    }
    checkSameShape(name, pred, target);
    // ℓ_i = −Σ_c w_c·q[i, c]·logp[i, c];  ∂ℓ_i/∂logp[i, c] = −w_c·q[i, c]
    const q = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
    const weighted = w === undefined ? q : q.mul(w);
    perSample = logp.mul(weighted).sum(1).neg();
    gradLogp = weighted.neg();
    if (save) this.#saved = hold({ logp, gradLogp, denominator: n });
    return reduce(perSample, this.reduction, n);
  }

  /**
   * ∂L/∂pred (the logits) for the last `forward`.
   *
   * @param gradOutput Upstream gradient: a scalar for `"mean"`/`"sum"`, shape
   *   [N] for `"none"`; default ones (for `"none"`: the gradient of the sum).
   * @returns A tensor of shape [N, C].
   *
   * @example softmax − one-hot, over N
   * ```ts
   * import { CrossEntropyLoss } from "@glassbox/losses";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * const loss = new CrossEntropyLoss();
   * const logits = tensor([[1, 2, 3], [0, 0, 0]]);
   * loss.forward(logits, tensor([2, 0]));
   * const y = tensor([[0, 0, 1], [1, 0, 0]]);
   * assertClose(loss.backward(), logits.softmax().sub(y).div(2));
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
      this.#forward(fused.pred, fused.target, false, true); // keeps log p for the general case
    }
    const { logp, gradLogp, denominator } = stored(this.#saved, "CrossEntropyLoss");
    const n = logp.shape[0];
    const g = upstream("CrossEntropyLoss", this.reduction, gradOutput, logp, [n], denominator);
    // G = ∂L/∂logp; through logp = x − log Σ exp(x): ∂L/∂x = G − softmax(x) ⊙ Σ_c G
    // (softmax as exp(logp), which is what PyTorch's log-softmax backward uses).
    const grad = gradLogp.mul(g.reshape([-1, 1]));
    return grad.sub(logp.exp().mul(grad.sum(1, { keepDims: true })));
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
   * import { CrossEntropyLoss } from "@glassbox/losses";
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const loss = new CrossEntropyLoss();
   * loss.forward(tensor([[0.5, 0.5]]), tensor([0])).dispose();
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
