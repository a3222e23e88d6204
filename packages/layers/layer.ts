/**
 * The `Layer` interface every layer and container implements.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import type { Parameter } from "./parameter.ts";

/**
 * A differentiable function with explicit forward and backward passes.
 *
 * `forward(x)` computes the output and remembers what the backward pass
 * needs; `backward(gradOut)` takes ∂L/∂output for that same pass, adds the
 * gradient of every parameter into `parameter.grad` (accumulating across
 * calls until `zeroGrad()`) and returns ∂L/∂input; the optional
 * `accumulateGrad(gradOut)` does the same without computing ∂L/∂input.
 * `parameters()` lists the trainable tensors under their PyTorch names.
 *
 * Ownership: `forward` and `backward` return new tensors that belong to the
 * caller (never their own argument). `Sequential` disposes the
 * intermediate outputs of one pass when the next forward pass starts, and
 * each intermediate gradient once the layer below has used it, so a training
 * loop reuses memory instead of allocating every step. The built-in layers
 * keep their own `view()` of what their backward pass needs, so a caller may
 * dispose what it passed in as soon as `forward` returns.
 *
 * @example A custom layer: y = x · s with a learned scalar s
 * ```ts
 * import { type Layer, Parameter, Sequential } from "@glassbox/layers";
 * import { type Tensor, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * class Scale implements Layer {
 *   readonly scale = new Parameter("scale", tensor([2]));
 *   #x: Tensor | null = null;
 *   forward(x: Tensor): Tensor {
 *     this.#x?.dispose();
 *     this.#x = x.view(); // our own reference: the caller may dispose x
 *     return x.mul(this.scale.value);
 *   }
 *   backward(gradOut: Tensor): Tensor {
 *     this.scale.accumulate(gradOut.mul(this.#x!).sum().reshape([1])); // ∂L/∂s = Σ Δ ⊙ x
 *     return gradOut.mul(this.scale.value); // ∂L/∂x = Δ · s
 *   }
 *   parameters(): Parameter[] {
 *     return [this.scale];
 *   }
 *   zeroGrad(): void {
 *     this.scale.zeroGrad();
 *   }
 * }
 *
 * const model = new Sequential([new Scale()]);
 * deepStrictEqual(model.forward(tensor([[1, 3]])).toArray(), [[2, 6]]);
 * model.backward(tensor([[1, 1]]));
 * deepStrictEqual(model.parameters().map((p) => [p.name, p.grad.item()]), [["0.scale", 4]]);
 * ```
 */
export interface Layer {
  /**
   * Computes the output for a batch and remembers what `backward` needs.
   * @param x The input, e.g. `[batch, features]`.
   * @returns The output.
   */
  forward(x: Tensor): Tensor;
  /**
   * Back-propagates through the last `forward`: accumulates parameter gradients.
   * @param gradOut ∂L/∂output, shaped like the last output.
   * @returns ∂L/∂input, shaped like the last input.
   */
  backward(gradOut: Tensor): Tensor;
  /**
   * Optional: the output for a batch with nothing kept for `backward` (which
   * then needs a new `forward`): the same values as `forward`, faster where
   * the layer can skip what training needs. `predict` and `evaluate` in the
   * trainer call it when the model has it, else `forward`.
   * @param x The input, e.g. `[batch, features]`.
   * @returns The output.
   */
  predict?(x: Tensor): Tensor;
  /**
   * Optional: back-propagates like `backward`, accumulating the parameters'
   * gradients, but without ∂L/∂input, which a training step on data does not
   * need (PyTorch skips it too: the input does not require a gradient). For
   * the first `Dense` layer of an MLP this saves the largest product of the
   * backward pass. `Sequential` calls it on its first layer when the layer has
   * it, and `fit` calls it on the model; a layer without it is trained through
   * `backward`, whose result is then discarded.
   * @param gradOut ∂L/∂output, shaped like the last output.
   * @returns Nothing.
   */
  accumulateGrad?(gradOut: Tensor): void;
  /**
   * The trainable parameters, named as in a PyTorch state dict.
   * @returns Live parameters: assigning `value` updates the layer.
   */
  parameters(): Parameter[];
  /**
   * Resets every parameter's gradient to zeros.
   * @returns Nothing.
   */
  zeroGrad(): void;
  /**
   * Optional: disposes what the last `forward` kept for `backward` (its
   * input, intermediate outputs, views of the weights), so that a model done
   * training holds nothing but its parameters — on a GPU these are device
   * buffers. `backward` then needs a new `forward`. `fit` calls it when
   * training ends.
   * @returns Nothing.
   */
  release?(): void;
}

/**
 * Whether `value` has the methods of the {@linkcode Layer} interface
 * (`forward`, `backward`, `parameters`, `zeroGrad`): the test every package
 * applies to a model it is given.
 *
 * @param value Anything.
 * @returns True when `value` can be used as a layer.
 *
 * @example
 * ```ts
 * import { Dense, isLayer } from "@glassbox/layers";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isLayer(new Dense(2, 1)), true);
 * strictEqual(isLayer({ forward: (x: unknown) => x }), false);
 * ```
 */
export function isLayer(value: unknown): value is Layer {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.forward === "function" && typeof v.backward === "function" &&
    typeof v.parameters === "function" && typeof v.zeroGrad === "function";
}
