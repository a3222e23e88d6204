/**
 * `Sigmoid`: y = 1 / (1 + e⁻ˣ).
 *
 * @module
 */

import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

const SPEC: ActivationSpec = Object.freeze({ op: "sigmoid" });

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
export class Sigmoid extends FusedActivation {
  /**
   * `{ op: "sigmoid" }`: y = σ(x); ∂L/∂x = (Δ ⊙ (1 − y)) ⊙ y.
   *
   * @example
   * ```ts
   * import { Sigmoid } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Sigmoid().fused.op, "sigmoid");
   * ```
   */
  get fused(): ActivationSpec {
    return SPEC;
  }
}
