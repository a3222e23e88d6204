/**
 * The CPU's activation table: for every `ActivationOp`, the forward f and the
 * backward g·f′ that `denseForward`, `denseBackward`, `activationForward` and
 * `activationBackward` run. Where an activation layer used to compose Tensor
 * operations (ReLU, sigmoid, tanh, leaky ReLU), its entry does that arithmetic
 * in the same order and (in float32) rounded after every operation as those
 * operations round, so fusing changes no value. An activation without a
 * composed form (softplus, ELU) follows PyTorch's kernel in its order of
 * operations, rounding each intermediate with `r` in float32.
 *
 * @module
 */

import type { ActivationOp, UnaryOp } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";

/** Runs one of the backend's unary kernels (the path the composed operation takes). */
export type UnaryRunner = (op: UnaryOp, x: TypedArray) => TypedArray;

/** One activation's CPU kernels. */
export interface CpuActivation {
  /**
   * y = f(z): a new array, or `z` itself for the identity. `alloc` gives a
   * pooled array of z's dtype and length.
   */
  forward(
    z: TypedArray,
    args: readonly number[],
    unary: UnaryRunner,
    alloc: () => TypedArray,
  ): TypedArray;
  /**
   * out = g ⊙ f′ from `saved` (y or z, as `ACTIVATION_SAVES` says); `r` rounds
   * an intermediate to the dtype (`Math.fround` for float32, nothing for float64).
   */
  backward(
    g: TypedArray,
    saved: TypedArray,
    out: TypedArray,
    args: readonly number[],
    r: (v: number) => number,
  ): void;
}

/** torch.maximum / torch.minimum against 0: NaN propagates. */
const max0 = (v: number): number => (v !== v ? NaN : v > 0 ? v : 0);
const min0 = (v: number): number => (v !== v ? NaN : v < 0 ? v : 0);

/** Every activation's CPU kernels; a missing entry is a compile error. */
export const CPU_ACTIVATIONS: { readonly [K in ActivationOp]: CpuActivation } = {
  identity: {
    forward: (z) => z,
    // Dense's identity hands gradOut on unchanged.
    backward: (g, _s, out) => out.set(g),
  },
  relu: {
    forward: (z, _a, unary) => unary("relu", z),
    // Δ ⊙ [y > 0]; +(y > 0) rather than a ternary: no branch to mispredict on random signs
    backward: (g, y, out) => {
      for (let i = 0; i < out.length; i++) out[i] = g[i] * +(y[i] > 0);
    },
  },
  sigmoid: {
    forward: (z, _a, unary) => unary("sigmoid", z),
    // (Δ ⊙ (1 − y)) ⊙ y, with 1 − y computed as −y + 1
    backward: (g, y, out, _a, r) => {
      // One loop per rounding, each calling nothing per element (see tanh).
      if (r === Math.fround) {
        const f = Math.fround;
        for (let i = 0; i < out.length; i++) out[i] = f(g[i] * f(-y[i] + 1)) * y[i];
      } else if (out instanceof Float64Array) {
        for (let i = 0; i < out.length; i++) out[i] = g[i] * (-y[i] + 1) * y[i];
      } else {
        for (let i = 0; i < out.length; i++) out[i] = r(g[i] * r(-y[i] + 1)) * y[i];
      }
    },
  },
  tanh: {
    forward: (z, _a, unary) => unary("tanh", z),
    // Δ ⊙ (−y² + 1)
    backward: (g, y, out, _a, r) => {
      // One loop per rounding: through the `r` argument, which is Math.fround or the identity
      // depending on the call, each element paid a call (about 2 ns an element in float64).
      if (r === Math.fround) {
        const f = Math.fround;
        for (let i = 0; i < out.length; i++) out[i] = g[i] * f(-f(y[i] * y[i]) + 1);
      } else if (out instanceof Float64Array) {
        for (let i = 0; i < out.length; i++) out[i] = g[i] * (-(y[i] * y[i]) + 1);
      } else {
        for (let i = 0; i < out.length; i++) out[i] = g[i] * r(-r(y[i] * y[i]) + 1);
      }
    },
  },
  leakyRelu: {
    // max(z, 0) + min(z, 0)·slope
    forward: (z, args, _u, alloc) => {
      const out = alloc();
      const r = out instanceof Float32Array ? Math.fround : (v: number) => v;
      const s = r(args[0]);
      for (let i = 0; i < z.length; i++) out[i] = max0(z[i]) + r(min0(z[i]) * s);
      return out;
    },
    // Δ ⊙ ([z > 0] + (−[z > 0] + 1)·slope)
    backward: (g, z, out, args, r) => {
      const s = r(args[0]);
      for (let i = 0; i < out.length; i++) {
        const p = +(z[i] > 0);
        out[i] = g[i] * r(p + r((-p + 1) * s));
      }
    },
  },
  softplus: {
    // PyTorch's softplus: z·β > threshold ? z : log1p(exp(z·β)) / β
    forward: (z, args, _u, alloc) => {
      const out = alloc();
      const r = out instanceof Float32Array ? Math.fround : (v: number) => v;
      const beta = r(args[0]), threshold = r(args[1]);
      for (let i = 0; i < z.length; i++) {
        const zb = r(z[i] * beta);
        out[i] = zb > threshold ? z[i] : r(Math.log1p(r(Math.exp(zb)))) / beta;
      }
      return out;
    },
    // PyTorch's softplus_backward: e = exp(z·β); z·β > threshold ? Δ : Δ·e / (e + 1)
    backward: (g, z, out, args, r) => {
      const beta = r(args[0]), threshold = r(args[1]);
      for (let i = 0; i < out.length; i++) {
        const zb = r(z[i] * beta);
        const e = r(Math.exp(zb));
        out[i] = zb > threshold ? g[i] : r(g[i] * e) / r(e + 1);
      }
    },
  },
  elu: {
    // PyTorch's elu (scale 1, input_scale 1): z <= 0 ? (exp(z) − 1)·α : z
    forward: (z, args, _u, alloc) => {
      const out = alloc();
      const r = out instanceof Float32Array ? Math.fround : (v: number) => v;
      const alpha = r(args[0]);
      for (let i = 0; i < z.length; i++) {
        out[i] = z[i] <= 0 ? r(r(Math.exp(z[i])) - 1) * alpha : z[i];
      }
      return out;
    },
    // PyTorch's elu_backward from the input: z <= 0 ? Δ·α·exp(z) : Δ
    backward: (g, z, out, args, r) => {
      const alpha = r(args[0]);
      for (let i = 0; i < out.length; i++) {
        out[i] = z[i] <= 0 ? r(g[i] * alpha) * r(Math.exp(z[i])) : g[i];
      }
    },
  },
};
