/**
 * `Softmax`: y = eˣ / Σ eˣ along an axis.
 *
 * @module
 */

import { checkInteger } from "@glassbox/internal";
import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";
import { softmaxGradient } from "./_fused.ts";

/** Options of `Softmax` and `LogSoftmax`. */
export interface SoftmaxOptions {
  /** The axis to normalise (default -1, the last: each row of a batch). */
  axis?: number;
}

/**
 * Softmax, `nn.Softmax(dim=axis)`: yᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x),
 * stable for large inputs. Its Jacobian is diag(y) − y·yᵀ, so the backward
 * pass is the vector-Jacobian product ∂L/∂x = y ⊙ (Δ − Σⱼ Δⱼ·yⱼ), the sum
 * taken along the axis.
 *
 * @example
 * ```ts
 * import { Softmax } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const s = new Softmax();
 * deepStrictEqual(s.forward(tensor([[1000, 1000]])).toArray(), [[0.5, 0.5]]);
 * deepStrictEqual(s.backward(tensor([[1, 0]])).toArray(), [[0.25, -0.25]]);
 * ```
 */
export class Softmax extends Activation {
  /** The normalised axis. */
  readonly axis: number;

  /**
   * Creates a softmax layer.
   *
   * @param options `axis` (default -1).
   *
   * @example
   * ```ts
   * import { Softmax } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new Softmax({ axis: 0 }).forward(tensor([[0], [0]])).toArray(), [[0.5], [0.5]]);
   * ```
   */
  constructor(options: SoftmaxOptions = {}) {
    super();
    this.axis = checkAxis(options.axis ?? -1, "Softmax");
  }

  /** y = softmax(x) along the axis. */
  protected compute(x: Tensor): Tensor {
    return x.softmax(this.axis);
  }

  /** ∂L/∂x = y ⊙ (Δ − rowsum(Δ ⊙ y)). */
  protected gradient(gradOut: Tensor, _x: Tensor, y: Tensor): Tensor {
    // One backend call where there is one (the CPU), with the values of these operations.
    const fused = softmaxGradient(gradOut, y, this.axis, `backward ${this}`);
    if (fused !== null) return fused;
    const rowDot = gradOut.mul(y).sum(this.axis, { keepDims: true });
    return y.mul(gradOut.sub(rowDot));
  }

  /**
   * The layer as PyTorch prints it.
   * @returns E.g. `Softmax(axis=-1)`.
   * @example
   * ```ts
   * import { Softmax } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(String(new Softmax()), "Softmax(axis=-1)");
   * ```
   */
  override toString(): string {
    return `Softmax(axis=${this.axis})`;
  }
}

/** Validates an axis option (an integer; its range is checked against the input). */
export function checkAxis(axis: unknown, layer: string): number {
  return checkInteger(axis, `create ${layer}`, "axis");
}
