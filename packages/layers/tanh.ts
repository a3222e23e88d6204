/**
 * `Tanh`: y = tanh(x).
 *
 * @module
 */

import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

const SPEC: ActivationSpec = Object.freeze({ op: "tanh" });

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
export class Tanh extends FusedActivation {
  /**
   * `{ op: "tanh" }`: y = tanh(x); ∂L/∂x = Δ ⊙ (1 − y²).
   *
   * @example
   * ```ts
   * import { Tanh } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Tanh().fused.op, "tanh");
   * ```
   */
  get fused(): ActivationSpec {
    return SPEC;
  }
}
