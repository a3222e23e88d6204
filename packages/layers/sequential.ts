/**
 * `Sequential`: layers applied one after another, named like `nn.Sequential`.
 *
 * @module
 */

import type { Device, DType, Tensor } from "@glassbox/tensor";
import type { Layer } from "./layer.ts";
import type { Parameter } from "./parameter.ts";
import {
  loadStateDict,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
  stateDict,
} from "./state_dict.ts";
import { fmtShape, kindOf } from "@glassbox/internal";
import { isLayer } from "./layer.ts";
import { checkTensor, describeLayer } from "./_util.ts";
import { ModelSummary } from "./model_summary.ts";
import { backwardThrough, Dense, forwardThrough } from "./dense.ts";
import { FusedActivation } from "./fused_activation.ts";
import { Identity } from "./identity.ts";
import { chainForward } from "./_chain.ts";

/** The fused activation after a Dense without its own activation, or null. */
function fusablePair(layer: Layer, next: Layer | undefined): FusedActivation | null {
  if (!(layer instanceof Dense) || !(layer.activation instanceof Identity)) return null;
  return next instanceof FusedActivation && !(next instanceof Identity) ? next : null;
}

/** Rethrows an error of a layer inside a Sequential, naming the layer and the shape it got. */
function rethrow(
  error: unknown,
  action: string,
  index: number,
  layer: Layer,
  input: Tensor,
): never {
  if (!(error instanceof Error)) throw error;
  const Kind = error instanceof TypeError
    ? TypeError
    : error instanceof RangeError
    ? RangeError
    : error instanceof ReferenceError
    ? ReferenceError
    : Error;
  throw new Kind(
    `Cannot ${action} Sequential: layer ${index} (${describeLayer(layer)}) failed on ${
      action === "forward" ? "input" : "gradient"
    } of shape ${fmtShape(input.shape)}: ${error.message}`,
    { cause: error },
  );
}

/**
 * A chain of layers: `forward` applies them in order, `backward` runs their
 * backward passes in reverse. Parameters are named by position, as in
 * PyTorch: `Sequential([Dense(2, 3), ReLU(), Dense(3, 1)])` has
 * `0.weight`, `0.bias`, `2.weight`, `2.bias`.
 *
 * @example
 * ```ts
 * import { Dense, ReLU, Sequential } from "@glassbox/layers";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = new Sequential([new Dense(2, 3), new ReLU(), new Dense(3, 1)]);
 * const y = model.forward(randn([4, 2]));
 * deepStrictEqual(y.shape, [4, 1]);
 * model.backward(y.mul(0).add(1));
 * deepStrictEqual(model.parameters().map((p) => p.name), ["0.weight", "0.bias", "2.weight", "2.bias"]);
 * ```
 */
export class Sequential implements Layer {
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  #intermediates: Tensor[] = [];
  /** Indices of the Dense layers the last forward ran together with the next layer. */
  readonly #pairs = new Set<number>();

  /**
   * Creates the chain.
   *
   * @param layers Layers in the order they apply.
   *
   * @example
   * ```ts
   * import { Dense, Sequential, Tanh } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * const model = new Sequential([new Dense(2, 3), new Tanh()]);
   * strictEqual(model.layers.length, 2);
   * ```
   */
  constructor(layers: readonly Layer[]) {
    if (!Array.isArray(layers)) {
      throw new TypeError(
        `Cannot create Sequential: expected an array of layers, got ${kindOf(layers)}`,
      );
    }
    layers.forEach((layer, i) => {
      if (!isLayer(layer)) {
        throw new TypeError(
          `Cannot create Sequential: layers[${i}] is ${
            kindOf(layer)
          }, expected a Layer (forward, backward, parameters, zeroGrad)`,
        );
      }
    });
    this.layers = Object.freeze([...layers]);
  }

  /**
   * Disposes what the last forward pass kept for `backward`: the
   * intermediate outputs, and each layer's own views (`release` of every
   * layer that has it).
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { ones } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const model = mlp([2, 3, 1]);
   * model.forward(ones([4, 2])).dispose();
   * model.release();
   * throws(() => model.backward(ones([4, 1])), /call forward\(x\) first/);
   * ```
   */
  release(): void {
    for (const t of this.#intermediates) t.dispose();
    this.#intermediates = [];
    this.#pairs.clear();
    for (const layer of this.layers) layer.release?.();
  }

  /**
   * Applies the layers in order.
   *
   * @param x The input batch.
   * @returns The last layer's output.
   *
   * @example
   * ```ts
   * import { Dense, Sequential } from "@glassbox/layers";
   * import { zeros } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * const model = new Sequential([new Dense(6, 32)]);
   * throws(() => model.forward(zeros([8, 5])), /layer 0 \(Dense\(6, 32\)\) failed on input of shape \[8, 5\]/);
   * ```
   */
  forward(x: Tensor): Tensor {
    checkTensor(x, "forward Sequential", "the input");
    // The last pass's intermediate outputs are ours; the layers' backward passes are done
    // with them once a new forward pass starts.
    for (const t of this.#intermediates) t.dispose();
    this.#intermediates = [];
    this.#pairs.clear();
    let h = x;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      // A Dense followed by a fused activation runs as one backend call.
      const follower = fusablePair(layer, layers[i + 1]);
      let next: Tensor;
      try {
        next = follower === null ? layer.forward(h) : forwardThrough(layer as Dense, h, follower);
      } catch (error) {
        rethrow(error, "forward", i, layer, h);
      }
      if (follower !== null) this.#pairs.add(i++);
      if (h !== x && next !== h) this.#intermediates.push(h);
      h = next;
    }
    return h;
  }

  /**
   * The output of `forward` with nothing kept for `backward`: what the last
   * `forward` kept is released (`backward` then needs a new `forward`). Where
   * the backend runs a chain of dense layers as one call (the CPU, float64: a
   * Dense with or without an identity, ReLU, tanh or sigmoid activation, or
   * followed by one of those layers or a last-axis Softmax), the layers run
   * that way, in blocks of rows on the worker threads; the values are
   * `forward`'s, bit for bit. Otherwise this is `forward` then `release`.
   *
   * @param x The input batch.
   * @returns The last layer's output.
   *
   * @example
   * ```ts
   * import { Dense, Sequential, Softmax } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const model = new Sequential([
   *   new Dense(2, 8, { activation: "tanh", dtype: "float64" }),
   *   new Dense(8, 4, { dtype: "float64" }),
   *   new Softmax(),
   * ]);
   * const x = tensor([[0.5, -1], [2, 0.25], [0, 0]], { dtype: "float64" });
   * deepStrictEqual(model.predict(x).toArray(), model.forward(x).toArray());
   * ```
   */
  predict(x: Tensor): Tensor {
    checkTensor(x, "predict Sequential", "the input");
    this.release();
    const out = chainForward(this.layers, x, "predict Sequential");
    if (out !== null) return out;
    const y = this.forward(x);
    this.release();
    return y;
  }

  /**
   * Back-propagates through the layers in reverse order.
   *
   * @param gradOut ∂L/∂output of the last forward pass.
   * @returns ∂L/∂input.
   *
   * @example
   * ```ts
   * import { Dense, Sequential } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const model = new Sequential([new Dense(1, 1, { bias: false })]);
   * model.loadStateDict({ "0.weight": tensor([[3]]) });
   * model.forward(tensor([[2]]));
   * deepStrictEqual(model.backward(tensor([[1]])).toArray(), [[3]]);
   * deepStrictEqual(model.parameters()[0].grad.toArray(), [[2]]);
   * ```
   */
  backward(gradOut: Tensor): Tensor {
    checkTensor(gradOut, "backward Sequential", "gradOut");
    let g = gradOut;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      let next: Tensor;
      const pair = this.#pairs.has(i - 1);
      if (pair) i--; // the Dense takes ∂L/∂y of the activation it ran
      try {
        next = pair
          ? backwardThrough(this.layers[i] as Dense, g, true)!
          : this.layers[i].backward(g);
      } catch (error) {
        rethrow(error, "backward", i, this.layers[i], g);
      }
      if (g !== gradOut && next !== g) g.dispose(); // an intermediate gradient is ours
      g = next;
    }
    return g;
  }

  /**
   * Back-propagates into the parameters' gradients only: every layer's
   * `backward` in reverse order, except that the first layer gets
   * `accumulateGrad` when it has one (a `Dense` layer then skips ∂L/∂input,
   * the largest product of an MLP's backward pass on wide inputs). The
   * gradients are those `backward` leaves, bit for bit.
   *
   * @param gradOut ∂L/∂output of the last forward pass.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { ones } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const model = mlp([3, 4, 1]);
   * const gradients = (train: (g: ReturnType<typeof ones>) => void) => {
   *   model.zeroGrad();
   *   model.forward(ones([2, 3]));
   *   train(ones([2, 1]));
   *   return model.parameters().map((p) => p.grad.toArray());
   * };
   * deepStrictEqual(gradients((g) => model.accumulateGrad(g)), gradients((g) => model.backward(g)));
   * ```
   */
  accumulateGrad(gradOut: Tensor): void {
    checkTensor(gradOut, "accumulateGrad Sequential", "gradOut");
    let g = gradOut;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const pair = this.#pairs.has(i - 1);
      if (pair) i--; // the Dense takes ∂L/∂y of the activation it ran
      const layer = this.layers[i];
      let next = g; // unchanged where the first layer skips ∂L/∂input
      try {
        if (pair) next = backwardThrough(layer as Dense, g, i !== 0) ?? g;
        else if (i === 0 && layer.accumulateGrad !== undefined) layer.accumulateGrad(g);
        else next = layer.backward(g);
      } catch (error) {
        rethrow(error, "accumulateGrad", i, layer, g);
      }
      if (g !== gradOut && next !== g) g.dispose(); // an intermediate gradient is ours
      g = next;
    }
    if (g !== gradOut) g.dispose(); // the last gradient made, which nobody asked for
  }

  /**
   * Every layer's parameters, prefixed with the layer's index (`0.weight`).
   *
   * @returns Live parameters (views sharing the layers' state).
   *
   * @example
   * ```ts
   * import { Dense, Sequential } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const inner = new Sequential([new Dense(2, 2)]);
   * const model = new Sequential([inner, new Dense(2, 1, { bias: false })]);
   * deepStrictEqual(model.parameters().map((p) => p.name), ["0.0.weight", "0.0.bias", "1.weight"]);
   * ```
   */
  parameters(): Parameter[] {
    return this.layers.flatMap((layer, i) =>
      layer.parameters().map((p) => p.renamed(`${i}.${p.name}`))
    );
  }

  /**
   * Resets every layer's gradients to zeros.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { ok } from "node:assert/strict";
   *
   * const model = mlp([2, 2, 1]);
   * model.zeroGrad();
   * ok(model.parameters().every((p) => p.grad.toTypedArray().every((g) => g === 0)));
   * ```
   */
  zeroGrad(): void {
    for (const layer of this.layers) layer.zeroGrad();
  }

  /**
   * The parameters as a PyTorch-style state dict (`"0.weight"` is `[out, in]`).
   *
   * @returns Tensors by name.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Object.keys(mlp([2, 1]).stateDict()), ["0.weight", "0.bias"]);
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
   * import { mlp } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const model = mlp([1, 1]);
   * const result = model.loadStateDict({ "0.weight": tensor([[2]]) }, { strict: false });
   * deepStrictEqual(result, { missingKeys: ["0.bias"], unexpectedKeys: [] });
   * ```
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this, dict, options);
  }

  /**
   * Converts every parameter to another dtype or moves it to another device.
   *
   * @param target A dtype or a device.
   * @returns This model.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { ok } from "node:assert/strict";
   *
   * const model = mlp([2, 3, 1]).to("float32");
   * ok(model.parameters().every((p) => p.value.dtype === "float32"));
   * ```
   */
  to(target: DType | Device): this {
    for (const layer of this.layers) {
      const movable = layer as Layer & { to?: (target: DType | Device) => unknown };
      if (typeof movable.to === "function") movable.to(target);
      else for (const p of layer.parameters()) p.to(target);
    }
    return this;
  }

  /**
   * Each layer, its output shape and parameter count, and the total: a
   * `ModelSummary`, which prints as a text table and displays in a notebook
   * as an HTML table.
   *
   * @returns The summary.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(mlp([6, 32, 3]).summary().total, 6 * 32 + 32 + 32 * 3 + 3);
   * ```
   */
  summary(): ModelSummary {
    return new ModelSummary(this.layers, "Sequential");
  }

  /**
   * Deno Jupyter's display hook: the summary's HTML table (and text).
   *
   * @returns `{ "text/html", "text/plain" }`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { match } from "node:assert/strict";
   *
   * // What Deno's kernel calls to display a value:
   * const display = (value: object) =>
   *   (value as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")]() as Record<string, string>;
   * match(display(mlp([2, 1]))["text/html"], /<table/);
   * ```
   */
  [Symbol.for("Jupyter.display")](): { "text/html": string; "text/plain": string } {
    const summary = this.summary();
    return { "text/html": summary.toHtml(), "text/plain": summary.toString() };
  }

  /**
   * `console.log(model)` in Deno: the description and the summary table.
   *
   * @returns The text.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { match } from "node:assert/strict";
   *
   * match(Deno.inspect(mlp([2, 3, 1])), /Total parameters: 13/);
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return `${this.toString()}\n${this.summary().toString()}`;
  }

  /**
   * `util.inspect(model)` / `console.log(model)` in Node: as in Deno.
   *
   * @returns The text.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { inspect } from "node:util";
   * import { match } from "node:assert/strict";
   *
   * match(inspect(mlp([2, 3, 1])), /Total parameters: 13/);
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.toString()}\n${this.summary().toString()}`;
  }

  /**
   * The model's description.
   *
   * @returns E.g. `Sequential(Dense(2, 3), ReLU(), Dense(3, 1))`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(String(mlp([2, 3, 1])), "Sequential(Dense(2, 3), ReLU(), Dense(3, 1))");
   * ```
   */
  toString(): string {
    return `Sequential(${this.layers.map(describeLayer).join(", ")})`;
  }
}
