/**
 * `@glassbox/layers`: layers with explicit, readable forward and backward
 * passes, initialised exactly like PyTorch and exchanging weights with it.
 *
 * - `Layer`: `forward(x)`, `backward(gradOut)` → ∂L/∂input (parameter
 *   gradients accumulate with `+=` until `zeroGrad()`), `parameters()`.
 * - `Dense(in, out, { activation, bias, init })`: y = f(x·Wᵀ + b), weights
 *   `[out, in]` drawn exactly as `nn.Linear`'s after the same `manualSeed`.
 * - Activations: `Identity`, `ReLU`, `Sigmoid`, `Tanh`, `Softmax`,
 *   `LogSoftmax`, `LeakyReLU`, `GELU`, `Softplus`, `ELU`, and the base
 *   classes `Activation` and `FusedActivation` (the pointwise ones each
 *   backend computes from its activation table).
 * - `Sequential(layers)` and `mlp([2, 3, 4, 2], { activation })`, with
 *   PyTorch's parameter names (`"0.weight"`).
 * - `stateDict` / `loadStateDict`, and the safetensors format:
 *   `saveSafetensors` / `loadSafetensors`, `encodeSafetensors` / `decodeSafetensors`.
 *
 * @example One training step by hand
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = mlp([2, 3, 4, 2], { activation: "relu" });
 * const x = randn([8, 2]), target = randn([8, 2]);
 * const loss = () => model.forward(x).sub(target).square().mean().item();
 * const before = loss();
 * const pred = model.forward(x);
 * model.zeroGrad();
 * model.backward(pred.sub(target).mul(2 / pred.size)); // ∂(mean squared error)/∂pred
 * for (const p of model.parameters()) p.value = p.value.sub(p.grad.mul(0.1));
 * ok(loss() < before);
 * ```
 *
 * @module
 */

export { isLayer, type Layer } from "./layer.ts";
export { Parameter, type ParameterToOptions } from "./parameter.ts";
export { Activation } from "./activation.ts";
export { FusedActivation } from "./fused_activation.ts";
export { Identity } from "./identity.ts";
export { ReLU } from "./relu.ts";
export { Sigmoid } from "./sigmoid.ts";
export { Tanh } from "./tanh.ts";
export { Softmax, type SoftmaxOptions } from "./softmax.ts";
export { LogSoftmax } from "./log_softmax.ts";
export { LeakyReLU, type LeakyReLUOptions } from "./leaky_relu.ts";
export { GELU } from "./gelu.ts";
export { Softplus, type SoftplusOptions } from "./softplus.ts";
export { ELU, type ELUOptions } from "./elu.ts";
export { ACTIVATION_NAMES, type ActivationName, createActivation } from "./activation_name.ts";
export { Dense, type DenseInit, type DenseOptions } from "./dense.ts";
export { Sequential } from "./sequential.ts";
export { ModelSummary, type SummaryRow } from "./model_summary.ts";
export { mlp, type MlpOptions } from "./mlp.ts";
export {
  loadStateDict,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
  stateDict,
} from "./state_dict.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  type SafetensorsContents,
  SafetensorsFormatError,
  type SafetensorsOptions,
} from "./safetensors.ts";
export { loadSafetensors, saveSafetensors } from "./safetensors_file.ts";
