/**
 * `Activation`: the base of parameter-free, elementwise or row-wise
 * activation layers (`ReLU`, `Softmax`, …).
 *
 * @module
 */

import { keep, type Tensor, tidy } from "@glassbox/tensor";
import type { Layer } from "./layer.ts";
import type { Parameter } from "./parameter.ts";
import { fmtShape } from "@glassbox/internal";
import { checkTensor, layerText } from "./_util.ts";

/**
 * Makes `layer` keep `x` and `y` (its own views) as if its `forward(x)` had
 * returned `y`, so its `backward` works after a `Dense` ran it fused. Package
 * internal (not exported from mod.ts).
 */
export let keepPass: (layer: Activation, x: Tensor, y: Tensor) => void;

/**
 * A layer without parameters: `forward` applies `compute` and keeps the
 * input and output; `backward` hands both to `gradient`, which returns
 * ∂L/∂x from ∂L/∂y. Subclass it to write your own activation.
 *
 * @example A custom activation: softplus, y = log(1 + eˣ), y' = sigmoid(x)
 * ```ts
 * import { Activation } from "@glassbox/layers";
 * import { type Tensor, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * class Softplus extends Activation {
 *   protected compute(x: Tensor): Tensor {
 *     return x.exp().add(1).log();
 *   }
 *   protected gradient(gradOut: Tensor, x: Tensor): Tensor {
 *     return gradOut.mul(x.sigmoid());
 *   }
 * }
 *
 * const f = new Softplus();
 * strictEqual(f.forward(tensor([0])).item(), Math.LN2);
 * strictEqual(f.backward(tensor([1])).item(), 0.5);
 * ```
 */
export abstract class Activation implements Layer {
  #x: Tensor | null = null;
  #y: Tensor | null = null;

  static {
    keepPass = (layer, x, y) => {
      layer.#release();
      layer.#x = keep(x.view());
      // One view for both when the pass saved one tensor (relu, tanh, sigmoid: y = out).
      layer.#y = x === y ? layer.#x : keep(y.view());
    };
  }

  /**
   * Disposes the views of the input and output kept from the last forward
   * pass for `backward` (a new `forward` is needed before the next `backward`).
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Tanh } from "@glassbox/layers";
   * import { ones } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const layer = new Tanh();
   * layer.forward(ones([2])).dispose();
   * layer.release();
   * throws(() => layer.backward(ones([2])), /forward/);
   * ```
   */
  release(): void {
    this.#release();
  }

  /** Disposes the views kept from the last forward pass. */
  #release(): void {
    this.#x?.dispose();
    if (this.#y !== this.#x) this.#y?.dispose();
    this.#x = this.#y = null;
  }

  /**
   * The function itself.
   * @param x The input.
   * @returns The output.
   */
  protected abstract compute(x: Tensor): Tensor;

  /**
   * The vector-Jacobian product: ∂L/∂x given ∂L/∂y.
   * @param gradOut ∂L/∂y.
   * @param x The input of the last forward pass.
   * @param y The output of the last forward pass.
   * @returns ∂L/∂x.
   */
  protected abstract gradient(gradOut: Tensor, x: Tensor, y: Tensor): Tensor;

  /**
   * Applies the activation and keeps input and output for `backward`.
   *
   * @param x Any tensor.
   * @returns The activation of `x`, same shape.
   *
   * @example
   * ```ts
   * import { ReLU } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new ReLU().forward(tensor([-1, 2])).toArray(), [0, 2]);
   * ```
   */
  forward(x: Tensor): Tensor {
    checkTensor(x, `forward ${layerText(this)}`, "the input");
    this.#release();
    // The layer keeps its own views of x and y for backward: the caller may dispose both.
    const y = tidy(() => {
      const out = this.compute(x);
      return out === x ? x.view() : out;
    });
    this.#x = keep(x.view());
    this.#y = keep(y.view());
    return y;
  }

  /**
   * ∂L/∂x for the last forward pass.
   *
   * @param gradOut ∂L/∂y, shaped like the last output.
   * @returns ∂L/∂x.
   *
   * @example
   * ```ts
   * import { ReLU } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const relu = new ReLU();
   * relu.forward(tensor([-1, 2]));
   * deepStrictEqual(relu.backward(tensor([5, 5])).toArray(), [0, 5]);
   * ```
   */
  backward(gradOut: Tensor): Tensor {
    const action = `backward ${layerText(this)}`;
    checkTensor(gradOut, action, "gradOut");
    const x = this.#x, y = this.#y;
    if (x === null || y === null) {
      throw new RangeError(
        `Cannot ${action}: there is no forward pass to differentiate, call forward(x) first`,
      );
    }
    const same = gradOut.shape.length === y.shape.length &&
      gradOut.shape.every((d, i) => d === y.shape[i]);
    if (!same) {
      throw new TypeError(
        `Cannot ${action}: gradOut has shape ${fmtShape(gradOut.shape)}, expected ${
          fmtShape(y.shape)
        } (the shape of the last output)`,
      );
    }
    return tidy(() => {
      const gradIn = this.gradient(gradOut, x, y);
      return gradIn === gradOut ? gradOut.view() : gradIn;
    });
  }

  /**
   * Activations have no parameters.
   * @returns An empty array.
   * @example
   * ```ts
   * import { Tanh } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(new Tanh().parameters(), []);
   * ```
   */
  parameters(): Parameter[] {
    return [];
  }

  /**
   * Nothing to reset: activations have no parameters.
   * @returns Nothing.
   * @example
   * ```ts
   * import { Tanh } from "@glassbox/layers";
   * new Tanh().zeroGrad();
   * ```
   */
  zeroGrad(): void {}

  /**
   * The layer as PyTorch prints it, e.g. `ReLU()`.
   * @returns The description.
   * @example
   * ```ts
   * import { Sigmoid } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(String(new Sigmoid()), "Sigmoid()");
   * ```
   */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}
