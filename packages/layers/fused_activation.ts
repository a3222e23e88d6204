/**
 * `FusedActivation`: the base of the pointwise activations every backend
 * implements in its activation table (`ReLU`, `Tanh`, `Softplus`, …).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { ACTIVATION_SAVES, type ActivationSpec } from "@glassbox/tensor/backend";
import { Activation } from "./activation.ts";
import { activationBackward, activationForward } from "./_fused.ts";
import { layerText } from "./_util.ts";

/**
 * An activation computed by the backend's activation table: the subclass
 * only names its `ActivationSpec` (operation and arguments). Forward and
 * backward run the backend's `activationForward` / `activationBackward`, and
 * `Dense(…, { activation })` or a Dense followed by it in a `Sequential` runs
 * it inside the backend's `denseForward` / `denseBackward`. Adding one means
 * a layer file like this (with its export), the op's line in
 * `ACTIVATION_SAVES` of `@glassbox/tensor/backend` (which also says whether
 * the derivative reads x or y), and one entry in each backend's table; the
 * package README lists the files.
 *
 * @example
 * ```ts
 * import { FusedActivation, ReLU } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const relu = new ReLU();
 * ok(relu instanceof FusedActivation);
 * deepStrictEqual(relu.fused, { op: "relu" });
 * deepStrictEqual(relu.forward(tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export abstract class FusedActivation extends Activation {
  /**
   * The backend operation and its arguments.
   *
   * @example
   * ```ts
   * import { LeakyReLU } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new LeakyReLU({ negativeSlope: 0.2 }).fused, { op: "leakyRelu", args: [0.2] });
   * ```
   */
  abstract get fused(): ActivationSpec;

  /** y = f(x) through the backend's table. */
  protected compute(x: Tensor): Tensor {
    return activationForward(this.fused, x, `forward ${layerText(this)}`);
  }

  /** ∂L/∂x = Δ ⊙ f′, from x or y as the operation's derivative reads. */
  protected gradient(gradOut: Tensor, x: Tensor, y: Tensor): Tensor {
    const spec = this.fused;
    const saved = ACTIVATION_SAVES[spec.op] === "input" ? x : y;
    return activationBackward(spec, gradOut, saved, `backward ${layerText(this)}`);
  }
}
