/**
 * `mlp`: a multilayer perceptron from a list of layer sizes.
 *
 * @module
 */

import type { Device, DType, Generator } from "@glassbox/tensor";
import { ACTIVATION_NAMES, type ActivationName, createActivation } from "./activation_name.ts";
import { Dense, type DenseInit } from "./dense.ts";
import type { Layer } from "./layer.ts";
import { Sequential } from "./sequential.ts";
import { checkFeatures } from "./_util.ts";

/** Options of `mlp`. */
export interface MlpOptions {
  /**
   * Activation after each hidden layer (default `"relu"`): one name for all,
   * or one name per hidden layer (`sizes.length − 2` of them).
   */
  activation?: ActivationName | readonly ActivationName[];
  /** Activation after the last layer (default `"identity"`: none). */
  outputActivation?: ActivationName;
  /**
   * Put each activation in its own layer, as `nn.Sequential(nn.Linear(…),
   * nn.ReLU(), …)` does (default true: state-dict keys `0.weight`,
   * `2.weight`, … match PyTorch's), or pass it to `Dense` as its
   * `activation` option (keys `0.weight`, `1.weight`, …).
   */
  separateActivations?: boolean;
  /** Whether every `Dense` has a bias (default true). */
  bias?: boolean;
  /** Initialisation of every `Dense` (default `"pytorch"`), drawn layer by layer. */
  init?: DenseInit;
  /** Parameter dtype (default: `getDefaultDtype()`). */
  dtype?: DType;
  /** Parameter device (default: the CPU). */
  device?: Device;
  /** Generator to draw initial weights from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * A multilayer perceptron: `Dense` layers of the given sizes with an
 * activation after each hidden layer. `mlp([2, 3, 4, 2])` is
 * `nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4), nn.ReLU(),
 * nn.Linear(4, 2))`, with the same initial weights after the same seed.
 *
 * @param sizes Input size, hidden sizes, output size (at least two numbers).
 * @param options `activation`, `outputActivation`, `separateActivations`, `bias`, `init`, `dtype`, `device`, `generator`.
 * @returns The model.
 *
 * @example The notebook's 2-3-4-2 network, both ways
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { manualSeed, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const separate = mlp([2, 3, 4, 2], { activation: "relu" });
 * manualSeed(0);
 * const fused = mlp([2, 3, 4, 2], { activation: "relu", separateActivations: false });
 * deepStrictEqual(Object.keys(separate.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]);
 * deepStrictEqual(Object.keys(fused.stateDict()), ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]);
 * const x = tensor([[-1, 2], [1, -2]]);
 * deepStrictEqual(separate.forward(x).toArray(), fused.forward(x).toArray());
 * ```
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  const action = "create mlp";
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new RangeError(
      `Cannot ${action}: sizes must list at least an input and an output size, got ${
        JSON.stringify(sizes)
      }`,
    );
  }
  sizes.forEach((n, i) => checkFeatures(n, action, `sizes[${i}]`));
  const hidden = sizes.length - 2;
  const activation = options.activation ?? "relu";
  const names: readonly ActivationName[] = typeof activation === "string"
    ? Array.from({ length: hidden }, () => activation)
    : activation;
  if (!Array.isArray(names) || names.length !== hidden) {
    throw new RangeError(
      `Cannot ${action}: expected one activation or ${hidden} (one per hidden layer of ${
        JSON.stringify(sizes)
      }), got ${JSON.stringify(activation)}`,
    );
  }
  for (const name of [...names, options.outputActivation ?? "identity"]) {
    if (!ACTIVATION_NAMES.includes(name)) createActivation(name); // throws, listing the names
  }
  const separate = options.separateActivations ?? true;
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const name = i < hidden ? names[i] : options.outputActivation ?? "identity";
    const dense = new Dense(sizes[i], sizes[i + 1], {
      activation: separate ? undefined : name,
      bias: options.bias,
      init: options.init,
      dtype: options.dtype,
      device: options.device,
      generator: options.generator,
    });
    layers.push(dense);
    if (separate && name !== "identity") layers.push(createActivation(name));
  }
  return new Sequential(layers);
}
