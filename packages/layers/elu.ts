/**
 * `ELU`: the exponential linear unit, as `torch.nn.ELU`.
 *
 * @module
 */

import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

/** Options of `ELU`, named as `nn.ELU`'s. */
export interface ELUOptions {
  /** α, the value the layer tends to as x → −∞ is −α (default 1; finite). */
  alpha?: number;
}

/**
 * The exponential linear unit, `nn.ELU(alpha)`: y = x where x > 0 and
 * y = α·(eˣ − 1) where x ≤ 0; ∂L/∂x = Δ where x > 0 and Δ·α·eˣ where x ≤ 0,
 * read from the input x as PyTorch's `elu_backward` reads it. Computed by each
 * backend's activation table, so `Dense(…, { activation: "elu" })` and a Dense
 * followed by it in a `Sequential` run as one fused call.
 *
 * @example
 * ```ts
 * import { ELU } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const elu = new ELU({ alpha: 2 });
 * deepStrictEqual(elu.forward(tensor([3, 0])).toArray(), [3, 0]); // x = 0 is on the α side
 * deepStrictEqual(elu.backward(tensor([5, 5])).toArray(), [5, 10]); // Δ, Δ·α·e⁰
 * strictEqual(elu.forward(tensor([-1000])).item(), -2); // −α
 * ```
 */
export class ELU extends FusedActivation {
  /** α, the scale of the negative part. */
  readonly alpha: number;
  readonly #spec: ActivationSpec;

  /**
   * Creates the layer.
   *
   * @param options `alpha` (default 1).
   *
   * @example Bad options name the option
   * ```ts
   * import { ELU } from "@glassbox/layers";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new ELU({ alpha: Infinity }), /alpha must be a finite number, got Infinity/);
   * ```
   */
  constructor(options: ELUOptions = {}) {
    super();
    const alpha = options.alpha ?? 1;
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
      throw new RangeError(
        `Cannot create ELU: alpha must be a finite number, got ${String(alpha)}`,
      );
    }
    this.alpha = alpha;
    this.#spec = Object.freeze({ op: "elu", args: Object.freeze([alpha]) });
  }

  /**
   * `{ op: "elu", args: [alpha] }`.
   *
   * @example
   * ```ts
   * import { ELU } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new ELU().fused, { op: "elu", args: [1] });
   * ```
   */
  get fused(): ActivationSpec {
    return this.#spec;
  }

  /**
   * `ELU(alpha=…)`.
   *
   * @returns The description.
   *
   * @example
   * ```ts
   * import { ELU } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(String(new ELU({ alpha: 0.5 })), "ELU(alpha=0.5)");
   * ```
   */
  override toString(): string {
    return `ELU(alpha=${this.alpha})`;
  }
}
