/**
 * The assignment notebook's two models (IE678 assignment 1, task 1), written
 * as the notebook writes them rather than as `@glassbox/layers` does:
 *
 * - `LogisticRegression(D, C)`: `W = randn(D, C)/√D`, `b = randn(C)/√C`,
 *   output `log_softmax(x·W + b)`, parameters named `0_weight` (`[D, C]`) and
 *   `0_bias`.
 * - `AssignmentMLP(sizes, { phi })`: layer i has `i_weight` of shape
 *   `[sizes[i], sizes[i+1]]` (inputs × outputs, the transpose of
 *   `nn.Linear`'s) and `i_bias`, drawn in that order as `randn(in, out)/√in`
 *   and `randn(out)/√out`; every hidden layer computes `phi(x·W + b)`
 *   (sigmoid by default), the output layer `x·W + b`.
 *
 * Both draw from PyTorch's generator (`manualSeed` / a `Generator`), so the
 * same seed gives the notebook's initial weights, and both have an explicit
 * backward pass, so a gradient-based optimizer can train them.
 *
 * @module
 */

import { checkInteger, fmtShape } from "@glassbox/internal";
import { createActivation, type Layer, Parameter } from "@glassbox/layers";
import { type DType, type Generator, keep, randn, type Tensor, tidy } from "@glassbox/tensor";

/** The hidden activations the assignment's `phi` can be. */
export const PHI_NAMES = ["sigmoid", "relu", "tanh"] as const;
/** A hidden activation by name (`F.sigmoid`, `F.relu`, `torch.tanh`). */
export type PhiName = typeof PHI_NAMES[number];

/** Options of the assignment's models. */
export interface AssignmentModelOptions {
  /** Generator of the initial weights (default: the global one, `manualSeed`). */
  generator?: Generator;
  /** Parameter dtype (default float64). */
  dtype?: DType;
}

/** `randn(shape) / √scale`, as the notebook draws every parameter. */
function drawScaled(
  shape: number[],
  scale: number,
  options: AssignmentModelOptions,
): Tensor {
  return tidy(() =>
    randn(shape, { dtype: options.dtype ?? "float64", generator: options.generator }).div(
      Math.sqrt(scale),
    )
  );
}

/** A 1-D input `[D]` becomes one row `[1, D]`, as the notebook's batched model treats it. */
function asRows(x: Tensor, features: number, action: string): Tensor {
  const rows = x.rank === 1 ? x.reshape([1, x.shape[0]]) : x;
  if (rows.rank !== 2 || rows.shape[1] !== features) {
    throw new TypeError(
      `Cannot ${action}: input has shape ${
        fmtShape(x.shape)
      }, expected [${features}] or [N, ${features}]`,
    );
  }
  return rows;
}

/**
 * Multinomial logistic regression as the notebook defines it: log-probabilities
 * `log_softmax(x·W + b)` with `W = randn(D, C)/√D` and `b = randn(C)/√C`.
 *
 * @example
 * ```ts
 * import { LogisticRegression } from "./assignment_model.ts";
 * import { manualSeed, tensor } from "@glassbox/tensor";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const logreg = new LogisticRegression(3, 2);
 * const p = logreg.forward(tensor([0.5, 0.1, 0.9])).exp().toTypedArray();
 * ok(Math.abs(p[0] + p[1] - 1) < 1e-15);
 * strictEqual(logreg.parameters()[0].name, "0_weight");
 * ```
 */
export class LogisticRegression {
  /** Inputs D. */
  readonly inputs: number;
  /** Classes C. */
  readonly classes: number;
  readonly #weight: Parameter;
  readonly #bias: Parameter;

  /**
   * Draws the parameters: first `W` (`[D, C]`), then `b` (`[C]`).
   *
   * @param inputs D, the number of inputs.
   * @param classes C, the number of classes.
   * @param options `generator`, `dtype`.
   */
  constructor(inputs: number, classes: number, options: AssignmentModelOptions = {}) {
    const action = "create LogisticRegression";
    this.inputs = checkInteger(inputs, action, "D (inputs)", 1);
    this.classes = checkInteger(classes, action, "C (classes)", 1);
    this.#weight = new Parameter("0_weight", drawScaled([inputs, classes], inputs, options));
    this.#bias = new Parameter("0_bias", drawScaled([classes], classes, options));
  }

  /**
   * Log-probabilities of each class.
   *
   * @param x One input `[D]` or a batch `[N, D]`.
   * @returns `[C]` for one input, `[N, C]` for a batch.
   */
  forward(x: Tensor): Tensor {
    const rows = asRows(x, this.inputs, "run LogisticRegression");
    return tidy(() => {
      const logprob = rows.matmul(this.#weight.value, { bias: this.#bias.value }).logSoftmax(-1);
      return x.rank === 1 ? logprob.reshape([this.classes]) : logprob;
    });
  }

  /**
   * The parameters, `0_weight` then `0_bias` (the notebook's `named_parameters()`).
   *
   * @returns Live parameters.
   */
  parameters(): Parameter[] {
    return [this.#weight, this.#bias];
  }
}

/** Options of `AssignmentMLP`. */
export interface AssignmentMLPOptions extends AssignmentModelOptions {
  /** Activation of every hidden layer (default `"sigmoid"`, the notebook's `F.sigmoid`). */
  phi?: PhiName;
}

/**
 * The notebook's fully-connected MLP, `MLP(sizes, phi)`: `sizes[0]` inputs,
 * hidden layers of `sizes[1 … L−1]` units with activation `phi`, and a
 * linear output layer of `sizes[L]` units. Layer i computes `x·Wᵢ + bᵢ` with
 * `Wᵢ` of shape `[in, out]`, named `i_weight`, and `bᵢ` named `i_bias`.
 *
 * `backward(∂L/∂ŷ)` accumulates every parameter's gradient and returns
 * ∂L/∂x, the deltas autograd computes for the notebook's expression.
 *
 * @example The notebook's fixed-parameter check
 * ```ts
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { assertClose, manualSeed, randn, tensor } from "@glassbox/tensor";
 *
 * const mlp = new AssignmentMLP([2, 3, 4, 2], { phi: "relu" });
 * manualSeed(0);
 * for (const p of mlp.parameters()) p.value = randn([...p.shape]);
 * assertClose(mlp.forward(tensor([-1, 2])), [[0.8315, -3.6792]], { atol: 5e-5 });
 * ```
 */
export class AssignmentMLP implements Layer {
  /** Layer sizes: inputs, hidden widths, outputs. */
  readonly sizes: readonly number[];
  /** The hidden activation. */
  readonly phi: PhiName;
  readonly #params: Parameter[] = [];
  readonly #activations: Layer[] = [];
  /** Input of each linear layer in the last forward pass. */
  #inputs: Tensor[] = [];
  #inputRank = 2;

  /**
   * Draws the parameters layer by layer: `i_weight`, then `i_bias`.
   *
   * @param sizes At least two layer sizes, each >= 1, e.g. `[1, 2, 1]`.
   * @param options `phi`, `generator`, `dtype`.
   */
  constructor(sizes: readonly number[], options: AssignmentMLPOptions = {}) {
    const action = "create MLP";
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new RangeError(
        `Cannot ${action}: sizes must list at least the inputs and the outputs, got ${
          JSON.stringify(sizes)
        }`,
      );
    }
    sizes.forEach((s, i) => checkInteger(s, action, `sizes[${i}]`, 1));
    const phi = options.phi ?? "sigmoid";
    if (!(PHI_NAMES as readonly string[]).includes(phi)) {
      throw new RangeError(
        `Cannot ${action}: phi must be one of ${PHI_NAMES.join(", ")}, got ${String(phi)}`,
      );
    }
    this.sizes = Object.freeze([...sizes]);
    this.phi = phi;
    for (let i = 1; i < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i - 1], sizes[i]];
      this.#params.push(
        new Parameter(`${i - 1}_weight`, drawScaled([fanIn, fanOut], fanIn, options)),
        new Parameter(`${i - 1}_bias`, drawScaled([fanOut], fanOut, options)),
      );
      if (i < sizes.length - 1) this.#activations.push(createActivation(phi));
    }
  }

  /**
   * Number of layers, the input layer excluded (the notebook's `num_layers()`).
   *
   * @returns `sizes.length − 1`.
   */
  numLayers(): number {
    return this.sizes.length - 1;
  }

  /**
   * A parameter by the notebook's name, e.g. `"1_weight"`.
   *
   * @param name The name.
   * @returns The live parameter.
   */
  getParameter(name: string): Parameter {
    const p = this.#params.find((q) => q.name === name);
    if (p === undefined) {
      throw new RangeError(
        `Cannot get parameter: no parameter named "${name}", the model has ${
          this.#params.map((q) => q.name).join(", ")
        }`,
      );
    }
    return p;
  }

  /**
   * The output for one input `[D]` (returned as one row `[1, out]`, as the
   * notebook's batched MLP returns it) or a batch `[N, D]`.
   *
   * @param x The input.
   * @returns `[N, out]`.
   */
  forward(x: Tensor): Tensor {
    let h = asRows(x, this.sizes[0], "run MLP");
    this.#release();
    this.#inputRank = x.rank;
    const inputs: Tensor[] = [];
    const out = tidy(() => {
      for (let l = 0; l < this.numLayers(); l++) {
        inputs.push(keep(h.view()));
        const z = h.matmul(this.#params[2 * l].borrow(), {
          bias: this.#params[2 * l + 1].borrow(),
        });
        h = l < this.numLayers() - 1 ? this.#activations[l].forward(z) : z;
      }
      return h;
    });
    this.#inputs = inputs;
    return out;
  }

  /**
   * The outputs of every hidden layer (after `phi`) for a batch, for plots.
   *
   * @param x A batch `[N, D]`.
   * @returns One `[N, width]` tensor per hidden layer.
   */
  hiddenOutputs(x: Tensor): Tensor[] {
    let h = asRows(x, this.sizes[0], "run MLP");
    const outs: Tensor[] = [];
    for (let l = 0; l < this.numLayers() - 1; l++) {
      h = tidy(() => {
        const z = h.matmul(this.#params[2 * l].value, { bias: this.#params[2 * l + 1].value });
        return createActivation(this.phi).forward(z);
      });
      outs.push(h);
    }
    return outs;
  }

  /**
   * Back-propagates ∂L/∂ŷ through the last forward pass: accumulates
   * ∂L/∂Wᵢ = hᵢᵀ·δᵢ and ∂L/∂bᵢ = Σ δᵢ, and returns ∂L/∂x.
   *
   * @param gradOut ∂L/∂ŷ, shaped like the last output.
   * @returns ∂L/∂x, shaped like the last input.
   */
  backward(gradOut: Tensor): Tensor {
    return this.#backprop(gradOut, true)!;
  }

  /**
   * `backward` for training: accumulates the same parameter gradients (the
   * same bits) but skips ∂L/∂x, the first layer's δ·W₀ᵀ, which training
   * never reads.
   *
   * @param gradOut ∂L/∂ŷ, shaped like the last output.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { AssignmentMLP } from "./assignment_model.ts";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const x = tensor([[0.5], [-1]]);
   * const [a, b] = [new AssignmentMLP([1, 3, 1]), new AssignmentMLP([1, 3, 1])];
   * b.parameters().forEach((p, i) => (p.value = a.parameters()[i].value));
   * a.forward(x);
   * a.backward(tensor([[1], [2]]));
   * b.forward(x);
   * b.accumulateGradients(tensor([[1], [2]]));
   * deepStrictEqual(b.parameters().map((p) => p.grad.toArray()), a.parameters().map((p) => p.grad.toArray()));
   * ```
   */
  accumulateGradients(gradOut: Tensor): void {
    this.#backprop(gradOut, false);
  }

  #backprop(gradOut: Tensor, inputGradient: boolean): Tensor | null {
    if (this.#inputs.length === 0) {
      throw new ReferenceError(
        "Cannot backward MLP: there is no forward pass to differentiate, call forward(x) first",
      );
    }
    const inputs = this.#inputs;
    return tidy(() => {
      let delta = gradOut;
      for (let l = this.numLayers() - 1; l >= 0; l--) {
        if (l < this.numLayers() - 1) delta = this.#activations[l].backward(delta);
        this.#params[2 * l].accumulate(inputs[l].matmul(delta, { transposeA: true }));
        this.#params[2 * l + 1].accumulate(delta.sum(0));
        if (l === 0 && !inputGradient) return null;
        delta = delta.matmul(this.#params[2 * l].borrow(), { transposeB: true });
      }
      return this.#inputRank === 1 ? delta.reshape([this.sizes[0]]) : delta;
    });
  }

  /**
   * The parameters in the notebook's order: `0_weight`, `0_bias`, `1_weight`, …
   *
   * @returns Live parameters.
   */
  parameters(): Parameter[] {
    return [...this.#params];
  }

  /**
   * Resets every gradient to zeros.
   *
   * @returns Nothing.
   */
  zeroGrad(): void {
    for (const p of this.#params) p.zeroGrad();
  }

  /**
   * Number of trainable values.
   *
   * @returns The sum of the parameters' sizes.
   */
  parameterCount(): number {
    return this.#params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  }

  #release(): void {
    for (const t of this.#inputs) t.dispose();
    this.#inputs = [];
  }
}
