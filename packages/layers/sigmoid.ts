/**
 * `Sigmoid`: y = 1 / (1 + e⁻ˣ).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";

/**
 * The logistic function, `nn.Sigmoid`: y = σ(x) = 1 / (1 + e⁻ˣ), stable for
 * large |x|; ∂L/∂x = Δ ⊙ y ⊙ (1 − y).
 *
 * @example
 * ```ts
 * import { Sigmoid } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const s = new Sigmoid();
 * deepStrictEqual(s.forward(tensor([0])).toArray(), [0.5]);
 * deepStrictEqual(s.backward(tensor([1])).toArray(), [0.25]);
 * ```
 */
export class Sigmoid extends Activation {
  /** y = σ(x). */
  protected compute(x: Tensor): Tensor {
    return x.sigmoid();
  }
  /** ∂L/∂x = Δ ⊙ (1 − y) ⊙ y. */
  protected gradient(gradOut: Tensor, _x: Tensor, y: Tensor): Tensor {
    return gradOut.mul(y.neg().add(1)).mul(y);
  }
}
