// The CPU's row-wise normalisations along the middle axis of [outer, length, inner],
// numerically stable (the row maximum is subtracted first).

import type { SoftmaxOp } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";

/** One row's exponentials, reused by every softmax call (grown when a row is longer). */
let softmaxScratch = new Float64Array(64);

/** Softmax or log-softmax of every row of `x` into `out`. */
export function softmaxKernel(
  op: SoftmaxOp,
  x: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
): void {
  if (softmaxScratch.length < len) softmaxScratch = new Float64Array(len);
  const exps = softmaxScratch; // e^(x − max) of one row, computed once, kept in float64
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let r = 0; r < len; r++) max = Math.max(max, x[base + r * inner]);
      // A row of all -inf has no finite maximum: shift by 0 so the result is NaN, as in PyTorch.
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let r = 0; r < len; r++) sum += exps[r] = Math.exp(x[base + r * inner] - max);
      if (op === "softmax") {
        for (let r = 0; r < len; r++) out[base + r * inner] = exps[r] / sum;
      } else {
        const logSum = Math.log(sum);
        for (let r = 0; r < len; r++) out[base + r * inner] = x[base + r * inner] - max - logSum;
      }
    }
  }
}

/**
 * Softmax's backward into `out`: `y ⊙ (g − Σ g ⊙ y)` along the middle axis of
 * [outer, len, inner], each step rounded as the composed operations round it (a float32
 * product, a float64 sum of the rounded products rounded once, a float32 difference, a
 * float32 product), so the values are theirs, bit for bit.
 */
export function softmaxBackwardKernel(
  g: TypedArray,
  y: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
  float32: boolean,
): void {
  // One loop per dtype, calling nothing per element in float64 (a rounding function passed
  // around for both dtypes is a call per element).
  const f = Math.fround;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i, end = base + len * inner;
      let acc = 0;
      if (float32) {
        for (let at = base; at < end; at += inner) acc += f(g[at] * y[at]);
        const dot = f(acc);
        for (let at = base; at < end; at += inner) out[at] = y[at] * f(g[at] - dot);
      } else {
        for (let at = base; at < end; at += inner) acc += g[at] * y[at];
        for (let at = base; at < end; at += inner) out[at] = y[at] * (g[at] - acc);
      }
    }
  }
}
