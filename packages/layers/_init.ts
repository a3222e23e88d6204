// Initial weights of a Dense layer: PyTorch's nn.Linear.reset_parameters, or
// the notebooks' torch.randn draws.

import {
  type Device,
  type DType,
  type Generator,
  randn,
  type Tensor,
  uniform,
} from "@glassbox/tensor";

/** How `Dense` initialises its weight and bias. */
export type DenseInit = "pytorch" | "randn";

/** What the initialisers need. */
export interface InitSpec {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  init: DenseInit;
  dtype: DType;
  device?: Device;
  generator?: Generator;
}

/**
 * The bound of `kaiming_uniform_(w, a=√5)` for a fan-in, computed in the
 * order PyTorch 1.13 does so that it is the same double:
 * gain = √(2 / (1 + a²)), std = gain / √fan_in, bound = √3 · std.
 */
export function kaimingUniformBound(fanIn: number): number {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  const std = gain / Math.sqrt(fanIn);
  return Math.sqrt(3) * std;
}

/** The bound of nn.Linear's bias: 1/√fan_in (0 for an empty fan-in). */
export function linearBiasBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/**
 * Weight `[out, in]` and bias `[out]`, drawn from the generator in the order
 * PyTorch draws them: weight first (row-major), then bias.
 */
export function initialParameters(spec: InitSpec): { weight: Tensor; bias: Tensor | null } {
  const { inFeatures, outFeatures, dtype, device, generator } = spec;
  const opts = { dtype, device, generator };
  if (spec.init === "randn") {
    // The notebooks: W = torch.randn(in, out) used as x @ W, then b = torch.randn(out).
    const weight = randn([inFeatures, outFeatures], opts).transpose();
    const bias = spec.bias ? randn([outFeatures], opts) : null;
    return { weight, bias };
  }
  const w = kaimingUniformBound(inFeatures);
  const weight = uniform([outFeatures, inFeatures], { ...opts, from: -w, to: w });
  const b = linearBiasBound(inFeatures);
  const bias = spec.bias ? uniform([outFeatures], { ...opts, from: -b, to: b }) : null;
  return { weight, bias };
}
