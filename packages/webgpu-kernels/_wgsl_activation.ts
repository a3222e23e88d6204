// The WebGPU activation table: for every `ActivationOp` of
// `@glassbox/tensor`, the WGSL of its forward f(z) and of its backward
// g·f′ from the saved value (the output y, or the pre-activation z, as
// `ACTIVATION_SAVES` says). The table is typed by the union, so an
// activation added to the Backend interface without an entry here is a
// compile error. The fused dense kernels, the loss kernel and the
// elementwise activation kernels all take their formulas from here, and the
// formulas follow the CPU's table (packages/tensor/cpu/activations.ts).

import type { ActivationOp, ActivationSpec } from "@glassbox/tensor/backend";
import { LINEAR_INDEX, MAIN_1D, MATH, SPECIALS } from "./_wgsl_common.ts";
import { UNARY_WGSL } from "./_wgsl_elementwise.ts";

/** A float constant in WGSL, exactly its float32 value (NaN and ±∞ included). */
export function f32Const(value: number): string {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  return `bitcast<f32>(${bits}u)`;
}

/** One activation's WGSL expressions; the arguments are baked in as constants. */
interface WgslActivation {
  /** f(v), an expression in `v`. */
  forward(v: string, args: readonly string[]): string;
  /** g·f′, an expression in `g` and the saved value `s`. */
  backward(g: string, s: string, args: readonly string[]): string;
}

/** Every activation's WGSL; a missing entry is a compile error. */
const ACTIVATIONS: { readonly [K in ActivationOp]: WgslActivation } = {
  identity: { forward: (v) => v, backward: (g) => g },
  relu: {
    forward: (v) => `relu_f(${v})`,
    backward: (g, y) => `(${g} * select(0.0, 1.0, ${y} > 0.0))`,
  },
  sigmoid: {
    forward: (v) => `sigmoid_c(${v})`,
    backward: (g, y) => `(${g} * (1.0 - ${y}) * ${y})`,
  },
  tanh: {
    forward: (v) => `tanh_c(${v})`,
    backward: (g, y) => `(${g} * (1.0 - ${y} * ${y}))`,
  },
  leakyRelu: {
    // max(z, 0) + min(z, 0)·slope, NaN propagating
    forward: (v, [s]) => `leaky_f(${v}, ${s})`,
    backward: (g, z, [s]) => `(${g} * select(${s}, 1.0, ${z} > 0.0))`,
  },
  softplus: {
    // z·β > threshold ? z : log1p(exp(z·β)) / β
    forward: (v, [beta, threshold]) => `softplus_f(${v}, ${beta}, ${threshold})`,
    // z·β > threshold ? g : g·σ(z·β) (= g·e / (e + 1), e = exp(z·β))
    backward: (g, z, [beta, threshold]) => `softplus_b(${g}, ${z}, ${beta}, ${threshold})`,
  },
  elu: {
    // z <= 0 ? (exp(z) − 1)·α : z, NaN propagating
    forward: (v, [alpha]) => `elu_f(${v}, ${alpha})`,
    // z <= 0 ? g·α·exp(z) : g
    backward: (g, z, [alpha]) => `elu_b(${g}, ${z}, ${alpha})`,
  },
};

/** The helper functions the activation expressions call (after SPECIALS and MATH). */
export const ACTIVATION_FNS = /* wgsl */ `
fn relu_f(v: f32) -> f32 { return ${UNARY_WGSL.relu}; }
fn leaky_f(v: f32, s: f32) -> f32 {
  if (is_nan(v)) { return v; }
  return select(v * s, v, v > 0.0);
}
fn log1p_c(x: f32) -> f32 {
  // log(1 + x) without losing x when it is tiny: log(u)·x/(u − 1) with u = 1 + x.
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (is_inf(u)) { return u; }
  return log_c(u) * x / (u - 1.0);
}
fn softplus_f(v: f32, beta: f32, threshold: f32) -> f32 {
  let zb = v * beta;
  if (zb > threshold) { return v; }
  return log1p_c(exp_c(zb)) / beta;
}
fn softplus_b(g: f32, z: f32, beta: f32, threshold: f32) -> f32 {
  let zb = z * beta;
  if (zb > threshold) { return g; }
  return g * sigmoid_c(zb); // e / (e + 1), e = exp(z·β), without overflowing
}
fn elu_f(v: f32, alpha: f32) -> f32 {
  if (v <= 0.0) { return (exp_c(v) - 1.0) * alpha; }
  return v; // v > 0, or NaN
}
fn elu_b(g: f32, z: f32, alpha: f32) -> f32 {
  if (z <= 0.0) { return g * alpha * exp_c(z); }
  return g;
}
`;

/** The baked arguments of an activation, as WGSL constants. */
function argsOf(spec: ActivationSpec): string[] {
  return (spec.args ?? []).map(f32Const);
}

/** f(v) of `spec` in WGSL. */
export function forwardWgsl(spec: ActivationSpec, v: string): string {
  return ACTIVATIONS[spec.op].forward(v, argsOf(spec));
}

/** g·f′ of `spec` in WGSL, from the saved value `s`. */
export function backwardWgsl(spec: ActivationSpec, g: string, s: string): string {
  return ACTIVATIONS[spec.op].backward(g, s, argsOf(spec));
}

/** A key naming an activation and its arguments, for pipeline caches. */
export function activationKey(spec: ActivationSpec): string {
  return `${spec.op}(${(spec.args ?? []).join(",")})`;
}

/**
 * The elementwise forward kernel of `spec`: out = f(z). Bindings: z, out,
 * params [size]. Dispatch `grid(size)`.
 */
export function activationForwardWgsl(spec: ActivationSpec): string {
  return `${SPECIALS}${MATH}${ACTIVATION_FNS}
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  out[i] = ${forwardWgsl(spec, "z[i]")};
}`;
}

/**
 * The elementwise backward kernel of `spec`: out = g·f′(saved). Bindings: g,
 * saved, out, params [size]. Dispatch `grid(size)`.
 */
export function activationBackwardWgsl(spec: ActivationSpec): string {
  return `${SPECIALS}${MATH}${ACTIVATION_FNS}
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> saved: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  out[i] = ${backwardWgsl(spec, "g[i]", "saved[i]")};
}`;
}
