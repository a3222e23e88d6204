// The CPU's elementwise functions of one argument: one loop per operation, the arithmetic
// written inline. A loop that called a per-element function from a table would be a
// megamorphic call V8 cannot inline (about 10 ns an element, 15× the loop's own cost), so
// each entry is the whole loop. The table's type lists every `UnaryOp`: adding an operation
// to the Backend without its loop here is a compile error.

import type { UnaryOp } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";

/** `out[i] = f(src[i])` for `i < n`. */
type UnaryLoop = (src: TypedArray, out: TypedArray, n: number) => void;

/** The TypeScript kernel of every unary operation (float32 is computed in float64 and rounded once). */
export const UNARY: { readonly [K in UnaryOp]: UnaryLoop } = {
  neg: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -src[i];
  },
  abs: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(src[i]);
  },
  sign: (src, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i] = v > 0 ? 1 : v < 0 ? -1 : v; // ±0 and NaN stay as they are
    }
  },
  square: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = src[i] * src[i];
  },
  sqrt: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(src[i]);
  },
  reciprocal: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / src[i];
  },
  exp: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]);
  },
  log: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(src[i]);
  },
  tanh: (src, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(src[i]);
  },
  // Split by sign so exp never overflows: 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) below.
  sigmoid: (src, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v >= 0) {
        out[i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  relu: (src, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i] = v > 0 ? v : v === v ? 0 : v; // NaN stays NaN, −0 becomes 0
    }
  },
};
