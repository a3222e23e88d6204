/**
 * The shape every loss of `@glassbox/losses` shares: `forward(pred, target)`,
 * `backward(gradOutput?)`, a `reduction`, and `value(pred, target)` (forward's
 * value without the gradient, for evaluation).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";

/**
 * How a loss turns its per-element (or per-sample) values into the tensor
 * `forward` returns: `"mean"` (the default) and `"sum"` give a scalar,
 * `"none"` keeps one value per element (per sample for the cross-entropies).
 */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss takes. */
export interface LossOptions {
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: Reduction;
}

/**
 * A loss with an explicit backward pass: `forward` computes the loss and
 * keeps what the gradient needs; `backward` returns ∂L/∂pred, the gradient
 * with respect to the prediction (never the target).
 *
 * `backward(gradOutput)` is a vector-Jacobian product: `gradOutput` is
 * ∂(something)/∂loss, a scalar for `"mean"`/`"sum"` and a tensor of the loss's
 * shape for `"none"`. Without it, `backward()` uses ones: the gradient of the
 * loss itself, or for `"none"` the gradient of the sum of its elements.
 *
 * @example Any loss fits where a `Loss` is expected
 * ```ts
 * import type { Loss } from "@glassbox/losses";
 * import { MSELoss } from "@glassbox/losses";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const loss: Loss = new MSELoss();
 * loss.forward(tensor([1, 2]), tensor([0, 0]));
 * deepStrictEqual(loss.backward().toArray(), [1, 2]);
 * ```
 */
export interface Loss {
  /** The reduction chosen at construction. */
  readonly reduction: Reduction;
  /** Computes the loss of `pred` against `target` and keeps what `backward` needs. */
  forward(pred: Tensor, target: Tensor): Tensor;
  /** ∂L/∂pred for the last `forward`, scaled by `gradOutput` (default ones). */
  backward(gradOutput?: Tensor): Tensor;
  /**
   * Optional: the value `forward` would return (the same bits), without keeping anything
   * for `backward` and without touching what the last `forward` kept — for evaluation,
   * which needs no gradient (the built-in losses have it; `evaluate` uses it when present).
   */
  value?(pred: Tensor, target: Tensor): Tensor;
  /**
   * Optional: disposes what the last `forward` kept for `backward` (the
   * built-in losses have it; `fit` calls it when training ends).
   */
  release?(): void;
}
