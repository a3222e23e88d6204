/**
 * Activation names accepted by `Dense` and `mlp`, and `createActivation`.
 *
 * @module
 */

import { GELU } from "./gelu.ts";
import { Identity } from "./identity.ts";
import type { Layer } from "./layer.ts";
import { LeakyReLU } from "./leaky_relu.ts";
import { LogSoftmax } from "./log_softmax.ts";
import { ReLU } from "./relu.ts";
import { Sigmoid } from "./sigmoid.ts";
import { Softmax } from "./softmax.ts";
import { Softplus } from "./softplus.ts";
import { ELU } from "./elu.ts";
import { Tanh } from "./tanh.ts";
import { isLayer } from "./layer.ts";
import { describeLayer } from "./_util.ts";

/** Activations by name (softmax and log-softmax along the last axis, leaky slope 0.01). */
export type ActivationName =
  | "identity"
  | "relu"
  | "sigmoid"
  | "tanh"
  | "softmax"
  | "logSoftmax"
  | "leakyRelu"
  | "gelu"
  | "softplus"
  | "elu";

const FACTORIES: { [K in ActivationName]: () => Layer } = {
  identity: () => new Identity(),
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  softmax: () => new Softmax(),
  logSoftmax: () => new LogSoftmax(),
  leakyRelu: () => new LeakyReLU(),
  gelu: () => new GELU(),
  softplus: () => new Softplus(),
  elu: () => new ELU(),
};

/** Every activation name, in a fixed order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze(
  Object.keys(FACTORIES) as ActivationName[],
);

/**
 * A new activation layer for a name; a layer without parameters is returned as is.
 *
 * @param activation An `ActivationName` or a parameter-free `Layer`.
 * @returns The activation layer.
 *
 * @example
 * ```ts
 * import { createActivation } from "@glassbox/layers";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(String(createActivation("relu")), "ReLU()");
 * throws(() => createActivation("swish" as "relu"), /unknown activation "swish"/);
 * ```
 */
export function createActivation(activation: ActivationName | Layer): Layer {
  if (typeof activation === "string" && Object.hasOwn(FACTORIES, activation)) {
    return FACTORIES[activation]();
  }
  if (isLayer(activation)) {
    if (activation.parameters().length > 0) {
      throw new TypeError(
        `Cannot use ${
          describeLayer(activation)
        } as an activation: it has parameters, add it as its own layer instead`,
      );
    }
    return activation;
  }
  throw new RangeError(
    `Cannot create activation: unknown activation ${
      JSON.stringify(activation)
    }, expected a Layer or one of ${ACTIVATION_NAMES.map((n) => `"${n}"`).join(", ")}`,
  );
}
