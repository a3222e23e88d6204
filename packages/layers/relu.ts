/**
 * `ReLU`: y = max(x, 0).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";

/**
 * The rectifier, `nn.ReLU`: y = max(x, 0), ∂L/∂x = Δ ⊙ [x > 0] (the
 * derivative at 0 taken as 0, as PyTorch does).
 *
 * @example
 * ```ts
 * import { ReLU } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const relu = new ReLU();
 * deepStrictEqual(relu.forward(tensor([-1, 0, 2])).toArray(), [0, 0, 2]);
 * deepStrictEqual(relu.backward(tensor([5, 5, 5])).toArray(), [0, 0, 5]);
 * ```
 */
export class ReLU extends Activation {
  /** y = max(x, 0). */
  protected compute(x: Tensor): Tensor {
    return x.relu();
  }
  /** ∂L/∂x = Δ ⊙ [y > 0]. */
  protected gradient(gradOut: Tensor, _x: Tensor, y: Tensor): Tensor {
    return gradOut.mul(y.greater(0));
  }
}
