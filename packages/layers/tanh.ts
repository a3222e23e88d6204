/**
 * `Tanh`: y = tanh(x).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";

/**
 * The hyperbolic tangent, `nn.Tanh`: y = tanh(x), ∂L/∂x = Δ ⊙ (1 − y²).
 *
 * @example
 * ```ts
 * import { Tanh } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const t = new Tanh();
 * deepStrictEqual(t.forward(tensor([0])).toArray(), [0]);
 * deepStrictEqual(t.backward(tensor([2])).toArray(), [2]);
 * ```
 */
export class Tanh extends Activation {
  /** y = tanh(x). */
  protected compute(x: Tensor): Tensor {
    return x.tanh();
  }
  /** ∂L/∂x = Δ ⊙ (1 − y²). */
  protected gradient(gradOut: Tensor, _x: Tensor, y: Tensor): Tensor {
    return gradOut.mul(y.square().neg().add(1));
  }
}
