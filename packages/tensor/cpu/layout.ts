// The CPU's kernels that move elements without arithmetic: permute (transpose), row gather
// (slicing, shuffled mini-batches) and concat.

import type { TypedArray } from "../dtype.ts";
import { stridesOf } from "../_shape.ts";

/** `out` = `x` of `shape` with its axes reordered by `perm` (C order). */
export function permuteKernel(
  x: TypedArray,
  shape: readonly number[],
  perm: readonly number[],
  out: TypedArray,
): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]); // input stride of each output axis
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      src += strides[d];
      if (counter[d] < outShape[d]) break;
      src -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
}

/** `out[r] = x[index[r]]` for rows of `rowLength` elements. */
export function gatherRowsKernel(
  x: TypedArray,
  index: readonly number[],
  rowLength: number,
  out: TypedArray,
): void {
  for (let r = 0; r < index.length; r++) {
    const start = index[r] * rowLength;
    out.set(x.subarray(start, start + rowLength), r * rowLength);
  }
}

/** Concatenates `parts` viewed as [outer, chunks[i]] along their second axis into `out`. */
export function concatKernel(
  parts: readonly TypedArray[],
  outer: number,
  chunks: readonly number[],
  out: TypedArray,
): void {
  for (let o = 0, dst = 0; o < outer; o++) {
    for (let p = 0; p < parts.length; p++) {
      const c = chunks[p];
      out.set(parts[p].subarray(o * c, o * c + c), dst);
      dst += c;
    }
  }
}
