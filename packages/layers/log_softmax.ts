/**
 * `LogSoftmax`: y = x − log Σ eˣ along an axis.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";
import { checkAxis, type SoftmaxOptions } from "./softmax.ts";

/**
 * Log-softmax, `nn.LogSoftmax(dim=axis)`: yᵢ = xᵢ − max x − log Σⱼ e^(xⱼ − max x),
 * stable for large inputs. With p = eʸ = softmax(x), ∂yᵢ/∂xⱼ = δᵢⱼ − pⱼ, so
 * ∂L/∂x = Δ − p ⊙ Σⱼ Δⱼ, the sum taken along the axis.
 *
 * @example
 * ```ts
 * import { LogSoftmax } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const s = new LogSoftmax();
 * deepStrictEqual(s.forward(tensor([[0, 0]])).toArray(), [[-Math.LN2, -Math.LN2]]);
 * deepStrictEqual(s.backward(tensor([[1, 0]])).toArray(), [[0.5, -0.5]]);
 * ```
 */
export class LogSoftmax extends Activation {
  /** The normalised axis. */
  readonly axis: number;

  /**
   * Creates a log-softmax layer.
   *
   * @param options `axis` (default -1).
   *
   * @example
   * ```ts
   * import { LogSoftmax } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(new LogSoftmax({ axis: 0 }).axis, 0);
   * ```
   */
  constructor(options: SoftmaxOptions = {}) {
    super();
    this.axis = checkAxis(options.axis ?? -1, "LogSoftmax");
  }

  /** y = log softmax(x) along the axis. */
  protected compute(x: Tensor): Tensor {
    return x.logSoftmax(this.axis);
  }

  /** ∂L/∂x = Δ − eʸ ⊙ rowsum(Δ). */
  protected gradient(gradOut: Tensor, _x: Tensor, y: Tensor): Tensor {
    return gradOut.sub(y.exp().mul(gradOut.sum(this.axis, { keepDims: true })));
  }

  /**
   * The layer as PyTorch prints it.
   * @returns E.g. `LogSoftmax(axis=-1)`.
   * @example
   * ```ts
   * import { LogSoftmax } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(String(new LogSoftmax()), "LogSoftmax(axis=-1)");
   * ```
   */
  override toString(): string {
    return `LogSoftmax(axis=${this.axis})`;
  }
}
