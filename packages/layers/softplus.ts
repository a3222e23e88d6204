/**
 * `Softplus`: the smooth rectifier, as `torch.nn.Softplus`.
 *
 * @module
 */

import type { ActivationSpec } from "@glassbox/tensor/backend";
import { FusedActivation } from "./fused_activation.ts";

/** Options of `Softplus`, named as `nn.Softplus`'s. */
export interface SoftplusOptions {
  /** β, the sharpness (default 1; finite and > 0). */
  beta?: number;
  /** Where β·x exceeds it, the layer is the identity (default 20; finite). */
  threshold?: number;
}

/**
 * The smooth rectifier, `nn.Softplus(beta, threshold)`:
 * y = log(1 + e^(βx)) / β, and y = x where βx > threshold (for numerical
 * stability); ∂L/∂x = Δ ⊙ σ(βx), and Δ where βx > threshold. Computed by each
 * backend's activation table, so `Dense(…, { activation: "softplus" })` and a
 * Dense followed by it in a `Sequential` run as one fused call.
 *
 * @example
 * ```ts
 * import { Softplus } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const softplus = new Softplus();
 * strictEqual(softplus.forward(tensor([0])).item(), Math.LN2);
 * strictEqual(softplus.backward(tensor([1])).item(), 0.5); // σ(0)
 * strictEqual(new Softplus({ beta: 2, threshold: 5 }).forward(tensor([3])).item(), 3); // 2·3 > 5
 * ```
 */
export class Softplus extends FusedActivation {
  /** β. */
  readonly beta: number;
  /** The threshold on β·x above which the layer is the identity. */
  readonly threshold: number;
  readonly #spec: ActivationSpec;

  /**
   * Creates the layer.
   *
   * @param options `beta` (default 1), `threshold` (default 20).
   *
   * @example Bad options name the option
   * ```ts
   * import { Softplus } from "@glassbox/layers";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new Softplus({ beta: 0 }), /beta must be a finite number > 0, got 0/);
   * throws(() => new Softplus({ threshold: NaN }), /threshold must be a finite number, got NaN/);
   * ```
   */
  constructor(options: SoftplusOptions = {}) {
    super();
    const beta = options.beta ?? 1, threshold = options.threshold ?? 20;
    if (typeof beta !== "number" || !Number.isFinite(beta) || beta <= 0) {
      throw new RangeError(
        `Cannot create Softplus: beta must be a finite number > 0, got ${String(beta)}`,
      );
    }
    if (typeof threshold !== "number" || !Number.isFinite(threshold)) {
      throw new RangeError(
        `Cannot create Softplus: threshold must be a finite number, got ${String(threshold)}`,
      );
    }
    this.beta = beta;
    this.threshold = threshold;
    this.#spec = Object.freeze({ op: "softplus", args: Object.freeze([beta, threshold]) });
  }

  /**
   * `{ op: "softplus", args: [beta, threshold] }`.
   *
   * @example
   * ```ts
   * import { Softplus } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new Softplus().fused.args, [1, 20]);
   * ```
   */
  get fused(): ActivationSpec {
    return this.#spec;
  }

  /**
   * `Softplus(beta=…, threshold=…)`.
   *
   * @returns The description.
   *
   * @example
   * ```ts
   * import { Softplus } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(String(new Softplus({ beta: 2 })), "Softplus(beta=2, threshold=20)");
   * ```
   */
  override toString(): string {
    return `Softplus(beta=${this.beta}, threshold=${this.threshold})`;
  }
}
