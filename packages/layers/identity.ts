/**
 * `Identity`: y = x.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

const SPEC: ActivationSpec = Object.freeze({ op: "identity" });

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
export class Identity extends FusedActivation {
  /**
   * `{ op: "identity" }`: what `Dense` fuses when it has no activation.
   *
   * @example
   * ```ts
   * import { Identity } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Identity().fused.op, "identity");
   * ```
   */
  get fused(): ActivationSpec {
    return SPEC;
  }

  /** y = x. */
  protected override compute(x: Tensor): Tensor {
    return x.view(); // a new reference: the caller owns what forward returns
  }
  /** ∂L/∂x = Δ. */
  protected override gradient(gradOut: Tensor): Tensor {
    return gradOut.view();
  }
}
