/**
 * `Dense`: the fully connected layer y = f(x·Wᵀ + b), initialised exactly
 * like PyTorch's `nn.Linear`.
 *
 * @module
 */

import {
  type Device,
  type DType,
  type Generator,
  getDefaultDtype,
  keep,
  type Tensor,
  tidy,
} from "@glassbox/tensor";
import type { ActivationSpec } from "@glassbox/tensor/backend";
import { type ActivationName, createActivation } from "./activation_name.ts";
import { keepPass } from "./activation.ts";
import { FusedActivation } from "./fused_activation.ts";
import { Identity } from "./identity.ts";
import type { Layer } from "./layer.ts";
import { Parameter } from "./parameter.ts";
import {
  loadStateDict,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
  stateDict,
} from "./state_dict.ts";
import { type DenseInit, initialParameters } from "./_init.ts";
import { fmtShape } from "@glassbox/internal";
import { checkFeatures, checkTensor, describeLayer, layerText } from "./_util.ts";
import { denseBackward, denseForward, weightKey } from "./_fused.ts";

export type { DenseInit } from "./_init.ts";

/**
 * Package internal (Sequential): `follower.forward(dense.forward(x))` in one
 * backend call, for a Dense without activation followed by a fused activation
 * layer; `backwardThrough` then takes ∂L/∂y of the follower's output and
 * returns ∂L/∂x when `inputGrad` (else null). Not exported from mod.ts.
 */
export let forwardThrough: (dense: Dense, x: Tensor, follower: FusedActivation) => Tensor;
/** The backward of `forwardThrough` (package internal). */
export let backwardThrough: (dense: Dense, gradOut: Tensor, inputGrad: boolean) => Tensor | null;

/** Options of `Dense`. */
export interface DenseOptions {
  /** Applied to x·Wᵀ + b: a name (`"relu"`, …) or a parameter-free layer. Default: none (identity). */
  activation?: ActivationName | Layer;
  /** Whether the layer adds a learned bias (default true). */
  bias?: boolean;
  /**
   * Initial weights: `"pytorch"` (default) draws them exactly as `nn.Linear`
   * does — weight U(−√(1/in), √(1/in)) by `kaiming_uniform_(a=√5)`, then bias
   * U(−1/√in, 1/√in); `"randn"` draws the notebooks' `W = torch.randn(in, out)`
   * (stored transposed, as `[out, in]`) and then `b = torch.randn(out)`.
   */
  init?: DenseInit;
  /** Parameter dtype (default: `getDefaultDtype()`). */
  dtype?: DType;
  /** Parameter device (default: the CPU). */
  device?: Device;
  /** Generator to draw from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * A fully connected layer: Z = A·Wᵀ + b, then Y = f(Z) for an optional
 * activation f. The weight is stored `[out, in]` like `nn.Linear`'s, so
 * state dicts move between glassbox and PyTorch unchanged.
 *
 * The backward pass, for a batch A of shape `[N, in]` and Δ = ∂L/∂Z of
 * shape `[N, out]` (after the activation's own backward):
 * ∂L/∂W = Δᵀ·A, ∂L/∂b = 1ᵀ·Δ (column sums), ∂L/∂A = Δ·W.
 *
 * @example Same initial weights as `torch.manual_seed(0); nn.Linear(2, 3)`
 * ```ts
 * import { Dense } from "@glassbox/layers";
 * import { manualSeed, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const layer = new Dense(2, 3, { activation: "relu" });
 * deepStrictEqual(Array.from(layer.weight.value.toTypedArray().slice(0, 2)), [0.6647553301890121, 0.29390167076471757]);
 * const y = layer.forward(tensor([[1, 2], [3, 4]]));
 * deepStrictEqual(y.shape, [2, 3]);
 * layer.backward(tensor([[1, 1, 1], [1, 1, 1]]));
 * deepStrictEqual(layer.weight.grad.shape, [3, 2]);
 * ```
 */
export class Dense implements Layer {
  /** Number of input features. */
  readonly inFeatures: number;
  /** Number of output features. */
  readonly outFeatures: number;
  /** The weight W, `[out, in]`. */
  readonly weight: Parameter;
  /** The bias b, `[out]`, or null without bias. */
  readonly bias: Parameter | null;
  /** The activation applied after the affine map (`Identity` when none). */
  readonly activation: Layer;
  #input: Tensor | null = null;
  #inputShape: readonly number[] = [];
  #weight: Tensor | null = null;
  #outputShape: readonly number[] = [];
  /** What the fused backward's derivative reads (y or z), when the forward was fused. */
  #saved: Tensor | null = null;
  /** The activation the last fused forward ran (this layer's own, or its follower's). */
  #savedSpec: ActivationSpec | null = null;
  /** The key of the weight tensor the last fused forward read (#weight is a view of it). */
  #weightKey: number | undefined = undefined;

  /**
   * Disposes the views of the input and weight kept from the last forward pass
   * for `backward`, and those of its activation (a new `forward` is needed
   * before the next `backward`).
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { ones } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const layer = new Dense(2, 1);
   * layer.forward(ones([4, 2])).dispose();
   * layer.release();
   * throws(() => layer.backward(ones([4, 1])), /forward/);
   * ```
   */
  release(): void {
    this.#release();
    this.activation.release?.(); // the fused activation keeps its own views
  }

  /** Disposes the views kept from the last forward pass. */
  #release(): void {
    this.#input?.dispose();
    this.#weight?.dispose();
    this.#saved?.dispose();
    this.#input =
      this.#weight =
      this.#saved =
      this.#savedSpec =
        null;
  }

  /**
   * Creates the layer and draws its initial parameters from the generator.
   *
   * @param inFeatures Size of each input row.
   * @param outFeatures Size of each output row.
   * @param options `activation`, `bias`, `init`, `dtype`, `device`, `generator`.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { deepStrictEqual, strictEqual } from "node:assert/strict";
   *
   * const layer = new Dense(6, 32, { activation: "tanh", bias: false, dtype: "float32" });
   * deepStrictEqual(layer.weight.shape, [32, 6]);
   * strictEqual(layer.bias, null);
   * strictEqual(String(layer), "Dense(6, 32, bias=false, activation=Tanh())");
   * ```
   */
  constructor(inFeatures: number, outFeatures: number, options: DenseOptions = {}) {
    const action = "create Dense";
    this.inFeatures = checkFeatures(inFeatures, action, "inFeatures");
    this.outFeatures = checkFeatures(outFeatures, action, "outFeatures");
    const init = options.init ?? "pytorch";
    if (init !== "pytorch" && init !== "randn") {
      throw new RangeError(
        `Cannot ${action}: unknown init ${JSON.stringify(init)}, expected "pytorch" or "randn"`,
      );
    }
    const { weight, bias } = initialParameters({
      inFeatures,
      outFeatures,
      bias: options.bias ?? true,
      init,
      dtype: options.dtype ?? getDefaultDtype(),
      device: options.device,
      generator: options.generator,
    });
    this.weight = new Parameter("weight", weight);
    this.bias = bias === null ? null : new Parameter("bias", bias);
    this.activation = createActivation(options.activation ?? new Identity());
  }

  /**
   * Y = f(A·Wᵀ + b) for a batch A of shape `[N, in]` (or any `[…, in]`).
   *
   * @param x The input batch.
   * @returns The output, `[N, out]`.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual, throws } from "node:assert/strict";
   *
   * const layer = new Dense(2, 1);
   * layer.weight.value = tensor([[1, 2]]);
   * layer.bias!.value = tensor([0.5]);
   * deepStrictEqual(layer.forward(tensor([[1, 1], [2, 0]])).toArray(), [[3.5], [2.5]]);
   * throws(() => layer.forward(tensor([[1, 2, 3]])), /input has shape \[1, 3\], expected \[N, 2\]/);
   * ```
   */
  forward(x: Tensor): Tensor {
    return this.#forward(x, null);
  }

  static {
    forwardThrough = (dense, x, follower) => {
      if (!(dense.activation instanceof Identity)) {
        throw new TypeError(
          `Cannot fuse ${dense} with ${follower}: the Dense has its own activation`,
        );
      }
      return dense.#forward(x, follower);
    };
    backwardThrough = (dense, gradOut, inputGrad) =>
      dense.#backward(gradOut, inputGrad ? "backward" : "accumulateGrad", inputGrad, true);
  }

  #forward(x: Tensor, follower: FusedActivation | null): Tensor {
    const action = `forward ${layerText(this)}`;
    checkTensor(x, action, "the input");
    const w = this.weight.borrow();
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new TypeError(
        `Cannot ${action}: input has shape ${
          fmtShape(x.shape)
        }, expected [N, ${this.inFeatures}] ` +
          `(the last axis must have ${this.inFeatures} features)`,
      );
    }
    if (x.dtype !== w.dtype || x.device !== w.device) {
      throw new TypeError(
        `Cannot ${action}: input is ${x.dtype} on ${x.device.name}, parameters are ${w.dtype} on ${w.device.name}; ` +
          `convert the input with .to() or the layer with layer.to()`,
      );
    }
    this.#release();
    // Our own views of the input and weight for backward: the caller may dispose x, and an
    // optimizer step may replace (and release) the weight before backward runs.
    const a = keep(x.rank === 2 ? x.view() : x.reshape([-1, this.inFeatures]));
    const outputShape = x.rank === 2
      ? [x.shape[0], this.outFeatures]
      : [...x.shape.slice(0, -1), this.outFeatures];
    this.#input = a;
    this.#inputShape = x.shape;
    this.#weight = keep(w.view());
    this.#outputShape = outputShape;
    const bias = this.bias?.borrow();
    const fused = follower ?? (this.activation instanceof FusedActivation ? this.activation : null);
    if (fused !== null) {
      // One backend call: the GEMM with bias and activation (same values as the steps below).
      const spec = fused.fused;
      this.#savedSpec = spec;
      return tidy(() => {
        // W's key: a backend may keep a copy of W for the next calls (and for backward).
        const key = this.#weightKey = weightKey(w);
        const { out, pre } = denseForward(a, w, bias, spec, action, key);
        this.#saved = keep(pre ?? out.view());
        // The activation layer can still run its own backward (it reads z only if it needs it).
        keepPass(fused, pre ?? out, out);
        return x.rank === 2 ? out : out.reshape(outputShape);
      });
    }
    return tidy(() => {
      const z = a.matmul(w, { transposeB: true, bias }); // Z = A·Wᵀ + b
      return this.activation.forward(x.rank === 2 ? z : z.reshape(outputShape));
    });
  }

  /**
   * Back-propagates ∂L/∂Y of the last forward pass: accumulates ∂L/∂W and
   * ∂L/∂b and returns ∂L/∂A.
   *
   * @param gradOut ∂L/∂Y, shaped like the last output.
   * @returns ∂L/∂A, shaped like the last input.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const layer = new Dense(2, 1);
   * layer.weight.value = tensor([[1, 2]]);
   * layer.forward(tensor([[1, 1], [2, 0]]));
   * const gradIn = layer.backward(tensor([[1], [-1]]));
   * deepStrictEqual(layer.weight.grad.toArray(), [[-1, 1]]); // Δᵀ·A
   * deepStrictEqual(layer.bias!.grad.toArray(), [0]); // 1ᵀ·Δ
   * deepStrictEqual(gradIn.toArray(), [[1, 2], [-1, -2]]); // Δ·W
   * ```
   */
  backward(gradOut: Tensor): Tensor {
    return this.#backward(gradOut, "backward", true, false)!;
  }

  /**
   * Back-propagates ∂L/∂Y of the last forward pass into ∂L/∂W and ∂L/∂b
   * only: `backward` without the product Δ·W for ∂L/∂A, which a training
   * step does not need when A is the data (see `Layer.accumulateGrad`).
   *
   * @param gradOut ∂L/∂Y, shaped like the last output.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const layer = new Dense(2, 1);
   * layer.weight.value = tensor([[1, 2]]);
   * layer.forward(tensor([[1, 1], [2, 0]]));
   * layer.accumulateGrad(tensor([[1], [-1]]));
   * deepStrictEqual(layer.weight.grad.toArray(), [[-1, 1]]); // Δᵀ·A, as backward gives
   * deepStrictEqual(layer.bias!.grad.toArray(), [0]); // 1ᵀ·Δ
   * ```
   */
  accumulateGrad(gradOut: Tensor): void {
    this.#backward(gradOut, "accumulateGrad", false, false);
  }

  /**
   * The backward pass: parameter gradients, and ∂L/∂A when `input` is true.
   * `through`: gradOut is ∂L/∂y of the follower `forwardThrough` fused.
   */
  #backward(gradOut: Tensor, method: string, input: boolean, through: boolean): Tensor | null {
    const action = `${method} ${layerText(this)}`;
    checkTensor(gradOut, action, "gradOut");
    const a = this.#input, w = this.#weight;
    if (a === null || w === null) {
      throw new RangeError(
        `Cannot ${action}: there is no forward pass to differentiate, call forward(x) first`,
      );
    }
    const expected = this.#outputShape;
    if (
      gradOut.shape.length !== expected.length || gradOut.shape.some((d, i) => d !== expected[i])
    ) {
      throw new TypeError(
        `Cannot ${action}: gradOut has shape ${fmtShape(gradOut.shape)}, expected ${
          fmtShape(expected)
        } (the shape of the last output)`,
      );
    }
    const saved = this.#saved, savedSpec = this.#savedSpec;
    if (through && (saved === null || savedSpec === null)) {
      throw new RangeError(
        `Cannot ${action}: the last forward pass did not run through an activation, call forwardThrough first`,
      );
    }
    if (saved !== null && savedSpec !== null && this.activation instanceof FusedActivation) {
      // δ = Δ ⊙ f′ inside the backend's backward GEMMs (gradOut is ∂L/∂z unless `through`).
      const activation = through ? savedSpec : this.activation.fused;
      return tidy(() => {
        const g = gradOut.rank === 2 ? gradOut : gradOut.reshape([-1, this.outFeatures]);
        const bias = this.bias !== null;
        const grads = denseBackward(g, a, w, saved, {
          activation,
          bias,
          inputGrad: input,
          action,
          weightKey: this.#weightKey,
        });
        this.weight.accumulate(grads.dw); // ∂L/∂W = δᵀ·A
        if (grads.db !== null) this.bias?.accumulate(grads.db); // ∂L/∂b = 1ᵀ·δ
        if (grads.dx === null) return null;
        return this.#inputShape.length === 2 ? grads.dx : grads.dx.reshape(this.#inputShape); // δ·W
      });
    }
    return tidy(() => {
      const dz = this.activation.backward(gradOut);
      const delta = dz.rank === 2 ? dz : dz.reshape([-1, this.outFeatures]); // Δ = ∂L/∂Z, [N, out]
      this.weight.accumulate(delta.matmul(a, { transposeA: true })); // ∂L/∂W = Δᵀ·A
      this.bias?.accumulate(delta.sum(0)); // ∂L/∂b = 1ᵀ·Δ
      if (!input) return null;
      const gradIn = delta.matmul(w); // ∂L/∂A = Δ·W
      return this.#inputShape.length === 2 ? gradIn : gradIn.reshape(this.#inputShape);
    });
  }

  /**
   * The parameters, named as `nn.Linear`'s: `weight` `[out, in]`, then `bias` `[out]`.
   *
   * @returns Live parameters.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new Dense(2, 3).parameters().map((p) => p.name), ["weight", "bias"]);
   * ```
   */
  parameters(): Parameter[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  /**
   * Resets the accumulated gradients to zeros.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const layer = new Dense(1, 1);
   * layer.forward(tensor([[2]]));
   * layer.backward(tensor([[1]]));
   * layer.zeroGrad();
   * deepStrictEqual(layer.weight.grad.toArray(), [[0]]);
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * The parameters as a PyTorch-style state dict (`weight`, `bias`).
   *
   * @returns Tensors by name.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Object.keys(new Dense(2, 3).stateDict()), ["weight", "bias"]);
   * ```
   */
  stateDict(): StateDict {
    return stateDict(this);
  }

  /**
   * Loads parameters by name; see `loadStateDict`.
   *
   * @param dict Tensors by name.
   * @param options `strict` (default true), `convertDtype`.
   * @returns The missing and unexpected keys.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const layer = new Dense(2, 1);
   * layer.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([3]) });
   * deepStrictEqual(layer.forward(tensor([[1, 1]])).toArray(), [[6]]);
   * ```
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this, dict, options);
  }

  /**
   * Converts the parameters to another dtype or moves them to another device.
   *
   * @param target A dtype or a device.
   * @returns This layer.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Dense(2, 3).to("float32").weight.value.dtype, "float32");
   * ```
   */
  to(target: DType | Device): this {
    for (const p of this.parameters()) p.to(target);
    this.#release();
    return this;
  }

  /**
   * The layer's description, used in error messages.
   *
   * @returns E.g. `Dense(6, 32)` or `Dense(6, 32, activation=ReLU())`.
   *
   * @example
   * ```ts
   * import { Dense } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(String(new Dense(6, 32, { activation: "relu" })), "Dense(6, 32, activation=ReLU())");
   * ```
   */
  toString(): string {
    const parts: (string | number)[] = [this.inFeatures, this.outFeatures];
    if (this.bias === null) parts.push("bias=false");
    if (!(this.activation instanceof Identity)) {
      parts.push(`activation=${describeLayer(this.activation)}`);
    }
    return `Dense(${parts.join(", ")})`;
  }
}
