/**
 * The Adam / AdamW update of one parameter, in PyTorch 1.13's single-tensor
 * order of operations (`_single_tensor_adam`, `_single_tensor_adamw`).
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { allocLike, hostView, replaceValue, rounder } from "./_host.ts";
import type { ParamBuffers } from "./_param_buffers.ts";

/** Hyperparameters of one Adam step. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay θ by (1 − γλ) instead of adding λθ to the gradient. */
  decoupled: boolean;
}

/** The per-parameter buffers, named as in PyTorch's state. */
export const ADAM_BUFFERS: readonly string[] = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

/**
 * Updates parameter `i` of `state` at step `step` (1 at the first update):
 *
 * ```text
 * g ← −g (maximize);  AdamW: θ ← θ·(1 − γλ);  Adam: g ← g + λθ
 * m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
 * c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ (double precision, as PyTorch's Python floats)
 * v̂ ← max(v̂, v) (amsgrad);  denom = √v (or √v̂) / √c₂ + ε
 * θ ← θ − (γ / c₁)·m / denom
 * ```
 */
export function adamStep(
  state: ParamBuffers,
  i: number,
  step: number,
  h: AdamHyper,
  action: string,
): void {
  const param: Parameter = state.params[i];
  const value = param.borrow();
  const r = rounder(value.dtype);
  const theta = hostView(value, action, `parameter ${param.name}`);
  const grad = hostView(param.grad, action, `the gradient of ${param.name}`);
  const m = state.zeros(i, "exp_avg");
  const v = state.zeros(i, "exp_avg_sq");
  const vMax = h.amsgrad ? state.zeros(i, "max_exp_avg_sq") : null;
  const biasCorrection1 = 1 - h.beta1 ** step;
  const biasCorrection2 = 1 - h.beta2 ** step;
  // Scalars in double precision, then rounded once where they meet float32 tensors.
  const negStepSize = r(-(h.lr / biasCorrection1));
  const bc2Sqrt = r(Math.sqrt(biasCorrection2));
  const eps = r(h.eps);
  const b1 = r(h.beta1), a1 = r(1 - h.beta1), b2 = r(h.beta2), a2 = r(1 - h.beta2);
  const wd = r(h.weightDecay), decay = r(1 - h.lr * h.weightDecay);
  const coupled = h.weightDecay !== 0 && !h.decoupled;
  const n = theta.length;
  const out = allocLike(value.dtype, n);
  for (let k = 0; k < n; k++) {
    let g = h.maximize ? -grad[k] : grad[k];
    let t = theta[k];
    if (h.decoupled) t = r(t * decay);
    else if (coupled) g = r(g + wd * t);
    m[k] = r(r(m[k] * b1) + a1 * g);
    v[k] = r(r(v[k] * b2) + r(r(a2 * g) * g));
    let second = v[k];
    if (vMax !== null) {
      const prev = vMax[k]; // torch.maximum: NaN wins
      second = vMax[k] = prev !== prev || second !== second ? NaN : prev > second ? prev : second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2Sqrt) + eps);
    out[k] = r(t + r(r(negStepSize * m[k]) / denom));
  }
  replaceValue(param, out, value.shape);
}
