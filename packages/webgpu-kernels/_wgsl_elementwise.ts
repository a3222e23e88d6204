// Elementwise kernels: one WGSL expression per operation, in tables typed by
// the operation unions of `@glassbox/tensor`, so that an operation added to
// the Backend interface without a kernel here is a compile error.

import type { BinaryOp, UnaryOp } from "@glassbox/tensor/backend";
import { LINEAR_INDEX, MAIN_1D, MATH, SPECIALS } from "./_wgsl_common.ts";

/** `out = f(v)` for each unary operation, matching the CPU backend at special values. */
export const UNARY_WGSL: { readonly [K in UnaryOp]: string } = {
  neg: "-v",
  abs: "abs(v)",
  // NaN, 0 and -0 are their own sign.
  sign: "select(select(v, -1.0, v < 0.0), 1.0, v > 0.0)",
  square: "v * v",
  sqrt: "select(sqrt(v), f_nan(), v < 0.0 || is_nan(v))",
  reciprocal: "1.0 / v",
  exp: "exp_c(v)",
  log: "log_c(v)",
  tanh: "tanh_c(v)",
  sigmoid: "sigmoid_c(v)",
  // NaN stays NaN: `v <= 0` is false for it.
  relu: "select(v, 0.0, v <= 0.0 && !is_nan(v))",
};

/** `out = f(a, b)` for each binary operation; comparisons give 1 or 0. */
export const BINARY_WGSL: { readonly [K in BinaryOp]: string } = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "pow_c(a, b)",
  // NaN propagates, as in torch.maximum / torch.minimum.
  maximum: "select(select(b, a, a > b), f_nan(), is_nan(a) || is_nan(b))",
  minimum: "select(select(b, a, a < b), f_nan(), is_nan(a) || is_nan(b))",
  equal: "select(0.0, 1.0, a == b && !is_nan(a))",
  greater: "select(0.0, 1.0, a > b && !is_nan(a) && !is_nan(b))",
  greaterEqual: "select(0.0, 1.0, a >= b && !is_nan(a) && !is_nan(b))",
  less: "select(0.0, 1.0, a < b && !is_nan(a) && !is_nan(b))",
  lessEqual: "select(0.0, 1.0, a <= b && !is_nan(a) && !is_nan(b))",
};

/** Unary kernel. Bindings: x, out, params [size]. */
export function unaryWgsl(op: UnaryOp): string {
  return `${SPECIALS}${MATH}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  let v = x[i];
  out[i] = ${UNARY_WGSL[op]};
}`;
}

/**
 * Binary kernel with broadcasting. Bindings: a, b, out, params
 * [size, rank, shape[rank], aStrides[rank], bStrides[rank]] (strides 0 on
 * broadcast axes).
 */
export function binaryWgsl(op: BinaryOp): string {
  return `${SPECIALS}${MATH}
@group(0) @binding(0) var<storage, read> xa: array<f32>;
@group(0) @binding(1) var<storage, read> xb: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  let rank = p[1];
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = rank; d > 0u; d--) {
    let c = rest % p[1u + d];
    rest = rest / p[1u + d];
    ia += c * p[1u + rank + d];
    ib += c * p[1u + 2u * rank + d];
  }
  let a = xa[ia];
  let b = xb[ib];
  out[i] = ${BINARY_WGSL[op]};
}`;
}
