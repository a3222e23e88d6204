/**
 * `LeakyReLU`: y = x for x > 0, slope·x otherwise.
 *
 * @module
 */

import { checkNumber } from "@glassbox/internal";
import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

/** Options of `LeakyReLU`. */
export interface LeakyReLUOptions {
  /** Slope for x ≤ 0 (default 0.01, as `nn.LeakyReLU`). */
  negativeSlope?: number;
}

/**
 * The leaky rectifier, `nn.LeakyReLU(negative_slope)`: y = x where x > 0 and
 * slope·x elsewhere; ∂L/∂x = Δ where x > 0 and slope·Δ elsewhere.
 *
 * @example
 * ```ts
 * import { LeakyReLU } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const f = new LeakyReLU({ negativeSlope: 0.5 });
 * deepStrictEqual(f.forward(tensor([-2, 3])).toArray(), [-1, 3]);
 * deepStrictEqual(f.backward(tensor([1, 1])).toArray(), [0.5, 1]);
 * ```
 */
export class LeakyReLU extends FusedActivation {
  /** The slope for x ≤ 0. */
  readonly negativeSlope: number;
  readonly #spec: ActivationSpec;

  /**
   * Creates a leaky rectifier.
   *
   * @param options `negativeSlope` (default 0.01).
   *
   * @example
   * ```ts
   * import { LeakyReLU } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(new LeakyReLU().negativeSlope, 0.01);
   * ```
   */
  constructor(options: LeakyReLUOptions = {}) {
    super();
    const slope = checkNumber(options.negativeSlope, "create LeakyReLU", "negativeSlope", {}, 0.01);
    this.negativeSlope = slope;
    this.#spec = Object.freeze({ op: "leakyRelu", args: Object.freeze([slope]) });
  }

  /**
   * `{ op: "leakyRelu", args: [negativeSlope] }`: y = max(x, 0) + slope·min(x, 0);
   * ∂L/∂x = Δ ⊙ ([x > 0] + slope·[x ≤ 0]).
   *
   * @example
   * ```ts
   * import { LeakyReLU } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LeakyReLU().fused.args, [0.01]);
   * ```
   */
  get fused(): ActivationSpec {
    return this.#spec;
  }

  /**
   * The layer as PyTorch prints it.
   * @returns E.g. `LeakyReLU(negativeSlope=0.01)`.
   * @example
   * ```ts
   * import { LeakyReLU } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(String(new LeakyReLU()), "LeakyReLU(negativeSlope=0.01)");
   * ```
   */
  override toString(): string {
    return `LeakyReLU(negativeSlope=${this.negativeSlope})`;
  }
}
