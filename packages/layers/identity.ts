/**
 * `Identity`: y = x.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";

/**
 * The identity, `nn.Identity`: y = x, ∂L/∂x = ∂L/∂y. What `Dense` applies
 * when it is given no activation.
 *
 * @example
 * ```ts
 * import { Identity } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const id = new Identity();
 * deepStrictEqual(id.forward(tensor([1, -2])).toArray(), [1, -2]);
 * deepStrictEqual(id.backward(tensor([3, 4])).toArray(), [3, 4]);
 * ```
 */
export class Identity extends Activation {
  /** y = x. */
  protected compute(x: Tensor): Tensor {
    return x.view(); // a new reference: the caller owns what forward returns
  }
  /** ∂L/∂x = Δ. */
  protected gradient(gradOut: Tensor): Tensor {
    return gradOut.view();
  }
}
