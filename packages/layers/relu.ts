/**
 * `ReLU`: y = max(x, 0).
 *
 * @module
 */

import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

const SPEC: ActivationSpec = Object.freeze({ op: "relu" });

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
export class ReLU extends FusedActivation {
  /**
   * `{ op: "relu" }`: y = max(x, 0); ∂L/∂x = Δ ⊙ [y > 0].
   *
   * @example
   * ```ts
   * import { ReLU } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new ReLU().fused.op, "relu");
   * ```
   */
  get fused(): ActivationSpec {
    return SPEC;
  }
}
