/**
 * The Adam / AdamW update of one parameter, in PyTorch 1.13's single-tensor
 * order of operations (`_single_tensor_adam`, `_single_tensor_adamw`).
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { allocLike, hostView, replaceValue, round } from "./_host.ts";
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

/** One Adam update's settings, its scalars rounded to the parameter's dtype. */
interface AdamUpdate {
  maximize: boolean;
  /** AdamW: θ ← θ·(1 − lr·λ) before the update. */
  decoupled: boolean;
  /** Adam with weight decay: g ← g + λθ. */
  coupled: boolean;
  negStepSize: number;
  bc2Sqrt: number;
  eps: number;
  b1: number;
  a1: number;
  b2: number;
  a2: number;
  wd: number;
  decay: number;
}

/** torch.maximum: NaN wins. */
function maximum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a > b ? a : b;
}

// PyTorch's update, one loop per dtype: each sees one typed-array type and calls
// Math.fround by name, which V8 compiles to tight code (see sgd.ts). In float32 every
// operation is rounded, as PyTorch's float32 kernels are; a store into a Float32Array
// rounds the last one.

function adam64(
  theta: Float64Array,
  grad: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  vMax: Float64Array | null,
  out: Float64Array,
  u: AdamUpdate,
): void {
  const { maximize, decoupled, coupled, negStepSize, bc2Sqrt, eps, b1, a1, b2, a2, wd, decay } = u;
  for (let k = 0; k < theta.length; k++) {
    let g = maximize ? -grad[k] : grad[k];
    let t = theta[k];
    if (decoupled) t = t * decay;
    else if (coupled) g = g + wd * t;
    m[k] = m[k] * b1 + a1 * g;
    v[k] = v[k] * b2 + a2 * g * g;
    const second = vMax === null ? v[k] : (vMax[k] = maximum(vMax[k], v[k]));
    const denom = Math.sqrt(second) / bc2Sqrt + eps;
    out[k] = t + negStepSize * m[k] / denom;
  }
}

function adam32(
  theta: Float32Array,
  grad: ArrayLike<number>,
  m: Float32Array,
  v: Float32Array,
  vMax: Float32Array | null,
  out: Float32Array,
  u: AdamUpdate,
): void {
  const { maximize, decoupled, coupled, negStepSize, bc2Sqrt, eps, b1, a1, b2, a2, wd, decay } = u;
  const fr = Math.fround;
  for (let k = 0; k < theta.length; k++) {
    let g = maximize ? -grad[k] : grad[k];
    let t = theta[k];
    if (decoupled) t = fr(t * decay);
    else if (coupled) g = fr(g + wd * t);
    m[k] = fr(m[k] * b1) + a1 * g;
    v[k] = fr(v[k] * b2) + fr(fr(a2 * g) * g);
    const second = vMax === null ? v[k] : (vMax[k] = maximum(vMax[k], v[k]));
    const denom = fr(fr(fr(Math.sqrt(second)) / bc2Sqrt) + eps);
    out[k] = t + fr(fr(negStepSize * m[k]) / denom);
  }
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
  const f32 = value.dtype === "float32";
  const theta = hostView(value, action, `parameter ${param.name}`);
  const grad = hostView(param.grad, action, `the gradient of ${param.name}`);
  const m = state.zeros(i, "exp_avg");
  const v = state.zeros(i, "exp_avg_sq");
  const vMax = h.amsgrad ? state.zeros(i, "max_exp_avg_sq") : null;
  const biasCorrection1 = 1 - h.beta1 ** step;
  const biasCorrection2 = 1 - h.beta2 ** step;
  // Scalars in double precision, then rounded once where they meet float32 tensors.
  const u: AdamUpdate = {
    maximize: h.maximize,
    decoupled: h.decoupled,
    coupled: h.weightDecay !== 0 && !h.decoupled,
    negStepSize: round(f32, -(h.lr / biasCorrection1)),
    bc2Sqrt: round(f32, Math.sqrt(biasCorrection2)),
    eps: round(f32, h.eps),
    b1: round(f32, h.beta1),
    a1: round(f32, 1 - h.beta1),
    b2: round(f32, h.beta2),
    a2: round(f32, 1 - h.beta2),
    wd: round(f32, h.weightDecay),
    decay: round(f32, 1 - h.lr * h.weightDecay),
  };
  const out = allocLike(value.dtype, theta.length);
  if (f32) {
    const [t, m32, v32, max32, o] = [theta, m, v, vMax, out] as Float32Array[];
    adam32(t, grad, m32, v32, max32, o, u);
  } else {
    const [t, m64, v64, max64, o] = [theta, m, v, vMax, out] as Float64Array[];
    adam64(t, grad, m64, v64, max64, o, u);
  }
  replaceValue(param, out, value.shape);
}
