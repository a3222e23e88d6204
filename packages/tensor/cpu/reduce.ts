// The CPU's reductions along one axis of a tensor viewed as [outer, length, inner].

import type { ReduceOp } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";
import { smallColumnSums } from "../wasm/small_dense.ts";
import { useWasm } from "./kernel_choice.ts";

/**
 * `out[o, i] = op over r of x[o, r, i]`; max/min/argmax/argmin: a NaN wins, as in
 * PyTorch, and ties keep the first index.
 */
export function reduceKernel(
  op: ReduceOp,
  x: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
): void {
  if (op === "sum" && inner > 1) return sumRows(x, outer, len, inner, out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc: number;
      if (op === "sum") {
        acc = 0;
        for (let r = 0; r < len; r++) acc += x[base + r * inner];
      } else {
        // max/min/argmax/argmin: a NaN wins, as in PyTorch; ties keep the first index.
        const wantMax = op === "max" || op === "argmax";
        let best = x[base], at = 0;
        for (let r = 1; r < len && best === best; r++) {
          const v = x[base + r * inner];
          if (v !== v || (wantMax ? v > best : v < best)) best = v, at = r;
        }
        acc = op === "max" || op === "min" ? best : at;
      }
      out[o * inner + i] = acc;
    }
  }
}

/** Running sums of one outer slice's columns, in float64 (float32 sums round once, at the end). */
let sums = new Float64Array(64);

/**
 * The sum over the middle axis when it is not the last (a dense layer's bias gradient:
 * [1, rows, features]): row after row, each column's sum adding its elements in the same
 * order as one column at a time would, so the same bits, but reading x in order with
 * `inner` independent sums instead of one chain of dependent adds down each strided column.
 */
function sumRows(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
  // float64: the small product's module has this loop (the bias gradient of its dense
  // backward), the same additions in the same order (5,000 elements: about 0.7 instead of
  // 2.8 µs). It is gated as a product is.
  if (
    x instanceof Float64Array && out instanceof Float64Array && useWasm("matmul", len * inner)
  ) {
    let o = 0;
    while (o < outer && smallColumnSums(x, o * len * inner, len, inner, out, o * inner)) o++;
    if (o === outer) return;
  }
  if (sums.length < inner) sums = new Float64Array(inner);
  const acc = sums;
  for (let o = 0; o < outer; o++) {
    acc.fill(0, 0, inner);
    // Four rows a visit to each sum: the same additions in the same order, a quarter of the
    // loads and stores of the sums.
    let r = 0, at = o * len * inner;
    for (; r + 4 <= len; r += 4, at += 4 * inner) {
      for (let i = 0, j = at; i < inner; i++, j++) {
        acc[i] = acc[i] + x[j] + x[j + inner] + x[j + 2 * inner] + x[j + 3 * inner];
      }
    }
    for (; r < len; r++, at += inner) {
      for (let i = 0; i < inner; i++) acc[i] += x[at + i];
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i];
  }
}
