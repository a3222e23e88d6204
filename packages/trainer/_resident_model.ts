// A model as the resident WebGPU trainer takes it: the dense layers of a
// `Sequential` (nested ones flattened) or of a single `Dense`, each with the
// activation fused into it or the activation layer that follows it, as plain
// `{ weight, bias, activation }` tensors; and the trained tensors written back
// into the model's parameters.

import {
  Dense,
  Identity,
  type Layer,
  type Parameter,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";
import type { DenseLayerSpec, ResidentActivation } from "@glassbox/webgpu-kernels";
import { describe } from "@glassbox/internal";

/** The activations the resident trainer runs, in the order messages list them. */
const ACTIVATIONS = "identity, relu, tanh, sigmoid, softmax";

/** A model described for `ResidentTrainer`: its dense layers and its parameters' names. */
export interface ResidentModel {
  readonly layers: DenseLayerSpec[];
  readonly parameterNames: string[];
}

/** The activation name of an activation layer, or null for any other layer. */
function activationOf(layer: Layer): ResidentActivation | null {
  if (layer instanceof Identity) return "identity";
  if (layer instanceof ReLU) return "relu";
  if (layer instanceof Tanh) return "tanh";
  if (layer instanceof Sigmoid) return "sigmoid";
  if (layer instanceof Softmax && (layer.axis === -1 || layer.axis === 1)) return "softmax";
  return null;
}

/**
 * The dense layers of `model` with their activations, for `ResidentTrainer`:
 * a `Dense` (its activation fused), activation layers after a `Dense`
 * without one, `Sequential`s nested at any depth. Anything else is a
 * TypeError naming the layer by its path (`layer 1.0`). The tensors are the
 * parameters' current values (borrowed: the trainer copies them).
 */
export function residentModel(model: Layer, action: string): ResidentModel {
  if (typeof model !== "object" || model === null || typeof model.parameters !== "function") {
    throw new TypeError(
      `Cannot ${action}: model is ${describe(model)}, expected a Sequential of Dense layers ` +
        `or a Dense layer`,
    );
  }
  const layers: { weight: Tensor; bias: Tensor | null; activation: ResidentActivation }[] = [];
  const visit = (layer: Layer, path: string) => {
    if (layer instanceof Sequential) {
      layer.layers.forEach((inner, i) => visit(inner, path === "" ? `${i}` : `${path}.${i}`));
      return;
    }
    const where = path === "" ? "the model" : `layer ${path}`;
    if (layer instanceof Dense) {
      const activation = activationOf(layer.activation);
      if (activation === null) {
        throw new TypeError(
          `Cannot ${action}: ${where} (${layer}) has activation ${layer.activation}, ` +
            `expected one of ${ACTIVATIONS}`,
        );
      }
      layers.push({
        weight: layer.weight.borrow(),
        bias: layer.bias?.borrow() ?? null,
        activation,
      });
      return;
    }
    const activation = activationOf(layer);
    if (activation === null) {
      throw new TypeError(
        `Cannot ${action}: ${where} is ${layer}, expected Dense or an activation (${ACTIVATIONS})`,
      );
    }
    const last = layers.at(-1);
    if (last === undefined || (last.activation !== "identity" && activation !== "identity")) {
      throw new TypeError(
        `Cannot ${action}: ${where} (${layer}) does not follow a Dense layer without activation`,
      );
    }
    if (activation !== "identity") last.activation = activation;
  };
  visit(model, "");
  if (layers.length === 0) throw new RangeError(`Cannot ${action}: model has no Dense layer`);
  const parameters = model.parameters();
  const dense = layers.reduce((n, l) => n + (l.bias === null ? 1 : 2), 0);
  if (parameters.length !== dense) {
    throw new TypeError(
      `Cannot ${action}: model has ${parameters.length} parameters, its Dense layers ${dense}`,
    );
  }
  return { layers, parameterNames: parameters.map((p) => p.name) };
}

/**
 * The trained values (in `residentModel`'s order) into the model's
 * parameters (`model.parameters()`); each parameter owns its new tensor and releases the one it
 * replaces when that was its own.
 */
export function writeBack(params: readonly Parameter[], values: readonly Tensor[]): void {
  params.forEach((p, i) => p.replace(values[i]));
}
