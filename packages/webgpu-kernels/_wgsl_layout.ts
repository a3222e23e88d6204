// Kernels that move elements without arithmetic: fill, permute, gather of
// rows, and the strided block copy that concatenation is made of.

import { LINEAR_INDEX, MAIN_1D } from "./_wgsl_common.ts";

/** Kernels of this file by name. */
export type LayoutKernel = "fill" | "permute" | "gatherRows" | "copyBlock";

/** WGSL of each layout kernel. */
export const LAYOUT_WGSL: { readonly [K in LayoutKernel]: string } = {
  /** Bindings: out, params [size, valueBits]. */
  fill: `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  out[i] = bitcast<f32>(p[1]);
}`,
  /** Bindings: x, out, params [size, rank, outShape[rank], inputStrideOfOutputAxis[rank]]. */
  permute: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  let rank = p[1];
  var rest = i;
  var src = 0u;
  for (var d = rank; d > 0u; d--) {
    let c = rest % p[1u + d];
    rest = rest / p[1u + d];
    src += c * p[1u + rank + d];
  }
  out[i] = x[src];
}`,
  /** Bindings: x, index (u32 rows), out, params [size, rowLength]. */
  gatherRows: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  let len = p[1];
  out[i] = x[index[i / len] * len + i % len];
}`,
  /**
   * Copies x viewed as [outer, chunk] into columns [offset, offset + chunk)
   * of out viewed as [outer, stride]. Bindings: x, out, params
   * [size, chunk, stride, offset].
   */
  copyBlock: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= p[0]) { return; }
  let chunk = p[1];
  out[(i / chunk) * p[2] + p[3] + i % chunk] = x[i];
}`,
};
